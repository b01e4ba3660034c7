// @ts-check
// The import panel (leads): a list file (xlsx, xls, ods, CSV) previewed row by row —
// recognised columns, rows to add, change, refuse, and those that need a position —
// written only on 确认导入; the rows without a position are listed and placed with a
// click on the map.
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId, status } from '../dom.js';
import { gp } from '../gp.js';
import { store } from '../store.js';
import { loadLayer } from '../map/layers.js';

/** The preview waiting for 确认导入. @type {string | null} */
let waiting = null;

/** @param {string} place @param {string} name @param {string} result @param {string} detail @param {string} kind */
const row = (place, name, result, detail, kind) => h('tr', { 'data-result': kind }, h('td', {}, place), h('td', {}, name), h('td', {}, result), h('td', {}, detail));

/** @param {{ from: string, label?: string }} p */
function positionText(p) {
  if (p.from === 'found') return `${t('import_found_by')}${p.label || ''}`;
  if (p.from === 'stored') return t('import_position_stored');
  return t('import_position_file');
}

/** The preview as a table. @param {api.ImportPreview} p */
function renderPreview(p) {
  const columns = p.columns.map((c) => `${c.header} → ${c.field ? c.field : t('import_extra')}`).join('，');
  const counts = `${t('import_added')} ${p.added.length} · ${t('import_changed')} ${p.changed.length} · ${t('import_unchanged')} ${p.unchanged} · ${t('import_refused')} ${p.refused.length} · ${t('import_needs_position')} ${p.needs_position.length}`;
  byId('import-preview').replaceChildren(
    h('p', { id: 'import-counts' }, p.written ? `${t('import_written')}：${counts}` : counts),
    h('p', { class: 'small' }, `${t('import_columns')}：${columns}`),
    h('table', { class: 'preview' },
      h('thead', {}, h('tr', {}, h('th', {}, t('import_row')), h('th', {}, t('import_site')), h('th', {}, t('import_result')), h('th', {}, t('import_detail')))),
      h('tbody', {},
        ...p.added.map((a) => row(a.place, a.name, t('import_added'), positionText(a.position), 'added')),
        ...p.changed.map((c) => row(c.place, c.name, t('import_changed'), c.fields.map((f) => `${f.field}: ${f.before} → ${f.after}`).join('；'), 'changed')),
        ...p.refused.map((r) => row(r.place, '', t('import_refused'), r.reason, 'refused')),
        ...p.needs_position.map((n) => row(n.place, n.name, t('import_needs_position'), n.address || '', 'needs_position')))));
}

async function preview() {
  const input = /** @type {HTMLInputElement} */ (byId('import-file'));
  const file = input.files && input.files[0];
  if (!file) return status(t('import_pick_file'), true);
  const crs = /** @type {HTMLSelectElement} */ (byId('import-crs')).value;
  try {
    const answer = await api.importPreview(file, crs);
    waiting = answer.id;
    renderPreview(answer.preview);
    byId('import-confirm').hidden = false;
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
}

async function confirm() {
  if (!waiting) return;
  try {
    const answer = await api.importConfirm(waiting);
    waiting = null;
    byId('import-confirm').hidden = true;
    renderPreview(answer.preview);
    status(t('import_written'));
    await Promise.all([loadLayer('institutions'), refreshPending()]);
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
}

/** The next click on the map places pending site `p`. @param {api.PendingSite} p */
function placeByClick(p) {
  const map = gp.map;
  if (!map) return;
  status(`${t('import_click_map')}：${p.name}`);
  map.getCanvas().style.cursor = 'crosshair';
  map.once('click', async (e) => {
    map.getCanvas().style.cursor = '';
    try {
      await api.placePending(p.id, e.lngLat.lng, e.lngLat.lat);
      status(`${t('import_placed')}：${p.name}`);
      await Promise.all([loadLayer('institutions'), refreshPending()]);
    } catch (err) {
      status(errorText(/** @type {api.ApiError} */ (err)), true);
    }
  });
}

/** The sites imported without a position, each with its 定位 button. */
export async function refreshPending() {
  const user = store.get().user;
  if (!user || user.role !== 'lead') return byId('import-pending').replaceChildren();
  try {
    const { pending } = await api.importPending();
    byId('import-pending').replaceChildren(...(pending.length
      ? [h('h3', {}, `${t('import_needs_position')} (${pending.length})`),
        h('ul', {}, pending.map((p) => h('li', { 'data-pending': String(p.id) }, `${p.name} · ${p.address || ''} · ${p.place} `,
          h('button', { class: 'link', 'data-action': 'place', onclick: () => placeByClick(p) }, t('import_place')))))]
      : []));
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
}

export function wireImport() {
  byId('import-preview-button').addEventListener('click', preview);
  byId('import-confirm').addEventListener('click', confirm);
  document.querySelector('[data-panel=import]')?.addEventListener('click', () => refreshPending());
}
