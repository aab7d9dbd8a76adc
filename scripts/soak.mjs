#!/usr/bin/env node
// Soak: lesson 1 trains STEPS steps (100,000 unless given) in headless Chromium as a learner
// runs it (Play, every view on screen). Every 10,000 steps it records the training worker's
// wasm memory (from the page's stats), the page's wasm memory and the page's JS heap after a
// garbage collection (the least of three readings), and at the end checks each stays within
// 10 % of its first reading.
// Not part of the default tests; the figures go in docs/BENCHMARKS.md.
// Usage: scripts/build.sh && node scripts/soak.mjs [steps]
import { serveDist, launch } from '../tests/page/harness.mjs';

const total = Number(process.argv[2] ?? 100000);
const every = Math.min(10000, total / 2);
const server = await serveDist();
const browser = await launch();
const mb = (b) => (b / 1048576).toFixed(1);
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // The page's wasm instance, as Trunk's start script announces it.
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; });
  });
  const cdp = await page.context().newCDPSession(page);
  await page.goto(server.url);
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0 && window.__wasm);
  // The JS heap while training holds messages in flight (a view, a reply): the least of
  // three readings after a garbage collection, 100 ms apart, is what stays.
  const heapNow = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const read = async () => {
    const heaps = [];
    for (let k = 0; k < 3; k++) {
      heaps.push(await heapNow());
      await new Promise((r) => setTimeout(r, 100));
    }
    const heap = { usedSize: Math.min(...heaps) };
    const page_ = await page.evaluate(() => ({
      steps: Number(document.querySelector('#stats').dataset.steps),
      worker: Number(document.querySelector('#stats').dataset.workerMemory),
      wasm: window.__wasm.memory.buffer.byteLength,
    }));
    return { ...page_, heap: heap.usedSize };
  };
  console.log(`${await browser.version()}: lesson 1, ${total} steps, a reading every ${every}`);
  console.log('steps | worker wasm (MB) | page wasm (MB) | page JS heap (MB) | seconds');
  const start = Date.now();
  await page.click('#play');
  const readings = [];
  for (let next = every; next <= total; next += every) {
    await page.waitForFunction((n) => Number(document.querySelector('#stats').dataset.steps) >= n, next, { timeout: 0, polling: 250 });
    const r = await read();
    readings.push(r);
    console.log(`${r.steps} | ${mb(r.worker)} | ${mb(r.wasm)} | ${mb(r.heap)} | ${((Date.now() - start) / 1000).toFixed(0)}`);
  }
  await page.click('#play');
  const [first] = readings;
  for (const key of ['worker', 'wasm', 'heap']) {
    const worst = Math.max(...readings.map((r) => r[key]));
    const growth = worst / first[key] - 1;
    const ok = growth <= 0.1;
    failed ||= !ok;
    console.log(`${key}: first ${mb(first[key])} MB, largest ${mb(worst)} MB (${(growth * 100).toFixed(1)} %) ${ok ? 'within 10 %' : 'MORE THAN 10 %'}`);
  }
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed ? 1 : 0);
