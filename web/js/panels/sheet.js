// @ts-check
// A team's printable route sheet: the stops in order with their times, and a small
// map of the route over the base streets (A4, see style.css's print rules).
import { t } from '../i18n.js';
import { h, byId } from '../dom.js';
import { fmtKm, fmtMinutes } from '../format.js';
import { store } from '../store.js';
import { EMPTY } from '../map/layers.js';

/** @typedef {import('../api.js').TeamRoute} TeamRoute */

/** A small SVG map: the base streets in the route's box, the route and its numbered stops. @param {TeamRoute} team */
function sheetMap(team) {
  const pts = [{ lon: team.depot_lon, lat: team.depot_lat }, ...team.stops].map((s) => [s.lon, s.lat]);
  if (pts.length === 0) return h('div');
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of pts) { w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y); }
  const padX = Math.max((e - w) * 0.1, 0.002), padY = Math.max((n - s) * 0.1, 0.002);
  w -= padX; e += padX; s -= padY; n += padY;
  const kx = Math.cos(((s + n) / 2) * Math.PI / 180);
  const width = 600, height = Math.max(200, Math.min(600, width * (n - s) / ((e - w) * kx)));
  /** @param {number} x */
  const X = (x) => ((x - w) / (e - w)) * width;
  /** @param {number} y */
  const Y = (y) => ((n - y) / (n - s)) * height;
  /** @param {number[][]} line */
  const points = (line) => line.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ');
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`); svg.setAttribute('class', 'sheet-map');
  /** @param {string} tag @param {Record<string, string | number>} attrs */
  const add = (tag, attrs) => { const el = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v)); svg.append(el); return el; };
  for (const f of (store.get().layers.base || EMPTY).features) {
    if (f.geometry.type !== 'LineString' || !String(f.properties && f.properties.class).startsWith('street')) continue;
    const c = f.geometry.coordinates;
    if (!c.some(([x, y]) => x >= w && x <= e && y >= s && y <= n)) continue;
    add('polyline', { points: points(c), fill: 'none', stroke: '#bbb', 'stroke-width': 2 });
  }
  const line = team.geometry && team.geometry.length ? team.geometry : pts;
  add('polyline', { points: points(line), fill: 'none', stroke: team.color || '#e65100', 'stroke-width': 4 });
  team.stops.forEach((stop, i) => {
    add('circle', { cx: X(stop.lon), cy: Y(stop.lat), r: 9, fill: '#fff', stroke: '#000', 'stroke-width': 1.5 });
    const label = add('text', { x: X(stop.lon), y: Y(stop.lat) + 4, 'text-anchor': 'middle', 'font-size': 11 });
    label.textContent = String(i + 1);
  });
  return svg;
}

/** Shows the route sheet of a team of the current plan. @param {string} teamName */
export function showSheet(teamName) {
  const { plan, config } = store.get();
  const team = plan && plan.teams.find((x) => x.team === teamName);
  if (!plan || !team) return;
  const sheet = byId('sheet');
  sheet.replaceChildren(
    h('div', { class: 'no-print row' }, h('button', { onclick: () => window.print() }, t('print_sheet')), h('button', { onclick: () => { sheet.hidden = true; } }, t('close'))),
    h('h2', {}, `${t('route_sheet')} · ${t('team')} ${team.team}`),
    h('p', {}, `${config ? config.township : ''} · ${plan.date} · ${t('shift_' + plan.shift)} · ${team.departure}–${team.return_at} · ${fmtMinutes(team.duration_s)} · ${fmtKm(team.distance_m)}${team.break_ ? ` · ${t('break')} ${team.break_}` : ''}`),
    h('p', {}, `${t('depot')}: ${team.depot_name}`),
    sheetMap(team),
    h('table', { class: 'stops' },
      h('tr', {}, h('th', {}, '#'), h('th', {}, t('site')), h('th', {}, t('address')), h('th', {}, t('priority')), h('th', {}, t('arrive')), h('th', {}, t('start')), h('th', {}, t('leave')), h('th', {}, t('result'))),
      team.stops.map((s, i) => h('tr', {}, h('td', {}, i + 1), h('td', {}, `${s.name} (${s.site_id})`), h('td', {}, s.address || ''), h('td', {}, t('class_' + s.class)), h('td', {}, s.arrival), h('td', {}, s.start), h('td', {}, s.departure), h('td', { class: 'blank' }, '')))));
  sheet.hidden = false;
  sheet.scrollIntoView();
}
