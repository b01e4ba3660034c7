// @ts-check
// Distances and dates for the field app: how far the phone is from a site, the local
// time a record was made, and a 整改 deadline counted as the township's rules say.

const EARTH_RADIUS_M = 6371008.8;

/**
 * The great-circle distance in metres between two WGS-84 points.
 * @param {{ lon: number, lat: number }} a
 * @param {{ lon: number, lat: number }} b
 */
export function distanceM(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** A distance as a person reads it: metres below a kilometre, then kilometres. @param {number} m */
export function fmtDistance(m) {
  if (!Number.isFinite(m)) return '—';
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 10000 ? 1 : 0)} km`;
}

/** @param {number} n */
const two = (n) => String(n).padStart(2, '0');

/** Local time `YYYY-MM-DDTHH:MM:SS` (what the record keeps as `at`). @param {Date} d */
export function localStamp(d) {
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/**
 * `date` plus `days`: calendar days, or working days (Saturdays and Sundays skipped;
 * the township's own holidays are the server's to count).
 * @param {string} date  `YYYY-MM-DD`
 * @param {number} days
 * @param {'calendar_days' | 'working_days'} unit
 * @returns {string}
 */
export function addDays(date, days, unit) {
  const [y, m, d] = date.split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  let left = days;
  while (left > 0) {
    day.setUTCDate(day.getUTCDate() + 1);
    const weekday = day.getUTCDay();
    if (unit === 'working_days' && (weekday === 0 || weekday === 6)) continue;
    left -= 1;
  }
  return `${day.getUTCFullYear()}-${two(day.getUTCMonth() + 1)}-${two(day.getUTCDate())}`;
}
