// @ts-check
// The follow-ups panel: the due 整改 checks, closures to verify and 回头看 as a worklist
// (overdue first, marked) and as a month calendar; one click puts a follow-up into the
// next plan: the site is pinned to that day and must-visit (the pins every plan honours).
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId, status } from '../dom.js';
import { store } from '../store.js';
import { refreshPins } from './plan.js';

/** @typedef {import('../api.js').FollowUpItem} FollowUpItem */

/** The worklist as last fetched. @type {import('../api.js').FollowUpsAnswer | null} */
let answer = null;
/** The calendar's month, `YYYY-MM`. @type {string | null} */
let month = null;

/** Fetches the worklist (leads) and draws it. */
export async function refreshFollowUps() {
  if (store.get().user?.role !== 'lead') {
    answer = null;
    return draw();
  }
  try {
    answer = await api.followUps();
    month = month || answer.today.slice(0, 7);
  } catch (e) {
    answer = null;
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
  draw();
}

/** Pins the follow-up's site to the chosen day, must-visit. @param {FollowUpItem} f */
async function toPlan(f) {
  const day = byId('followup-day', HTMLInputElement).value || answer?.next_working_day || '';
  const note = `${f.kind_label} #${f.id}${f.due ? ` ${f.due}` : ''}`;
  try {
    await api.setPin({ site_id: f.site_id, kind: 'day', date: day, note });
    await api.setPin({ site_id: f.site_id, kind: 'must_visit', note });
    status(`${t('followup_planned')}: ${f.site_name} ${day}`);
    await refreshPins();
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
}

/** One line of the worklist. @param {FollowUpItem} f */
function row(f) {
  return h('li', { 'data-followup': String(f.id), 'data-kind': f.kind, class: f.overdue ? 'overdue' : '' },
    h('strong', {}, f.kind_label),
    f.overdue ? h('span', { class: 'badge overdue' }, ` ${t('followup_overdue')}`) : '',
    ` ${f.site_name} (${f.site_id}) · ${t('followup_due')} ${f.due || '—'} `,
    h('button', { class: 'link', 'data-action': 'plan', onclick: () => toPlan(f) }, t('followup_to_plan')));
}

/** The month grid: each day with the follow-ups due on it. @param {FollowUpItem[]} items */
function calendar(items) {
  if (!month || !answer) return [];
  const [y, m] = month.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1, 1));
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // Monday first
  /** @type {HTMLElement[]} */
  const cells = t('weekdays_short').split(',').map((d) => h('div', { class: 'cal-head' }, d));
  for (let i = 0; i < lead; i++) cells.push(h('div', { class: 'cal-day empty' }));
  for (let d = 1; d <= days; d++) {
    const date = `${month}-${String(d).padStart(2, '0')}`;
    const due = items.filter((f) => f.due === date);
    const late = due.some((f) => f.overdue);
    cells.push(h('div', { class: `cal-day${date === answer.today ? ' today' : ''}${late ? ' overdue' : ''}`, 'data-date': date },
      h('span', { class: 'cal-num' }, String(d)),
      ...due.map((f) => h('div', { class: 'cal-item', title: `${f.site_name} ${f.kind_label}` }, f.kind_label))));
  }
  return [
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'link', onclick: () => shift(-1) }, t('followup_prev')),
      h('strong', {}, ` ${month} `),
      h('button', { type: 'button', class: 'link', onclick: () => shift(1) }, t('followup_next'))),
    h('div', { class: 'cal-grid' }, cells),
  ];
}

/** Moves the calendar by `by` months. @param {number} by */
function shift(by) {
  if (!month) return;
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  month = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  draw();
}

function draw() {
  const items = answer ? answer.followups : [];
  const day = byId('followup-day', HTMLInputElement);
  if (answer && !day.value) day.value = answer.next_working_day;
  byId('followup-list').replaceChildren(...(items.length ? items.map(row) : [h('li', { class: 'muted' }, t('followup_none'))]));
  byId('followup-calendar').replaceChildren(...calendar(items));
}

export function wireFollowUps() {
  store.watch((s) => [s.lang], () => draw());
  document.querySelector('[data-panel=followups]')?.addEventListener('click', () => refreshFollowUps());
}
