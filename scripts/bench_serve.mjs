#!/usr/bin/env node
// The served build (target/dist-serve, scripts/serve.sh's profile) against the release build
// (dist/) in one headless Chromium: each page's raw training speed (the page's wasm stepping
// a lesson's run or a benchmark config flat out, on the page's thread) measured in turn, three
// rounds, medians compared (this machine drifts by tens of per cent within a minute, so the
// two alternate rather than run one after the other). Run through scripts/bench_serve.sh.
import path from 'node:path';
import { serveDist, launch, median, ROOT } from '../tests/page/harness.mjs';

const seconds = Number(process.argv[2] ?? 3);
const RUNS = [
  ['lesson 1', (s) => window.wasmBindings.rnnLabLessonBenchmark('sine_next_value', s)],
  ['lesson 2', (s) => window.wasmBindings.rnnLabLessonBenchmark('curve_fitting', s)],
  ['LSTM 64, 50, 32', (s) => window.wasmBindings.rnnLabBenchmark('lstm_h64_t50_b32', s)],
  ['LSTM 128, 100, 16', (s) => window.wasmBindings.rnnLabBenchmark('lstm_h128_t100_b16', s)],
];
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

const servers = [await serveDist(), await serveDist({}, path.join(ROOT, 'target', 'dist-serve'))];
const browser = await launch();
try {
  const pages = [];
  for (const server of servers) {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => window.wasmBindings?.rnnLabBenchmark);
    pages.push(page);
  }
  console.log(`Chromium ${await browser.version()}, ${seconds} s per measurement, release and served build in turn`);
  console.log('| run | release build (steps/s, 3 rounds) | served build | served / release (medians) |');
  console.log('| --- | --- | --- | ---: |');
  for (const [name, run] of RUNS) {
    const rates = [[], []];
    for (let round = 0; round < 3; round++) {
      for (const [i, page] of pages.entries()) rates[i].push(await page.evaluate(run, seconds));
    }
    const ratio = median(rates[1]) / median(rates[0]);
    console.log(`| ${name} | ${rates[0].map(fmt).join(' / ')} | ${rates[1].map(fmt).join(' / ')} | ${ratio.toFixed(2)} |`);
  }
} finally {
  await browser.close();
  for (const s of servers) await s.close();
}
