// @ts-check
// One inspection printed as an A4 现场检查记录: the site, the time, the officers, the
// findings, the outcome and its deadline, the photos, the position and the signature,
// from GET /api/inspections/{id} (see style.css's print rules).
import * as api from '../api.js';
import { t } from '../i18n.js';
import { h, byId } from '../dom.js';
import { store } from '../store.js';

/** @typedef {import('../api.js').FindingItem} FindingItem */

/** Every code of the checklists with its label (a sub-item as `group：item`). @param {FindingItem[]} items @param {string} [prefix] @returns {[string, string][]} */
function labels(items, prefix = '') {
  return items.flatMap((item) => [[item.code, prefix + item.label], ...labels(item.items || [], `${prefix}${item.label}：`)]);
}

/** A finding or an outcome code in words, from the rules (the code when unknown). @param {string} code @param {'findings' | 'outcomes'} what */
export function wordFor(code, what) {
  const { rules } = store.get();
  if (!rules) return code;
  const pairs = what === 'outcomes' ? rules.outcomes.map((o) => [o.code, o.label]) : [...labels(rules.findings.care), ...labels(rules.findings.training)];
  const found = pairs.find(([c]) => c === code);
  return found ? found[1] : code;
}

/** @param {string} label @param {import('../dom.js').Children} value */
const row = (label, value) => h('tr', {}, h('th', {}, label), h('td', {}, value));

/** Shows the printable sheet of one inspection. @param {number | string} id */
export async function showRecordSheet(id) {
  const answer = /** @type {any} */ (await api.inspection(id));
  /** @type {import('../api.js').InspectionRecord} */
  const r = answer && answer.inspection ? answer.inspection : answer;
  const { config, layers } = store.get();
  const site = (layers.institutions ? layers.institutions.features : []).find((f) => f.properties && f.properties.id === r.site_id);
  const siteName = r.site_name || (site && site.properties ? String(site.properties.name) : '');
  const sheet = byId('sheet');
  const position = r.position ? `${r.position.lat.toFixed(6)}, ${r.position.lon.toFixed(6)} ±${Math.round(r.position.accuracy_m)} m（${r.position.at}）` : '—';
  sheet.replaceChildren(
    h('div', { class: 'no-print row' }, h('button', { onclick: () => window.print() }, t('print_sheet')), h('button', { onclick: () => { sheet.hidden = true; } }, t('close'))),
    h('h2', { class: 'record-title' }, `${t('record_sheet')}`),
    h('p', {}, `${config ? config.township : ''} · ${t('record_no')} ${r.id}`),
    h('table', { class: 'record' },
      row(t('site'), `${siteName} (${r.site_id})`),
      row(t('address'), r.site_address || (site && site.properties && site.properties.address) || '—'),
      row(t('inspected_at'), r.at || r.date || ''),
      row(t('officers_short'), (r.officers || []).join('、')),
      row(t('representative'), r.representative || '—'),
      row(t('sheet_findings'), (r.findings || []).length ? h('ul', {}, (r.findings || []).map((c) => h('li', {}, wordFor(c, 'findings')))) : t('none')),
      row(t('outcome'), r.outcome ? wordFor(r.outcome, 'outcomes') : t('result_' + r.result)),
      row(t('rectify_by'), r.rectify_by || '—'),
      r.refer_to ? row(t('refer_to'), r.refer_to) : '',
      row(t('position'), position),
      row(t('notes'), r.notes || '')),
    h('div', { class: 'record-photos' }, (r.photos || []).map((p) => h('figure', {}, h('img', { src: p.url, alt: '' }), h('figcaption', {}, `SHA-256 ${p.sha256.slice(0, 16)}…`)))),
    h('div', { class: 'record-sign' }, h('span', {}, `${t('sheet_signature')}：`), r.signature ? h('img', { src: r.signature, alt: t('signature'), class: 'signature-print' }) : h('span', { class: 'blank' }, '')));
  sheet.hidden = false;
  sheet.scrollIntoView();
}

/** Shows a site's 一家一册: every record of it, newest first, each printable. @param {string} siteId */
export async function showDossier(siteId) {
  const d = await api.dossier(siteId);
  const sheet = byId('sheet');
  const rows = [...d.inspections].reverse().map((r) => h('tr', { 'data-id': r.id },
    h('td', {}, r.at), h('td', {}, r.outcome ? wordFor(r.outcome, 'outcomes') : t('result_' + r.result)),
    h('td', {}, (r.findings || []).map((c) => wordFor(c, 'findings')).join('、')),
    h('td', {}, (r.officers || []).join('、')), h('td', {}, String((r.photos || []).length)),
    h('td', { class: 'no-print' }, h('button', { type: 'button', class: 'link', onclick: () => { showRecordSheet(r.id).catch(() => {}); } }, t('print_record')))));
  sheet.replaceChildren(
    h('div', { class: 'no-print row' }, h('button', { onclick: () => window.print() }, t('print_sheet')), h('button', { onclick: () => { sheet.hidden = true; } }, t('close'))),
    h('h2', {}, `${t('dossier_title')} · ${d.site.name} (${d.site.id})`),
    h('p', {}, `${d.site.address || ''} · ${t('licence')}: ${t('legend_' + d.site.licence)}`),
    d.open_follow_ups.length ? h('p', { class: 'follow-ups' }, d.open_follow_ups.map((f) => `${t('follow_up_' + f.kind)}${f.due ? ` ${t('due')} ${f.due}` : ''}`).join('；')) : '',
    h('table', { class: 'stops dossier' },
      h('tr', {}, h('th', {}, t('inspected_at')), h('th', {}, t('outcome')), h('th', {}, t('sheet_findings')), h('th', {}, t('officers_short')), h('th', {}, t('photos')), h('th', { class: 'no-print' }, '')),
      rows.length ? rows : h('tr', {}, h('td', { colspan: 6 }, t('none')))));
  sheet.hidden = false;
  sheet.scrollIntoView();
}
