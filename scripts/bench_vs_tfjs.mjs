#!/usr/bin/env node
// RNN Lab against TensorFlow.js 4.22 in one headless Chromium session (run by
// scripts/bench_vs_tfjs.sh, which builds the release page and installs TensorFlow.js first).
//
// 1. Training steps/s (forward + BPTT + Adam, MSE at every step, float32, one thread) for the
//    six configs of src/nn/benchmark.rs: RNN Lab's wasm (the page's rnnLabBenchmark) and
//    TensorFlow.js's cpu and wasm backends (scripts/tfjs/bench.html: tf.sequential, one
//    recurrent layer and a dense(1) at every step, trainOnBatch). Per config the three take
//    turns, three rounds, and the median of each is reported.
// 2. The page as a learner uses it: lessons 1, 2, 4 and 9 trained by Play beside the raw
//    speed of the same run (scripts/bench_page.mjs).
// 3. Time from navigation to the first prediction chart drawn, median of 5 fresh loads.
// 4. What the page ships, gzipped.
//
// Prints every table and, unless --no-doc, rewrites the block between the
// `<!-- bench_vs_tfjs -->` markers of docs/BENCHMARKS.md with them, the date and the machine.
// Usage: node scripts/bench_vs_tfjs.mjs [seconds per measurement, default 3] [--no-doc]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execSync } from 'node:child_process';
import { serveDist, launch, median, ROOT, DIST } from '../tests/page/harness.mjs';
import { benchLessons } from './bench_page.mjs';

const args = process.argv.slice(2);
const seconds = Number(args.find((a) => !a.startsWith('--')) ?? 3);
const writeDoc = !args.includes('--no-doc');
const TFJS = path.join(ROOT, 'scripts', 'tfjs');
const MODULES = path.join(TFJS, 'node_modules', '@tensorflow');

// name in src/nn/benchmark.rs, then what TensorFlow.js builds for it.
const CONFIGS = [
  ['lstm_h10_t20_b50', 'LSTM', 'lstm', 10, 20, 50],
  ['lstm_h32_t20_b32', 'LSTM', 'lstm', 32, 20, 32],
  ['lstm_h64_t50_b32', 'LSTM', 'lstm', 64, 50, 32],
  ['lstm_h128_t100_b16', 'LSTM', 'lstm', 128, 100, 16],
  ['gru_h32_t20_b32', 'GRU', 'gru', 32, 20, 32],
  ['rnn_h32_t20_b32', 'RNN tanh', 'rnn', 32, 20, 32],
];
const fmt = (r) => (r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2));

const server = await serveDist({
  '/tfjs/': [TFJS, path.join(MODULES, 'tfjs', 'dist'), path.join(MODULES, 'tfjs-backend-wasm', 'dist')],
});
const browser = await launch();
const out = [];
const say = (line = '') => {
  console.log(line);
  out.push(line);
};
try {
  const version = await browser.version();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const commit = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  const date = new Date().toISOString().slice(0, 10);
  say(`Measured ${date} on ${os.cpus().length} cores (${cpu}), headless Chromium ${version.replace(/^HeadlessChrome\//, '')}, `
    + `release build of ${commit}, ${seconds} s per measurement: \`scripts/bench_vs_tfjs.sh\`.`);

  const lab = await browser.newPage();
  await lab.goto(server.url);
  await lab.waitForFunction(() => window.wasmBindings?.rnnLabBenchmark);
  const tfjs = await browser.newPage();
  await tfjs.goto(`${server.url}tfjs/bench.html`);
  await tfjs.waitForFunction(() => window.tfjsBench);
  const info = await tfjs.evaluate(() => window.tfjsInfo());
  say(`TensorFlow.js ${info.version} (wasm backend: SIMD ${info.simd ? 'on' : 'off'}, threads ${info.threads ? 'on' : 'off'}).`);
  say();
  say('| config (cell, hidden, sequence, batch) | RNN Lab wasm | TF.js wasm | TF.js cpu | RNN Lab / TF.js wasm | RNN Lab / TF.js cpu |');
  say('| --- | ---: | ---: | ---: | ---: | ---: |');
  const rates = {};
  for (const [name, label, cell, hidden, steps, batch] of CONFIGS) {
    const runs = { lab: [], wasm: [], cpu: [] };
    for (let round = 0; round < 3; round++) {
      await lab.bringToFront();
      runs.lab.push(await lab.evaluate(([n, s]) => window.wasmBindings.rnnLabBenchmark(n, s), [name, seconds]));
      await tfjs.bringToFront();
      for (const backend of ['wasm', 'cpu']) {
        runs[backend].push(await tfjs.evaluate((a) => window.tfjsBench(...a), [cell, hidden, steps, batch, backend, seconds]));
      }
    }
    if (process.env.VERBOSE) console.error(name, JSON.stringify(runs));
    const [l, w, c] = [median(runs.lab), median(runs.wasm), median(runs.cpu)];
    rates[name] = l;
    say(`| ${label}, ${hidden}, ${steps}, ${batch} | ${fmt(l)} | ${fmt(w)} | ${fmt(c)} | **${(l / w).toFixed(1)}x** | **${(l / c).toFixed(1)}x** |`);
  }
  await tfjs.close();
  await lab.close();

  say();
  say('The page as a learner uses it (Play, every view on screen, 1440 x 900) beside the raw speed of the same run:');
  say();
  say('| lesson | raw wasm (steps/s) | in the page (steps/s) | page / raw |');
  say('| --- | ---: | ---: | ---: |');
  for (const { n, key, raw, inPage } of await benchLessons(browser, server.url, seconds + 2)) {
    say(`| ${n}. ${key} | ${fmt(raw)} | ${fmt(inPage)} | ${(inPage / raw).toFixed(2)} |`);
  }

  // First chart: a script that runs before the page's own checks every frame whether the
  // first run is shown and the prediction chart has ink; times are from navigation start.
  const loads = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const check = () => {
        const c = document.querySelector('#prediction-chart');
        if (c && Number(document.querySelector('#stats')?.dataset.run) > 0 && c.width > 0) {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let j = 0; j < d.length; j += 4) {
            if (d[j] !== 255 || d[j + 1] !== 255 || d[j + 2] !== 255) {
              window.firstChartMs = performance.now();
              return;
            }
          }
        }
        requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
    await page.goto(server.url);
    await page.waitForFunction(() => window.firstChartMs, null, { timeout: 30000 });
    loads.push(await page.evaluate(() => window.firstChartMs));
    await context.close();
  }
  say();
  say(`First prediction chart drawn after ${fmt(median(loads))} ms from navigation (median of 5 fresh loads from localhost, `
    + `no cache: ${loads.map((v) => v.toFixed(0)).join(', ')} ms).`);

  const shipped = fs.readdirSync(DIST).filter((f) => /\.(wasm|js)$/.test(f) && f !== 'sw.js');
  const sizes = shipped.map((f) => [f, zlib.gzipSync(fs.readFileSync(path.join(DIST, f)), { level: 9 }).length]);
  const total = sizes.reduce((s, [, n]) => s + n, 0);
  const words = fs.readdirSync(path.join(DIST, 'i18n'))
    .map((f) => [f, zlib.gzipSync(fs.readFileSync(path.join(DIST, 'i18n', f)), { level: 9 }).length]);
  say(`The page's wasm and JS, gzipped: ${(total / 1000).toFixed(0)} KB (${sizes.map(([f, n]) => `${f.replace(/-[0-9a-f]{16}/, '')} ${(n / 1000).toFixed(0)} KB`).join(', ')}), `
    + `and the words of its language: ${words.map(([f, n]) => `${f} ${(n / 1000).toFixed(0)} KB`).join(', ')}.`);
} finally {
  await browser.close();
  await server.close();
}

if (writeDoc) {
  const doc = path.join(ROOT, 'docs', 'BENCHMARKS.md');
  const text = fs.readFileSync(doc, 'utf8');
  const [start, end] = ['<!-- bench_vs_tfjs: start -->', '<!-- bench_vs_tfjs: end -->'];
  const [a, b] = [text.indexOf(start), text.indexOf(end)];
  if (a < 0 || b < a) throw new Error(`docs/BENCHMARKS.md has no ${start} ... ${end} block`);
  fs.writeFileSync(doc, `${text.slice(0, a + start.length)}\n${out.join('\n')}\n${text.slice(b)}`);
  console.log('docs/BENCHMARKS.md: the bench_vs_tfjs block rewritten');
}
