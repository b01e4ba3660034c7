// @ts-check
// The map: a MapLibre map of the township drawn from its own data (no tiles from the
// internet unless the office names its own tile server), made once the small layers
// are in, so its worker draws everything in one pass.
import { errorText } from '../i18n.js';
import { status } from '../dom.js';
import { gp } from '../gp.js';
import { LAYERS, styleLayers, officeVectorLayers } from './style.js';
import { isBig, mapData, mayRead, siteSource, withToggle, addLabelsNow } from './layers.js';
import { CLICKABLE, wirePopups } from './popups.js';

/** @typedef {import('maplibre-gl').SourceSpecification} SourceSpecification */
/** @typedef {import('maplibre-gl').LayerSpecification} LayerSpecification */

/**
 * Makes the map over the township's box; `gp.ready` resolves at its first rendered
 * frame, when the labels start to join.
 * @param {import('../api.js').Config} config
 * @param {(siteId: string) => void} onPickSite  a site's popup button
 */
export function createMap(config, onPickSite) {
  const maplibregl = window.maplibregl;
  const [w, s, e, n] = config.bounds;
  /** @type {Record<string, SourceSpecification>} */
  const sources = {};
  for (const l of LAYERS) {
    if (!isBig(l.name)) sources[l.name] = { type: 'geojson', data: mapData(l.name) };
    else if (mayRead(l.name)) sources[l.name] = siteSource();
  }
  /** @type {LayerSpecification[]} */
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#f2efe9' } }];
  if (config.tile_url && config.tile_kind === 'vector') {
    sources.tiles = { type: 'vector', tiles: [config.tile_url], maxzoom: 14 };
    layers.push(...officeVectorLayers());
  } else if (config.tile_url) {
    sources.tiles = { type: 'raster', tiles: [config.tile_url], tileSize: 256 };
    layers.push({ id: 'tiles', type: 'raster', source: 'tiles' });
  }
  layers.push(...styleLayers().filter((l) => 'source' in l && sources[l.source]).map(withToggle));
  gp.mapBounds = [[w, s], [e, n]];
  const map = new maplibregl.Map({
    container: 'map',
    style: { version: 8, sources, layers },
    bounds: [[w, s], [e, n]],
    fitBoundsOptions: { padding: 20 },
    attributionControl: { compact: true, customAttribution: '© OpenStreetMap contributors' },
    localIdeographFontFamily: false, // glyphs from the page's own font (labels.js); the browser's fallback draws any it lacks
    fadeDuration: 0, // no fade-in frames: software-rendered maps draw each one slowly
  });
  gp.map = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
  map.addControl(new maplibregl.ScaleControl(), 'bottom-left');
  map.on('error', (ev) => {
    gp.errors.push(`map: ${ev.error && ev.error.message}`);
    status(errorText({ code: 'internal', message: ev.error && ev.error.message }), true);
    // A tile that failed (an office tile server that is down) asks for no new frame,
    // and without one the map never says it has loaded: draw one.
    map.triggerRepaint();
  });
  map.once('style.load', () => { gp.styleReady = true; });
  gp.ready = new Promise((resolve) => {
    map.on('load', async () => {
      gp.marks.mapLoad = performance.now();
      gp.layersLoaded = true;
      gp.marks.layers = performance.now();
      map.once('idle', () => {
        gp.firstRenderMs = performance.now();
        gp.labelsAdded = true;
        addLabelsNow();
        resolve();
      });
      map.triggerRepaint();
    });
  });
  wirePopups(map, onPickSite);
}

gp.clickable = CLICKABLE;
// For tests: features of a layer as rendered now (not just the DOM).
gp.rendered = (layerId) => (gp.map && gp.map.getLayer(layerId) ? gp.map.queryRenderedFeatures({ layers: [layerId] }).map((f) => f.properties) : []);
gp.idle = () => new Promise((resolve) => {
  const map = gp.map;
  if (!map) throw new Error('no map yet');
  if (map.loaded() && !map.isMoving()) {
    map.once('idle', () => resolve());
    map.triggerRepaint();
  } else map.once('idle', () => resolve());
});
