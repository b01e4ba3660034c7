// @ts-check
// How the map looks: the page's layers (each with its style layers, for the toggles),
// their colours, and the style of an office's own vector tiles.

/** @typedef {import('maplibre-gl').LayerSpecification} LayerSpecification */
/** @typedef {import('maplibre-gl').ExpressionSpecification} Expression */
/**
 * A layer of the page: what its toggle is called and the style layers it owns.
 * @typedef {object} PageLayer
 * @property {string} name  as `/api/layers/{name}` serves it
 * @property {string} label  its i18n key
 * @property {string[]} ids  its style layers
 * @property {boolean} [public]  shown without a session
 */

export const LICENCE_COLOURS = { licensed: '#2e7d32', registered_only: '#f9a825', unlicensed: '#c62828' };
/** The rings of the white and black lists around the sites, and of a flagged white site. */
export const LIST_COLOURS = { white: '#00bfa5', black: '#212121', flagged: '#d50000' };

/** The page's layers, bottom to top. @type {PageLayer[]} */
export const LAYERS = [
  { name: 'base', label: 'layer_base', ids: ['base-water', 'base-park', 'base-building', 'base-path', 'base-street-minor', 'base-street-major', 'base-rail'], public: true },
  { name: 'cells', label: 'layer_cells', ids: ['cells-fill', 'cells-line'] },
  { name: 'hotspots', label: 'layer_hotspots', ids: ['hotspots-fill', 'hotspots-line'] },
  { name: 'schools', label: 'layer_schools', ids: ['schools'] },
  { name: 'whitelist', label: 'layer_whitelist', ids: ['whitelist'] },
  { name: 'blacklist', label: 'layer_blacklist', ids: ['blacklist'] },
  { name: 'institutions', label: 'layer_institutions', ids: ['institutions-clusters', 'institutions'] },
  { name: 'depots', label: 'layer_depots', ids: ['depots'] },
  { name: 'routes', label: 'layer_routes', ids: ['routes-line', 'routes-stops'] },
];

/** The page layer called `name`. @param {string} name */
export function pageLayer(name) {
  const found = LAYERS.find((l) => l.name === name);
  if (!found) throw new Error(`no page layer ${name}`);
  return found;
}

/** The page layer that owns style layer `id`. @param {string} id */
export function ownerOf(id) {
  const found = LAYERS.find((l) => l.ids.includes(id));
  if (!found) throw new Error(`no page layer owns ${id}`);
  return found.name;
}

/** The township's layers, drawn from the page's own data. @returns {LayerSpecification[]} */
export function styleLayers() {
  /** @type {Expression} */
  const coverageColour = ['case', ['==', ['typeof', ['get', 'coverage']], 'number'],
    ['interpolate', ['linear'], ['get', 'coverage'], 0, '#d73027', 0.5, '#fee08b', 1, '#1a9850'], '#9e9e9e'];
  return [
    { id: 'base-water', type: 'fill', source: 'base', filter: ['==', ['get', 'class'], 'water'], paint: { 'fill-color': '#a8c8e8' } },
    { id: 'base-park', type: 'fill', source: 'base', filter: ['==', ['get', 'class'], 'park'], paint: { 'fill-color': '#d5ead0' } },
    { id: 'base-building', type: 'fill', source: 'base', filter: ['==', ['get', 'class'], 'building'], paint: { 'fill-color': '#d9d0c9', 'fill-outline-color': '#bfb4ab' } },
    { id: 'base-path', type: 'line', source: 'base', filter: ['==', ['get', 'class'], 'path'], paint: { 'line-color': '#ffffff', 'line-width': 1, 'line-dasharray': [2, 1] } },
    { id: 'base-street-minor', type: 'line', source: 'base', filter: ['==', ['get', 'class'], 'street_minor'], paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 13, 1, 18, 6] } },
    { id: 'base-street-major', type: 'line', source: 'base', filter: ['==', ['get', 'class'], 'street_major'], paint: { 'line-color': '#fcd6a4', 'line-width': ['interpolate', ['linear'], ['zoom'], 13, 2, 18, 10] } },
    { id: 'base-rail', type: 'line', source: 'base', filter: ['==', ['get', 'class'], 'rail'], paint: { 'line-color': '#888', 'line-width': 1 } },
    { id: 'cells-fill', type: 'fill', source: 'cells', paint: { 'fill-color': coverageColour, 'fill-opacity': 0.28 } },
    { id: 'cells-line', type: 'line', source: 'cells', paint: { 'line-color': '#37474f', 'line-width': 1.5 } },
    { id: 'hotspots-fill', type: 'fill', source: 'hotspots', paint: { 'fill-color': '#7b1fa2', 'fill-opacity': ['case', ['get', 'needs_night_check'], 0.35, 0.15] } },
    { id: 'hotspots-line', type: 'line', source: 'hotspots', paint: { 'line-color': '#4a148c', 'line-width': ['case', ['get', 'needs_night_check'], 3, 1] } },
    { id: 'schools', type: 'circle', source: 'schools', paint: { 'circle-radius': 6, 'circle-color': '#1565c0', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
    // The lists as rings around the sites' dots; a white-listed site found at fault
    // since has a thick red ring.
    { id: 'whitelist', type: 'circle', source: 'whitelist', paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 6, 17, 12], 'circle-opacity': 0,
      'circle-stroke-color': ['case', ['==', ['get', 'flagged'], true], LIST_COLOURS.flagged, LIST_COLOURS.white],
      'circle-stroke-width': ['case', ['==', ['get', 'flagged'], true], 4, 2] } },
    { id: 'blacklist', type: 'circle', source: 'blacklist', paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 6, 17, 12], 'circle-opacity': 0,
      'circle-stroke-color': LIST_COLOURS.black, 'circle-stroke-width': 2 } },
    // Sites packed closer than a few pixels (a building full of them, or ten thousand
    // over a township) are drawn as one bubble, coloured by the worst licence inside;
    // a click zooms in until they come apart.
    { id: 'institutions-clusters', type: 'circle', source: 'institutions', 'source-layer': 'institutions', filter: ['has', 'point_count'], paint: {
      'circle-radius': ['step', ['get', 'point_count'], 9, 10, 12, 100, 16, 1000, 20],
      'circle-color': ['case', ['>', ['get', 'unlicensed'], 0], LICENCE_COLOURS.unlicensed, ['>', ['get', 'registered_only'], 0], LICENCE_COLOURS.registered_only, LICENCE_COLOURS.licensed],
      'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
    { id: 'institutions', type: 'circle', source: 'institutions', 'source-layer': 'institutions', filter: ['!', ['has', 'point_count']], paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 3, 17, 7],
      'circle-color': ['match', ['get', 'licence'], 'licensed', LICENCE_COLOURS.licensed, 'registered_only', LICENCE_COLOURS.registered_only, LICENCE_COLOURS.unlicensed],
      'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } },
    { id: 'depots', type: 'circle', source: 'depots', paint: { 'circle-radius': 8, 'circle-color': '#000', 'circle-stroke-color': '#ffeb3b', 'circle-stroke-width': 3 } },
    { id: 'routes-line', type: 'line', source: 'routes', filter: ['==', ['geometry-type'], 'LineString'], layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': ['coalesce', ['get', 'color'], '#e65100'], 'line-width': 4, 'line-opacity': 0.85 } },
    { id: 'routes-stops', type: 'circle', source: 'routes', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 6, 'circle-color': '#fff', 'circle-stroke-color': ['coalesce', ['get', 'color'], '#e65100'], 'circle-stroke-width': 3 } },
  ];
}

// An office's own vector tiles (the OpenMapTiles schema of tileserver-gl or martin),
// drawn plainly under the township's layers: the surroundings the workspace lacks.
const MAJOR_ROADS = ['motorway', 'trunk', 'primary', 'secondary'];
/** @returns {LayerSpecification[]} */
export function officeVectorLayers() {
  /**
   * @param {string} id
   * @param {'fill' | 'line'} type
   * @param {string} sourceLayer
   * @param {Record<string, unknown>} paint
   * @param {import('maplibre-gl').FilterSpecification} [filter]
   * @returns {LayerSpecification}
   */
  const layer = (id, type, sourceLayer, paint, filter) => /** @type {LayerSpecification} */ ({ id: `tiles-${id}`, type, source: 'tiles', 'source-layer': sourceLayer, paint, ...(filter ? { filter } : {}) });
  /** @param {number} at13 @param {number} at18 @returns {Expression} */
  const width = (at13, at18) => ['interpolate', ['linear'], ['zoom'], 13, at13, 18, at18];
  return [
    layer('landcover', 'fill', 'landcover', { 'fill-color': '#d5ead0', 'fill-opacity': 0.6 }),
    layer('park', 'fill', 'park', { 'fill-color': '#d5ead0' }),
    layer('water', 'fill', 'water', { 'fill-color': '#a8c8e8' }),
    layer('building', 'fill', 'building', { 'fill-color': '#e3dcd5' }),
    layer('road-minor', 'line', 'transportation', { 'line-color': '#ffffff', 'line-width': width(0.5, 5) }, ['!', ['in', ['get', 'class'], ['literal', MAJOR_ROADS]]]),
    layer('road-major', 'line', 'transportation', { 'line-color': '#fcd6a4', 'line-width': width(1.5, 9) }, ['in', ['get', 'class'], ['literal', MAJOR_ROADS]]),
  ];
}
