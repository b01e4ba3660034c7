// @ts-check
// The export panel: the layers as GeoJSON, each team's route as GPX, the ledgers and
// coverage as CSV and Excel (downloads the server writes).
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
    h('div', { class: 'row wrap' }, ...(user.role === 'lead' ? [link('/api/export/ledger.csv', t('export_csv')), link('/api/export/ledger.xlsx', t('export_xlsx'))] : []), link('/api/export/coverage.csv', `${t('coverage')} CSV`), link('/api/export/coverage.xlsx', `${t('coverage')} Excel`)));
}

export function wireExports() {
  store.watch((s) => [s.lang, s.user, s.plan], renderExports);
}
