// Unit tests of distances and dates (node --test, run by `npm run check`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, distanceM, fmtDistance, localStamp } from './geo.js';

test('distance: a degree of latitude is about 111 km, a point is 0 from itself', () => {
  assert.equal(distanceM({ lon: 116.35, lat: 39.96 }, { lon: 116.35, lat: 39.96 }), 0);
  const d = distanceM({ lon: 116.35, lat: 39 }, { lon: 116.35, lat: 40 });
  assert.ok(Math.abs(d - 111195) < 10, String(d));
  // East-west shrinks with the cosine of the latitude (Beijing, 40°N).
  const ew = distanceM({ lon: 116, lat: 40 }, { lon: 117, lat: 40 });
  assert.ok(Math.abs(ew - 111195 * Math.cos(40 * Math.PI / 180)) < 300, String(ew));
  assert.equal(distanceM({ lon: 1, lat: 2 }, { lon: 3, lat: 4 }), distanceM({ lon: 3, lat: 4 }, { lon: 1, lat: 2 }));
});

test('distance reads in metres, then kilometres', () => {
  assert.equal(fmtDistance(42.4), '42 m');
  assert.equal(fmtDistance(1530), '1.5 km');
  assert.equal(fmtDistance(23456), '23 km');
  assert.equal(fmtDistance(NaN), '—');
});

test('local stamp keeps the phone clock, to the second', () => {
  assert.equal(localStamp(new Date(2026, 10, 5, 9, 3, 7)), '2026-11-05T09:03:07');
});

test('a deadline counts calendar days or skips weekends', () => {
  assert.equal(addDays('2026-11-26', 14, 'calendar_days'), '2026-12-10');
  assert.equal(addDays('2026-12-25', 7, 'calendar_days'), '2027-01-01');
  // Thursday + 2 working days: Friday, then Monday.
  assert.equal(addDays('2026-11-26', 2, 'working_days'), '2026-11-30');
  assert.equal(addDays('2026-11-26', 0, 'working_days'), '2026-11-26');
});
