/**
 * The HTML reports in a real browser (Debian's Chromium through playwright-core): reports
 * of a run, a sweep and a commit study, opened offline from a file at 800 and 1,400 px.
 * Every chart must draw marks, with no console error, no network request and no horizontal
 * overflow; screenshots go to output/report-screenshots/. A scenario whose names are markup
 * must show as text. Without Chromium the tests are skipped, saying so; CI installs it and
 * sets CAPSIM_REQUIRE_CHROMIUM=1, so there they fail instead.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { capsim, newsvendorScenario, SMALL_SCENARIO, tempFile } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) {
  if (process.env['CAPSIM_REQUIRE_CHROMIUM']) throw new Error(`CAPSIM_REQUIRE_CHROMIUM is set, but ${CHROMIUM} is missing`);
  console.warn(`skipping the browser tests of the HTML report: ${CHROMIUM} is not installed (apt-get install chromium)`);
}
const SHOTS = join(process.cwd(), 'output', 'report-screenshots');

describe.runIf(present)('the HTML reports in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => browser?.close());

  /** Opens a report at a width, waits for the charts, and returns what a reader would see. */
  async function open(file: string, width: number, shot: string) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // Nothing outside the file may load: the report must work offline.
    page.on('request', (req) => {
      if (!req.url().startsWith('file://')) requests.push(req.url());
    });
    await page.goto(`file://${file}`);
    await page.evaluate(() => (window as unknown as { capsimRendered: Promise<unknown> }).capsimRendered.then(() => true));
    const charts = await page.locator('.chart').count();
    const withMarks = await page.evaluate(() => [...document.querySelectorAll('.chart')].filter((c) => c.querySelectorAll('svg g.role-mark > *').length > 0).length);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: join(SHOTS, `${shot}-${width}.png`), fullPage: true });
    const headline = await page.locator('.headline').innerText();
    const title = await page.locator('h1').innerText();
    await page.close();
    return { charts, withMarks, overflow, errors, requests, dialogs, headline, title };
  }

  test('a run: every chart draws, offline, without errors, fitting 800 and 1,400 px', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsim-report-'));
    const r = await capsim('run', '--seeds', '3', '--set', 'horizon=6h', '--out', dir, '--workers', '1');
    expect(r.code).toBe(0);
    for (const width of [800, 1400]) {
      const seen = await open(join(dir, 'report.html'), width, 'run');
      expect(seen.charts).toBe(14);
      expect(seen.withMarks).toBe(seen.charts);
      expect(seen.overflow).toBeLessThanOrEqual(0);
      expect(seen.errors).toEqual([]);
      expect(seen.requests).toEqual([]);
      expect(seen.headline).toMatch(/^Recommended: gpt-4o-mini\ngpt-4o-mini: \$0\.00114/);
    }
  });

  test('a sweep and a commit study: their charts draw, fitting 800 px', async () => {
    const sweep = mkdtempSync(join(tmpdir(), 'capsim-sweep-report-'));
    const file = tempFile('small.yaml', SMALL_SCENARIO);
    expect((await capsim('sweep', file, '--param', 'workload.arrivals.rate=2..4:3', '--seeds', '2', '--out', sweep, '--quiet')).code).toBe(0);
    const commit = mkdtempSync(join(tmpdir(), 'capsim-commit-report-'));
    const scenario = tempFile('commit.yaml', newsvendorScenario(6, 4));
    expect((await capsim('commit', scenario, '--plan', 'fleet', '--param', 'plans.0.backends.0.pools.reserved.gpus', '--range', '0..4', '--out', commit, '--quiet')).code).toBe(0);
    for (const [dir, name, charts] of [[sweep, 'sweep', 2], [commit, 'commit', 2]] as const) {
      const seen = await open(join(dir, 'report.html'), 800, name);
      expect(seen.charts).toBe(charts);
      expect(seen.withMarks).toBe(charts);
      expect(seen.overflow).toBeLessThanOrEqual(0);
      expect(seen.errors).toEqual([]);
      expect(seen.requests).toEqual([]);
    }
  });

  test('a scenario and a plan named as markup show as text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsim-xss-'));
    const file = tempFile('xss.yaml', SMALL_SCENARIO.replace('name: small', 'name: "<script>alert(1)</script>"').replace('name: five', `name: '"><img src=x onerror=alert(1)>'`));
    expect((await capsim('run', file, '--seeds', '2', '--out', dir, '--quiet')).code).toBe(0);
    const seen = await open(join(dir, 'report.html'), 800, 'markup-names');
    expect(seen.dialogs).toEqual([]);
    expect(seen.errors).toEqual([]);
    expect(seen.title).toBe('<script>alert(1)</script>');
  });
});
