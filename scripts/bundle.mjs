/**
 * Bundles the built CLI (dist/src/cli/main.js) and the Monte Carlo worker into dist/cli/:
 * a few files instead of the ~150 modules tsc emits, so `capsim` starts without resolving,
 * reading and linking each of them (issue 17: start-up). Code a command loads lazily stays
 * in chunks of its own (the report's vega libraries, the study commands), loaded when used.
 * tinypool stays outside: its workers start from its own entry file.
 */
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
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

/**
 * capsim's own imports of Node's built-ins as `require` calls. An ES module import of a
 * built-in makes a module of all its exports, and reading them all runs node:fs's lazy
 * getters: `fs.promises` and `fs.ReadStream` load Node's stream, readline and file-handle
 * modules, which `run` never uses (2–3 ms of start-up under Node 24, 2 under Node 20,
 * measured alone). tsc writes each such import on one line, `import { a, b as c } from
 * 'node:x';`; anything else is left as it is.
 */
const builtinsAsRequire = {
  name: 'capsim-builtins-as-require',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const contents = source.replace(/^import \{([^}]*)\} from '(node:(?:fs|path|url|os))';$/gm, (_, names, id) => `const {${names.replace(/ as /g, ': ')}} = capsimRequire('${id}');`);
      return { contents, loader: 'js' };
    });
  },
};

/**
 * capsim's own modules have no side effects when imported (they declare; nothing runs
 * until called, and none is imported for its effects alone), which esbuild cannot know of
 * files without a package.json that says so. Told, it leaves out what a folder's index
 * re-exports and the importer does not use: a worker thread's code no longer carries the
 * scenario grammar (zod and yaml, ~470 KB) because `src/workload/` imports an error class
 * and a constant from `src/scenario/index.ts` (issue 17: start-up).
 */
const ownModulesWithoutSideEffects = {
  name: 'capsim-own-modules-without-side-effects',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, ({ path, importer, kind }) => {
      if (kind === 'entry-point' || !/[\\/]dist[\\/]src[\\/]/.test(importer)) return undefined;
      return { path: resolve(dirname(importer), path), sideEffects: false };
    });
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
  // (capsimRequire: the name builtinsAsRequire uses, which no module of capsim's redefines.)
  banner: { js: "import { createRequire as capsimCreateRequire } from 'node:module'; const capsimRequire = capsimCreateRequire(import.meta.url); const require = capsimRequire;" },
  plugins: [yamlAsModules, builtinsAsRequire, ownModulesWithoutSideEffects],
  logLevel: 'warning',
});
