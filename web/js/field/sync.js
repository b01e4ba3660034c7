// @ts-check
// The page's side of working offline: registers the service worker (/sw.js), shows
// 在线 / 离线 and how many records wait (待上传 N), keeps records in the outbox and
// sends them on load, when the network returns, on a timer and right after saving.
import { t } from '../i18n.js';
import { h, byId, status } from '../dom.js';
import { gp } from '../gp.js';
import { store } from '../store.js';
import { Outbox, httpTransport, idbStore } from './outbox.js';
import { showRecordSheet } from './record_sheet.js';

/** How often the outbox tries again while records wait. */
const RETRY_MS = 30000;

/** @type {Promise<Outbox> | null} */
let outboxPromise = null;

/** The outbox in this browser's IndexedDB. */
function outbox() {
  if (!outboxPromise) outboxPromise = idbStore().then((s) => new Outbox(s, httpTransport));
  return outboxPromise;
}

/** Redraws what reads the outbox. */
async function refreshOutbox() {
  store.set({ outbox: await (await outbox()).list() });
}

/** Sends what waits, when there is a network and someone signed in. */
export async function syncNow() {
  const user = store.get().user;
  const box = await outbox();
  if (user && navigator.onLine) {
    const result = await box.sync(user.name);
    if (result.sent || result.photos) gp.marks.lastSync = performance.now();
  }
  await refreshOutbox();
}

/**
 * Keeps a record in the outbox (photos with it), then tries to send it.
 * @param {'inspection' | 'proposal'} kind
 * @param {string} label
 * @param {Record<string, unknown>} body
 * @param {{ sha256: string, blob: Blob }[]} photos
 */
export async function keep(kind, label, body, photos) {
  const user = store.get().user;
  if (!user) throw new Error(t('need_sign_in'));
  await (await outbox()).add({ kind, user: user.name, label, body, photos });
  await refreshOutbox();
  syncNow().catch(() => {});
}

/** @param {import('../store.js').State} s */
function renderIndicator({ online, outbox: entries, user }) {
  const el = byId('net');
  el.dataset.online = String(online);
  byId('net-state').textContent = online ? t('online') : t('offline');
  const mine = entries.filter((e) => !user || e.user === user.name);
  const waiting = mine.filter((e) => e.state === 'pending').length;
  const refused = mine.filter((e) => e.state === 'refused').length;
  el.dataset.waiting = String(waiting);
  byId('net-waiting').textContent = `${t('waiting_upload')} ${waiting}${refused ? ` · ${t('refused')} ${refused}` : ''}`;
}

/** @param {import('../store.js').State} s */
function renderOutbox({ outbox: entries, user }) {
  const mine = entries.filter((e) => !user || e.user === user.name).reverse();
  byId('outbox-list').replaceChildren(...mine.map((e) => h('li', { 'data-state': e.state, 'data-id': e.id },
    h('span', { class: 'state' }, t('outbox_' + e.state)), ' ', e.label,
    e.photos.length ? ` · ${t('photos')} ${e.photos.filter((p) => p.uploaded).length}/${e.photos.length}` : '',
    e.error && e.state !== 'done' ? h('div', { class: 'error' }, e.error) : '',
    e.state === 'refused' ? h('button', { type: 'button', class: 'link', onclick: async () => { await (await outbox()).retry(e.id); await syncNow(); } }, t('retry')) : '',
    e.state === 'done' && e.kind === 'inspection' && e.serverId !== null ? h('button', { type: 'button', class: 'link print-record', onclick: () => showRecordSheet(/** @type {number} */ (e.serverId)).catch((x) => status(String(x), true)) }, t('print_record')) : '')));
}

/** Bytes the service worker keeps (page, map, data), for the indicator's tests and the note. */
async function cachedBytes() {
  let total = 0;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      if (response) total += (await response.blob()).size;
    }
  }
  return total;
}

/**
 * Asks again, through the service worker, for what the day needs offline: the page
 * asked for some of it before the worker controlled the page.
 * @param {string[]} layerNames
 */
export async function keepDayData(layerNames) {
  if (!navigator.serviceWorker || !navigator.serviceWorker.controller || !navigator.onLine) return;
  const paths = ['/api/config', '/api/me', '/api/plan', '/api/rules', ...layerNames.map((l) => `/api/layers/${l}`)];
  await Promise.all(paths.map((p) => fetch(p, { credentials: 'same-origin' }).catch(() => null)));
}

/** Registers the service worker; resolves when it controls the page. */
async function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  if (navigator.serviceWorker.controller) return;
  // A new worker claims the page once it is active; a reload that bypassed it does not
  // wait for ever.
  await new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true });
    setTimeout(resolve, 10000);
  });
}

/** @param {(controlled: boolean) => void} [onControlled] */
export function wireSync(onControlled) {
  store.watch((s) => [s.lang, s.online, s.outbox, s.user], renderIndicator);
  store.watch((s) => [s.lang, s.outbox, s.user], renderOutbox);
  const online = () => {
    store.set({ online: navigator.onLine });
    if (navigator.onLine) {
      gp.marks.online = performance.now();
      syncNow().catch(() => {});
    }
  };
  window.addEventListener('online', online);
  window.addEventListener('offline', online);
  setInterval(() => { syncNow().catch(() => {}); }, RETRY_MS);
  // A user who signs out takes their data off the phone (records not yet sent stay).
  let lastUser = store.get().user;
  store.watch((s) => [s.user], ({ user }) => {
    if (lastUser && !user && navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage({ type: 'forget-data' });
    lastUser = user;
    syncNow().catch(() => {});
  });
  const controlled = registerWorker().catch((e) => { gp.errors.push(`service worker: ${e}`); }).then(() => { gp.marks.controlled = performance.now(); if (onControlled) onControlled(true); });
  gp.field = { outbox: () => outbox(), sync: syncNow, cachedBytes, controlled };
  refreshOutbox().catch(() => {});
}
