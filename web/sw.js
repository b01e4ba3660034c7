// @ts-check
// The service worker (served as /sw.js, scope /): keeps what the page needs to open
// and work with no connection. The page shell (index.html, its modules, style, font,
// MapLibre, the manifest and icon) is stored when the worker installs; every other
// GET (the base map, tiles the map has shown, the signed-in user's plan, rules and
// layers) is stored as it passes. GETs go to the network first and fall back to the
// stored copy; writes (POST, DELETE) are never touched: the page's outbox keeps them.

/** @type {any} */
const worker = self;

/** The page shell and the map's tiles: the same for everyone. */
const SHELL = 'gp-shell-v1';
/** The answers of the API: a signed-in user's; emptied at sign-out. */
const DATA = 'gp-data-v1';
/** Answers never kept: downloads, and the audit log (large, and leads only). */
const NOT_KEPT = /^\/api\/(export|audit|openapi)/;

/** What index.html loads, read from it, so no second list has to be kept. @param {string} html */
function shellPaths(html) {
  const paths = new Set(['/', '/manifest.webmanifest', '/static/icons/app.svg', '/static/fonts/gp-sans.woff2']);
  for (const m of html.matchAll(/(?:href|src)="(\/(?:static|vendor)\/[^"]+)"/g)) paths.add(m[1]);
  return [...paths];
}

worker.addEventListener('install', (/** @type {any} */ event) => {
  event.waitUntil((async () => {
    const html = await (await fetch('/', { cache: 'no-cache' })).text();
    const cache = await caches.open(SHELL);
    await cache.addAll(shellPaths(html));
    await worker.skipWaiting();
  })());
});

worker.addEventListener('activate', (/** @type {any} */ event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== SHELL && name !== DATA) await caches.delete(name);
    await worker.clients.claim();
  })());
});

// The page says when its user signs out: their data leaves the phone.
worker.addEventListener('message', (/** @type {any} */ event) => {
  if (event.data && event.data.type === 'forget-data') event.waitUntil(caches.delete(DATA));
});

/** A JSON error the page words like any other (src/server/error.rs's shape). */
function offlineAnswer() {
  const body = JSON.stringify({ error: { code: 'network', message: 'offline, and nothing kept for this address' } });
  return new Response(body, { status: 503, headers: { 'Content-Type': 'application/json' } });
}

/** Network first; a good answer is kept; without a network, the kept copy. @param {Request} request */
async function networkFirst(request) {
  const url = new URL(request.url);
  const isApi = url.origin === worker.location.origin && url.pathname.startsWith('/api/');
  try {
    const response = await fetch(request);
    const keep = (response.ok || response.type === 'opaque') && !NOT_KEPT.test(url.pathname) && response.status !== 206;
    if (keep) {
      const copy = response.clone();
      caches.open(isApi ? DATA : SHELL).then((cache) => cache.put(request, copy)).catch(() => {});
    }
    return response;
  } catch (e) {
    const kept = await caches.match(request, { ignoreVary: true });
    if (kept) return kept;
    if (request.mode === 'navigate') {
      const page = await caches.match('/');
      if (page) return page;
    }
    if (isApi) return offlineAnswer();
    throw e;
  }
}

worker.addEventListener('fetch', (/** @type {any} */ event) => {
  /** @type {Request} */
  const request = event.request;
  if (request.method !== 'GET' || request.headers.has('range')) return;
  const url = new URL(request.url);
  if (!url.protocol.startsWith('http') || url.pathname === '/sw.js') return;
  event.respondWith(networkFirst(request));
});
