// Accessibility: axe-core (npm, scripts/package.json) checks the built page on every lesson,
// in both languages, with each tab of the views open, and with a file loaded and a broken
// one refused. No serious or critical violation may be found; lesser ones are printed.
// Canvas charts are outside what axe can judge.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, server, startForTests } from './harness.mjs';

const require = createRequire(new URL('../../scripts/package.json', import.meta.url));
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

startForTests();

/** Runs axe on the page; returns its violations as `impact id: help (where)` lines. */
async function check(page, where) {
  // Injected through the test driver, not the page: the page's policy allows only its own
  // scripts.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return violations.map((v) => ({
    impact: v.impact,
    line: `${where}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`,
  }));
}

test('no serious or critical accessibility violation on any lesson, tab or language, nor around files', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(server.url);
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0);
  const lessons = await page.$$eval('#lesson option', (o) => o.map((x) => x.value).filter((v) => v));
  assert.ok(lessons.length >= 10, `${lessons.length} lessons`);
  const found = [];
  let checks = 0;
  for (const lang of ['en', 'zh-CN']) {
    await page.selectOption('#lang', lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    for (const key of lessons) {
      const run = await page.evaluate(() => document.querySelector('#stats').dataset.run);
      await page.selectOption('#lesson', key);
      await page.waitForFunction((r) => document.querySelector('#stats').dataset.run !== r, run);
      // One step: the trace views, scores and step-through are filled in.
      await page.click('#step');
      await page.waitForFunction(() => Number(document.querySelector('#stats').dataset.steps) >= 1, null, { timeout: 60000 });
      for (const tab of ['flow', 'equations', 'compare']) {
        await page.click(`#tab-${tab}`);
        found.push(...await check(page, `${lang} ${key} ${tab}`));
        checks++;
      }
    }
    // A file loaded (the data panel's controls and preview), then a broken one refused.
    await page.getByRole('button', { name: lang === 'en' ? 'stock-like OHLCV' : /OHLCV/ }).click();
    await page.locator('#csv-details').waitFor();
    await page.setInputFiles('#csv-file', { name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y\n1,2\n3\n') });
    await page.locator('#csv-error').waitFor();
    found.push(...await check(page, `${lang} csv`));
    checks++;
  }
  const grave = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const lesser = [...new Set(found.filter((v) => !grave.includes(v)).map((v) => v.line))];
  console.log(`${checks} axe checks: ${grave.length} serious or critical, ${lesser.length} lesser`);
  for (const l of lesser) console.log(`  ${l}`);
  assert.deepEqual(grave.map((v) => v.line), []);
  await page.close();
});

test('the projector theme, the tour with a question answered and revealed, a "?" open and the teachers\' panel: no serious or critical violation', { timeout: 300_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(server.url);
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0);
  const lessons = await page.$$eval('#lesson option', (o) => o.map((x) => x.value).filter((v) => v));
  const found = [];
  let checks = 0;
  for (const lang of ['en', 'zh-CN']) {
    await page.selectOption('#lang', lang);
    for (const theme of ['standard', 'projector']) {
      if ((await page.getAttribute('html', 'data-theme') ?? 'standard') !== theme) await page.click('#theme');
      for (const key of lessons) {
        await page.selectOption('#lesson', key);
        await page.waitForFunction((l) => document.querySelector('#tour')?.dataset.lesson === l, key);
        found.push(...await check(page, `${lang} ${theme} ${key} tour`));
        checks++;
      }
    }
    // A question answered and revealed, a help text open, the teachers' panel open.
    await page.selectOption('#lesson', 'notes_example');
    await page.waitForFunction(() => document.querySelector('#tour')?.dataset.lesson === 'notes_example');
    await page.click('#tour-choice-0');
    await page.click('#step');
    await page.waitForSelector('#tour-verdict');
    await page.click('#help-prediction');
    await page.click('#classroom-panel summary');
    found.push(...await check(page, `${lang} projector reveal, help, classroom panel`));
    checks++;
    await page.keyboard.press('Escape');
    await page.click('#classroom-panel summary');
  }
  const grave = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const lesser = [...new Set(found.filter((v) => !grave.includes(v)).map((v) => v.line))];
  console.log(`${checks} axe checks (themes, tour): ${grave.length} serious or critical, ${lesser.length} lesser`);
  for (const l of lesser) console.log(`  ${l}`);
  assert.deepEqual(grave.map((v) => v.line), []);
  await page.close();
});

test('a keyboard alone reaches every control, each shows where focus is, and walks a tour step', { timeout: 120_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(server.url);
  await page.waitForSelector('#tour');
  await page.click('#step');
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.steps) > 0);
  // Every control a pointer could use now: shown, enabled, and focusable.
  const controls = await page.evaluate(() => {
    const all = [...document.querySelectorAll('button, select, input, textarea, summary, a[href], [tabindex]')];
    // checkVisibility: not inside a closed <details>, display: none or visibility: hidden.
    return all.filter((el) => !el.disabled && el.tabIndex >= 0
        && el.checkVisibility({ visibilityProperty: true }))
      .map((el, i) => { el.dataset.kbd = String(i); return i; }).length;
  });
  assert.ok(controls > 30, `${controls} controls`);
  // Tab through the page once round, noting each control reached and whether its focus shows.
  const reached = new Set();
  const unmarked = [];
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < 3 * controls; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      // A visually hidden file input shows its focus on its label.
      const shown = el.matches('input[type=file]') ? el.nextElementSibling ?? el : el;
      const s = getComputedStyle(shown);
      return { kbd: el.dataset.kbd ?? null, what: el.id || el.outerHTML.slice(0, 60),
        marked: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
    });
    if (!at) continue;
    if (at.kbd !== null && reached.has(at.kbd)) break;
    if (at.kbd !== null) reached.add(at.kbd);
    if (!at.marked) unmarked.push(at.what);
  }
  const missed = await page.evaluate((seen) => [...document.querySelectorAll('[data-kbd]')]
    .filter((el) => !seen.includes(el.dataset.kbd)).map((el) => el.id || el.outerHTML.slice(0, 80)), [...reached]);
  assert.deepEqual(missed, [], 'controls Tab never reaches');
  assert.deepEqual(unmarked, [], 'controls whose focus does not show');
  // The tour by keyboard: Tab to Next, Enter moves to the question, a choice by Space.
  const step = await page.getAttribute('#tour', 'data-step');
  await page.focus('#tour-next');
  await page.keyboard.press('Enter');
  await page.waitForFunction((s) => document.querySelector('#tour')?.dataset.step !== s, step);
  await page.focus('#tour-choice-0');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('#tour-choice-0')?.getAttribute('aria-pressed') === 'true'
    || document.querySelector('#tour-choice-0')?.classList.contains('chosen'));
  await page.close();
});
