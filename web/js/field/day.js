// @ts-check
// 今日任务: the signed-in inspector's published route in order, each stop with its
// window and what is known of the site (licence, last inspection, tip-offs, why it is
// on the route), how far the phone is from it, and 到达 / 完成 kept on the phone.
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId, status } from '../dom.js';
import { store } from '../store.js';
import { distanceM, fmtDistance, localStamp } from './geo.js';
import { openRecordForm } from './form.js';
import { showDossier } from './record_sheet.js';

/** @typedef {import('../api.js').TeamRoute} TeamRoute */
/** @typedef {import('../api.js').PlannedVisit} PlannedVisit */
/** @typedef {import('../store.js').State} State */

/** The routes this user works today: their team's, or every team's for a lead. @param {State} s @returns {TeamRoute[]} */
export function myRoutes({ plan, user }) {
  if (!plan || !user) return [];
  const own = user.team ? plan.teams.filter((team) => team.team === user.team) : [];
  return own.length ? own : plan.teams;
}

/** Where 到达 / 完成 of a plan are kept. @param {number} planId */
const marksKey = (planId) => `gp.day.${planId}`;

/** Marks a stop arrived or done, now. @param {string} siteId @param {'arrived' | 'done'} what */
function mark(siteId, what) {
  const { plan, stopMarks } = store.get();
  if (!plan) return;
  const now = localStamp(new Date()).slice(11, 16);
  const marks = { ...stopMarks, [siteId]: { ...stopMarks[siteId], [what]: now } };
  localStorage.setItem(marksKey(plan.id), JSON.stringify(marks));
  store.set({ stopMarks: marks });
}

/** The site as the page's copy of the site layer knows it. @param {State} s @param {string} id */
export function siteFacts(s, id) {
  const f = (s.layers.institutions ? s.layers.institutions.features : []).find((x) => x.properties && x.properties.id === id);
  return /** @type {Partial<import('../api.js').InstitutionProperties>} */ ((f && f.properties) || {});
}

/** @param {State} s @param {PlannedVisit} stop */
function stopView(s, stop) {
  const facts = siteFacts(s, stop.site_id);
  const marks = s.stopMarks[stop.site_id] || {};
  const away = s.position ? fmtDistance(distanceM(s.position, stop)) : '—';
  const state = marks.done ? 'done' : marks.arrived ? 'arrived' : 'todo';
  const known = [
    facts.licence ? `${t('licence')}: ${t('legend_' + facts.licence)}` : '',
    `${t('last_inspected')}: ${facts.last_inspected || t('never')}${facts.findings ? ` (${facts.findings})` : ''}`,
    facts.complaints ? `${t('complaints')}: ${facts.complaints}` : '',
  ].filter(Boolean).join(' · ');
  return h('li', { class: `stop ${state}`, 'data-site': stop.site_id, 'data-state': state },
    h('div', { class: 'stop-head' }, h('strong', {}, `${stop.seq}. ${stop.name}`), h('span', { class: 'away' }, away)),
    h('div', { class: 'muted' }, `${stop.arrival}–${stop.departure}`, stop.open_hours.length ? ` · ${t('open_hours')} ${stop.open_hours.join(' ')}` : '', ` · ${t('class_' + stop.class)}`),
    stop.address ? h('div', { class: 'muted' }, stop.address) : '',
    h('div', {}, known),
    stop.why.length ? h('div', { class: 'why' }, stop.why.join('；')) : '',
    openFollowUps(s, stop.site_id),
    h('div', { class: 'row wrap' },
      h('button', { type: 'button', class: 'arrive', disabled: !!marks.arrived, onclick: () => mark(stop.site_id, 'arrived') }, marks.arrived ? `${t('arrived')} ${marks.arrived}` : t('arrive_here')),
      h('button', { type: 'button', class: 'record', onclick: () => openRecordForm(stop.site_id, stop.name, stop.kind === 'hotspot' ? null : facts.kind || null) }, t('record_here')),
      h('button', { type: 'button', class: 'dossier', onclick: () => showDossier(stop.site_id).catch((e) => status(errorText(e), true)) }, t('dossier')),
      h('button', { type: 'button', class: 'finish', disabled: !!marks.done, onclick: () => mark(stop.site_id, 'done') }, marks.done ? `${t('done')} ${marks.done}` : t('finish_here'))));
}

/** The site's open follow-ups (整改 due, 关停 to check, 回头看), from its dossier. @param {State} s @param {string} siteId */
function openFollowUps(s, siteId) {
  const d = s.dossiers[siteId];
  if (!d || !d.open_follow_ups.length) return '';
  return h('div', { class: 'follow-ups' }, d.open_follow_ups.map((f) => `${t('follow_up_' + f.kind)}${f.due ? ` ${t('due')} ${f.due}` : ''}`).join('；'));
}

/**
 * Fetches the dossiers of the day's sites: what is open at each, and (through the
 * service worker) their recent history kept for offline use; offline, the kept copies.
 */
export async function refreshDossiers() {
  const s = store.get();
  if (!s.user) return;
  const ids = myRoutes(s).flatMap((team) => team.stops.filter((stop) => stop.kind === 'institution').map((stop) => stop.site_id)).slice(0, 60);
  /** @type {Record<string, api.Dossier>} */
  const dossiers = {};
  await Promise.all(ids.map(async (id) => {
    try {
      dossiers[id] = await api.dossier(id);
    } catch {
      // A site the server will not show (another team's, gone): nothing to add.
    }
  }));
  store.set({ dossiers });
}

/** @param {State} s */
function renderDay(s) {
  const list = byId('day-stops');
  const routes = myRoutes(s);
  byId('day-where').textContent = s.position
    ? `${t('my_position')}: ${s.position.lat.toFixed(5)}, ${s.position.lon.toFixed(5)} ±${Math.round(s.position.accuracy_m)} m`
    : t('no_position');
  if (!s.user) return list.replaceChildren();
  if (!routes.length) return list.replaceChildren(h('li', { class: 'muted' }, t('day_no_route')));
  list.replaceChildren(...routes.flatMap((team) => [
    h('li', { class: 'team-head' }, `${s.plan ? s.plan.date : ''} · ${t('team')} ${team.team} · ${team.departure}–${team.return_at} · ${t('stops')} ${team.stops.length}`),
    ...team.stops.map((stop) => stopView(s, stop)),
  ]));
}

/** Follows the phone's position (the distances, and the record's position). */
function watchPosition() {
  if (!('geolocation' in navigator)) return;
  navigator.geolocation.watchPosition((p) => store.set({
    position: { lon: p.coords.longitude, lat: p.coords.latitude, accuracy_m: p.coords.accuracy, at: localStamp(new Date(p.timestamp)) },
  }), () => {}, { enableHighAccuracy: true, maximumAge: 30000, timeout: 30000 });
}

export function wireDay() {
  store.watch((s) => [s.plan], ({ plan }) => store.set({ stopMarks: plan ? JSON.parse(localStorage.getItem(marksKey(plan.id)) || '{}') : {} }));
  store.watch((s) => [s.lang, s.plan, s.user, s.layers.institutions, s.position, s.stopMarks, s.dossiers], renderDay);
  watchPosition();
}
