// @ts-check
// What a click on the map answers: a popup for the topmost feature (a site, a cell,
// a hotspot, a route), or, on a bubble of sites, a zoom until they come apart.
import { t } from '../i18n.js';
import { h } from '../dom.js';
import { pct } from '../format.js';
import { store } from '../store.js';
import { gp } from '../gp.js';
import { pin } from '../panels/plan.js';
import { siteButtons } from '../panels/site_edit.js';

/** @typedef {import('maplibre-gl').Map} MaplibreMap */
/** @typedef {import('maplibre-gl').MapLayerMouseEvent} MapLayerMouseEvent */
/** @typedef {Record<string, any>} Properties */
/** @typedef {import('../api.js').InstitutionProperties} InstitutionProperties */
/** @typedef {import('../api.js').CellProperties} CellProperties */
/** @typedef {import('../api.js').HotspotProperties} HotspotProperties */

/** The layers a click answers for, from the top of the map down. */
export const CLICKABLE = ['routes-stops', 'depots', 'institutions', 'institutions-clusters', 'schools', 'hotspots-fill', 'cells-fill'];

/** @param {string} label @param {unknown} value */
function row(label, value) {
  return h('tr', {}, h('th', {}, t(label)), h('td', {}, /** @type {string | number | null | undefined} */ (value) ?? '—'));
}

/**
 * The popup of a feature of style layer `layerId`.
 * @param {string} layerId
 * @param {Properties} properties
 * @param {(siteId: string) => void} onPickSite  opens the inspection form for a site
 */
export function popupContent(layerId, properties, onPickSite) {
  const title = h('strong', {}, properties.name || properties.id || '');
  /** @type {HTMLTableRowElement[]} */
  let rows = [];
  if (layerId === 'institutions') {
    const p = /** @type {InstitutionProperties} */ (properties);
    rows = [row('licence', t('legend_' + p.licence)), row('site_kind', [p.kind ? t('kind_' + p.kind) : '', p.subject ? ` · ${t('subject_' + p.subject)}` : ''].join('')),
      row('address', p.address), row('complaints', p.complaints), row('last_inspected', p.last_inspected || t('never')), row('findings', p.findings || t('none'))];
  } else if (layerId === 'cells-fill') {
    const p = /** @type {CellProperties} */ (properties);
    rows = [row('officer', p.officer), row('coverage', pct(p.coverage)), row('sites', p.sites), row('sites_inspected', p.sites_inspected), row('streets_swept', pct(p.street_coverage))];
  } else if (layerId === 'hotspots-fill') {
    const p = /** @type {HotspotProperties} */ (properties);
    /** @type {unknown} */
    let parts = p.parts;
    if (typeof parts === 'string') {
      try { parts = JSON.parse(parts); } catch { parts = null; }
    }
    const partText = parts && typeof parts === 'object' ? Object.entries(parts).map(([k, v]) => `${t('score_part_' + k)} ${typeof v === 'number' ? v.toFixed(1) : v}`).join('，') : '—';
    rows = [row('site_kind', p.kind ? t('kind_' + p.kind) : ''), row('score', typeof p.score === 'number' ? p.score.toFixed(2) : '—'), row('score_parts', partText), row('night_check', p.needs_night_check ? t('yes') : t('no'))];
  } else if (layerId === 'routes-stops' || layerId === 'routes-line') {
    const p = properties;
    // A stop carries its arrival, the line its number of stops (src/shift/output.rs).
    rows = layerId === 'routes-stops'
      ? [row('team', p.team), row('arrive', p.arrival)]
      : [row('team', p.team), row('stops', p.stops)];
  }
  if (layerId === 'institutions' && properties.id) {
    return h('div', { class: 'popup' }, title, h('table', {}, rows), h('button', { class: 'link', onclick: () => onPickSite(properties.id) }, t('record_inspection')), ...pinButtons(properties.id), h('div', { class: 'site-actions' }, siteButtons(properties.id, isLead())));
  }
  return h('div', { class: 'popup' }, title, h('table', {}, rows));
}

/** Whether a lead is signed in. */
function isLead() {
  const user = store.get().user;
  return !!user && user.role === 'lead';
}

/**
 * A lead pins a site from its popup: must-visit, leave out, or keep to a team.
 * @param {string} site
 */
function pinButtons(site) {
  const user = store.get().user;
  if (!user || user.role !== 'lead') return [];
  const keepToTeam = () => {
    const team = window.prompt(t('pin_team_prompt'))?.trim();
    if (team) pin({ site_id: site, kind: 'team', team });
  };
  return [h('div', { class: 'pin-actions' }, `${t('pins')}：`,
    h('button', { class: 'link', 'data-pin': 'must_visit', onclick: () => pin({ site_id: site, kind: 'must_visit' }) }, t('pin_must_visit')), ' ',
    h('button', { class: 'link', 'data-pin': 'exclude', onclick: () => pin({ site_id: site, kind: 'exclude' }) }, t('pin_exclude')), ' ',
    h('button', { class: 'link', 'data-pin': 'team', onclick: keepToTeam }, t('pin_team')))];
}

/** @type {WeakMap<object, Map<unknown, Properties>>} */
const byId = new WeakMap();

/**
 * A feature's full properties from the page's copy of its layer (the map's own copy
 * of a large layer holds only what it draws with).
 * @param {string} name
 * @param {Properties} p
 * @returns {Properties}
 */
function fullProperties(name, p) {
  const fc = store.get().layers[name];
  if (!fc || !p.id) return p;
  let index = byId.get(fc);
  if (!index) {
    index = new Map(fc.features.map((f) => [f.properties && f.properties.id, f.properties || {}]));
    byId.set(fc, index);
  }
  return index.get(p.id) || p;
}

/**
 * One answer per click, the topmost layer's; a pointer over what answers.
 * @param {MaplibreMap} map
 * @param {(siteId: string) => void} onPickSite
 */
export function wirePopups(map, onPickSite) {
  for (const id of CLICKABLE) {
    map.on('click', id, (/** @type {MapLayerMouseEvent & { popupShown?: boolean }} */ ev) => {
      if (ev.popupShown || gp.picking) return;
      ev.popupShown = true;
      const f = ev.features && ev.features[0];
      if (!f) return;
      if (id === 'institutions-clusters') {
        // A bubble of sites zooms in until they come apart.
        const point = /** @type {import('geojson').Point} */ (f.geometry);
        map.easeTo({ center: /** @type {[number, number]} */ (point.coordinates), zoom: f.properties.expansion_zoom });
        return;
      }
      const properties = id === 'institutions' ? fullProperties('institutions', f.properties) : f.properties;
      new window.maplibregl.Popup({ maxWidth: '320px' }).setLngLat(ev.lngLat).setDOMContent(popupContent(id, properties, onPickSite)).addTo(map);
    });
    map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
  }
}
