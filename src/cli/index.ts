/**
 * cli/ — the `capsim` command. `program.ts` defines the commands and maps errors to exit
 * codes; `run-table.ts` renders the terminal answer; `io.ts` is where it reads and writes.
 */
export { runCli, EXIT_OK, EXIT_RUN_FAILED, EXIT_BAD_INPUT } from './program.js';
export { loadScenario } from './commands.js';
export type { CliIo } from './io.js';
