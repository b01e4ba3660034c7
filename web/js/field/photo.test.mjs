// Unit tests of the photo sizes and hashes (node --test, run by `npm run check`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { fitWithin, MAX_SIDE, sha256Hex } from './photo.js';

test('a photo that fits is kept at its size', () => {
  assert.deepEqual(fitWithin(1600, 1200), { width: 1600, height: 1200 });
  assert.deepEqual(fitWithin(640, 480), { width: 640, height: 480 });
});

test('a larger photo is scaled so its longer side is the limit, aspect kept', () => {
  assert.deepEqual(fitWithin(4032, 3024), { width: 1600, height: 1200 });
  assert.deepEqual(fitWithin(3024, 4032), { width: 1200, height: 1600 });
  assert.deepEqual(fitWithin(8000, 10), { width: MAX_SIDE, height: 2 });
  assert.deepEqual(fitWithin(100000, 1), { width: MAX_SIDE, height: 1 });
  const { width, height } = fitWithin(4000, 2250);
  assert.ok(Math.abs(width / height - 4000 / 2250) < 0.01);
});

test('the hash is the SHA-256 of the bytes, in hex', async () => {
  const bytes = new TextEncoder().encode('现场检查记录');
  assert.equal(await sha256Hex(bytes), createHash('sha256').update(bytes).digest('hex'));
  assert.equal(await sha256Hex(new Uint8Array()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
