// @ts-check
// The outbox: records made in the street wait here (IndexedDB: the records and their
// photo blobs) until the server has acknowledged them, whatever happens to the page or
// the signal. Each record keeps the Idempotency-Key it was made with across every
// retry, so a retry whose first answer was lost stores nothing twice. A record's photos
// go up after the record, to the inspection id the server gave it. A record the server
// refuses (4xx) stays, marked, for a person to look at; it is never retried blindly.

/**
 * @typedef {object} OutboxPhoto
 * @property {string} sha256  hash of the kept bytes (also the blob's key)
 * @property {number} bytes
 * @property {boolean} uploaded  the server answered the same hash
 */
/**
 * @typedef {object} OutboxEntry
 * @property {string} id  also the Idempotency-Key
 * @property {'inspection' | 'proposal'} kind
 * @property {string} user  who made it (sent only while they are signed in)
 * @property {string} label  what the list shows
 * @property {Record<string, unknown>} body
 * @property {OutboxPhoto[]} photos
 * @property {number | string | null} serverId  the server's id, once acknowledged
 * @property {'pending' | 'done' | 'refused'} state
 * @property {number} attempts
 * @property {string | null} error
 * @property {number} createdAt  ms since 1970
 * @property {number | null} doneAt
 */
/**
 * Where entries and photos are kept: IndexedDB in the page, a Map in the tests.
 * @typedef {object} OutboxStore
 * @property {() => Promise<OutboxEntry[]>} entries
 * @property {(entry: OutboxEntry) => Promise<void>} putEntry
 * @property {(id: string) => Promise<void>} deleteEntry
 * @property {(sha256: string, blob: Blob) => Promise<void>} putPhoto
 * @property {(sha256: string) => Promise<Blob | undefined>} getPhoto
 * @property {(sha256: string) => Promise<void>} deletePhoto
 */
/** @typedef {{ status: number, body: any }} Reply  status 0: the server was not reached */
/**
 * How entries reach the server.
 * @typedef {object} Transport
 * @property {(path: string, body: unknown, key: string) => Promise<Reply>} postJson
 * @property {(path: string, photo: Blob) => Promise<Reply>} postPhoto
 */

/** Acknowledged records are listed (to print their sheet) this long, then forgotten. */
export const KEEP_DONE_MS = 3 * 24 * 3600 * 1000;

const PATHS = { inspection: '/api/inspections', proposal: '/api/sites/proposals' };

/** Where a record's photos go, once the server has named the record. @param {OutboxEntry} entry */
export function photoPath(entry) {
  return `${PATHS[entry.kind]}/${encodeURIComponent(String(entry.serverId))}/photos`;
}

/**
 * Not reached, or worth trying again later: busy, timeout, server trouble, or a session
 * that ended (the record waits until its user signs in again).
 * @param {number} status
 */
export function isTransient(status) {
  return status === 0 || status === 401 || status === 408 || status === 429 || status >= 500;
}

/** The id the server gave a new record. @param {any} body @returns {number | string | null} */
export function serverIdOf(body) {
  if (!body || typeof body !== 'object') return null;
  for (const v of [body.inspection && body.inspection.id, body.proposal && body.proposal.id, body.id]) {
    if (typeof v === 'number' || typeof v === 'string') return v;
  }
  return null;
}

/** The server's words for a refusal. @param {Reply} reply */
function refusal(reply) {
  const e = reply.body && reply.body.error;
  return e ? `${e.code}: ${e.message}` : `HTTP ${reply.status}`;
}

export class Outbox {
  /**
   * @param {OutboxStore} store
   * @param {Transport} transport
   * @param {() => number} [now]
   */
  constructor(store, transport, now = Date.now) {
    this.store = store;
    this.transport = transport;
    this.now = now;
    /** @type {Promise<SyncResult> | null} */
    this.running = null;
  }

  /**
   * Keeps a new record (photos first, so an entry never names a photo not kept).
   * @param {{ kind: 'inspection' | 'proposal', user: string, label: string, body: Record<string, unknown>, photos?: { sha256: string, blob: Blob }[], id?: string }} record
   * @returns {Promise<OutboxEntry>}
   */
  async add(record) {
    const photos = record.photos || [];
    for (const p of photos) await this.store.putPhoto(p.sha256, p.blob);
    /** @type {OutboxEntry} */
    const entry = {
      id: record.id || crypto.randomUUID(),
      kind: record.kind,
      user: record.user,
      label: record.label,
      body: record.body,
      photos: photos.map((p) => ({ sha256: p.sha256, bytes: p.blob.size, uploaded: false })),
      serverId: null,
      state: 'pending',
      attempts: 0,
      error: null,
      createdAt: this.now(),
      doneAt: null,
    };
    await this.store.putEntry(entry);
    return entry;
  }

  /** Every entry, oldest first. */
  async list() {
    return (await this.store.entries()).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** How many wait to be sent (refused ones counted apart). */
  async counts() {
    const all = await this.store.entries();
    return { pending: all.filter((e) => e.state === 'pending').length, refused: all.filter((e) => e.state === 'refused').length };
  }

  /**
   * Sends what waits, for `user`: one sync at a time (a second call shares the first).
   * @param {string} user
   * @returns {Promise<SyncResult>}
   */
  sync(user) {
    if (!this.running) this.running = this.syncOnce(user).finally(() => { this.running = null; });
    return this.running;
  }

  /**
   * @typedef {{ sent: number, photos: number, reached: boolean }} SyncResult
   * @private @param {string} user @returns {Promise<SyncResult>}
   */
  async syncOnce(user) {
    const result = { sent: 0, photos: 0, reached: true };
    for (const entry of await this.list()) {
      if (entry.state === 'done' && entry.doneAt !== null && this.now() - entry.doneAt > KEEP_DONE_MS) await this.store.deleteEntry(entry.id);
      if (entry.state !== 'pending' || entry.user !== user) continue;
      const step = await this.push(entry, result);
      if (step === 'unreachable') {
        result.reached = false;
        break;
      }
    }
    return result;
  }

  /**
   * One entry: the record (if not yet acknowledged), then its photos.
   * @private @param {OutboxEntry} entry @param {SyncResult} result
   * @returns {Promise<'ok' | 'refused' | 'unreachable'>}
   */
  async push(entry, result) {
    if (entry.serverId === null) {
      entry.attempts += 1;
      const reply = await this.transport.postJson(PATHS[entry.kind], entry.body, entry.id);
      if (isTransient(reply.status)) {
        entry.error = refusal(reply);
        await this.store.putEntry(entry);
        return 'unreachable';
      }
      const id = serverIdOf(reply.body);
      if (reply.status >= 300 || id === null) return this.refuse(entry, refusal(reply));
      entry.serverId = id;
      entry.error = null;
      result.sent += 1;
      await this.store.putEntry(entry);
    }
    for (const photo of entry.photos) {
      if (photo.uploaded) continue;
      const blob = await this.store.getPhoto(photo.sha256);
      if (!blob) return this.refuse(entry, `photo ${photo.sha256} is no longer kept`);
      const reply = await this.transport.postPhoto(photoPath(entry), blob);
      if (isTransient(reply.status)) return 'unreachable';
      if (reply.status >= 300) return this.refuse(entry, refusal(reply));
      if (!reply.body || reply.body.sha256 !== photo.sha256) return this.refuse(entry, `photo ${photo.sha256}: the server kept ${reply.body && reply.body.sha256}`);
      photo.uploaded = true;
      result.photos += 1;
      await this.store.putEntry(entry);
      if (!(await this.stillNeeded(photo.sha256, entry.id))) await this.store.deletePhoto(photo.sha256);
    }
    entry.state = 'done';
    entry.doneAt = this.now();
    await this.store.putEntry(entry);
    return 'ok';
  }

  /** Another entry still has to send the same photo. @private @param {string} sha256 @param {string} except */
  async stillNeeded(sha256, except) {
    return (await this.store.entries()).some((e) => e.id !== except && e.state !== 'done' && e.photos.some((p) => p.sha256 === sha256 && !p.uploaded));
  }

  /** @private @param {OutboxEntry} entry @param {string} error @returns {Promise<'refused'>} */
  async refuse(entry, error) {
    entry.state = 'refused';
    entry.error = error;
    await this.store.putEntry(entry);
    return 'refused';
  }

  /** Tries a refused entry again (after a person has looked at it). @param {string} id */
  async retry(id) {
    const entry = (await this.store.entries()).find((e) => e.id === id);
    if (!entry || entry.state !== 'refused') return;
    entry.state = 'pending';
    await this.store.putEntry(entry);
  }
}

/** Sends with the page's session cookie; never throws (status 0: not reached). @type {Transport} */
export const httpTransport = {
  async postJson(path, body, key) {
    return reply(() => fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key }, body: JSON.stringify(body) }));
  },
  async postPhoto(path, photo) {
    return reply(() => fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': photo.type || 'image/jpeg' }, body: photo }));
  },
};

/** @param {() => Promise<Response>} send @returns {Promise<Reply>} */
async function reply(send) {
  try {
    const response = await send();
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch {
    return { status: 0, body: null };
  }
}

/** IndexedDB request as a promise. @template T @param {IDBRequest<T>} request @returns {Promise<T>} */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * The outbox in this browser's IndexedDB (`gridpatrol-field`: `entries`, `photos`).
 * @returns {Promise<OutboxStore>}
 */
export async function idbStore() {
  const open = indexedDB.open('gridpatrol-field', 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('entries', { keyPath: 'id' });
    open.result.createObjectStore('photos');
  };
  const db = await done(open);
  /** @param {string} name @param {IDBTransactionMode} mode */
  const os = (name, mode) => db.transaction(name, mode).objectStore(name);
  return {
    entries: () => done(os('entries', 'readonly').getAll()),
    putEntry: async (entry) => { await done(os('entries', 'readwrite').put(entry)); },
    deleteEntry: async (id) => { await done(os('entries', 'readwrite').delete(id)); },
    putPhoto: async (sha, blob) => { await done(os('photos', 'readwrite').put(blob, sha)); },
    getPhoto: (sha) => done(os('photos', 'readonly').get(sha)),
    deletePhoto: async (sha) => { await done(os('photos', 'readwrite').delete(sha)); },
  };
}
