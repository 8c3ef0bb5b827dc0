#!/usr/bin/env node
/** The `capsim` executable: runs the CLI and exits with its code. */
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (a no-op on Node 20, which lacks it).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { runCli } = await import('./program.js');

process.exitCode = await runCli(process.argv.slice(2));
