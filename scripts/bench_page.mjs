#!/usr/bin/env node
// The page's own training speed against the raw speed of the same run in the same browser.
// For lessons 1, 2, 4 and 9 (default settings): the raw figure steps the lesson's session
// flat out in wasm (window.wasmBindings.rnnLabLessonBenchmark, no frames, no drawing); the
// page figure presses Play in the page as a learner does, every view on screen, and counts
// the steps it trains over the measuring time (after a warm-up). The two alternate, three
// rounds each, and the medians are compared (a busy 2-core machine drifts by tens of per
// cent over a minute). Prints one row per lesson.
// Usage: scripts/build.sh && node scripts/bench_page.mjs [seconds]
import { serveDist, launch } from '../tests/page/harness.mjs';

const seconds = Number(process.argv[2] ?? 8);
const LESSONS = [
  ['1', 'sine_next_value'],
  ['2', 'curve_fitting'],
  ['4', 'vanishing_gradients'],
  ['9', 'long_sequences'],
];
const server = await serveDist();
const browser = await launch();
const steps = (page) => page.evaluate(() => Number(document.querySelector('#stats').dataset.steps));
try {
  console.log(`${await browser.version()}, ${seconds} s per measurement, viewport 1440 x 900`);
  console.log('lesson | raw wasm (steps/s, median of 3) | in the page (steps/s, median of 3) | page / raw');
  for (const [n, key] of LESSONS) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server.url);
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
    if (process.env.VERBOSE) console.log(key, raws, pages);
    const median = (v) => [...v].sort((a, b) => a - b)[1];
    const [raw, inPage] = [median(raws), median(pages)];
    console.log(`${n} | ${raw.toFixed(1)} | ${inPage.toFixed(1)} | ${(inPage / raw).toFixed(2)}`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
