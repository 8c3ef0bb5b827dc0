/**
 * Bundles the built CLI (dist/src/cli/main.js) and the Monte Carlo worker into dist/cli/:
 * a few files instead of the ~150 modules tsc emits, so `capsim` starts without resolving,
 * reading and linking each of them (issue 17: start-up). Code a command loads lazily stays
 * in chunks of its own (the report's vega libraries, the study commands), loaded when used.
 * tinypool stays outside: its workers start from its own entry file.
 */
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

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
  logLevel: 'warning',
});
