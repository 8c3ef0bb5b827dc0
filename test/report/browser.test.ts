/**
 * The HTML report in a real browser (Debian's Chromium through playwright-core): every
 * chart renders to SVG, without console errors, from a file opened offline.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { capsim } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';

describe.runIf(existsSync(CHROMIUM))('the HTML report in Chromium', () => {
  test('renders every chart offline with no console errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsim-report-'));
    const r = await capsim('run', '--seeds', '3', '--set', 'horizon=6h', '--out', dir, '--workers', '1');
    expect(r.code).toBe(0);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      // Nothing outside the file may load: the report must work offline.
      const requests: string[] = [];
      page.on('request', (req) => {
        if (!req.url().startsWith('file://')) requests.push(req.url());
      });
      await page.goto(`file://${join(dir, 'report.html')}`);
      await page.evaluate(() => (window as unknown as { capsimRendered: Promise<unknown> }).capsimRendered.then(() => true));
      expect(await page.locator('.chart').count()).toBe(4);
      expect(await page.locator('.chart svg').count()).toBe(4);
      expect(await page.locator('.decision').innerText()).toContain('Recommended: gpt-4o-mini');
      expect(await page.locator('table tbody tr').count()).toBe(4);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
