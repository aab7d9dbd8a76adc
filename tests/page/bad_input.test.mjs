// Bad input, fed to the built page as a learner would: every broken file in tests/data/bad
// (plus generated ones too large to commit: 100,000 columns, a 50 MB cell) and absurd links.
// Each time: a clear message in the page's language, the data and run from before kept, no
// panic banner, and the page still answers a click within a second. The page's own
// Content-Security-Policy is checked here too: it is in place, and nothing violates it.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, browser, openPage, screenshot, server, startForTests } from './harness.mjs';

startForTests();

const CJK = /[\u4e00-\u9fff]/;

const steps = (page) => page.evaluate(() => Number(document.querySelector('#stats').dataset.steps));

/** Records Content-Security-Policy violations in the page from its first script on. */
async function watchPolicy(page) {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

/** The page answers a click within a second: Step shows the run busy (a long step, as in
 * lesson 9, takes longer) or one more step trained. */
async function answersAClick(page, what) {
  const before = await steps(page);
  const start = Date.now();
  await page.click('#step');
  await page.waitForFunction((n) => {
    const d = document.querySelector('#stats').dataset;
    return d.busy === 'true' || Number(d.steps) > n;
  }, before, { timeout: 1000 })
    .catch(() => { throw new Error(`${what}: no answer to a click within a second`); });
  const ms = Date.now() - start;
  // Settled before the next input (one step: quick, or one long step of lesson 9).
  await page.waitForFunction((n) => Number(document.querySelector('#stats').dataset.steps) > n, before, { timeout: 60000 });
  return ms;
}

/** Broken files: those committed, and those generated here (too large to commit). */
function brokenFiles() {
  const dir = join(ROOT, 'tests', 'data', 'bad');
  const files = readdirSync(dir).sort().map((name) => ({ name, buffer: readFileSync(join(dir, name)) }));
  const wide = Array.from({ length: 100000 }, (_, k) => `c${k}`).join(',');
  const ones = Array(100000).fill('1').join(',');
  files.push({ name: 'hundred_thousand_columns.csv', buffer: Buffer.from(`${wide}\n${ones}\n${ones}\n`) });
  // Playwright takes files over 50 MB from disk only.
  const big = join(mkdtempSync(join(tmpdir(), 'rnn-lab-')), 'fifty_mb_cell.csv');
  // Below the first thousand rows (which decide the column kinds): text in a numeric column.
  const rows = Array.from({ length: 1100 }, (_, i) => `${i},${i % 7}`).join('\n');
  writeFileSync(big, `t,y\n${rows}\n1100,"${'A'.repeat(50 * 1024 * 1024)}"\n1101,3\n`);
  files.push({ name: 'fifty_mb_cell.csv', path: big });
  return files;
}

test('broken files: each is refused with its own message in the page\'s language, and loses nothing', async () => {
  const { page, log } = await openPage(browser, server.url);
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0);
  // Data and a run to keep: the stock sample, trained a few steps.
  await page.getByRole('button', { name: 'stock-like OHLCV' }).click();
  const details = page.locator('#csv-details');
  await details.waitFor();
  await page.getByRole('button', { name: 'Train on this file' }).click();
  await page.getByText('Training on your CSV').first().waitFor();
  for (let i = 0; i < 3; i++) await answersAClick(page, 'the stock run');
  const kept = await details.textContent();
  const files = brokenFiles();
  assert.ok(files.length >= 25, `${files.length} broken files`);
  const slowest = { ms: 0, name: '' };
  for (const [i, f] of files.entries()) {
    // The first half in English, the rest in Chinese.
    if (i === Math.floor(files.length / 2)) {
      await page.selectOption('#lang', 'zh-CN');
      await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    }
    const zh = i >= Math.floor(files.length / 2);
    const stepsBefore = await steps(page);
    await page.setInputFiles('#csv-file', f.path ?? { name: f.name, mimeType: 'text/csv', buffer: f.buffer });
    const err = page.locator('#csv-error');
    await page.waitForFunction((name) => document.querySelector('#csv-error')?.textContent.includes(name), f.name, { timeout: 60000 });
    const said = await err.textContent();
    assert.ok(said.length < 500, `${f.name}: a message of ${said.length} characters`);
    if (zh) assert.match(said, CJK, `${f.name}: in Chinese: ${said}`);
    else assert.doesNotMatch(said, CJK, `${f.name}: in English: ${said}`);
    assert.equal(await page.textContent('#csv-name'), 'stock_like_synthetic.csv', `${f.name}: the loaded file stays`);
    assert.equal(await details.isVisible(), true, `${f.name}: the loaded data stays`);
    if (!zh) assert.equal(await details.textContent(), kept, `${f.name}: the same data`);
    assert.equal(await steps(page), stepsBefore, `${f.name}: the run is untouched`);
    assert.equal(await page.locator('#panic-banner').isVisible(), false, `${f.name}: no panic`);
    const ms = await answersAClick(page, f.name);
    if (ms > slowest.ms) Object.assign(slowest, { ms, name: f.name });
    if (f.name === 'alternating_9e307.csv') await screenshot(page, 'bad-file-out-of-range');
    if (f.name === 'hundred_thousand_columns.csv') await screenshot(page, 'bad-file-too-many-columns-zh');
  }
  console.log(`${files.length} broken files refused; slowest answer to a click afterwards: ${slowest.ms} ms (${slowest.name})`);
  assert.deepEqual(log.errors, [], 'console errors');
  await page.close();
});

/** A link's text from the lesson's defaults with `edit` applied to its settings. */
function link(edit, lesson = 'sine_next_value') {
  const settings = {
    cell: { cell: 'lstm', variant: 'standard' }, hidden_size: 32, learning_rate: 0.01, scaling: 'none',
    clip: { kind: 'off' }, optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 }, seed: 1,
    schedule: { reduce_lr_on_plateau: false, early_stopping: false },
    shape: { layers: 1, bidirectional: false, dropout: 0.0, init: 'py_torch', batch_size: null },
  };
  edit(settings);
  return encodeURIComponent(JSON.stringify({ lesson, settings, lang: 'en' }));
}

const ABSURD_LINKS = [
  ['not JSON', 'garbage'],
  ['broken percent-encoding', '%E0%A4%A'],
  ['an unknown lesson', encodeURIComponent('{"lesson":"nope"}')],
  ['a 1.5 MB lesson name', encodeURIComponent(`{"lesson":"${'x'.repeat(1_500_000)}"}`)],
  ['hidden 0', link((s) => { s.hidden_size = 0; })],
  ['hidden 100000', link((s) => { s.hidden_size = 100000; })],
  ['99 layers', link((s) => { s.shape.layers = 99; })],
  ['dropout 1.5', link((s) => { s.shape.dropout = 1.5; })],
  ['batch 0', link((s) => { s.shape.batch_size = 0; })],
  ['batch a million', link((s) => { s.shape.batch_size = 1000000; })],
  ['learning rate 5e-324', link((s) => { s.learning_rate = 5e-324; })],
  ['learning rate 1e308', link((s) => { s.learning_rate = 1e308; })],
  ['Adam beta1 = 1', link((s) => { s.optimizer.beta1 = 1; })],
  ['Adam beta2 = 2', link((s) => { s.optimizer.beta2 = 2; })],
  ['momentum 1e308', link((s) => { s.optimizer = { kind: 'sgd', momentum: 1e308, nesterov: false }; })],
  ['RMSprop alpha 2, eps 0', link((s) => { s.optimizer = { kind: 'rms_prop', alpha: 2, eps: 0 }; })],
  ['clipping at -1', link((s) => { s.clip = { kind: 'norm', threshold: -1 }; })],
  ['a negative seed', link((s) => { s.seed = -1; })],
  ['a run over the memory budget', link((s) => {
    s.hidden_size = 128; s.shape.layers = 4; s.shape.bidirectional = true; s.shape.batch_size = 1024;
  }, 'long_sequences')],
];

test('absurd links: each says what is wrong and opens a lesson that trains', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  assert.ok(ABSURD_LINKS.length >= 15);
  for (const [what, hash] of ABSURD_LINKS) {
    await page.goto('about:blank');
    await page.goto(`${server.url}#${hash}`);
    await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0, null, { timeout: 30000 });
    const banners = await page.locator('.banner').allTextContents();
    const said = banners.join(' | ');
    assert.match(said, /could not be used|could not be set up/, `${what}: ${said}`);
    assert.ok(said.length < 600, `${what}: a message of ${said.length} characters`);
    assert.equal(await page.locator('#panic-banner').isVisible(), false, `${what}: no panic`);
    await answersAClick(page, what);
  }
  await screenshot(page, 'bad-link-memory');
  // In Chinese: the page's language (remembered) words the message.
  await page.selectOption('#lang', 'zh-CN');
  // Switched (after its words came) and remembered.
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await page.goto('about:blank');
  await page.goto(`${server.url}#${ABSURD_LINKS[12][1]}`);
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0);
  const zh = (await page.locator('.banner').allTextContents()).join(' ');
  assert.match(zh, CJK, zh);
  assert.match(zh, /beta/, zh);
  await screenshot(page, 'bad-link-zh');
  assert.deepEqual(errors, [], 'console errors');
  await context.close();
});

test('settings that were training when the page stopped are not reopened by a reload: the last that trained are, and the page says so', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0);
  // Hidden 16 trains a step: remembered as working.
  await page.fill('#hidden', '16');
  await page.locator('#hidden').press('Tab');
  await page.getByText(/Hidden size changed to 16/).waitFor();
  await page.waitForFunction(() => document.querySelector('#stats').dataset.steps === '0');
  await answersAClick(page, 'hidden 16');
  assert.match(await page.evaluate(() => localStorage.getItem('rnn-lab/run')), /"hidden_size":16/);
  // Hidden 100: Play pressed, and the page "dies" before a step trains (as a tab that runs
  // out of memory would): what the browser kept then is what a reload finds.
  await page.fill('#hidden', '100');
  await page.locator('#hidden').press('Tab');
  await page.getByText(/Hidden size changed to 100/).waitFor();
  const dying = await page.evaluate(() => decodeURIComponent(location.hash.slice(1)));
  assert.match(dying, /"hidden_size":100/);
  await page.evaluate((link) => localStorage.setItem('rnn-lab/trying', link), dying);
  await page.reload();
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0);
  await page.getByText(/stopped last time while a run of .* was starting to train/).waitFor();
  assert.equal(await page.inputValue('#hidden'), '16', 'the last settings that trained');
  await screenshot(page, 'stopped-while-trying');
  // Pressing Play on what the controls show marks it as being tried; once it trains a step
  // it is what the page opens on.
  await answersAClick(page, 'after the reload');
  assert.equal(await page.evaluate(() => localStorage.getItem('rnn-lab/trying')), null);
  await context.close();
});

test('the page runs under its Content-Security-Policy: only its own files, no violation', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await watchPolicy(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.url);
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0);
  const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(policy, /default-src 'self'/);
  assert.match(policy, /connect-src 'self'/);
  // Train, load a sample (fetch) and export a chart (data URL): everything the page does.
  await page.click('#play');
  await page.waitForFunction(() => Number(document.querySelector('#stats').dataset.steps) > 20);
  await page.click('#play');
  await page.getByRole('button', { name: 'stock-like OHLCV' }).click();
  await page.locator('#csv-details').waitFor();
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no policy violation');
  // The policy is enforced: a connection elsewhere is refused.
  const refused = await page.evaluate(() => fetch('http://example.invalid/').then(() => 'fetched', () => 'refused'));
  assert.equal(refused, 'refused');
  assert.ok((await page.evaluate(() => window.__violations)).some((v) => v.startsWith('connect-src')));
  const foreign = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(foreign, [], 'only the page\'s own files');
  await context.close();
});
