#!/usr/bin/env node
/** The `capsim` executable: runs the CLI and exits with its code. */
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (a no-op on Node 20, which lacks it).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // What commander prints for these, without loading commander and the command table
  // (a quarter of this command's time over bare Node's start).
  const { capsimVersion } = await import('../experiment/version.js');
  process.stdout.write(`${capsimVersion()}\n`);
} else {
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(args);
}
