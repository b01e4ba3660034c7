// @ts-check
// Numbers and dates as the page shows them.
import { t } from './i18n.js';

/** `YYYY-MM-DD` in local time. @param {Date} d */
export function isoDate(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
export function today() {
  return isoDate(new Date());
}
/** A ratio 0..1 as a whole percentage; `—` when unknown. @param {unknown} x */
export function pct(x) {
  return typeof x === 'number' ? `${Math.round(x * 100)}%` : '—';
}
/** Seconds as whole minutes. @param {unknown} s */
export function fmtMinutes(s) {
  return typeof s === 'number' ? `${Math.round(s / 60)} ${t('minutes')}` : '—';
}
/** Metres as kilometres, one decimal. @param {unknown} m */
export function fmtKm(m) {
  return typeof m === 'number' ? `${(m / 1000).toFixed(1)} ${t('km')}` : '—';
}
