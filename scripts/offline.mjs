// Trunk post-build hook (Trunk.toml, after csp.mjs): writes sw.js, the page's service worker,
// with the list of every file of this build and a version made from their contents. Once a
// page has loaded, the worker keeps those files in the browser's cache, so the page (lessons,
// samples, training) keeps working with no network: a classroom with bad Wi-Fi still runs.
// The list can only be known after the build (Trunk hashes file names), hence a hook.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR ?? 'dist';
const files = [];
(function walk(d) {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name !== 'sw.js') files.push(relative(dir, p).split(sep).join('/'));
  }
})(dir);
const version = createHash('sha256');
for (const f of files) version.update(f).update(readFileSync(join(dir, f)));
const template = readFileSync(new URL('../www/sw.js', import.meta.url), 'utf8');
const sw = template
  .replace('/* FILES */ []', JSON.stringify(['./', ...files.filter((f) => f !== 'index.html').map((f) => `./${f}`)]))
  .replace("'/* VERSION */'", JSON.stringify(version.digest('hex').slice(0, 16)));
if (sw === template) throw new Error('www/sw.js has lost its FILES or VERSION placeholder');
writeFileSync(join(dir, 'sw.js'), sw);
console.log(`[rnn-lab] sw.js written: ${files.length} files kept for offline use`);
