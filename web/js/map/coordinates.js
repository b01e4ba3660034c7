// @ts-check
// Coordinates as a lead pastes them from a web map (高德, 百度, 腾讯 pickers give
// `lon,lat`): read without the DOM, so node's tests run them.

/**
 * `[lon, lat]` from pasted text (commas, spaces or Chinese punctuation between), or
 * null. A pair given latitude first (`39.96, 116.35`) is turned round: a longitude
 * past ±90 cannot be a latitude.
 * @param {string} text
 * @returns {[number, number] | null}
 */
export function parseCoordinates(text) {
  const parts = text.trim().split(/[\s,，;；、]+/).filter(Boolean).map(Number);
  if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x))) return null;
  const [a, b] = parts;
  return Math.abs(a) <= 90 && Math.abs(b) > 90 ? [b, a] : [a, b];
}
