// Page-level tests of the built app (dist/) in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, screenshot, canvasStats } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await serveDist();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const CHART = '#signal-chart';

async function waitForInk(page) {
  await page.waitForSelector(CHART);
  await page.waitForFunction((sel) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) if (d[i] !== 255 || d[i + 1] !== 255 || d[i + 2] !== 255) return true;
    return false;
  }, CHART);
}

test('page loads, draws the sine, and redraws when the frequency changes', async () => {
  const { page, log } = await openPage(browser, server.url);
  await page.getByRole('heading', { name: 'RNN Lab' }).waitFor();
  await waitForInk(page);
  const first = await canvasStats(page, CHART);
  assert.ok(first.ink > first.total * 0.01, `too little drawn: ${first.ink} of ${first.total}`);
  assert.ok(first.ink < first.total * 0.6, `canvas looks filled, not drawn: ${first.ink}`);
  await screenshot(page, 'foundation-initial');

  // A user drags the frequency slider: keyboard on a focused range input fires input events.
  await page.focus('#frequency');
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  await page.locator('label[for=frequency] output').filter({ hasText: '3.0' }).waitFor();
  await page.waitForFunction(
    ([sel, h]) => {
      const c = document.querySelector(sel);
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let hash = 2166136261;
      for (let i = 0; i < d.length; i += 4) hash = Math.imul(hash ^ (d[i] + 3 * d[i + 1] + 7 * d[i + 2]), 16777619) >>> 0;
      return hash !== h;
    },
    [CHART, first.hash],
  );
  const second = await canvasStats(page, CHART);
  assert.notEqual(second.hash, first.hash, 'chart did not change');
  assert.ok(second.ink > first.ink, 'a higher frequency draws more line');
  await screenshot(page, 'foundation-frequency-3');

  assert.deepEqual(log.errors, [], 'console errors');
  const foreign = log.requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'the page must make no requests beyond its own files');
  await page.close();
});

test('a wasm panic is shown in the page, not swallowed', async () => {
  const { page, log } = await openPage(browser, server.url);
  await waitForInk(page);
  const banner = page.locator('#panic-banner');
  assert.equal(await banner.isVisible(), false, 'banner hidden before any panic');
  await page.evaluate(() => {
    try { window.wasmBindings.rnnLabSelfTestPanic(); } catch (_) { /* the abort surfaces as a trap */ }
  });
  await banner.waitFor({ state: 'visible' });
  const text = await banner.textContent();
  assert.match(text, /internal error/);
  assert.match(text, /self-test panic requested/);
  assert.ok(log.errors.some((e) => e.includes('self-test panic')), 'panic logged to the console');
  await screenshot(page, 'foundation-panic');
  await page.close();
});
