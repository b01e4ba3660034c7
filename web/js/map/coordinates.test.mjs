import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCoordinates } from './coordinates.js';

test('pasted coordinates are read as lon, lat whatever separates them', () => {
  assert.deepEqual(parseCoordinates('116.397428,39.90923'), [116.397428, 39.90923]);
  assert.deepEqual(parseCoordinates(' 116.40 ，39.91 '), [116.4, 39.91]);
  assert.deepEqual(parseCoordinates('116.40 39.91'), [116.4, 39.91]);
});

test('latitude first is turned round; anything else is refused', () => {
  assert.deepEqual(parseCoordinates('39.91, 116.40'), [116.4, 39.91]);
  assert.equal(parseCoordinates('116.40'), null);
  assert.equal(parseCoordinates('116.40,39.91,0'), null);
  assert.equal(parseCoordinates('东经116度'), null);
});
