#!/usr/bin/env node
// Browser benchmark of responsiveness: how long the page's main-thread tasks run while the
// largest preset (lesson 9: 2,000-step windows, 2 LSTM layers of 128) trains, read from a
// Chrome trace. Per run: switch to the lesson, Play until 4 steps are done, Pause. Then the
// same runs without tracing, counting the browser's own long-task entries.
// Usage: scripts/build.sh && node scripts/bench_frames.mjs [runs]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveDist, launch, openPage } from '../tests/page/harness.mjs';

const runs = Number(process.argv[2] ?? 5);
const server = await serveDist();
const browser = await launch();
const traceFile = path.join(os.tmpdir(), `rnn-lab-frames-${process.pid}.json`);
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
try {
  console.log(`${await browser.version()}, ${os.cpus().length} cores; task lengths in ms`);
  const worst = [];
  for (let r = 0; r < runs; r++) {
    const { page } = await openPage(browser, server.url);
    await page.waitForFunction(() => document.querySelector('#stats'));
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration)))
        .observe({ type: 'longtask' });
    });
    await browser.startTracing(page, { path: traceFile, categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    await page.selectOption('#lesson', 'long_sequences');
    await page.click('#play');
    await page.waitForFunction(() => Number(document.querySelector('#stats').dataset.steps) >= 4, null, { timeout: 120000 });
    // Pause from inside the page: how long until the button says Play again.
    const pauseMs = await page.evaluate(async () => {
      const t = performance.now();
      document.querySelector('#play').click();
      for (let f = 0; document.querySelector('#play').textContent.trim() !== 'Play' && f < 600; f++) {
        await new Promise((r) => requestAnimationFrame(r));
      }
      return performance.now() - t;
    });
    await page.waitForTimeout(500);
    await browser.stopTracing();
    const longTasks = await page.evaluate(() => window.longTasks);
    await page.close();
    const events = JSON.parse(fs.readFileSync(traceFile, 'utf8')).traceEvents;
    const main = new Set(events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`));
    // Top-level tasks of the page's main thread (script, style, layout, paint, commit).
    const tasks = events
      .filter((e) => main.has(`${e.pid}:${e.tid}`) && e.name === 'RunTask' && e.dur > 1000)
      .map((e) => e.dur / 1000)
      .sort((a, b) => a - b);
    const frames = events.filter((e) => main.has(`${e.pid}:${e.tid}`) && e.name === 'FireAnimationFrame').length;
    const top = tasks.slice(-3).reverse().map((t) => t.toFixed(0)).join(' / ');
    console.log(`run ${r + 1}: ${tasks.length} tasks over 1 ms in ${frames} frames; median ${quantile(tasks, 0.5).toFixed(1)}, p99 ${quantile(tasks, 0.99).toFixed(1)}, longest ${top}; long tasks (> 50 ms): ${longTasks.length}; Pause answered in ${pauseMs.toFixed(1)} ms`);
    worst.push(tasks[tasks.length - 1]);
  }
  console.log(`longest task over ${runs} runs: ${Math.max(...worst).toFixed(1)} ms`);
  // The same runs without tracing (which slows the page's thread itself): the browser's own
  // long-task entries (tasks over 50 ms).
  const untraced = [];
  for (let r = 0; r < runs; r++) {
    const { page } = await openPage(browser, server.url);
    await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.run) > 0);
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration)))
        .observe({ type: 'longtask' });
    });
    await page.selectOption('#lesson', 'long_sequences');
    await page.click('#play');
    await page.waitForFunction(() => Number(document.querySelector('#stats').dataset.steps) >= 4, null, { timeout: 120000 });
    await page.click('#play');
    await page.waitForTimeout(500);
    untraced.push(...await page.evaluate(() => window.longTasks));
    await page.close();
  }
  console.log(`without tracing, ${runs} runs: ${untraced.length} tasks over 50 ms${untraced.length ? ` (longest ${Math.max(...untraced).toFixed(0)} ms)` : ''}`);
  // Frames per second while lesson 1 trains with every view on screen and the cell diagram
  // playing over t.
  const { page } = await openPage(browser, server.url);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForFunction(() => document.querySelector('#stats'));
  await page.click('#step');
  await page.waitForFunction(() => Number(document.querySelector('#stats').dataset.steps) >= 1);
  await page.click('#t-play');
  await page.click('#play');
  await page.waitForTimeout(1000);
  const fps = await page.evaluate(() => new Promise((resolve) => {
    let frames = 0;
    const start = performance.now();
    const count = (now) => {
      frames++;
      if (now - start < 3000) requestAnimationFrame(count);
      else resolve(frames / ((now - start) / 1000));
    };
    requestAnimationFrame(count);
  }));
  console.log(`lesson 1 training with play over t: ${fps.toFixed(1)} frames/s`);
  await page.close();
} finally {
  fs.rmSync(traceFile, { force: true });
  await browser.close();
  await server.close();
}
