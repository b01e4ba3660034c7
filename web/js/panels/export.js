// @ts-check
// The export panel: the layers as GeoJSON, each team's route as GPX, and the reports a
// county receives (周报告, 月通报, 台账, 白名单, 黑名单, coverage) as CSV and Excel
// (downloads the server writes, the same files as the CLI's).
import { t } from '../i18n.js';
import { h, byId } from '../dom.js';
import { store } from '../store.js';

/** @param {import('../store.js').State} s */
function renderExports({ user, plan }) {
  const out = byId('export-list');
  if (!user) {
    out.replaceChildren(h('p', {}, t('need_sign_in')));
    return;
  }
  /** @param {string} href @param {string} label */
  const link = (href, label) => h('a', { class: 'button', href, download: true }, label);
  out.replaceChildren(
    h('h3', {}, t('export_geojson')),
    h('div', { class: 'row wrap' }, ['cells', 'institutions', 'hotspots', 'schools', 'routes'].map((l) => link(`/api/export/${l}.geojson`, t('layer_' + l)))),
    h('h3', {}, t('export_gpx')),
    h('div', { class: 'row wrap' }, (plan ? plan.teams : []).map((team) => link(`/api/export/routes-${encodeURIComponent(team.team)}.gpx`, `${t('team')} ${team.team}`))),
    h('h3', {}, t('export_csv')),
    // The ledger holds every team's findings: the server gives it to leads only, so
    // an inspector is not offered a link that would answer 403.
    h('div', { class: 'row wrap' }, ...(user.role === 'lead' ? [link('/api/export/ledger.csv', t('export_csv')), link('/api/export/ledger.xlsx', t('export_xlsx'))] : []), link('/api/export/coverage.csv', `${t('coverage')} CSV`), link('/api/export/coverage.xlsx', `${t('coverage')} Excel`)),
    reportLinks(user.role === 'lead'));
}

/** The reports by day: 周报告 and 月通报 of the week or month holding the chosen day, and
 * (for leads) the white and black lists as of it, each as CSV and Excel.
 * @param {boolean} lead */
function reportLinks(lead) {
  const day = h('input', { type: 'date', id: 'report-date' });
  const stems = ['weekly', 'monthly', ...(lead ? ['whitelist', 'blacklist'] : [])];
  const links = stems.flatMap((stem) => ['csv', 'xlsx'].map((ext) => /** @type {HTMLAnchorElement} */ (
    h('a', { class: 'button', download: true, 'data-report': `${stem}.${ext}` }, `${t('report_' + stem)} ${ext === 'csv' ? 'CSV' : 'Excel'}`))));
  const point = () => {
    const date = /** @type {HTMLInputElement} */ (day).value;
    for (const a of links) a.href = `/api/export/${a.dataset.report}${date ? `?date=${date}` : ''}`;
  };
  day.addEventListener('change', point);
  point();
  return h('div', {}, h('h3', {}, t('export_reports')), h('label', {}, `${t('report_date')} `, day), h('div', { class: 'row wrap' }, ...links));
}

export function wireExports() {
  store.watch((s) => [s.lang, s.user, s.plan], renderExports);
}
