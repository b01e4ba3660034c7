// @ts-check
// The plan panel: make a shift's plan, list each team's route (with its route sheet
// and GPX) and the sites left out, and why.
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId, status } from '../dom.js';
import { fmtKm, fmtMinutes, today } from '../format.js';
import { store } from '../store.js';
import { loadLayer } from '../map/layers.js';
import { showSheet } from './sheet.js';

/** @typedef {import('../api.js').ShiftPlan} ShiftPlan */
/** @typedef {import('../store.js').PlanNote} PlanNote */

/** @param {ShiftPlan} plan */
function planView(plan) {
  const teams = plan.teams.map((team) => h('li', { class: 'team', 'data-team': team.team },
    h('i', { class: 'swatch line', style: `background:${team.color}` }),
    h('strong', {}, `${t('team')} ${team.team}`), ` · ${team.departure}–${team.return_at} · ${t('stops')} ${team.stops.length} · ${fmtMinutes(team.duration_s)} · ${fmtKm(team.distance_m)} `,
    h('button', { class: 'link', onclick: () => showSheet(team.team) }, t('print_sheet')),
    ' ', h('a', { href: `/api/export/routes-${encodeURIComponent(team.team)}.gpx`, download: true }, 'GPX')));
  const unassigned = plan.unassigned.length
    ? h('table', { class: 'unassigned' }, h('tr', {}, h('th', {}, t('site')), h('th', {}, t('priority')), h('th', {}, t('reason'))), plan.unassigned.map((u) => h('tr', { 'data-reason': u.reason }, h('td', {}, `${u.name || u.site_id} (${u.site_id})`), h('td', {}, t('class_' + u.class)), h('td', {}, t('reason_' + u.reason)))))
    : h('p', {}, t('none'));
  return [h('h3', {}, `${plan.date} · ${t('shift_' + plan.shift)}`), ...publishView(plan), ...replanView(plan), h('ul', { class: 'teams' }, teams), h('h3', {}, `${t('unassigned')} (${plan.unassigned.length})`), unassigned];
}

/** `{name}` in `text` replaced by `vars.name`. @param {string} text @param {Record<string, string | number>} vars */
function fill(text, vars) {
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in vars ? String(vars[name]) : all));
}

/**
 * Today's plan offers the lead a re-plan from now (stops done stay done, each team sets
 * out from where it is); a re-made plan says what it kept and changed.
 * @param {ShiftPlan} plan
 */
function replanView(plan) {
  const out = [];
  const f = plan.from_now;
  if (f) {
    const summary = fill(t('from_now_summary'), { at: f.at, done: f.done.length, kept: f.kept, changed: f.changes.length });
    const team = (/** @type {string | null} */ id) => id ?? t('unassigned_team');
    const moved = f.changes.map((c) => h('li', {}, fill(t('from_now_moved'), { site: c.name || c.site_id, from: team(c.from_team), to: team(c.to_team) })));
    out.push(h('div', { class: 'from-now' }, h('p', {}, summary), moved.length ? h('ul', {}, moved) : ''));
  }
  if (plan.viewer_is_lead && plan.date === today()) {
    out.push(h('p', {}, h('button', { id: 'plan-replan', type: 'button', onclick: () => replan(plan) }, t('replan_from_now'))));
  }
  return out;
}

/**
 * Asks the server for a plan while `button` is disabled; shows the draft and its routes.
 * @param {api.PlanRequest} request
 * @param {HTMLButtonElement | null} button
 * @param {string} working  what the status line says meanwhile
 */
async function requestPlan(request, button, working) {
  if (button) button.disabled = true;
  status(working);
  try {
    const body = await api.makePlan(request);
    store.set({ plan: body.plan, planNote: null });
    await loadLayer('routes');
    status('');
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  } finally {
    if (button) button.disabled = false;
  }
}

/** Re-plans the shift under way from the township's clock, as a new draft. @param {ShiftPlan} plan */
function replan(plan) {
  const teams = plan.teams.map((team) => team.team);
  const request = { date: plan.date, shift: plan.shift, teams, budget_min: null, seconds: 3, from_now: 'now' };
  return requestPlan(request, /** @type {HTMLButtonElement | null} */ (document.getElementById('plan-replan')), t('replanning'));
}

/** The lead's pins, each with a button to remove it. @param {import('../store.js').State} s */
function renderPins({ pins, user }) {
  const out = byId('plan-pins');
  if (!user || user.role !== 'lead' || !pins.length) {
    out.replaceChildren();
    return;
  }
  const rows = pins.map((p) => h('li', { 'data-site': p.site_id, 'data-kind': p.kind },
    `${p.site_id} · ${pinText(p)}${p.note ? ` (${p.note})` : ''} `,
    h('button', { class: 'link', onclick: () => unpin(p.site_id, p.kind) }, t('pin_remove'))));
  out.replaceChildren(h('h3', {}, `${t('pins')} (${pins.length})`), h('ul', { class: 'pins' }, rows));
}

/** A pin in the reader's language. @param {api.Pin} p */
export function pinText(p) {
  switch (p.kind) {
    case 'team': return `${t('pin_team')} ${p.team}`;
    case 'day': return `${t('date')} ${p.date}`;
    default: return t('pin_' + p.kind);
  }
}

/** Fetches the lead's pins (inspectors have none to see). */
export async function refreshPins() {
  const user = store.get().user;
  if (!user || user.role !== 'lead') return;
  try {
    store.set({ pins: (await api.pins()).pins });
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
}

/** Pins a site; the list shows the result. @param {api.Pin} pin */
export async function pin(pin) {
  try {
    store.set({ pins: (await api.setPin(pin)).pins });
    status(`${t('pinned')}：${pin.site_id} · ${pinText(pin)}`);
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
}

/** @param {string} site @param {string} kind */
async function unpin(site, kind) {
  try {
    store.set({ pins: (await api.removePin(site, kind)).pins });
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
}

/** A lead's draft says so and offers to publish it; a published plan says it is shown. @param {ShiftPlan} plan */
function publishView(plan) {
  if (!plan.viewer_is_lead) return [];
  if (plan.published) return [h('p', { class: 'plan-state', 'data-state': 'published' }, t('plan_published'))];
  return [h('p', { class: 'plan-state', 'data-state': 'draft' }, t('plan_draft'), ' ',
    h('button', { id: 'plan-publish', type: 'button', onclick: () => publish(plan.id) }, t('publish_plan')))];
}

/** Publishes the draft and shows it as inspectors will see it. @param {number} id */
async function publish(id) {
  try {
    const body = await api.publishPlan(id);
    store.set({ plan: body.plan, planNote: null });
    status(t('plan_published'));
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
}

/** What the panel says without a plan. @param {PlanNote} note */
function noteText(note) {
  switch (note.kind) {
    case 'hidden': return `${t('plan_hidden_until')} ${note.until}`;
    case 'error': return errorText(note.error);
    default: return t('err_no_plan');
  }
}

/** @param {import('../store.js').State} s */
function renderPlan({ plan, planNote }) {
  const out = byId('plan-result');
  if (plan) out.replaceChildren(...planView(plan));
  else if (planNote) out.replaceChildren(h('p', {}, noteText(planNote)));
  else out.replaceChildren();
}

/** Fetches the current plan this user may see. */
export async function refreshPlan() {
  if (!store.get().user) return;
  try {
    const body = await api.currentPlan();
    store.set({ plan: body.plan, planNote: body.plan ? null : body.hidden_until ? { kind: 'hidden', until: body.hidden_until } : { kind: 'none' } });
  } catch (e) {
    store.set({ plan: null, planNote: { kind: 'error', error: /** @type {api.ApiError} */ (e) } });
  }
}

export function wirePlan() {
  store.watch((s) => [s.lang, s.plan, s.planNote], renderPlan);
  store.watch((s) => [s.lang, s.pins, s.user], renderPins);
  const form = byId('plan-form', HTMLFormElement);
  form.date.value = today();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
    const teams = String(f.get('teams')).split(/[,，\s]+/).filter(Boolean);
    const request = { date: String(f.get('date')), shift: String(f.get('shift')), teams, budget_min: f.get('budget_min') ? Number(f.get('budget_min')) : null, seconds: Number(f.get('seconds') || 3) };
    requestPlan(request, button, t('planning'));
  });
}
