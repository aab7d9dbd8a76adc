// The guided tour, walked as a learner would: every lesson's steps, doing what each asks
// (the highlighted control), every question answered before its run, every reveal checked
// for this run's numbers. Screenshots of a step, a reveal and the end, in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, openPage, screenshot, server, startForTests } from './harness.mjs';

startForTests();

const LESSONS = [
  'sine_next_value', 'curve_fitting', 'large_inputs', 'vanishing_gradients', 'exploding_gradients',
  'classification', 'stock_csv', 'household_load', 'long_sequences', 'notes_example', 'carried_state',
];

const tourState = (page) => page.evaluate(() => {
  const t = document.querySelector('#tour');
  if (!t) return null;
  return {
    step: Number(t.dataset.step),
    steps: Number(t.dataset.steps),
    lesson: t.dataset.lesson,
    view: document.querySelector('.tour-view')?.id ?? null,
    control: document.querySelector('.tour-control')?.id ?? null,
    question: !!t.querySelector('.tour-choices'),
    verdict: t.querySelector('#tour-verdict')?.textContent ?? null,
    measured: t.querySelector('#tour-measured')?.textContent ?? null,
  };
});

/** Does what the step's highlighted control asks. */
async function doWhatItAsks(page, control) {
  switch (control) {
    case 'play': {
      const label = await page.textContent('#play');
      // Press Play unless the run already trains (the button then says Pause).
      if (!/Pause|暂停/.test(label)) await page.click('#play');
      return;
    }
    case 'step': await page.click('#step'); return;
    case 'cell':
      await page.selectOption('#cell', await page.evaluate(() => [...document.querySelectorAll('#cell option')].find((o) => /LSTM/.test(o.value)).value));
      return;
    case 'scaling': case 'clip': {
      const v = await page.evaluate((id) => {
        const s = document.querySelector(`#${id}`);
        return [...s.options].find((o) => o.index !== s.selectedIndex).value;
      }, control);
      await page.selectOption(`#${control}`, v);
      return;
    }
    case 'compare': await page.click('#compare'); await page.click('#play'); return;
    case 'stateful': await page.check('#stateful'); return;
    case 'csv-change': await page.selectOption('#csv-change', 'change.difference'); return;
    case 'test-mode': await page.selectOption('#test-mode', 'recursive'); return;
    case 'tab-equations': await page.click('#tab-equations'); return;
    default: return; // nothing to do: the step is read
  }
}

async function walk(page, lesson, shots) {
  await page.selectOption('#lesson', lesson);
  await walkSteps(page, lesson, shots);
}

/** Walks the tour of `lesson` (a lesson's key, or a real series'), open at its first step. */
async function walkSteps(page, lesson, shots) {
  await page.waitForFunction((l) => document.querySelector('#tour')?.dataset.lesson === l
    && document.querySelector('#tour').dataset.step === '0', lesson);
  const { steps } = await tourState(page);
  assert.ok(steps >= 3 && steps <= 8, `${lesson}: ${steps} steps`);
  for (let n = 0; n < steps; n++) {
    const s = await tourState(page);
    assert.equal(s.step, n, `${lesson} is at step ${n}`);
    assert.ok(s.view, `${lesson} step ${n} highlights its view`);
    if (s.question) {
      await page.click('#tour-choice-0');
      // The page renders the choice on its next turn.
      await page.waitForSelector('#tour-choice-0[aria-pressed="true"]');
    }
    await doWhatItAsks(page, s.control);
    if (s.question) {
      await page.waitForSelector('#tour-verdict', { timeout: 120000 });
      const r = await tourState(page);
      assert.match(r.measured ?? '', /\d/, `${lesson} step ${n}: the reveal quotes the run's numbers`);
      if (shots && !shots.revealed) { shots.revealed = true; await screenshot(page, `tour-reveal-${shots.lang}`); }
      await page.click('#tour-next');
    } else if (s.control && !['t-scrub'].includes(s.control)) {
      // An action step moves on by itself once done.
      await page.waitForFunction((k) => Number(document.querySelector('#tour')?.dataset.step) > k, n, { timeout: 120000 });
    } else {
      await page.click('#tour-next');
    }
    await page.waitForFunction((k) => Number(document.querySelector('#tour')?.dataset.step) > k, n);
    // Pause a run the step set going, so the next step starts from a quiet page.
    if (/Pause|暂停/.test(await page.textContent('#play'))) await page.click('#play');
  }
  const end = await tourState(page);
  assert.equal(end.step, steps, `${lesson}: the tour ends`);
  assert.ok(await page.isVisible('#tour-restart'));
}

test('every lesson\'s tour can be walked by doing what each step asks', { timeout: 1_200_000 }, async () => {
  const { page, log } = await openPage(browser, server.url);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.waitForSelector('#tour');
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0);
  const shots = { lang: 'en' };
  for (const lesson of LESSONS) await walk(page, lesson, lesson === 'sine_next_value' ? shots : null);
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('the real series have tours of their own once trained on: CO₂ (trend, season, gaps), the yen (one step ahead vs recursive), natural gas (months as text, spikes)', { timeout: 600_000 }, async () => {
  const { page, log } = await openPage(browser, server.url);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.waitForSelector('#tour');
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0);
  for (const [button, key] of [['CO₂ at Mauna Loa, monthly', 'co2'], ['Yen per US dollar, monthly', 'yen'], ['Natural gas price, monthly', 'gas']]) {
    await page.getByRole('button', { name: button }).click();
    await page.locator('#csv-details').waitFor();
    await page.getByRole('button', { name: 'Train on this file' }).click();
    await walkSteps(page, key, { lang: key });
    await page.selectOption('#lesson', 'sine_next_value');
    await page.waitForFunction(() => document.querySelector('#tour')?.dataset.lesson === 'sine_next_value');
  }
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('the tour in Chinese, its step and reveal; closed it stays closed after a reload', { timeout: 300_000 }, async () => {
  const { page, log } = await openPage(browser, server.url);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.waitForSelector('#tour');
  await page.selectOption('#lang', 'zh-CN');
  await page.selectOption('#lesson', 'vanishing_gradients');
  await page.waitForFunction(() => document.querySelector('#tour')?.dataset.lesson === 'vanishing_gradients');
  await page.click('#tour-next');
  await page.click('#tour-choice-0');
  await screenshot(page, 'tour-step-zh');
  assert.match(await page.textContent('#tour'), /梯度/);
  await page.click('#play');
  // Should the reveal not come, say where the tour and the run stood (it failed once in a
  // full local run and never since; a reducer test rules out a lost Play press).
  try {
    await page.waitForSelector('#tour-verdict', { timeout: 120000 });
  } catch (e) {
    const st = await tourState(page);
    const stats = await page.evaluate(() => ({ ...document.querySelector('#stats')?.dataset }));
    const play = await page.textContent('#play');
    console.log('no reveal:', JSON.stringify({ tour: st, stats, play, errors: log.errors }));
    throw e;
  }
  assert.match(await page.textContent('#tour-measured'), /\d/);
  await screenshot(page, 'tour-reveal-zh');
  // The live region said that training started (it says only what matters, not frames).
  assert.ok((await page.textContent('#announce')).length > 0);
  await page.click('#tour-close');
  await page.waitForSelector('#tour', { state: 'detached' });
  await page.reload();
  await page.waitForSelector('#tour-open');
  assert.equal(await page.$('#tour'), null, 'closed, the tour stays closed');
  await page.click('#tour-open');
  await page.waitForSelector('#tour');
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('every element a tour step names is on the page', async () => {
  const { page } = await openPage(browser, server.url);
  await page.waitForSelector('#tour');
  // The ids of ui::state::tour::Target (tab panels and the compare button included; the
  // file panel's #csv-change is there once a file is loaded, as the real series' tour test
  // walks it).
  const ids = ['prediction-chart', 'loss-chart', 'scores', 'stats', 'heatmaps', 'cell-diagram', 'flow-chart',
    'panel-compare', 'panel-equations', 'play', 'step', 'cell', 'scaling', 'clip', 'tab-flow', 'tab-compare',
    'tab-equations', 'compare', 'step-controls', 'stateful', 'test-mode'];
  await page.click('#step');
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.steps) > 0);
  await page.waitForSelector('#t-scrub');
  for (const id of ids) assert.ok(await page.$(`#${id}`), `#${id} exists`);
  await page.close();
});

test('every view has a "?" that explains it and the charts a text alternative, in both languages; a clicker\'s PageDown moves the tour', async () => {
  const { page, log } = await openPage(browser, server.url);
  await page.waitForSelector('#tour');
  await page.click('#step');
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.steps) > 0);
  // The charts are images with a text alternative that quotes the run's numbers.
  for (const id of ['prediction-chart', 'loss-chart', 'flow-chart']) {
    await page.waitForFunction((i) => /\d/.test(document.getElementById(i)?.getAttribute('aria-label') ?? ''), id);
    assert.equal(await page.getAttribute(`#${id}`, 'role'), 'img');
  }
  const topics = ['prediction', 'loss', 'flow', 'sensitivity', 'heatmaps', 'cell', 'equations', 'compare'];
  for (const lang of ['en', 'zh-CN']) {
    if (lang !== 'en') await page.selectOption('#lang', lang);
    for (const topic of topics) {
      const tab = { equations: '#tab-equations', compare: '#tab-compare', flow: '#tab-flow', sensitivity: '#tab-flow' }[topic];
      if (tab) await page.click(tab);
      await page.click(`#help-${topic}`);
      const text = await page.textContent(`#help-${topic}-text`);
      assert.ok(text.length > (lang === 'en' ? 100 : 50), `${lang} ${topic}: ${text}`);
      if (lang !== 'en') assert.match(text, /[\u4e00-\u9fff]/, `${topic} in Chinese`);
      await page.waitForSelector(`#help-${topic}[aria-expanded="true"]`);
      if (topic === 'heatmaps' && lang === 'en') await screenshot(page, 'help-heatmaps');
      await page.keyboard.press('Escape');
      await page.waitForSelector(`#help-${topic}-text`, { state: 'detached' });
    }
  }
  await page.click('#tab-flow');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('PageDown');
  await page.waitForFunction(() => document.querySelector('#tour')?.dataset.step === '1');
  await page.keyboard.press('PageUp');
  await page.waitForFunction(() => document.querySelector('#tour')?.dataset.step === '0');
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('a lesson without held-out data says so instead of scores that could never appear', async () => {
  const { page, log } = await openPage(browser, server.url);
  await page.waitForSelector('#scores');
  for (const [lesson, held] of [['curve_fitting', false], ['large_inputs', false], ['notes_example', false], ['vanishing_gradients', true]]) {
    await page.selectOption('#lesson', lesson);
    await page.waitForSelector(held ? '#scores' : '#no-held-out');
    assert.equal(await page.$(held ? '#no-held-out' : '#scores'), null, lesson);
  }
  assert.deepEqual(log.errors, []);
  await page.close();
});
