// @ts-check
// The record panel: an inspection of a site (picked from the list or on the map),
// after which the site's cell shows its new coverage at once.
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId } from '../dom.js';
import { pct, today } from '../format.js';
import { store } from '../store.js';
import { EMPTY, loadLayer } from '../map/layers.js';
import { refreshCoverage } from './coverage.js';
import { openPanel } from './tabs.js';

/** @typedef {import('geojson').FeatureCollection} FeatureCollection */

/** The site list, from the page's copy of the site layer. @param {FeatureCollection | undefined} sites */
function fillSites(sites) {
  const select = byId('record-site', HTMLSelectElement);
  const current = select.value;
  select.replaceChildren(...(sites || EMPTY).features.slice(0, 5000).map((f) => {
    const p = f.properties || {};
    return h('option', { value: p.id }, `${p.name} (${p.id})`);
  }));
  if (current) select.value = current;
}

/** Opens the form on a site (a popup's button). @param {string} id */
export function pickSite(id) {
  openPanel('record');
  const select = byId('record-site', HTMLSelectElement);
  if (![...select.options].some((o) => o.value === id)) select.append(h('option', { value: id }, id));
  select.value = id;
}

export function wireRecord() {
  store.watch((s) => [s.layers.institutions], (s) => fillSites(s.layers.institutions));
  const form = byId('record-form', HTMLFormElement);
  form.date.value = today();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const out = byId('record-result');
    try {
      const notes = String(f.get('notes') || '');
      const body = await api.recordInspection({ site_id: String(f.get('site_id')), date: String(f.get('date')), result: String(f.get('result')), notes: notes || null });
      out.textContent = `${t('recorded')} #${body.inspection.id}` + (body.cell ? ` · ${t('cell')} ${body.cell.name || body.cell.id}: ${t('coverage')} ${pct(body.cell.coverage)}` : '');
      out.classList.remove('error');
      await Promise.all([loadLayer('cells'), loadLayer('institutions'), refreshCoverage()]);
    } catch (e) {
      out.textContent = errorText(/** @type {api.ApiError} */ (e));
      out.classList.add('error');
    }
  });
}
