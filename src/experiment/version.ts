/**
 * capsim's version, read once from its package.json (found by walking up from this
 * module, whether it runs from src/ in tests or from dist/src/ when built).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | undefined;

export function capsimVersion(): string {
  if (version !== undefined) return version;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'capsim' && pkg.version) return (version = pkg.version);
    }
    const parent = dirname(dir);
    if (parent === dir) return (version = 'unknown');
    dir = parent;
  }
}
