// @ts-check
// The 专项 panel (leads): a saved campaign's progress per 网格 cell (planned, inspected,
// still to do), and 重排剩余, which keeps the days up to the chosen date and plans the
// rest again as a new saved campaign.
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId, status } from '../dom.js';
import { today } from '../format.js';

/** A label with `{name}` holes filled. @param {string} key @param {Record<string, string | number | null>} values */
function fill(key, values) {
  return t(key).replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

/** @param {api.CampaignProgress} p */
function render(p) {
  const done = p.totals.done + p.totals.done_other_day;
  byId('campaign-summary').textContent = fill('campaign_summary', { id: p.campaign_id, from: p.from, to: p.to, today: p.today, planned: p.totals.visits_planned, done, overdue: p.totals.overdue, to_do: p.totals.sites_to_do });
  const tbody = /** @type {HTMLElement} */ (document.querySelector('#campaign-cells tbody'));
  tbody.replaceChildren(...p.cells.map((c) => h('tr', { 'data-cell': c.cell },
    h('td', {}, c.cell || t('no_cell')), h('td', { class: 'num' }, c.sites_planned), h('td', { class: 'num' }, c.sites_inspected),
    h('td', { class: 'num' }, c.sites_to_do), h('td', { class: 'num' }, `${c.visits_done}/${c.visits_planned}`))));
}

/** The form's campaign id and date, as the API takes them. */
function chosen() {
  const form = byId('campaign-form', HTMLFormElement);
  return { id: String(form.campaign.value).trim() || null, today: String(form.today.value) || null, teams: Number(form.teams.value || 1) };
}

/** Shows the progress of the campaign in the form (the latest when none is named). */
async function showProgress() {
  const { id, today: day } = chosen();
  const q = new URLSearchParams();
  if (id) q.set('id', id);
  if (day) q.set('today', day);
  try {
    render(await api.campaignProgress(q));
    status('');
  } catch (e) {
    byId('campaign-summary').textContent = errorText(/** @type {api.ApiError} */ (e));
  }
}

/** Re-plans the rest, saves it, and shows the new campaign's progress. */
async function replan() {
  const button = /** @type {HTMLButtonElement} */ (byId('campaign-replan'));
  const { id, today: day, teams } = chosen();
  button.disabled = true;
  status(t('campaign_replanning'));
  try {
    const r = await api.replanCampaign({ id, today: day, teams, save: true });
    const form = byId('campaign-form', HTMLFormElement);
    form.campaign.value = String(r.campaign_id ?? '');
    await showProgress();
    status(fill('campaign_replanned', { id: r.campaign_id, old: r.replaces, ...r.changes }));
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  } finally {
    button.disabled = false;
  }
}

export function wireCampaign() {
  const form = byId('campaign-form', HTMLFormElement);
  form.today.value = today();
  form.addEventListener('submit', (ev) => { ev.preventDefault(); showProgress(); });
  byId('campaign-replan').addEventListener('click', () => { replan(); });
}
