// Offline: after its first load the page keeps its files (www/sw.js, a service worker whose
// list of files scripts/offline.mjs writes at build time) and works with no network.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, browser, openPage, server, startForTests } from './harness.mjs';

startForTests();

/** Every file of the build but the service worker itself. */
function built(dir = DIST) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? built(p) : name === 'sw.js' ? [] : [p];
  });
}

test('after its first load the page works offline: a reload opens it, it trains, a sample loads', async () => {
  const { page, log } = await openPage(browser, server.url);
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0);
  // The service worker is active and has kept every file of the build (and the page's
  // address itself).
  await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready).active);
  const expected = built().length + 1;
  await page.waitForFunction(async (n) => {
    const keys = (await caches.keys()).filter((k) => k.startsWith('rnn-lab-'));
    return keys.length === 1 && (await (await caches.open(keys[0])).keys()).length >= n;
  }, expected);

  await page.context().setOffline(true);
  await page.reload();
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0);
  await page.click('#step');
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.steps) > 0);
  await page.getByRole('button', { name: 'stock-like OHLCV' }).click();
  await page.waitForFunction(() => document.querySelector('#csv-name')?.textContent === 'stock_like_synthetic.csv');
  assert.equal(await page.$('#csv-error'), null, 'the sample loaded from the cache');
  assert.deepEqual(log.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await page.context().setOffline(false);
  await page.close();
});
