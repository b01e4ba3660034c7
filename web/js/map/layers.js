// @ts-check
// Layer data, fetched once per change. Small layers: the page fetches each and hands
// the same object to the map (the panels, labels and route sheets read it too). The
// large site layer: the map draws it from vector tiles the server cuts, with sites
// that crowd already gathered into bubbles, so it decodes only the few hundred
// features in view however many sites there are. The page's full copy (popups, the
// site list) follows only after the first rendered map.
import * as api from '../api.js';
import { errorText } from '../i18n.js';
import { status } from '../dom.js';
import { gp } from '../gp.js';
import { store } from '../store.js';
import { LAYERS, pageLayer, ownerOf, styleLayers } from './style.js';
import { addLabels, updateLabels, LABEL_IDS } from './labels.js';

/** @typedef {import('geojson').FeatureCollection} FeatureCollection */
/** @typedef {import('maplibre-gl').LayerSpecification} LayerSpecification */
/** @typedef {import('maplibre-gl').VectorSourceSpecification} VectorSourceSpecification */

/** @type {FeatureCollection} */
export const EMPTY = { type: 'FeatureCollection', features: [] };

/** The round of the site tiles: a new number after each change makes the map ask again. */
let siteRound = 0;

/** The site layer, too large to hand to the map whole. @param {string} name */
export function isBig(name) {
  return name === 'institutions';
}
/** Public layers, or any with a session. @param {string} name */
export function mayRead(name) {
  return pageLayer(name).public || !!store.get().user;
}
/** What the map may draw of a layer now. @param {string} name */
export function mapData(name) {
  return mayRead(name) ? store.get().layers[name] || EMPTY : EMPTY;
}
/** The site tiles, in a new round. @returns {VectorSourceSpecification} */
export function siteSource() {
  siteRound += 1;
  return { type: 'vector', maxzoom: 18, tiles: [`${location.origin}/api/tiles/institutions/{z}/{x}/{y}?round=${siteRound}`] };
}
/** Whether the toggle of page layer `name` is off. @param {string | undefined} name */
export function isHidden(name) {
  return name !== undefined && store.get().hidden.has(name);
}
/** A style layer, shown or not as its page layer's toggle says. @param {LayerSpecification} layer @returns {LayerSpecification} */
export function withToggle(layer) {
  return /** @type {LayerSpecification} */ ({ ...layer, layout: { ...(layer.layout || {}), visibility: isHidden(ownerOf(layer.id)) ? 'none' : 'visible' } });
}

/** Adds the label layers (once the map has drawn), counting any failure as a page error. */
export function addLabelsNow() {
  if (!gp.map) return;
  gp.labelsReady = addLabels(gp.map, store.get().layers, isHidden).catch((e) => { gp.errors.push(`labels: ${e}`); });
}

// The site tiles exist on the map only with a session (the server refuses them
// otherwise): added on sign-in, asked again after a change, removed on sign-out.
function syncSites() {
  const map = gp.map;
  if (!map) return;
  const ids = [...pageLayer('institutions').ids, ...LABEL_IDS.institutions];
  if (!mayRead('institutions')) {
    for (const id of ids) if (map.getLayer(id)) map.removeLayer(id);
    if (map.getSource('institutions')) map.removeSource('institutions');
    return;
  }
  const source = /** @type {import('maplibre-gl').VectorTileSource | undefined} */ (map.getSource('institutions'));
  if (source) {
    source.setTiles(siteSource().tiles || []);
    return;
  }
  map.addSource('institutions', siteSource());
  for (const layer of styleLayers().filter((l) => 'source' in l && l.source === 'institutions')) map.addLayer(withToggle(layer), 'depots');
  if (gp.labelsAdded) addLabelsNow();
}

/** Gives the map a layer's current data (the style, made with the data at hand, is in). @param {string} name */
function feedMap(name) {
  if (!gp.styleReady || !gp.map) return;
  if (isBig(name)) {
    syncSites();
    return;
  }
  const source = /** @type {import('maplibre-gl').GeoJSONSource | undefined} */ (gp.map.getSource(name));
  if (source) source.setData(mapData(name));
}

/** @param {string} name @param {FeatureCollection} data */
function keep(name, data) {
  store.set({ layers: { ...store.get().layers, [name]: data } });
}

/** Fetches the page's copy of a layer (empty when the user may not read it). @param {string} name */
export async function copyLayer(name) {
  if (!mayRead(name)) {
    keep(name, EMPTY);
    if (gp.map) updateLabels(gp.map, name, EMPTY);
    return;
  }
  try {
    const data = await api.layer(name);
    keep(name, data);
    gp.counts[name] = data.features.length;
    if (gp.map) updateLabels(gp.map, name, data);
  } catch (e) {
    keep(name, EMPTY);
    const error = /** @type {api.ApiError} */ (e);
    if (error.code !== 'unauthorized') {
      gp.errors.push(`${name}: ${error.code}`);
      status(errorText(error), true);
    }
  }
}

/** Reloads a layer after a change: the map's copy and the page's. @param {string} name */
export async function loadLayer(name) {
  if (isBig(name)) {
    feedMap(name);
    await copyLayer(name);
    return;
  }
  await copyLayer(name);
  feedMap(name);
}

export async function loadAllLayers() {
  await Promise.all(LAYERS.map((l) => loadLayer(l.name)));
  gp.layersLoaded = true;
}

/** Shows or hides a page layer with its labels; the choice is kept for the next visit. @param {string} name @param {boolean} visible */
export function setVisible(name, visible) {
  const hidden = new Set(store.get().hidden);
  if (visible) hidden.delete(name);
  else hidden.add(name);
  store.set({ hidden });
  localStorage.setItem('gp.hidden', JSON.stringify([...hidden]));
  const map = gp.map;
  if (!map) return;
  for (const id of [...pageLayer(name).ids, ...(LABEL_IDS[name] || [])]) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
}

/**
 * Colours the map's cells by the coverage of a window the lead chose (the coverage
 * panel's dates) instead of the default window the layer came with.
 * @param {import('../api.js').CoverageRow[]} rows
 */
export function recolourCells(rows) {
  const cells = store.get().layers.cells;
  if (!cells) return;
  const byId = new Map(rows.map((r) => [r.cell_id, r]));
  const features = cells.features.map((f) => {
    const row = f.properties ? byId.get(String(f.properties.id)) : undefined;
    if (!row) return f;
    return { ...f, properties: { ...f.properties, coverage: row.coverage, sites: row.sites, sites_inspected: row.sites_inspected, sites_overdue: row.sites_overdue, street_coverage: row.street_coverage } };
  });
  keep('cells', { ...cells, features });
  feedMap('cells');
}
