// @ts-check
// 摸排 proposals for the lead: the new businesses inspectors found in the street, listed
// in the coverage panel and marked on the map; the lead accepts one (a new site), merges
// it into a known site, or rejects it with a reason.
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId, status } from '../dom.js';
import { gp } from '../gp.js';
import { store } from '../store.js';
import { loadLayer } from '../map/layers.js';

/** @typedef {import('../api.js').Proposal} Proposal */

/** The map's markers of pending proposals, replaced on every drawing. @type {{ remove: () => void }[]} */
let markers = [];

/** Fetches the proposals (leads only; inspectors see theirs in the field app). */
export async function refreshProposals() {
  const user = store.get().user;
  if (!user || user.role !== 'lead') {
    store.set({ proposals: [] });
    return;
  }
  try {
    store.set({ proposals: (await api.proposals()).proposals.filter((p) => p.state === 'pending') });
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
}

/** Runs one decision on proposal `id`, then shows the lists and the sites again. @param {() => Promise<unknown>} call */
async function decide(call) {
  try {
    await call();
    await refreshProposals();
    await loadLayer('institutions');
    status(t('proposal_decided'));
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
}

/** @param {Proposal} p */
function actions(p) {
  const merge = () => {
    const site = window.prompt(t('proposal_merge_prompt'))?.trim();
    if (site) decide(() => api.decideProposal(p.id, 'merge', { site_id: site, update_address: true, update_position: true }));
  };
  const reject = () => {
    const reason = window.prompt(t('proposal_reject_prompt'))?.trim();
    if (reason) decide(() => api.decideProposal(p.id, 'reject', { reason }));
  };
  return [
    h('button', { class: 'link', 'data-action': 'accept', onclick: () => decide(() => api.decideProposal(p.id, 'accept', {})) }, t('proposal_accept')), ' ',
    h('button', { class: 'link', 'data-action': 'merge', onclick: merge }, t('proposal_merge')), ' ',
    h('button', { class: 'link', 'data-action': 'reject', onclick: reject }, t('proposal_reject')),
  ];
}

/** @param {Proposal} p */
function describe(p) {
  return `${p.name} · ${t('kind_' + p.kind)}${p.address ? ` · ${p.address}` : ''} · ${p.proposed_by} ${p.created_at.slice(0, 16).replace('T', ' ')}`;
}

/** The list in the coverage panel and a marker per proposal. @param {import('../store.js').State} s */
function render({ proposals }) {
  const out = byId('proposals');
  out.replaceChildren(...(proposals.length
    ? [h('h3', {}, `${t('proposals')} (${proposals.length})`), h('ul', { class: 'proposals' }, proposals.map((p) => h('li', { 'data-proposal': String(p.id) }, describe(p), ' ', ...actions(p))))]
    : []));
  for (const m of markers) m.remove();
  markers = [];
  const map = gp.map;
  if (!map) return;
  markers = proposals.map((p) => new window.maplibregl.Marker({ color: '#e65100' })
    .setLngLat([p.lon, p.lat])
    .setPopup(new window.maplibregl.Popup({ offset: 24 }).setDOMContent(h('div', { class: 'popup' }, h('strong', {}, t('proposals')), h('p', {}, describe(p)), ...actions(p))))
    .addTo(map));
}

export function wireProposals() {
  store.watch((s) => [s.lang, s.proposals], render);
  // The coverage panel is the lead's desk: opening it brings the list up to date.
  document.querySelector('[data-panel=coverage]')?.addEventListener('click', () => refreshProposals());
}
