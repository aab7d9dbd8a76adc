// RNN Lab's service worker: the page keeps working offline after its first load.
// scripts/offline.mjs fills in FILES (every file of the build) and VERSION when it copies
// this file into the build. Files whose names carry Trunk's content hash never change, so
// they are served from the cache first; the rest (the page, the training worker's files,
// the samples) from the network first, falling back to the cache when it fails or is slow.
const FILES = /* FILES */ [];
const VERSION = '/* VERSION */';
const CACHE = `rnn-lab-${VERSION}`;
const HASHED = /-[0-9a-f]{16}(_bg)?\.[a-z0-9]+$/;
const SLOW_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('rnn-lab-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (HASHED.test(url.pathname)) {
    event.respondWith(caches.match(req).then((hit) => hit ?? fetchAndKeep(req)));
  } else {
    event.respondWith(networkFirst(req));
  }
});

async function fetchAndKeep(req) {
  const res = await fetch(req);
  if (res.ok) {
    const copy = res.clone();
    caches.open(CACHE).then((c) => c.put(req, copy));
  }
  return res;
}

async function networkFirst(req) {
  const cached = () => caches.match(req, { ignoreSearch: true });
  let timer;
  const slow = new Promise((resolve) => { timer = setTimeout(resolve, SLOW_MS); });
  const net = fetchAndKeep(req);
  net.catch(() => {});
  try {
    // The network's answer, or after SLOW_MS the cached copy if there is one.
    const res = await Promise.race([net, slow.then(cached)]);
    return res ?? (await net);
  } catch (e) {
    const hit = await cached();
    if (hit) return hit;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
