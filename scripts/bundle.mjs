/**
 * Bundles the built CLI (dist/src/cli/main.js) and the Monte Carlo worker into dist/cli/:
 * a few files instead of the ~150 modules tsc emits, so `capsim` starts without resolving,
 * reading and linking each of them (issue 17: start-up). Code a command loads lazily stays
 * in chunks of its own (the report's vega libraries, the study commands), loaded when used.
 * tinypool stays outside: its workers start from its own entry file.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * yaml as ES modules. Under Node its package gives the CommonJS build, which a bundle
 * carries whole (253 KB) and evaluates module by module; its ES module build (the same
 * code, which the package gives everywhere else) bundles to what capsim calls and starts
 * ~5 ms sooner (issue 17: start-up). The one difference: a YAML warning is written with
 * console.warn rather than process.emitWarning. The library (dist/src) imports yaml as
 * usual.
 */
const yamlAsModules = {
  name: 'capsim-yaml-as-modules',
  setup(build) {
    const file = fileURLToPath(new URL('../node_modules/yaml/browser/index.js', import.meta.url));
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: file }));
  },
};

// Chunk names carry a hash of their content: clear the folder so old chunks do not pile up.
rmSync('dist/cli', { recursive: true, force: true });

await build({
  entryPoints: ['dist/src/cli/main.js', 'dist/src/experiment/worker.js'],
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  external: ['tinypool'],
  // CommonJS packages bundled into ES modules still call require() for Node's built-ins.
  banner: { js: "import { createRequire as capsimCreateRequire } from 'node:module'; const require = capsimCreateRequire(import.meta.url);" },
  plugins: [yamlAsModules],
  logLevel: 'warning',
});
