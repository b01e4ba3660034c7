// @ts-check
// One 网格 picked in the coverage panel: its overdue sites by name, and its 拉网式 sweep
// — the walking route over every street of the cell by shift, drawn on the map, with a
// printable sheet and the GPX for field devices.
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId } from '../dom.js';
import { fmtKm } from '../format.js';
import { gp } from '../gp.js';
import { store } from '../store.js';

const SHIFT_COLOURS = ['#d81b60', '#1e88e5', '#43a047', '#fb8c00', '#8e24aa', '#00897b'];

/** Draws (or clears, with null) the sweep's shifts on the map. @param {import('geojson').FeatureCollection | null} fc */
function drawSweep(fc) {
  const map = gp.map;
  if (!map) return;
  const data = fc || { type: 'FeatureCollection', features: [] };
  const coloured = { ...data, features: data.features.map((f, i) => ({ ...f, properties: { ...f.properties, color: SHIFT_COLOURS[i % SHIFT_COLOURS.length] } })) };
  const source = /** @type {import('maplibre-gl').GeoJSONSource | undefined} */ (map.getSource('sweep'));
  if (source) {
    source.setData(/** @type {any} */ (coloured));
    return;
  }
  map.addSource('sweep', { type: 'geojson', data: /** @type {any} */ (coloured) });
  map.addLayer({ id: 'sweep-line', type: 'line', source: 'sweep', layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': ['get', 'color'], 'line-width': 3, 'line-opacity': 0.8 } });
}

/** The printable sheet of a sweep: each shift with its streets in walking order. @param {api.SweepAnswer} sweep */
function showSweepSheet(sweep) {
  const { config } = store.get();
  const sheet = byId('sheet');
  sheet.replaceChildren(
    h('div', { class: 'no-print row' }, h('button', { onclick: () => window.print() }, t('print_sheet')), h('button', { onclick: () => { sheet.hidden = true; } }, t('close'))),
    h('h2', {}, `${t('sweep_sheet')} · ${sweep.name}`),
    h('p', {}, `${config ? config.township : ''} · ${t('sweep_required')} ${fmtKm(sweep.required_m)} · ${t('sweep_total')} ${fmtKm(sweep.total_m)} · ${sweep.shifts.length} ${t('sweep_shifts')}`),
    ...sweep.shifts.map((s) => h('section', { class: 'sweep-shift' },
      h('h3', {}, `${t('sweep_shift')} ${s.index} · ${fmtKm(s.length_m)} · ${s.minutes} ${t('minutes')}`),
      h('ol', {}, s.streets.map((r) => h('li', {}, `${r.name} ${Math.round(r.length_m)} m`))))));
  sheet.hidden = false;
  sheet.scrollIntoView();
}

/** Plans and shows the sweep of a cell. @param {string} cellId */
async function sweepCell(cellId) {
  const out = byId('cell-sweep');
  out.replaceChildren(h('p', {}, t('working')));
  try {
    const sweep = await api.sweep(cellId);
    drawSweep(sweep.geojson);
    out.replaceChildren(
      h('p', {}, `${t('sweep_required')} ${fmtKm(sweep.required_m)} · ${t('sweep_total')} ${fmtKm(sweep.total_m)} · ${sweep.shifts.length} ${t('sweep_shifts')}`),
      h('ol', { class: 'sweep-shifts' }, sweep.shifts.map((s, i) => h('li', {}, h('span', { class: 'swatch', style: `background:${SHIFT_COLOURS[i % SHIFT_COLOURS.length]}` }), ` ${fmtKm(s.length_m)} · ${s.minutes} ${t('minutes')}`))),
      h('div', { class: 'row' },
        h('button', { type: 'button', onclick: () => showSweepSheet(sweep) }, t('print_sheet')),
        h('a', { href: `/api/sweep/${encodeURIComponent(cellId)}?format=gpx`, download: `sweep-${cellId}.gpx` }, t('download_gpx')),
        h('button', { type: 'button', onclick: () => { drawSweep(null); out.replaceChildren(); } }, t('close'))));
  } catch (e) {
    out.replaceChildren(h('p', { class: 'error' }, errorText(/** @type {api.ApiError} */ (e))));
  }
}

/** Shows a cell's overdue sites and the sweep button. @param {api.CoverageRow} row */
export function showCell(row) {
  const box = byId('cell-detail');
  const overdue = row.overdue || [];
  box.replaceChildren(
    h('h3', {}, `${row.name}${row.officer ? ` · ${t('officer')} ${row.officer}` : ''}`),
    h('p', {}, `${t('overdue_sites')}: ${overdue.length}`),
    h('ol', { class: 'overdue-list' }, overdue.map((s) => h('li', { 'data-site': s.site_id }, `${s.name} · ${t('legend_' + s.licence)} · ${s.last_inspected ? `${t('last_inspected')} ${s.last_inspected}` : t('never_inspected')}`))),
    h('button', { type: 'button', id: 'cell-sweep-button', onclick: () => sweepCell(row.cell_id) }, t('sweep_plan')),
    h('div', { id: 'cell-sweep' }));
}
