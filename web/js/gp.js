// @ts-check
// window.gp: what the page exposes for tests and measurements (tests/web/*.mjs and
// scripts/load_test.sh read it): the map, when it first rendered, the layers' data
// and counts, and every error the page met.
import { store } from './store.js';

/** @typedef {import('geojson').FeatureCollection} FeatureCollection */
/** @typedef {import('maplibre-gl').Map} MaplibreMap */

/**
 * @typedef {object} PageHandle
 * @property {MaplibreMap | null} map
 * @property {number | null} firstRenderMs  performance.now() at the first idle map
 * @property {boolean} layersLoaded
 * @property {boolean} [styleReady]  the map's style is in: layers may be fed
 * @property {boolean} [labelsAdded]  labels were added after the first render
 * @property {Promise<void>} [labelsReady]
 * @property {Promise<void>} [ready]  resolves at the first rendered map
 * @property {boolean} [pageReady]  the map and every panel's data are in
 * @property {boolean} [picking]  the next map click places a site: no popup for it
 * @property {[[number, number], [number, number]]} [mapBounds]  the township's box
 * @property {string[]} errors
 * @property {Readonly<Record<string, FeatureCollection>>} data  the page's copy of each layer
 * @property {Record<string, number>} counts  features per layer
 * @property {Record<string, number>} marks  timings: script, config, mapLoad, layers
 * @property {string[]} clickable  the layers a click answers for, top down
 * @property {(layerId: string) => Record<string, any>[]} rendered  properties as drawn now
 * @property {() => Promise<void>} idle  resolves when the map is idle, a frame drawn
 * @property {{ outbox: () => Promise<import('./field/outbox.js').Outbox>, sync: () => Promise<void>, cachedBytes: () => Promise<number>, controlled: Promise<void> }} [field]
 *   the field app: its outbox, a sync now, the bytes the service worker keeps, and
 *   when the worker controls the page
 */

/** @type {PageHandle} */
export const gp = {
  map: null,
  firstRenderMs: null,
  layersLoaded: false,
  errors: [],
  get data() {
    return store.get().layers;
  },
  counts: {},
  marks: { script: performance.now() },
  clickable: [],
  rendered: () => [],
  idle: () => Promise.resolve(),
};
window.gp = gp;
