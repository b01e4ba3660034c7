// @ts-check
// One page per site (一家一册), at #/site/ID: its record and the history of every change,
// the lists it is on (and the flag of a white-listed site found at fault since), every
// inspection with its findings and photos, its follow-ups and the tip-offs about it.
// Printable on A4 (style.css's print rules show only the sheet).
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId, status } from '../dom.js';
import { wordFor, showRecordSheet } from '../field/record_sheet.js';
import { store } from '../store.js';

/** @typedef {import('../api.js').SiteDossier} SiteDossier */

const ROUTE = /^#\/site\/(.+)$/;

/** @param {string} label @param {import('../dom.js').Children} value */
const row = (label, value) => h('tr', {}, h('th', {}, label), h('td', {}, value));

/** `2025-03-01T10:00:00` as `2025-03-01 10:00`. @param {string | null | undefined} at */
const when = (at) => (at ? at.slice(0, 16).replace('T', ' ') : '—');

/** A history row's field in words; a column the lead's list added is its own header. @param {string} field */
function fieldLabel(field) {
  const key = `site_field_${field}`;
  const label = t(key);
  return label === key ? field : label;
}

/** The value of a history row in words. @param {string} field @param {string | null} value */
function fieldValue(field, value) {
  if (value === null || value === '') return '—';
  if (field === 'kind') return t('kind_' + value);
  if (field === 'licence') return t('legend_' + value);
  if (field === 'subject') return t('subject_' + value);
  if (field === 'status') return value === 'closed' ? t('site_closed') : t('site_open');
  return value;
}

/** A cell's name as the lead gave it, with its id. @param {string} id */
function cellName(id) {
  const cells = store.get().layers.cells;
  const cell = cells && cells.features.find((f) => f.properties && f.properties.id === id);
  return cell && cell.properties && cell.properties.name ? `${cell.properties.name}（${id}）` : id;
}

/** The site's record. @param {SiteDossier} d */
function siteTable(d) {
  const s = d.site;
  return h('table', { class: 'record' },
    row(t('kind'), t('kind_' + s.kind) + (s.subject ? ` · ${t('subject_' + s.subject)}` : '')),
    row(t('licence'), s.licence ? t('legend_' + s.licence) : '—'),
    row(t('address'), s.address || '—'),
    row(t('open_hours'), s.open_hours || '—'),
    row(t('position'), `${s.lon.toFixed(6)}, ${s.lat.toFixed(6)}（WGS-84）`),
    row(t('cell'), s.cell_id ? cellName(s.cell_id) : t('site_no_cell')),
    row(t('site_state'), s.closed ? t('site_closed') : t('site_open')));
}

/** The lists the site is on, and the flag. @param {SiteDossier} d */
function listLine(d) {
  const l = d.lists;
  const on = l.black ? t('list_black') : l.white ? t('list_white') : t('list_none');
  const since = l.white_since ? `（${t('list_white_since')} ${when(l.white_since)}）` : '';
  const flag = l.new_finding
    ? h('p', { class: 'list-flag', 'data-flag': 'white-finding' }, `⚠ ${t('list_flag')}：${t('dossier_inspection')} #${l.new_finding.inspection_id} ${when(l.new_finding.at)} ${t('result_' + l.new_finding.result)}`)
    : '';
  return [h('p', { class: 'lists', 'data-lists': [l.white ? 'white' : '', l.black ? 'black' : ''].join(' ').trim() }, `${t('dossier_lists')}：${on}${l.reason ? ` · ${l.reason}` : ''}${since}`), flag];
}

/** Every change, oldest first. @param {SiteDossier} d */
function historyTable(d) {
  return h('table', { class: 'stops history' },
    h('tr', {}, h('th', {}, t('site_history_at')), h('th', {}, t('site_history_who')), h('th', {}, t('site_history_action')), h('th', {}, t('site_history_field')), h('th', {}, t('site_history_before')), h('th', {}, t('site_history_after'))),
    d.history.length ? d.history.map((c) => h('tr', { 'data-action': c.action }, h('td', {}, when(c.at)), h('td', {}, c.actor), h('td', {}, t('site_history_' + c.action)), h('td', {}, fieldLabel(c.field)), h('td', {}, fieldValue(c.field, c.before)), h('td', {}, fieldValue(c.field, c.after))))
      : h('tr', {}, h('td', { colspan: 6 }, t('none'))));
}

/** Every inspection, newest first, with its findings and photos. @param {SiteDossier} d */
function inspections(d) {
  if (!d.inspections.length) return h('p', {}, t('none'));
  return [...d.inspections].reverse().map((r) => h('article', { class: 'dossier-visit', 'data-id': r.id },
    h('h4', {}, `${when(r.at)} · ${t('team')} ${r.team_id} · ${r.outcome ? wordFor(r.outcome, 'outcomes') : t('result_' + r.result)}`),
    (r.findings || []).length ? h('ul', {}, (r.findings || []).map((c) => h('li', {}, wordFor(c, 'findings')))) : '',
    r.notes ? h('p', {}, r.notes) : '',
    (r.officers || []).length ? h('p', { class: 'muted' }, `${t('officers_short')}：${(r.officers || []).join('、')}`) : '',
    (r.photos || []).length ? h('div', { class: 'record-photos' }, (r.photos || []).map((p) => h('figure', {}, h('img', { src: p.url, alt: '' })))) : '',
    h('button', { type: 'button', class: 'link no-print', onclick: () => { showRecordSheet(r.id).catch((e) => status(errorText(e), true)); } }, t('print_record'))));
}

/** Every follow-up. @param {SiteDossier} d */
function followUps(d) {
  if (!d.follow_ups.length) return h('p', {}, t('none'));
  return h('ul', { class: 'follow-up-list' }, d.follow_ups.map((f) => h('li', { 'data-state': f.state },
    `${t('follow_up_' + f.kind)}${f.due ? ` · ${t('due')} ${f.due}` : ''} · ${f.state === 'open' ? t('dossier_follow_up_open') : t('dossier_follow_up_done')}`)));
}

/** Shows the dossier of site `id` on the printable sheet. @param {string} id */
export async function showSiteDossier(id) {
  const d = await api.siteDossier(id);
  const sheet = byId('sheet');
  const closeSheet = () => {
    sheet.hidden = true;
    if (ROUTE.test(location.hash)) history.replaceState(null, '', location.pathname + location.search);
  };
  sheet.replaceChildren(
    h('div', { class: 'no-print row' }, h('button', { id: 'dossier-print', onclick: () => window.print() }, t('dossier_print')), h('button', { onclick: closeSheet }, t('close'))),
    h('h2', { class: 'dossier-title' }, `${t('dossier_title')} · ${d.site.name}（${d.site.id}）`),
    siteTable(d),
    ...listLine(d),
    h('h3', {}, t('dossier_history')), historyTable(d),
    h('h3', {}, t('dossier_inspections')), h('div', { class: 'dossier-visits' }, inspections(d)),
    h('h3', {}, t('dossier_follow_ups')), followUps(d),
    // 举报 register: the tip-offs about this site are drawn here.
    h('section', { class: 'dossier-tipoffs', 'data-slot': 'tipoffs' }, h('h3', {}, t('dossier_tipoffs')), d.tipoffs.length
      ? h('ul', {}, d.tipoffs.map((x) => h('li', { class: x.overdue ? 'overdue' : '' }, `#${x.id} ${x.received_at.slice(0, 10)} · ${x.source_label} · ${x.summary} · ${x.status_label} · ${t('tipoff_due_short')} ${x.due}`)))
      : h('p', {}, t('none'))));
  sheet.dataset.site = d.site.id;
  sheet.hidden = false;
  sheet.scrollIntoView();
}

/** Shows the dossier the address names (`#/site/ID`), if it names one. */
function followRoute() {
  const m = ROUTE.exec(location.hash);
  if (m) showSiteDossier(decodeURIComponent(m[1])).catch((e) => status(errorText(e), true));
}

/** Opens the dossier of `id` through the address, so it can be bookmarked and reloaded. @param {string} id */
export function openDossier(id) {
  const hash = `#/site/${encodeURIComponent(id)}`;
  if (location.hash === hash) followRoute();
  else location.hash = hash;
}

/** Follows #/site/ID now (once signed in) and whenever the address changes. */
export function wireDossier() {
  window.addEventListener('hashchange', followRoute);
}

/** Shows the dossier the page was opened at, after sign-in. */
export function routeOnStart() {
  followRoute();
}
