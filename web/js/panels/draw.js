// @ts-check
// The 双随机 panel: a draw from a published seed (from the two registers by default:
// risk tiers at the rules' ratios, two officers per target, recusal), the draw log with
// each draw's publishable result, chain head and publish-by date, and the officer
// register (add an officer with their department, declare a conflict).
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId } from '../dom.js';

/** The publishable result of draw `seq` as CSV and Excel. @param {number} seq */
function publishLinks(seq) {
  /** @param {string} ext */
  const link = (ext) => h('a', { class: 'button', download: true, href: `/api/export/draw-${seq}.${ext}` }, `${t('draw_publish')} ${ext === 'csv' ? 'CSV' : 'Excel'}`);
  return h('span', { class: 'row wrap draw-publish' }, link('csv'), link('xlsx'));
}

/** Lists the logged draws, newest first. */
async function showLog() {
  const out = byId('draw-log');
  try {
    const { head, draws } = await api.draws();
    out.replaceChildren(
      h('p', {}, `${t('draw_head')}: `, h('code', { class: 'draw-head' }, head)),
      draws.length === 0 ? h('p', {}, t('draw_none')) : h('ol', { reversed: true }, draws.map((d) => h('li', { 'data-seq': String(d.seq) },
        `#${d.seq} ${d.at.replace('T', ' ')} · ${d.targets} · ${t('seed')} `, h('code', {}, d.seed),
        d.publish_by ? ` · ${t('draw_publish_by')} ${d.publish_by}` : '',
        ' · ', h('code', { class: 'hash' }, d.hash.slice(0, 16)), ' ', publishLinks(d.seq)))));
  } catch (e) {
    out.replaceChildren(h('p', { class: 'error' }, errorText(/** @type {api.ApiError} */ (e))));
  }
}

/** Shows the officer register and the site register's tiers. @param {api.OfficersAnswer} answer */
function showRegister({ officers, tiers, ratios }) {
  const tierRow = ['high', 'medium', 'low'].map((k) => `${t('tier_' + k)} ${tiers[k] || 0}（${ratios[k]}%）`).join('；');
  byId('officer-register').replaceChildren(
    h('p', {}, `${t('site_register')}: ${tierRow}`),
    h('table', { class: 'officers' },
      h('tr', {}, h('th', {}, t('officer_name')), h('th', {}, t('officer_department')), h('th', {}, t('officer_conflicts'))),
      officers.map((o) => h('tr', {}, h('td', {}, o.name), h('td', {}, o.department), h('td', {}, o.conflicts.join('、'))))));
}

/** Loads the registers and the log (leads only; an inspector's 403 is shown as such). */
async function refresh() {
  try {
    showRegister(await api.officers());
  } catch (e) {
    byId('officer-register').replaceChildren(h('p', { class: 'error' }, errorText(/** @type {api.ApiError} */ (e))));
  }
  await showLog();
}

/** A form whose submit calls `send` with its fields, then refreshes. @param {string} id @param {(f: FormData) => Promise<unknown>} send */
function wireForm(id, send) {
  const form = byId(id, HTMLFormElement);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await send(new FormData(form));
      form.reset();
      await refresh();
    } catch (e) {
      byId('officer-register').prepend(h('p', { class: 'error' }, errorText(/** @type {api.ApiError} */ (e))));
    }
  });
}

export function wireDraw() {
  const form = byId('draw-form', HTMLFormElement);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const out = byId('draw-result');
    const seed = String(f.get('seed') || '').trim();
    try {
      const { draw: d } = await api.draw({ sites: Number(f.get('sites')), inspectors: Number(f.get('inspectors')), seed: seed === '' ? null : seed, register: f.get('register') === 'on' });
      out.replaceChildren(h('p', {}, `${t('seed')}: `, h('code', { class: 'seed' }, d.seed)), h('p', {}, `${t('draw_hash')}: `, h('code', {}, d.hash)),
        d.publish_by ? h('p', { class: 'publish-by' }, `${t('draw_publish_by')}: ${d.publish_by}`) : '',
        publishLinks(d.seq),
        h('h3', {}, t('draw_targets')), h('ol', {}, d.sites.map((s) => h('li', {}, `${s.name} (${s.id})`, s.officers.length ? ` — ${t('draw_officers')}: ${s.officers.join('、')}` : ''))),
        h('h3', {}, t('draw_people')), h('ol', {}, d.inspectors.map((p) => h('li', {}, p))));
      await showLog();
    } catch (e) {
      out.replaceChildren(h('p', { class: 'error' }, errorText(/** @type {api.ApiError} */ (e))));
    }
  });
  wireForm('officer-form', (f) => api.addOfficer({ name: String(f.get('name')), department: String(f.get('department')) }));
  wireForm('conflict-form', (f) => api.declareConflict({ officer: String(f.get('officer')), site_id: String(f.get('site_id')), reason: String(f.get('reason') || '') || null }));
  document.querySelector('[data-panel=draw]')?.addEventListener('click', () => { refresh(); });
}
