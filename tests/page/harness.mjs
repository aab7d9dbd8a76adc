// Shared page-test harness: serves dist/ on a loopback port, launches the system Chromium
// through playwright-core, records console errors and every request the page makes.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';

const require = createRequire(new URL('../../scripts/package.json', import.meta.url));
const { chromium } = require('playwright-core');

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');
export const SCREENSHOTS = path.join(ROOT, 'target', 'screenshots');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
};

/**
 * Serves DIST (or another build, `dist`) on 127.0.0.1 at a free port; resolves to
 * { url, close }. `mounts` serves more directories beside it (benchmarks only):
 * { '/tfjs/': [dir, ...] } looks a path under /tfjs/ up in each dir in turn.
 */
export function serveDist(mounts = {}, dist = DIST) {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`no build in ${dist}: run scripts/build.sh first`);
  }
  const within = (dir, rel) => {
    const file = path.join(dir, rel);
    return file.startsWith(dir) && fs.existsSync(file) && !fs.statSync(file).isDirectory() ? file : null;
  };
  const find = (urlPath) => {
    for (const [prefix, dirs] of Object.entries(mounts)) {
      if (urlPath.startsWith(prefix)) {
        return dirs.map((d) => within(d, urlPath.slice(prefix.length))).find(Boolean) ?? null;
      }
    }
    return within(dist, urlPath === '/' ? 'index.html' : urlPath);
  };
  const server = http.createServer((req, res) => {
    const file = find(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** The median of `values` (the upper one of an even count): benchmarks compare medians. */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The server and browser of the test file that called `startForTests` (live bindings). */
export let server;
export let browser;

/** Serves dist/ and launches Chromium before the calling file's tests; stops both after. */
export function startForTests() {
  before(async () => {
    server = await serveDist();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/** Launches headless Chromium with the flags that work on this project's machines. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Opens a page that records console errors, page errors and every requested URL. */
export async function openPage(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const log = { errors: [], requests: [] };
  page.on('console', (m) => { if (m.type() === 'error') log.errors.push(m.text()); });
  page.on('pageerror', (e) => log.errors.push(String(e)));
  page.on('request', (r) => log.requests.push(r.url()));
  await page.goto(url);
  return { page, log };
}

/** Screenshot into target/screenshots/NAME.png; returns the path. */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Pixel statistics of a canvas: how many pixels are not white, and a content hash. */
export function canvasStats(page, selector) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    let hash = 2166136261;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] !== 255 || d[i + 1] !== 255 || d[i + 2] !== 255) ink++;
      hash = Math.imul(hash ^ (d[i] + 3 * d[i + 1] + 7 * d[i + 2]), 16777619) >>> 0;
    }
    return { ink, total: d.length / 4, hash };
  }, selector);
}
