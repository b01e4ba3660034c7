// @ts-check
// The coverage panel: per cell, how many sites were inspected over a period, in a
// table sorted by any column.
import * as api from '../api.js';
import { errorText, t } from '../i18n.js';
import { h, byId, status } from '../dom.js';
import { isoDate, pct, today } from '../format.js';
import { store } from '../store.js';
import { recolourCells } from '../map/layers.js';
import { showCell } from './cell_detail.js';

/** Metres as km with one decimal. @param {number} m */
const km = (m) => (m / 1000).toFixed(1);

/** @param {import('../store.js').State} s */
function renderCoverageTable({ coverageRows, sort, lang }) {
  const tbody = /** @type {HTMLElement} */ (document.querySelector('#coverage-table tbody'));
  const { key, dir } = sort;
  /** @param {import('../api.js').CoverageRow} row */
  const cell = (row) => /** @type {Record<string, unknown>} */ (row)[key];
  const rows = [...coverageRows].sort((a, b) => {
    const x = cell(a), y = cell(b);
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
    return String(x ?? '').localeCompare(String(y ?? ''), lang) * dir;
  });
  tbody.replaceChildren(...rows.map((r) => h('tr', { 'data-cell': r.cell_id, tabindex: '0', onclick: () => showCell(r) },
    h('td', {}, r.name), h('td', { class: 'num' }, r.sites), h('td', { class: 'num' }, r.sites_inspected),
    h('td', { class: r.sites_overdue > 0 ? 'num overdue' : 'num' }, r.sites_overdue), h('td', { class: 'num' }, pct(r.coverage)),
    h('td', { class: 'num', title: `${km(r.swept_m)} / ${km(r.street_m)} km` }, `${km(r.swept_m)} km`),
    h('td', { class: 'num' }, r.evening_checks),
    h('td', { class: r.overdue_tipoffs > 0 ? 'num overdue' : 'num', title: `${t('tipoff_overdue')} ${r.overdue_tipoffs}` }, r.open_tipoffs),
    h('td', { class: 'num' }, r.followups_due))));
  for (const th of document.querySelectorAll('#coverage-table th')) th.setAttribute('aria-sort', /** @type {HTMLElement} */ (th).dataset.key === key ? (dir > 0 ? 'ascending' : 'descending') : 'none');
}

/** Fetches the coverage of the period in the form. */
export async function refreshCoverage() {
  if (!store.get().user) return;
  const form = byId('coverage-form', HTMLFormElement);
  const q = new URLSearchParams();
  if (form.from.value) q.set('from', form.from.value);
  if (form.to.value) q.set('to', form.to.value);
  try {
    const body = await api.coverage(q);
    store.set({ coverageRows: body.cells });
    // The map's cells show the same window as the table.
    recolourCells(body.cells);
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
}

export function wireCoverage() {
  store.watch((s) => [s.lang, s.coverageRows, s.sort], renderCoverageTable);
  const form = byId('coverage-form', HTMLFormElement);
  const d = new Date();
  d.setDate(d.getDate() - 29);
  form.from.value = isoDate(d);
  form.to.value = today();
  form.addEventListener('submit', (ev) => { ev.preventDefault(); refreshCoverage(); });
  for (const th of document.querySelectorAll('#coverage-table th')) {
    th.addEventListener('click', () => {
      const key = /** @type {HTMLElement} */ (th).dataset.key || 'name';
      const { sort } = store.get();
      store.set({ sort: { key, dir: sort.key === key ? -sort.dir : 1 } });
    });
  }
}
