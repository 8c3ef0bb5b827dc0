/**
 * The package as users get it: `npm pack`, installed in an empty folder, runs `npx capsim`
 * and the README's library example. Needs the build (npm test builds first) and the npm
 * registry for the dependencies; without them it says so and skips.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const BUILT = existsSync(join(process.cwd(), 'dist', 'src', 'index.js'));

test.runIf(BUILT)('npm pack installs in an empty folder; npx capsim and the README example run', { timeout: 300_000 }, (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'capsim-pack-'));
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop()!;
  const app = join(dir, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const install = spawnSync('npm', ['install', join(dir, packed), '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, encoding: 'utf8' });
  if (install.status !== 0 && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(install.stderr)) {
    ctx.skip();
    return;
  }
  expect(install.stderr).toBe('');
  expect(install.status).toBe(0);
  const version = spawnSync('npx', ['capsim', '--version'], { cwd: app, encoding: 'utf8' });
  expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  const run = spawnSync('npx', ['capsim', 'run', '--seeds', '1', '--set', 'horizon=1h', '--json', '--workers', '1'], { cwd: app, encoding: 'utf8' });
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout).plans.length).toBeGreaterThan(1);
  // The README's example, as written there.
  const readme = readFileSync('README.md', 'utf8');
  const example = readme.slice(readme.indexOf('## As a library')).match(/```js\n([\s\S]*?)```/)![1]!;
  writeFileSync(join(app, 'example.mjs'), example);
  const ran = spawnSync(process.execPath, ['example.mjs'], { cwd: app, encoding: 'utf8' });
  expect(ran.stderr).toBe('');
  expect(ran.status).toBe(0);
  expect(ran.stdout).toMatch(/^recommended: \S+$/m);
  expect(existsSync(join(app, 'report.html'))).toBe(true);
  // Only the library's four functions and their companions are importable; internals are not.
  const internal = spawnSync(process.execPath, ['--input-type=module', '-e', "import('capsim/dist/src/plan/index.js').then(() => console.log('open'), (e) => console.log(e.code))"], { cwd: app, encoding: 'utf8' });
  expect(internal.stdout.trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
});
