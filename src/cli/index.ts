/**
 * cli/ — the `capsim` command. `program.ts` defines the commands and maps errors to exit
 * codes; `run-table.ts` renders the terminal answer; `io.ts` is where it reads and writes.
 */
export { runCli, loadScenario, EXIT_OK, EXIT_RUN_FAILED, EXIT_BAD_INPUT } from './program.js';
export type { CliIo } from './io.js';
