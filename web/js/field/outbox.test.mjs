// Unit tests of the outbox over a store in memory and a scripted server (node --test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox, KEEP_DONE_MS, isTransient, photoPath, serverIdOf } from './outbox.js';

/** A store in memory that copies entries as IndexedDB would. */
function store() {
  const map = new Map();
  const photos = new Map();
  return {
    map, photos,
    async entries() { return [...map.values()].map((e) => structuredClone(e)); },
    async putEntry(e) { map.set(e.id, structuredClone(e)); },
    async deleteEntry(id) { map.delete(id); },
    async putPhoto(sha, blob) { photos.set(sha, blob); },
    async getPhoto(sha) { return photos.get(sha); },
    async deletePhoto(sha) { photos.delete(sha); },
  };
}

/** A server that answers from a script of statuses, remembering keys like the real one. */
function server(script = []) {
  const calls = [];
  const byKey = new Map();
  let nextId = 1;
  return {
    calls,
    stored: () => byKey.size,
    async postJson(path, body, key) {
      calls.push({ path, key });
      const status = script.length ? script.shift() : 200;
      if (status === 0) return { status: 0, body: null };
      if (status === 'lost') { // stored, but the answer never arrives
        if (!byKey.has(key)) byKey.set(key, nextId++);
        return { status: 0, body: null };
      }
      if (status >= 400) return { status, body: { error: { code: 'bad_request', message: 'officers: at least two' } } };
      if (!byKey.has(key)) byKey.set(key, nextId++);
      return { status: 201, body: path.includes('proposals') ? { proposal: { id: byKey.get(key) } } : { inspection: { id: byKey.get(key) } } };
    },
    async postPhoto(path, blob) {
      calls.push({ path });
      const status = script.length ? script.shift() : 200;
      if (status === 0) return { status: 0, body: null };
      return { status: 200, body: { sha256: blob.sha, url: `/api/photos/${blob.sha}` } };
    },
  };
}
const photo = (sha) => ({ sha256: sha, blob: Object.assign(new Blob(['x'.repeat(10)]), { sha }) });

test('a record and its photos go up in order; then the photo blob is dropped', async () => {
  const s = store(), srv = server();
  const box = new Outbox(s, srv);
  await box.add({ kind: 'inspection', user: 'li.a', label: 'A', body: { site_id: 's1' }, photos: [photo('aa'), photo('bb')] });
  assert.deepEqual(await box.counts(), { pending: 1, refused: 0 });
  const r = await box.sync('li.a');
  assert.deepEqual(r, { sent: 1, photos: 2, reached: true });
  assert.deepEqual(srv.calls.map((c) => c.path), ['/api/inspections', '/api/inspections/1/photos', '/api/inspections/1/photos']);
  assert.equal(s.photos.size, 0);
  assert.deepEqual(await box.counts(), { pending: 0, refused: 0 });
  assert.equal((await box.list())[0].serverId, 1);
});

test('offline: nothing is lost, and the retry carries the same key', async () => {
  const s = store(), srv = server([0, 0]);
  const box = new Outbox(s, srv);
  const e = await box.add({ kind: 'inspection', user: 'li.a', label: 'A', body: {}, photos: [photo('aa')] });
  assert.equal((await box.sync('li.a')).reached, false);
  assert.equal((await box.sync('li.a')).reached, false);
  assert.deepEqual(await box.counts(), { pending: 1, refused: 0 });
  assert.equal(s.photos.size, 1);
  await box.sync('li.a');
  const keys = srv.calls.filter((c) => c.key).map((c) => c.key);
  assert.deepEqual(keys, [e.id, e.id, e.id]);
  assert.equal((await box.list())[0].attempts, 3);
  assert.equal((await box.list())[0].state, 'done');
});

test('an answer lost on the way stores one record: the retry has the first key', async () => {
  const s = store(), srv = server(['lost']);
  const box = new Outbox(s, srv);
  await box.add({ kind: 'inspection', user: 'li.a', label: 'A', body: {} });
  await box.sync('li.a');
  await box.sync('li.a');
  assert.equal(srv.stored(), 1);
  assert.equal((await box.list())[0].serverId, 1);
});

test('photos wait for the record; a photo cut off goes up on the next sync only', async () => {
  const s = store(), srv = server([200, 200, 0]);
  const box = new Outbox(s, srv);
  await box.add({ kind: 'inspection', user: 'li.a', label: 'A', body: {}, photos: [photo('aa'), photo('bb')] });
  assert.deepEqual(await box.sync('li.a'), { sent: 1, photos: 1, reached: false });
  assert.deepEqual(await box.sync('li.a'), { sent: 0, photos: 1, reached: true });
  assert.equal(srv.calls.filter((c) => c.path === '/api/inspections').length, 1);
});

test('a refused record is kept, marked, and does not stop the others', async () => {
  const s = store(), srv = server([400]);
  let clock = 1;
  const box = new Outbox(s, srv, () => clock++);
  await box.add({ kind: 'inspection', user: 'li.a', label: 'bad', body: {} });
  await box.add({ kind: 'proposal', user: 'li.a', label: '新机构', body: { name: 'x' } });
  const r = await box.sync('li.a');
  assert.equal(r.sent, 1);
  const [bad, good] = await box.list();
  assert.equal(bad.state, 'refused');
  assert.match(bad.error, /at least two/);
  assert.equal(good.state, 'done');
  assert.equal(srv.calls[1].path, '/api/sites/proposals');
  assert.deepEqual(await box.counts(), { pending: 0, refused: 1 });
  await box.retry(bad.id);
  await box.sync('li.a');
  assert.deepEqual(await box.counts(), { pending: 0, refused: 0 });
});

test('the same photo in two records is kept until both have sent it', async () => {
  const s = store(), srv = server();
  const box = new Outbox(s, srv);
  await box.add({ kind: 'inspection', user: 'li.a', label: 'A', body: {}, photos: [photo('aa')] });
  await box.add({ kind: 'inspection', user: 'li.a', label: 'B', body: {}, photos: [photo('aa')] });
  const r = await box.sync('li.a');
  assert.deepEqual(r, { sent: 2, photos: 2, reached: true });
  assert.deepEqual((await box.list()).map((e) => e.state), ['done', 'done']);
  assert.equal(s.photos.size, 0);
});

test('a session that ended keeps the record waiting, not refused', async () => {
  const s = store(), srv = server([401]);
  const box = new Outbox(s, srv);
  await box.add({ kind: 'inspection', user: 'li.a', label: 'A', body: {} });
  assert.equal((await box.sync('li.a')).reached, false);
  assert.deepEqual(await box.counts(), { pending: 1, refused: 0 });
});

test("another user's records wait for them", async () => {
  const s = store(), srv = server();
  const box = new Outbox(s, srv);
  await box.add({ kind: 'inspection', user: 'wang.b', label: 'B', body: {} });
  await box.sync('li.a');
  assert.equal(srv.calls.length, 0);
  await box.sync('wang.b');
  assert.equal(srv.calls.length, 1);
});

test('two syncs at once send once', async () => {
  const s = store(), srv = server();
  const box = new Outbox(s, srv);
  await box.add({ kind: 'inspection', user: 'li.a', label: 'A', body: {} });
  await Promise.all([box.sync('li.a'), box.sync('li.a')]);
  assert.equal(srv.calls.length, 1);
});

test('acknowledged records are forgotten after a few days', async () => {
  const s = store(), srv = server();
  let clock = 1000;
  const box = new Outbox(s, srv, () => clock);
  await box.add({ kind: 'inspection', user: 'li.a', label: 'A', body: {} });
  await box.sync('li.a');
  clock += KEEP_DONE_MS + 1;
  await box.sync('li.a');
  assert.equal((await box.list()).length, 0);
});

test("a proposal's photos go to the proposal", async () => {
  const s = store(), srv = server();
  const box = new Outbox(s, srv);
  await box.add({ kind: 'proposal', user: 'li.a', label: '新机构', body: { name: 'x' }, photos: [photo('cc')] });
  await box.sync('li.a');
  assert.deepEqual(srv.calls.map((c) => c.path), ['/api/sites/proposals', '/api/sites/proposals/1/photos']);
  assert.equal(photoPath({ kind: 'inspection', serverId: 12 }), '/api/inspections/12/photos');
});

test('transient statuses and the server id', () => {
  assert.ok(isTransient(0) && isTransient(503) && isTransient(429) && isTransient(401));
  assert.ok(!isTransient(400) && !isTransient(413) && !isTransient(201));
  assert.equal(serverIdOf({ inspection: { id: 7 } }), 7);
  assert.equal(serverIdOf({ proposal: { id: 'p3' } }), 'p3');
  assert.equal(serverIdOf({ id: 4 }), 4);
  assert.equal(serverIdOf(null), null);
});
