// @ts-check
// The 举报 panel: receive a tip-off (pick its site, or click its place on the map), the
// register with the overdue ones first and marked, each moved along one step at a time
// (交办 → 核查 → 核实 → 答复 → 办结; the server refuses a step out of order), and a map
// layer of the open ones (overdue in red).
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId, status } from '../dom.js';
import { gp } from '../gp.js';
import { store } from '../store.js';

/** @typedef {import('../api.js').TipOff} TipOff */

const SOURCES = ['hotline_12345', 'phone', 'letter', 'online', 'superior'];
const VERDICTS = /** @type {Record<string, string>} */ ({ 属实: 'substantiated', 部分属实: 'partly_substantiated', 不属实: 'unsubstantiated' });
const LAYER = 'tipoffs-open';

/** The register as last fetched. @type {TipOff[]} */
let register = [];
/** The place clicked on the map for the next tip-off, WGS-84. @type {[number, number] | null} */
let picked = null;

/** Fetches the register (open ones, or all) and draws it. */
export async function refreshTipOffs() {
  if (!store.get().user) {
    register = [];
    return draw();
  }
  // Leads receive; an inspector sees their team's tip-offs and links the inspection.
  byId('tipoff-receive').hidden = store.get().user?.role !== 'lead';
  const all = byId('tipoff-all', HTMLInputElement).checked;
  try {
    register = (await api.tipOffs(new URLSearchParams({ status: all ? 'all' : 'open' }))).tipoffs;
  } catch (e) {
    register = [];
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
  draw();
}

/** Runs one step, then draws the register again. @param {number} id @param {object} patch */
async function step(id, patch) {
  try {
    await api.changeTipOff(id, patch);
    status(t('tipoff_updated'));
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
  await refreshTipOffs();
}

/** The buttons for the next step(s) of `tip` that this user may take. @param {TipOff} tip */
function actions(tip) {
  const lead = store.get().user?.role === 'lead';
  /** @param {string} action @param {string} label @param {() => object | null} ask */
  const button = (action, label, ask) => h('button', {
    class: 'link',
    'data-action': action,
    onclick: () => {
      const fields = ask();
      if (fields) step(tip.id, { action, ...fields });
    },
  }, t(label));
  /** @param {string} key */
  const prompt = (key) => window.prompt(t(key))?.trim() || null;
  const out = [];
  if (lead && (tip.status === 'received' || tip.status === 'assigned')) {
    out.push(button('assign', 'tipoff_assign', () => {
      const team = prompt('tipoff_assign_prompt');
      return team ? { team } : null;
    }));
  }
  if (tip.status === 'assigned') {
    out.push(button('handle', 'tipoff_handle', () => {
      const id = Number(prompt('tipoff_handle_prompt'));
      return Number.isInteger(id) && id > 0 ? { inspection_id: id } : null;
    }));
  }
  if (lead && tip.status === 'handled') {
    out.push(button('verify', 'tipoff_verify', () => {
      const verdict = VERDICTS[prompt('tipoff_verify_prompt') || ''];
      return verdict ? { verdict } : null;
    }));
  }
  if (lead && tip.status === 'verified') {
    out.push(button('answer', 'tipoff_answer', () => {
      const answer = prompt('tipoff_answer_prompt');
      return answer ? { answer } : null;
    }));
  }
  if (lead && tip.status === 'answered') out.push(button('close', 'tipoff_close', () => ({})));
  return out.flatMap((b) => [' ', b]);
}

/** One line of the register. @param {TipOff} tip */
function row(tip) {
  const where = tip.site_name ? `${tip.site_name} (${tip.site_id})` : tip.place || `${tip.lon.toFixed(5)}, ${tip.lat.toFixed(5)}`;
  const who = tip.complainant_name || tip.complainant_contact ? ` · ${[tip.complainant_name, tip.complainant_contact].filter(Boolean).join(' ')}` : '';
  return h('li', { 'data-tipoff': String(tip.id), 'data-status': tip.status, class: tip.overdue ? 'overdue' : '' },
    h('strong', {}, `#${tip.id} ${tip.status_label}`),
    tip.overdue ? h('span', { class: 'badge overdue' }, ` ${t('tipoff_overdue')}`) : '',
    h('div', {}, `${tip.source_label} · ${tip.received_at.slice(0, 16).replace('T', ' ')} · ${t('tipoff_due')} ${tip.due}${tip.team_id ? ` · ${tip.team_id}` : ''}${who}`),
    h('div', {}, `${tip.summary} — ${where}`),
    ...actions(tip));
}

/** The register's open tip-offs as map points. */
function points() {
  return {
    type: /** @type {const} */ ('FeatureCollection'),
    features: register.filter((tip) => tip.status !== 'closed' && Number.isFinite(tip.lon)).map((tip) => ({
      type: /** @type {const} */ ('Feature'),
      geometry: { type: /** @type {const} */ ('Point'), coordinates: [tip.lon, tip.lat] },
      properties: { id: tip.id, overdue: tip.overdue, label: `#${tip.id} ${tip.summary.slice(0, 20)}` },
    })),
  };
}

/** Puts the open tip-offs on the map (a layer of their own, above the sites). */
function drawLayer() {
  const map = gp.map;
  if (!map || !gp.styleReady) return;
  const source = /** @type {import('maplibre-gl').GeoJSONSource | undefined} */ (map.getSource('tipoffs'));
  if (source) {
    source.setData(points());
    return;
  }
  map.addSource('tipoffs', { type: 'geojson', data: points() });
  map.addLayer({
    id: LAYER,
    type: 'circle',
    source: 'tipoffs',
    paint: {
      'circle-radius': 9,
      'circle-color': ['case', ['get', 'overdue'], '#d50000', '#ff9800'],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
    },
  });
}

function draw() {
  const list = byId('tipoff-list');
  const overdue = register.filter((tip) => tip.overdue).length;
  byId('tipoff-count').textContent = register.length ? `${register.length}${overdue ? ` · ${t('tipoff_overdue')} ${overdue}` : ''}` : '';
  list.replaceChildren(...(register.length ? register.map(row) : [h('li', { class: 'muted' }, t('tipoff_none'))]));
  drawLayer();
}

/** The site choices, from the page's copy of the site layer. */
function fillSites() {
  const select = byId('tipoff-site', HTMLSelectElement);
  const keep = select.value;
  const sites = store.get().layers.institutions?.features || [];
  select.replaceChildren(h('option', { value: '' }, t('tipoff_no_site')), ...sites.slice(0, 5000).map((f) => {
    const p = /** @type {Record<string, any>} */ (f.properties);
    return h('option', { value: p.id }, `${p.name} (${p.id})`);
  }));
  select.value = keep;
}

/** The next click on the map places the tip-off. */
function pickOnMap() {
  const map = gp.map;
  if (!map) return;
  status(t('tipoff_pick_hint'));
  map.once('click', (ev) => {
    picked = [ev.lngLat.lng, ev.lngLat.lat];
    byId('tipoff-picked').textContent = `${t('tipoff_picked')}: ${picked[0].toFixed(5)}, ${picked[1].toFixed(5)}`;
    status('');
  });
}

/** @param {SubmitEvent} ev */
async function receive(ev) {
  ev.preventDefault();
  const form = byId('tipoff-form', HTMLFormElement);
  const f = new FormData(form);
  const text = (/** @type {string} */ name) => String(f.get(name) || '').trim() || null;
  const site = text('site_id');
  const request = {
    source: text('source'),
    summary: text('summary') || '',
    place: text('place'),
    received_at: text('received_at')?.replace('T', ' ') || null,
    complainant_name: text('complainant_name'),
    complainant_contact: text('complainant_contact'),
    site_id: site,
    ...(!site && picked ? { lon: picked[0], lat: picked[1] } : {}),
  };
  try {
    const tip = await api.receiveTipOff(request);
    status(`${t('tipoff_saved')} #${tip.id} · ${t('tipoff_due')} ${tip.due}`);
    form.reset();
    picked = null;
    byId('tipoff-picked').textContent = '';
    await refreshTipOffs();
  } catch (e) {
    status(errorText(/** @type {api.ApiError} */ (e)), true);
  }
}

export function wireTipOffs() {
  const source = byId('tipoff-source', HTMLSelectElement);
  source.replaceChildren(...SOURCES.map((s) => h('option', { value: s, 'data-i18n': `source_${s}` }, t(`source_${s}`))));
  byId('tipoff-form', HTMLFormElement).addEventListener('submit', receive);
  byId('tipoff-pick').addEventListener('click', pickOnMap);
  byId('tipoff-all', HTMLInputElement).addEventListener('change', () => refreshTipOffs());
  store.watch((s) => [s.layers.institutions, s.lang], fillSites);
  store.watch((s) => [s.lang], () => draw());
  document.querySelector('[data-panel=tipoffs]')?.addEventListener('click', () => refreshTipOffs());
}
