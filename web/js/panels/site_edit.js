// @ts-check
// The lead's site desk (the 机构 panel): add an institution or a hotspot by clicking the
// map or by pasting coordinates with their system (WGS-84, 高德/腾讯 GCJ-02, 百度 BD-09),
// edit a site's fields, drag it to its right place (after a confirm), close (关停) or
// reopen (恢复) it. Each change is saved at once; the map's layers follow.
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId, status } from '../dom.js';
import { gp } from '../gp.js';
import { store } from '../store.js';
import { loadLayer } from '../map/layers.js';
import { dragMarker, pickMarker, stopDragging } from '../map/drag.js';
import { parseCoordinates } from '../map/coordinates.js';
import { openPanel } from './tabs.js';
import { openDossier } from './dossier.js';

/** @typedef {import('../api.js').SiteAnswer} SiteAnswer */

/** The layers a site change shows on. */
const SITE_LAYERS = ['institutions', 'hotspots', 'whitelist', 'blacklist', 'cells'];

/** The site the edit form holds. @type {SiteAnswer | null} */
let editing = null;

/** Draws the changed site everywhere it shows. */
async function reloadSiteLayers() {
  await Promise.all(SITE_LAYERS.map((name) => loadLayer(name)));
}

/** @param {unknown} e */
function fail(e) {
  status(errorText(/** @type {api.ApiError} */ (e)), true);
}

/** The add form's coordinates field, set to a WGS-84 point from the map. @param {number} lon @param {number} lat */
function setPicked(lon, lat) {
  const form = byId('site-add-form', HTMLFormElement);
  /** @type {HTMLInputElement} */ (form.elements.namedItem('coordinates')).value = `${lon.toFixed(6)},${lat.toFixed(6)}`;
  /** @type {HTMLSelectElement} */ (form.elements.namedItem('crs')).value = 'wgs84';
}

/** The next click on the map places the new site (a marker the lead may still drag). */
function pickOnMap() {
  const map = gp.map;
  if (!map) return;
  status(t('site_click_map'));
  map.getCanvas().style.cursor = 'crosshair';
  gp.picking = true;
  map.once('click', (ev) => {
    gp.picking = false;
    map.getCanvas().style.cursor = '';
    const { lng, lat } = ev.lngLat;
    setPicked(lng, lat);
    const marker = pickMarker([lng, lat]);
    if (marker) marker.on('dragend', () => { const p = marker.getLngLat(); setPicked(p.lng, p.lat); });
    status(t('site_picked'));
  });
}

/** The form's text, or undefined when blank. @param {FormData} fields @param {string} name */
function given(fields, name) {
  const value = String(fields.get(name) || '').trim();
  return value === '' ? undefined : value;
}

/** @param {SubmitEvent} ev */
async function addSite(ev) {
  ev.preventDefault();
  const form = byId('site-add-form', HTMLFormElement);
  const fields = new FormData(form);
  const at = parseCoordinates(String(fields.get('coordinates') || ''));
  if (!at) {
    status(t('site_bad_coordinates'), true);
    return;
  }
  /** @type {api.SiteRequest} */
  const request = {
    id: given(fields, 'id'), name: String(fields.get('name') || ''), kind: String(fields.get('kind')),
    subject: given(fields, 'subject'), licence: given(fields, 'licence'), address: given(fields, 'address'),
    open_hours: given(fields, 'open_hours'), lon: at[0], lat: at[1], crs: String(fields.get('crs') || 'wgs84'),
  };
  try {
    const site = await api.addSite(request);
    stopDragging();
    form.reset();
    status(`${t('site_added')}：${site.name}（${site.id}）`);
    await reloadSiteLayers();
    if (site.licence !== null) await editSite(site.id);
  } catch (e) {
    fail(e);
  }
}

/** Fills the edit form with `site` and shows it. @param {SiteAnswer} site */
function fillEditForm(site) {
  editing = site;
  const form = byId('site-edit-form', HTMLFormElement);
  form.hidden = false;
  /** @param {string} name @param {string | null} value */
  const set = (name, value) => { /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value = value || ''; };
  set('name', site.name);
  set('kind', site.kind);
  set('subject', site.subject);
  set('licence', site.licence);
  set('address', site.address);
  set('open_hours', site.open_hours);
  byId('site-edit-title').textContent = `${site.name}（${site.id}）`;
  byId('site-edit-state').textContent = `${site.closed ? t('site_closed') : t('site_open')} · ${site.cell_id ? `${t('cell')} ${site.cell_id}` : t('site_no_cell')} · ${site.lon.toFixed(6)}, ${site.lat.toFixed(6)}`;
  byId('site-close').textContent = site.closed ? t('site_reopen') : t('site_close');
}

/** Opens the edit form of site `id` in the 机构 panel (leads). @param {string} id */
export async function editSite(id) {
  try {
    const dossier = await api.siteDossier(id);
    fillEditForm(dossier.site);
    openPanel('sites');
  } catch (e) {
    fail(e);
  }
}

/** Saves a change to the site being edited and shows the site as stored. @param {api.SitePatch} patch @param {string} done */
async function change(patch, done) {
  if (!editing) return false;
  try {
    const site = await api.changeSite(editing.id, patch);
    fillEditForm(site);
    status(done);
    await reloadSiteLayers();
    return true;
  } catch (e) {
    fail(e);
    return false;
  }
}

/** @param {SubmitEvent} ev */
async function saveEdit(ev) {
  ev.preventDefault();
  const fields = new FormData(byId('site-edit-form', HTMLFormElement));
  /** @param {string} name */
  const text = (name) => String(fields.get(name) || '').trim();
  await change({ name: text('name'), kind: text('kind'), subject: text('subject'), licence: text('licence'), address: text('address'), open_hours: text('open_hours') }, t('site_saved'));
}

/** A marker on the site being edited; dropped, it asks, then moves the site. */
function startMove() {
  if (!editing) return;
  status(t('site_drag_hint'));
  dragMarker([editing.lon, editing.lat], async (lon, lat) => {
    if (!window.confirm(t('site_move_confirm').replace('{name}', editing ? editing.name : '').replace('{at}', `${lon.toFixed(6)}, ${lat.toFixed(6)}`))) return false;
    const moved = await change({ lon, lat, crs: 'wgs84' }, t('site_moved'));
    if (moved) stopDragging();
    return moved;
  });
  if (gp.map) gp.map.easeTo({ center: [editing.lon, editing.lat], zoom: Math.max(gp.map.getZoom(), 16), duration: 0 });
}

/** 关停 or 恢复, with the reason the lead gives (cancel: nothing happens). */
async function closeOrReopen() {
  if (!editing) return;
  const closing = !editing.closed;
  const reason = window.prompt(t(closing ? 'site_close_reason' : 'site_reopen_reason'));
  if (reason === null) return;
  await change({ closed: closing, reason }, t(closing ? 'site_closed_done' : 'site_reopened_done'));
}

/** The buttons a site's popup gets: 编辑 for leads, 一家一册 for everyone signed in. @param {string} id @param {boolean} lead */
export function siteButtons(id, lead) {
  return [
    lead ? h('button', { class: 'link', 'data-action': 'edit-site', onclick: () => editSite(id) }, t('site_edit')) : '', ' ',
    h('button', { class: 'link', 'data-action': 'dossier', onclick: () => openDossier(id) }, t('dossier_title')),
  ];
}

/** The count of white-listed sites found at fault since, on the 机构 tab. @param {import('../store.js').State} s */
function renderFlagBadge(s) {
  const white = s.layers.whitelist;
  const n = white ? white.features.filter((f) => f.properties && f.properties.flagged).length : 0;
  const badge = byId('white-flag-badge');
  badge.textContent = String(n);
  badge.title = t('white_flag_count');
  badge.hidden = n === 0;
}

export function wireSiteDesk() {
  store.watch((s) => [s.lang, s.layers.whitelist], renderFlagBadge);
  byId('site-pick').addEventListener('click', pickOnMap);
  byId('site-add-form', HTMLFormElement).addEventListener('submit', addSite);
  byId('site-edit-form', HTMLFormElement).addEventListener('submit', saveEdit);
  byId('site-move').addEventListener('click', startMove);
  byId('site-close').addEventListener('click', () => { closeOrReopen().catch(fail); });
  byId('site-dossier').addEventListener('click', () => { if (editing) openDossier(editing.id); });
}
