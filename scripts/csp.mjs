// Trunk post-build hook (Trunk.toml): writes the page's Content-Security-Policy into the
// built index.html. The page may load only its own files (no connection beyond its own
// origin), compile its own wasm, and run the one inline script Trunk writes to start the
// app, allowed by its SHA-256 (the script names hashed file names, so its hash is known
// only after the build). tests/page checks the page loads with no policy violation.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const file = join(process.env.TRUNK_STAGING_DIR ?? 'dist', 'index.html');
let html = readFileSync(file, 'utf8');
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  (m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`,
);
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  // Style attributes (the cell diagram's colours, the layout's sizes) are set by the page.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/g, '');
if (!/<meta charset="utf-8"\s*\/?>/i.test(html)) {
  throw new Error(`${file}: no <meta charset="utf-8"> to put the policy after`);
}
html = html.replace(/(<meta charset="utf-8"\s*\/?>)/i, `$1\n  ${meta}`);
writeFileSync(file, html);
console.log(`[rnn-lab] Content-Security-Policy written (${hashes.length} inline script(s) allowed)`);
