#!/usr/bin/env node
// The page's own training speed against the raw speed of the same run in the same browser.
// For lessons 1, 2, 4 and 9 (default settings): the raw figure steps the lesson's session
// flat out in wasm (window.wasmBindings.rnnLabLessonBenchmark, no frames, no drawing); the
// page figure presses Play in the page as a learner does, every view on screen, and counts
// the steps it trains over the measuring time (after a warm-up). The two alternate, three
// rounds each, and the medians are compared (a busy 2-core machine drifts by tens of per
// cent over a minute). Prints one row per lesson.
// Usage: scripts/build.sh && node scripts/bench_page.mjs [seconds]
// scripts/bench_vs_tfjs.mjs runs the same measurement (benchLessons) in its session.
import { pathToFileURL } from 'node:url';
import { serveDist, launch, median } from '../tests/page/harness.mjs';

export const LESSONS = [
  ['1', 'sine_next_value'],
  ['2', 'curve_fitting'],
  ['4', 'vanishing_gradients'],
  ['9', 'long_sequences'],
];

const steps = (page) => page.evaluate(() => Number(document.querySelector('#stats').dataset.steps));

/** Raw and in-page steps/s (medians of 3) for each of LESSONS: [{ n, key, raw, inPage }]. */
export async function benchLessons(browser, url, seconds, log = () => {}) {
  const rows = [];
  for (const [n, key] of LESSONS) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.waitForFunction(() => window.wasmBindings?.rnnLabLessonBenchmark);
    const run = await page.evaluate(() => document.querySelector('#stats').dataset.run);
    await page.selectOption('#lesson', key);
    await page.waitForFunction((r) => document.querySelector('#stats').dataset.run !== r, run);
    const [raws, pages] = [[], []];
    for (let round = 0; round < 3; round++) {
      raws.push(await page.evaluate(([k, s]) => window.wasmBindings.rnnLabLessonBenchmark(k, s), [key, seconds]));
      // Both from a new run: some runs slow down as they train (lesson 4's vanishing
      // gradients reach subnormal floats after a few thousand steps).
      const before = await page.evaluate(() => document.querySelector('#stats').dataset.run);
      await page.click('#reset');
      await page.waitForFunction((r) => document.querySelector('#stats').dataset.run !== r, before);
      await page.click('#play');
      // From the first trained step on: a new run's first prediction over the series (2.4 s
      // of work in lesson 9) comes before it, and is not training speed.
      await page.waitForFunction(() => Number(document.querySelector('#stats').dataset.steps) >= 1, null, { timeout: 60000 });
      await page.waitForTimeout(500);
      const [s0, t0] = [await steps(page), Date.now()];
      await page.waitForTimeout(seconds * 1000);
      const [s1, t1] = [await steps(page), Date.now()];
      await page.click('#play');
      pages.push((s1 - s0) / ((t1 - t0) / 1000));
    }
    log(`${key} raw ${raws.map((r) => r.toFixed(1)).join(' ')}, page ${pages.map((r) => r.toFixed(1)).join(' ')}`);
    rows.push({ n, key, raw: median(raws), inPage: median(pages) });
    await page.close();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seconds = Number(process.argv[2] ?? 8);
  const server = await serveDist();
  const browser = await launch();
  try {
    console.log(`${await browser.version()}, ${seconds} s per measurement, viewport 1440 x 900`);
    console.log('lesson | raw wasm (steps/s, median of 3) | in the page (steps/s, median of 3) | page / raw');
    const log = process.env.VERBOSE ? console.log : undefined;
    for (const { n, raw, inPage } of await benchLessons(browser, server.url, seconds, log)) {
      console.log(`${n} | ${raw.toFixed(1)} | ${inPage.toFixed(1)} | ${(inPage / raw).toFixed(2)}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
