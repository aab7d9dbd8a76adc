#!/usr/bin/env node
// Browser benchmark: the training-step benchmarks of benches/train_step.rs, run by the built
// page's wasm in headless Chromium. Usage: scripts/build.sh && node scripts/bench_browser.mjs [seconds]
import { serveDist, launch } from '../tests/page/harness.mjs';

const seconds = Number(process.argv[2] ?? 3);
const server = await serveDist();
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => window.wasmBindings?.rnnLabBenchmarkNames);
  const names = (await page.evaluate(() => window.wasmBindings.rnnLabBenchmarkNames())).split(',');
  console.log(`wasm in ${await browser.version()}, ${seconds} s per config`);
  for (const name of names) {
    const rate = await page.evaluate(([n, s]) => window.wasmBindings.rnnLabBenchmark(n, s), [name, seconds]);
    console.log(`${name.padEnd(22)} ${rate.toFixed(1).padStart(8)} steps/s`);
  }
  const [ms, rows, mb] = await page.evaluate(() => window.wasmBindings.rnnLabBenchmarkCsv());
  console.log(`parse ${rows} CSV rows (${mb.toFixed(1)} MB) in wasm: ${ms.toFixed(0)} ms`);
} finally {
  await browser.close();
  await server.close();
}
