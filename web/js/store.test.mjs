// Unit tests of the store (node --test, run by `npm run check`).
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.localStorage = { getItem: () => null, setItem: () => {} };
const { Store } = await import('./store.js');

test('nothing is drawn before start, every watcher once at start', () => {
  const store = new Store({ a: 1, b: 2 });
  const drawn = [];
  store.watch((s) => [s.a], () => drawn.push('a'));
  store.watch((s) => [s.b], () => drawn.push('b'));
  store.set({ a: 3 });
  assert.deepEqual(drawn, []);
  store.start();
  assert.deepEqual(drawn, ['a', 'b']);
});

test('a change draws only the watchers that read it, with the new state', () => {
  const list = [1];
  const store = new Store({ a: 1, list, other: 'x' });
  const drawn = [];
  store.watch((s) => [s.a, s.list], (s) => drawn.push(`a=${s.a} list=${s.list.length}`));
  store.watch((s) => [s.other], (s) => drawn.push(`other=${s.other}`));
  store.start();
  drawn.length = 0;
  store.set({ a: 2 });
  store.set({ a: 2, list }); // same values: nothing to draw
  store.set({ list: [1, 2] }); // a new array: drawn again
  store.set({ other: 'y' });
  assert.deepEqual(drawn, ['a=2 list=1', 'a=2 list=2', 'other=y']);
});

test('a watcher may change the state while drawing', () => {
  const store = new Store({ a: 1, b: 0 });
  const seen = [];
  store.watch((s) => [s.a], (s) => store.set({ b: s.a * 10 }));
  store.watch((s) => [s.b], (s) => seen.push(s.b));
  store.start();
  store.set({ a: 2 });
  assert.deepEqual(seen, [10, 20]);
  assert.equal(store.get().b, 20);
});
