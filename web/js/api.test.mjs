// Unit tests of the API client against a stand-in fetch (node --test, run by `npm run check`).
import { test } from 'node:test';
import assert from 'node:assert/strict';

const api = await import('./api.js');

/** Replaces fetch with one answer; returns the requests made. */
function answer(status, body, headers = {}) {
  const requests = [];
  globalThis.fetch = async (path, init) => {
    requests.push({ path, init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  };
  return requests;
}

test('a POST carries a fresh Idempotency-Key and its body as JSON', async () => {
  const requests = answer(200, { draw: {} });
  await api.draw({ sites: 2, inspectors: 1, seed: null });
  await api.draw({ sites: 2, inspectors: 1, seed: null });
  const [a, b] = requests.map((r) => r.init.headers['Idempotency-Key']);
  assert.match(a, /^[0-9a-f-]{36}$/);
  assert.notEqual(a, b);
  assert.equal(requests[0].init.method, 'POST');
  assert.equal(requests[0].init.headers['Content-Type'], 'application/json');
  assert.deepEqual(JSON.parse(requests[0].init.body), { sites: 2, inspectors: 1, seed: null });
});

test('a GET carries no key', async () => {
  const requests = answer(200, { user: null });
  await api.me();
  assert.equal(requests[0].init.method, 'GET');
  assert.equal(requests[0].init.headers['Idempotency-Key'], undefined);
});

test("a failure is an ApiError with the server's code", async () => {
  answer(403, { error: { code: 'forbidden', message: 'leads only' } });
  await assert.rejects(api.draw({ sites: 1, inspectors: 1, seed: null }), (e) => e instanceof api.ApiError && e.code === 'forbidden' && e.status === 403 && e.message === 'leads only');
});

test('429 is too many requests, with Retry-After in seconds', async () => {
  answer(429, { error: { code: 'too_many_attempts', message: 'try later' } }, { 'Retry-After': '30' });
  await assert.rejects(api.login('a', 'b'), (e) => e.code === api.TOO_MANY_REQUESTS && e.retryAfterS === 30 && e.status === 429);
});

test('no server is a network error', async () => {
  globalThis.fetch = async () => { throw new TypeError('Failed to fetch'); };
  await assert.rejects(api.config(), (e) => e.code === 'network' && e.status === 0);
});
