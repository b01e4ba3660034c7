// @ts-check
// Map labels: street names from the base map, grid cell names and hotspot names.
// MapLibre draws the glyphs in the browser from gp-sans, the font gridpatrol itself
// serves (/static/fonts/gp-sans.woff2, Chinese included): no glyph server, no internet.
// Labels join after the first rendered map, so they never delay it.

/** @typedef {import('geojson').FeatureCollection} FeatureCollection */
/** @typedef {import('geojson').Position} Position */
/** @typedef {import('maplibre-gl').Map} MaplibreMap */

export const LABEL_FONT = 'gp-sans';
const FONT = [LABEL_FONT];
/** @type {FeatureCollection} */
const EMPTY = { type: 'FeatureCollection', features: [] };
const HALO = { 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.5 };

// The style layer ids of the labels, by the page's layer name (for the toggles).
/** @type {Record<string, string[]>} */
export const LABEL_IDS = { base: ['base-street-label'], cells: ['cells-label'], hotspots: ['hotspots-label'], institutions: ['institutions-count'] };

/** @returns {import('maplibre-gl').SymbolLayerSpecification[]} */
function labelLayers() {
  return [
    { id: 'base-street-label', type: 'symbol', source: 'base', minzoom: 14,
      filter: ['all', ['has', 'name'], ['in', ['get', 'class'], ['literal', ['street_major', 'street_minor']]]],
      layout: { 'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': FONT, 'symbol-spacing': 320,
        'text-size': ['interpolate', ['linear'], ['zoom'], 14, 11, 18, 15], 'text-max-angle': 35 },
      paint: { 'text-color': '#5d4037', ...HALO } },
    { id: 'hotspots-label', type: 'symbol', source: 'hotspots-label-points', minzoom: 14,
      layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 11, 'text-max-width': 8, 'text-optional': true },
      paint: { 'text-color': '#4a148c', ...HALO } },
    { id: 'institutions-count', type: 'symbol', source: 'institutions', 'source-layer': 'institutions', filter: ['has', 'point_count'],
      layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-font': FONT, 'text-size': 11, 'text-allow-overlap': true, 'text-ignore-placement': true },
      paint: { 'text-color': '#fff' } },
    { id: 'cells-label', type: 'symbol', source: 'cells-label-points',
      layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 14, 'text-max-width': 8 },
      paint: { 'text-color': '#263238', 'text-halo-color': '#fff', 'text-halo-width': 2 } },
  ];
}

// A point well inside a ring: its centroid when that lies inside, otherwise the middle
// of the widest stretch of a horizontal line through the ring's middle.
/** @param {Position[]} ring @param {number} x @param {number} y */
function inside(ring, x, y) {
  let odd = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
  }
  return odd;
}
/** @param {Position[]} ring @returns {Position} */
export function labelPoint(ring) {
  let a = 0, cx = 0, cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    a += f; cx += (ring[j][0] + ring[i][0]) * f; cy += (ring[j][1] + ring[i][1]) * f;
  }
  if (a !== 0 && inside(ring, cx / (3 * a), cy / (3 * a))) return [cx / (3 * a), cy / (3 * a)];
  const ys = ring.map((p) => p[1]);
  const y = (Math.min(...ys) + Math.max(...ys)) / 2;
  const xs = [];
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y)) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
  }
  xs.sort((p, q) => p - q);
  let best = [ring[0][0], ring[0][1]], width = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) if (xs[i + 1] - xs[i] > width) { width = xs[i + 1] - xs[i]; best = [(xs[i] + xs[i + 1]) / 2, y]; }
  return best;
}

/** A label point per named polygon. @param {FeatureCollection | undefined} fc @returns {FeatureCollection} */
function points(fc) {
  /** @type {import('geojson').Feature[]} */
  const features = [];
  for (const f of (fc || EMPTY).features) {
    const g = f.geometry;
    if (!g || !f.properties || !f.properties.name) continue;
    const ring = g.type === 'Polygon' ? g.coordinates[0] : g.type === 'MultiPolygon' ? g.coordinates[0][0] : null;
    if (!ring || ring.length < 3) continue;
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: labelPoint(ring) }, properties: { id: f.properties.id, name: f.properties.name } });
  }
  return { type: 'FeatureCollection', features };
}

// Adds the label layers not there yet, once the font is in (glyphs drawn before it would
// be cached in a fallback font). `data` holds the layers loaded so far; `isHidden(name)`
// the toggles. Called again when the site tiles join the map.
/**
 * @param {MaplibreMap} map
 * @param {Readonly<Record<string, FeatureCollection>>} data
 * @param {(name: string | undefined) => boolean} isHidden
 */
export async function addLabels(map, data, isHidden) {
  await document.fonts.load(`24px ${LABEL_FONT}`, '网格路 Road 1');
  for (const name of ['cells', 'hotspots']) {
    if (!map.getSource(`${name}-label-points`)) map.addSource(`${name}-label-points`, { type: 'geojson', data: points(data[name]) });
  }
  for (const layer of labelLayers()) {
    // The site tiles are on the map only with a session.
    if (map.getLayer(layer.id) || !map.getSource(layer.source)) continue;
    const owner = Object.keys(LABEL_IDS).find((k) => LABEL_IDS[k].includes(layer.id));
    map.addLayer({ ...layer, layout: { ...layer.layout, visibility: isHidden(owner) ? 'none' : 'visible' } });
  }
}

// Keeps the cell and hotspot labels in step with their layers.
/** @param {MaplibreMap} map @param {string} name @param {FeatureCollection} fc */
export function updateLabels(map, name, fc) {
  const source = /** @type {import('maplibre-gl').GeoJSONSource | undefined} */ (map.getSource(`${name}-label-points`));
  if (source) source.setData(points(fc));
}
