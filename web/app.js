// The gridpatrol page: a MapLibre map of the township drawn from its own data (no
// tiles from the internet), the layers with a legend, and the work panels. Every
// label comes from i18n.js. window.gp exposes the map for tests and measurements.
import { MESSAGES } from './i18n.js';
import { addLabels, updateLabels, LABEL_IDS } from './labels.js';

const maplibregl = window.maplibregl;
// Start the map's worker now, while the page asks the server who is signed in: the
// worker's start-up is the largest fixed cost of the first rendered map.
maplibregl.prewarm();
const state = { lang: localStorage.getItem('gp.lang') || 'zh-CN', user: null, config: null, plan: null, coverageRows: [], sort: { key: 'cell_id', dir: 1 } };
const gp = { map: null, firstRenderMs: null, layersLoaded: false, errors: [], data: {}, counts: {}, marks: { script: performance.now() } };
window.gp = gp;

// ---------- language ----------
function t(key) {
  return (MESSAGES[state.lang] && MESSAGES[state.lang][key]) || MESSAGES['zh-CN'][key] || key;
}
function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.title = t('app_title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  renderLayerList();
  renderUser();
  if (state.plan) renderPlan(state.plan);
  renderCoverageTable();
  renderExports();
}

// ---------- small DOM helper (text only: data never becomes HTML) ----------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}
function status(text, isError = false) {
  const el = document.getElementById('status');
  el.textContent = text || '';
  el.classList.toggle('error', isError);
}

// ---------- API ----------
class ApiError extends Error {
  constructor(code, message, status) { super(message); this.code = code; this.status = status; }
}
async function api(path, options = {}) {
  const init = { credentials: 'same-origin', headers: {}, ...options };
  if (options.json !== undefined) {
    init.method = init.method || 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.json);
    delete init.json;
  }
  let response;
  try { response = await fetch(path, init); } catch (e) { throw new ApiError('network', String(e), 0); }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const err = (body && body.error) || { code: 'internal', message: response.statusText };
    throw new ApiError(err.code, err.message, response.status);
  }
  return body;
}
function errorText(e) {
  const key = 'err_' + (e.code || 'internal');
  const label = MESSAGES['zh-CN'][key] ? t(key) : t('err_internal');
  return e.message ? `${label} (${e.message})` : label;
}

// ---------- map layers ----------
const LICENCE_COLOURS = { licensed: '#2e7d32', registered_only: '#f9a825', unlicensed: '#c62828' };
const LAYERS = [
  { name: 'base', label: 'layer_base', ids: ['base-water', 'base-park', 'base-building', 'base-path', 'base-street-minor', 'base-street-major', 'base-rail'], public: true },
  { name: 'cells', label: 'layer_cells', ids: ['cells-fill', 'cells-line'] },
  { name: 'hotspots', label: 'layer_hotspots', ids: ['hotspots-fill', 'hotspots-line'] },
  { name: 'schools', label: 'layer_schools', ids: ['schools'] },
  { name: 'institutions', label: 'layer_institutions', ids: ['institutions-clusters', 'institutions'] },
  { name: 'depots', label: 'layer_depots', ids: ['depots'] },
  { name: 'routes', label: 'layer_routes', ids: ['routes-line', 'routes-stops'] },
];
const hidden = new Set(JSON.parse(localStorage.getItem('gp.hidden') || '[]'));
const EMPTY = { type: 'FeatureCollection', features: [] };

function styleLayers() {
  const coverageColour = ['case', ['==', ['typeof', ['get', 'coverage']], 'number'],
    ['interpolate', ['linear'], ['get', 'coverage'], 0, '#d73027', 0.5, '#fee08b', 1, '#1a9850'], '#9e9e9e'];
  return [
    { id: 'base-water', type: 'fill', source: 'base', filter: ['==', ['get', 'class'], 'water'], paint: { 'fill-color': '#a8c8e8' } },
    { id: 'base-park', type: 'fill', source: 'base', filter: ['==', ['get', 'class'], 'park'], paint: { 'fill-color': '#d5ead0' } },
    { id: 'base-building', type: 'fill', source: 'base', filter: ['==', ['get', 'class'], 'building'], paint: { 'fill-color': '#d9d0c9', 'fill-outline-color': '#bfb4ab' } },
    { id: 'base-path', type: 'line', source: 'base', filter: ['==', ['get', 'class'], 'path'], paint: { 'line-color': '#ffffff', 'line-width': 1, 'line-dasharray': [2, 1] } },
    { id: 'base-street-minor', type: 'line', source: 'base', filter: ['==', ['get', 'class'], 'street_minor'], paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 13, 1, 18, 6] } },
    { id: 'base-street-major', type: 'line', source: 'base', filter: ['==', ['get', 'class'], 'street_major'], paint: { 'line-color': '#fcd6a4', 'line-width': ['interpolate', ['linear'], ['zoom'], 13, 2, 18, 10] } },
    { id: 'base-rail', type: 'line', source: 'base', filter: ['==', ['get', 'class'], 'rail'], paint: { 'line-color': '#888', 'line-width': 1 } },
    { id: 'cells-fill', type: 'fill', source: 'cells', paint: { 'fill-color': coverageColour, 'fill-opacity': 0.28 } },
    { id: 'cells-line', type: 'line', source: 'cells', paint: { 'line-color': '#37474f', 'line-width': 1.5 } },
    { id: 'hotspots-fill', type: 'fill', source: 'hotspots', paint: { 'fill-color': '#7b1fa2', 'fill-opacity': ['case', ['get', 'night'], 0.35, 0.15] } },
    { id: 'hotspots-line', type: 'line', source: 'hotspots', paint: { 'line-color': '#4a148c', 'line-width': ['case', ['get', 'night'], 3, 1] } },
    { id: 'schools', type: 'circle', source: 'schools', paint: { 'circle-radius': 6, 'circle-color': '#1565c0', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
    // Sites packed closer than a few pixels (a building full of them, or ten thousand
    // over a township) are drawn as one bubble, coloured by the worst licence inside;
    // a click zooms in until they come apart.
    { id: 'institutions-clusters', type: 'circle', source: 'institutions', 'source-layer': 'institutions', filter: ['has', 'point_count'], paint: {
      'circle-radius': ['step', ['get', 'point_count'], 9, 10, 12, 100, 16, 1000, 20],
      'circle-color': ['case', ['>', ['get', 'unlicensed'], 0], LICENCE_COLOURS.unlicensed, ['>', ['get', 'registered_only'], 0], LICENCE_COLOURS.registered_only, LICENCE_COLOURS.licensed],
      'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
    { id: 'institutions', type: 'circle', source: 'institutions', 'source-layer': 'institutions', filter: ['!', ['has', 'point_count']], paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 3, 17, 7],
      'circle-color': ['match', ['get', 'licence'], 'licensed', LICENCE_COLOURS.licensed, 'registered_only', LICENCE_COLOURS.registered_only, LICENCE_COLOURS.unlicensed],
      'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } },
    { id: 'depots', type: 'circle', source: 'depots', paint: { 'circle-radius': 8, 'circle-color': '#000', 'circle-stroke-color': '#ffeb3b', 'circle-stroke-width': 3 } },
    { id: 'routes-line', type: 'line', source: 'routes', filter: ['==', ['geometry-type'], 'LineString'], layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': ['coalesce', ['get', 'color'], '#e65100'], 'line-width': 4, 'line-opacity': 0.85 } },
    { id: 'routes-stops', type: 'circle', source: 'routes', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 6, 'circle-color': '#fff', 'circle-stroke-color': ['coalesce', ['get', 'color'], '#e65100'], 'circle-stroke-width': 3 } },
  ];
}

// An office's own vector tiles (the OpenMapTiles schema of tileserver-gl or martin),
// drawn plainly under the township's layers: the surroundings the workspace lacks.
const MAJOR_ROADS = ['motorway', 'trunk', 'primary', 'secondary'];
function officeVectorLayers() {
  const layer = (id, type, sourceLayer, paint, filter) => ({ id: `tiles-${id}`, type, source: 'tiles', 'source-layer': sourceLayer, paint, ...(filter ? { filter } : {}) });
  const width = (at13, at18) => ['interpolate', ['linear'], ['zoom'], 13, at13, 18, at18];
  return [
    layer('landcover', 'fill', 'landcover', { 'fill-color': '#d5ead0', 'fill-opacity': 0.6 }),
    layer('park', 'fill', 'park', { 'fill-color': '#d5ead0' }),
    layer('water', 'fill', 'water', { 'fill-color': '#a8c8e8' }),
    layer('building', 'fill', 'building', { 'fill-color': '#e3dcd5' }),
    layer('road-minor', 'line', 'transportation', { 'line-color': '#ffffff', 'line-width': width(0.5, 5) }, ['!', ['in', ['get', 'class'], ['literal', MAJOR_ROADS]]]),
    layer('road-major', 'line', 'transportation', { 'line-color': '#fcd6a4', 'line-width': width(1.5, 9) }, ['in', ['get', 'class'], ['literal', MAJOR_ROADS]]),
  ];
}

// Layer data, fetched once per change. Small layers: the page fetches each and hands
// the same object to the map (the panels, labels and route sheets read it too). The
// large site layer: the map draws it from vector tiles the server cuts, with sites
// that crowd already gathered into bubbles, so it decodes only the few hundred
// features in view however many sites there are. The page's full copy (popups, the
// site list) follows only after the first rendered map.
const layerRounds = {};
function isBig(name) { return name === 'institutions'; }
function mayRead(name) { return LAYERS.find((l) => l.name === name).public || !!state.user; }
function mapData(name) { return mayRead(name) ? gp.data[name] || EMPTY : EMPTY; }
// The site tiles; a new round number after each change makes the map ask again.
function siteSource() {
  layerRounds.institutions = (layerRounds.institutions || 0) + 1;
  return { type: 'vector', maxzoom: 18, tiles: [`${location.origin}/api/tiles/institutions/{z}/{x}/{y}?round=${layerRounds.institutions}`] };
}
function withToggle(layer) {
  const owner = LAYERS.find((d) => d.ids.includes(layer.id)).name;
  return { ...layer, layout: { ...(layer.layout || {}), visibility: hidden.has(owner) ? 'none' : 'visible' } };
}
// The site tiles exist on the map only with a session (the server refuses them
// otherwise): added on sign-in, asked again after a change, removed on sign-out.
function syncSites() {
  const map = gp.map;
  const ids = [...LAYERS.find((l) => l.name === 'institutions').ids, ...LABEL_IDS.institutions];
  if (!mayRead('institutions')) {
    for (const id of ids) if (map.getLayer(id)) map.removeLayer(id);
    if (map.getSource('institutions')) map.removeSource('institutions');
    return;
  }
  const source = map.getSource('institutions');
  if (source) { source.setTiles(siteSource().tiles); return; }
  map.addSource('institutions', siteSource());
  for (const layer of styleLayers().filter((l) => l.source === 'institutions')) map.addLayer(withToggle(layer), 'depots');
  if (gp.labelsAdded) gp.labelsReady = addLabels(map, gp.data, (n) => hidden.has(n)).catch((e) => gp.errors.push(`labels: ${e}`));
}
// Gives the map a layer's current data (the style, made with the data at hand, is in).
function feedMap(name) {
  if (!gp.styleReady) return;
  if (isBig(name)) { syncSites(); return; }
  const source = gp.map.getSource(name);
  if (source) source.setData(mapData(name));
}
async function copyLayer(name) {
  if (!mayRead(name)) { gp.data[name] = EMPTY; if (gp.map) updateLabels(gp.map, name, EMPTY); return; }
  try {
    const data = await api(`/api/layers/${name}`);
    gp.data[name] = data;
    gp.counts[name] = data.features.length;
    if (gp.map) updateLabels(gp.map, name, data);
  } catch (e) {
    gp.data[name] = EMPTY;
    if (e.code !== 'unauthorized') { gp.errors.push(`${name}: ${e.code}`); status(errorText(e), true); }
  }
}
// Reloads a layer after a change: the map's copy and the page's.
async function loadLayer(name) {
  if (isBig(name)) { feedMap(name); await copyLayer(name); return; }
  await copyLayer(name);
  feedMap(name);
}
async function loadAllLayers() {
  await Promise.all(LAYERS.map((l) => loadLayer(l.name)));
  gp.layersLoaded = true;
}

function setVisible(name, visible) {
  if (visible) hidden.delete(name); else hidden.add(name);
  localStorage.setItem('gp.hidden', JSON.stringify([...hidden]));
  const def = LAYERS.find((l) => l.name === name);
  for (const id of [...def.ids, ...(LABEL_IDS[name] || [])]) if (gp.map.getLayer(id)) gp.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
}

function legendFor(name) {
  const swatch = (colour, label, shape = 'dot') => h('span', { class: 'legend-item' }, h('i', { class: `swatch ${shape}`, style: `background:${colour}` }), t(label));
  switch (name) {
    case 'institutions': return [swatch(LICENCE_COLOURS.licensed, 'legend_licensed'), swatch(LICENCE_COLOURS.registered_only, 'legend_registered_only'), swatch(LICENCE_COLOURS.unlicensed, 'legend_unlicensed'), swatch(LICENCE_COLOURS.unlicensed, 'legend_cluster', 'bubble')];
    case 'cells': return [swatch('#d73027', 'legend_coverage_low', 'box'), swatch('#1a9850', 'legend_coverage_high', 'box'), swatch('#9e9e9e', 'legend_no_data', 'box')];
    case 'hotspots': return [swatch('#7b1fa2', 'legend_night', 'box')];
    case 'schools': return [swatch('#1565c0', 'layer_schools')];
    default: return [];
  }
}
function renderLayerList() {
  const list = document.getElementById('layer-list');
  list.replaceChildren(...LAYERS.map((l) => h('li', {},
    h('label', {}, h('input', { type: 'checkbox', 'data-layer': l.name, checked: !hidden.has(l.name), onchange: (ev) => setVisible(l.name, ev.target.checked) }), ' ', t(l.label)),
    h('div', { class: 'legend' }, legendFor(l.name)))));
}

// ---------- popups ----------
function row(label, value) { return h('tr', {}, h('th', {}, t(label)), h('td', {}, value ?? '—')); }
function pct(x) { return typeof x === 'number' ? `${Math.round(x * 100)}%` : '—'; }
function popupContent(layerId, p) {
  const title = h('strong', {}, p.name || p.id || '');
  let rows = [];
  if (layerId === 'institutions') {
    rows = [row('licence', t('legend_' + p.licence)), row('kind_training', [p.kind ? t('kind_' + p.kind) : '', p.subject ? ` · ${t('subject_' + p.subject)}` : ''].join('')),
      row('address', p.address), row('complaints', p.complaints), row('last_inspected', p.last_inspected || t('never')), row('findings', p.findings || t('none'))];
  } else if (layerId === 'cells-fill') {
    rows = [row('officer', p.officer), row('coverage', pct(p.coverage)), row('sites', p.sites), row('sites_inspected', p.sites_inspected), row('streets_swept', pct(p.street_coverage))];
  } else if (layerId === 'hotspots-fill') {
    let parts = p.parts;
    if (typeof parts === 'string') { try { parts = JSON.parse(parts); } catch { parts = null; } }
    const partText = parts ? Object.entries(parts).map(([k, v]) => `${k}: ${typeof v === 'number' ? v.toFixed(2) : v}`).join(', ') : '—';
    rows = [row('kind_office_building', p.kind ? t('kind_' + p.kind) : ''), row('score', typeof p.score === 'number' ? p.score.toFixed(2) : '—'), row('score_parts', partText), row('night_check', p.night ? t('yes') : t('no'))];
  } else if (layerId === 'routes-stops' || layerId === 'routes-line') {
    rows = [row('team', p.team), row('arrive', p.arrive), row('stops', p.stops)];
  }
  rows = rows.filter(Boolean);
  if (layerId === 'institutions' && p.id) {
    return h('div', { class: 'popup' }, title, h('table', {}, rows), h('button', { class: 'link', onclick: () => pickSite(p.id) }, t('record_inspection')));
  }
  return h('div', { class: 'popup' }, title, h('table', {}, rows));
}
// A feature's full properties from the page's copy of its layer (the map's own copy
// of a large layer holds only what it draws with).
function fullProperties(name, p) {
  const fc = gp.data[name];
  if (!fc || !p.id) return p;
  if (!fc.byId) fc.byId = new Map(fc.features.map((f) => [f.properties.id, f.properties]));
  return fc.byId.get(p.id) || p;
}
// A bubble of sites zooms in until they come apart.
function zoomIntoBubble(ev) {
  const bubble = ev.features[0];
  gp.map.easeTo({ center: bubble.geometry.coordinates, zoom: bubble.properties.expansion_zoom });
}
// The layers a click answers for, from the top of the map down.
const CLICKABLE = ['routes-stops', 'depots', 'institutions', 'institutions-clusters', 'schools', 'hotspots-fill', 'cells-fill'];
gp.clickable = CLICKABLE;
function wirePopups() {
  // In order from the top of the map down: one answer per click, the topmost layer's.
  for (const id of CLICKABLE) {
    gp.map.on('click', id, (ev) => {
      if (ev.popupShown) return;
      ev.popupShown = true;
      if (id === 'institutions-clusters') { zoomIntoBubble(ev); return; }
      const f = ev.features[0];
      if (id === 'institutions') f.properties = fullProperties('institutions', f.properties);
      new maplibregl.Popup({ maxWidth: '320px' }).setLngLat(ev.lngLat).setDOMContent(popupContent(id, f.properties)).addTo(gp.map);
    });
    gp.map.on('mouseenter', id, () => { gp.map.getCanvas().style.cursor = 'pointer'; });
    gp.map.on('mouseleave', id, () => { gp.map.getCanvas().style.cursor = ''; });
  }
}

// ---------- the map ----------
function createMap(config) {
  const [w, s, e, n] = config.bounds;
  const sources = {};
  for (const l of LAYERS) {
    if (!isBig(l.name)) sources[l.name] = { type: 'geojson', data: mapData(l.name) };
    else if (mayRead(l.name)) sources[l.name] = siteSource();
  }
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#f2efe9' } }];
  if (config.tile_url && config.tile_kind === 'vector') {
    sources.tiles = { type: 'vector', tiles: [config.tile_url], maxzoom: 14 };
    layers.push(...officeVectorLayers());
  } else if (config.tile_url) {
    sources.tiles = { type: 'raster', tiles: [config.tile_url], tileSize: 256 };
    layers.push({ id: 'tiles', type: 'raster', source: 'tiles' });
  }
  layers.push(...styleLayers().filter((l) => sources[l.source]).map(withToggle));
  gp.mapBounds = [[w, s], [e, n]];
  gp.map = new maplibregl.Map({
    container: 'map',
    style: { version: 8, sources, layers },
    bounds: [[w, s], [e, n]],
    fitBoundsOptions: { padding: 20 },
    attributionControl: { compact: true, customAttribution: '© OpenStreetMap contributors' },
    localIdeographFontFamily: false, // glyphs from the page's own font (labels.js); the browser's fallback draws any it lacks
    fadeDuration: 0, // no fade-in frames: software-rendered maps draw each one slowly
  });
  gp.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
  gp.map.addControl(new maplibregl.ScaleControl(), 'bottom-left');
  gp.map.on('error', (e) => {
    gp.errors.push(`map: ${e.error && e.error.message}`);
    status(errorText({ code: 'internal', message: e.error && e.error.message }), true);
    // A tile that failed (an office tile server that is down) asks for no new frame,
    // and without one the map never says it has loaded: draw one.
    gp.map.triggerRepaint();
  });
  gp.map.once('style.load', () => { gp.styleReady = true; });
  gp.ready = new Promise((resolve) => {
    gp.map.on('load', async () => {
      gp.marks.mapLoad = performance.now();
      gp.layersLoaded = true;
      gp.marks.layers = performance.now();
      gp.map.once('idle', () => {
        gp.firstRenderMs = performance.now();
        gp.labelsAdded = true;
        gp.labelsReady = addLabels(gp.map, gp.data, (n) => hidden.has(n)).catch((e) => gp.errors.push(`labels: ${e}`));
        resolve();
      });
      gp.map.triggerRepaint();
    });
  });
  wirePopups();
}
// For tests: features of a layer as rendered now (not just the DOM).
gp.rendered = (layerId) => (gp.map && gp.map.getLayer(layerId) ? gp.map.queryRenderedFeatures({ layers: [layerId] }).map((f) => f.properties) : []);
gp.idle = () => new Promise((resolve) => { if (gp.map.loaded() && !gp.map.isMoving()) { gp.map.once('idle', resolve); gp.map.triggerRepaint(); } else gp.map.once('idle', resolve); });

// ---------- sign-in ----------
function renderUser() {
  const u = state.user;
  document.getElementById('who').textContent = u ? `${u.name} · ${t('role_' + u.role)}${u.team ? ' · ' + t('team') + ' ' + u.team : ''}` : '';
  document.getElementById('sign-in-open').hidden = !!u;
  document.getElementById('sign-out').hidden = !u;
  document.body.classList.toggle('lead', !!u && u.role === 'lead');
  document.body.classList.toggle('signed-in', !!u);
}
async function afterSignChange() {
  renderUser();
  renderExports();
  await loadAllLayers();
  await refreshPlan();
  if (state.user) await refreshCoverage();
  fillSites();
}
function wireSignIn() {
  const dialog = document.getElementById('sign-in');
  document.getElementById('sign-in-open').addEventListener('click', () => { document.getElementById('sign-in-error').textContent = ''; dialog.showModal(); });
  document.getElementById('sign-in-cancel').addEventListener('click', () => dialog.close());
  document.getElementById('sign-in-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    try {
      const body = await api('/api/login', { json: { name: form.get('name'), password: form.get('password') } });
      state.user = body.user;
      ev.target.reset();
      dialog.close();
      await afterSignChange();
    } catch (e) { document.getElementById('sign-in-error').textContent = errorText(e); }
  });
  document.getElementById('sign-out').addEventListener('click', async () => {
    await api('/api/logout', { method: 'POST' }).catch(() => {});
    state.user = null; state.plan = null;
    document.getElementById('plan-result').replaceChildren();
    await afterSignChange();
  });
}

// ---------- plan ----------
function fmtMinutes(s) { return typeof s === 'number' ? `${Math.round(s / 60)} ${t('minutes')}` : '—'; }
function fmtKm(m) { return typeof m === 'number' ? `${(m / 1000).toFixed(1)} ${t('km')}` : '—'; }
function renderPlan(plan) {
  const out = document.getElementById('plan-result');
  const teams = plan.teams.map((team) => h('li', { class: 'team', 'data-team': team.team },
    h('i', { class: 'swatch line', style: `background:${team.color}` }),
    h('strong', {}, `${t('team')} ${team.team}`), ` · ${team.departure}–${team.return_at} · ${t('stops')} ${team.stops.length} · ${fmtMinutes(team.duration_s)} · ${fmtKm(team.distance_m)} `,
    h('button', { class: 'link', onclick: () => showSheet(team.team) }, t('print_sheet')),
    ' ', h('a', { href: `/api/export/routes-${encodeURIComponent(team.team)}.gpx`, download: true }, 'GPX')));
  const unassigned = plan.unassigned.length
    ? h('table', { class: 'unassigned' }, h('tr', {}, h('th', {}, t('site')), h('th', {}, t('priority')), h('th', {}, t('reason'))), plan.unassigned.map((u) => h('tr', { 'data-reason': u.reason }, h('td', {}, `${u.name || u.site_id} (${u.site_id})`), h('td', {}, t('class_' + u.class)), h('td', {}, t('reason_' + u.reason)))))
    : h('p', {}, t('none'));
  out.replaceChildren(h('h3', {}, `${plan.date} · ${t('shift_' + plan.shift)}`), h('ul', { class: 'teams' }, teams), h('h3', {}, `${t('unassigned')} (${plan.unassigned.length})`), unassigned);
}
async function refreshPlan() {
  if (!state.user) return;
  try {
    const body = await api('/api/plan');
    state.plan = body.plan;
    if (state.plan) renderPlan(state.plan);
    else document.getElementById('plan-result').replaceChildren(h('p', {}, body.hidden_until ? `${t('plan_hidden_until')} ${body.hidden_until}` : t('err_no_plan')));
  } catch (e) {
    state.plan = null;
    const out = document.getElementById('plan-result');
    out.replaceChildren(h('p', {}, errorText(e)));
  }
}
function wirePlan() {
  const form = document.getElementById('plan-form');
  form.date.value = today();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true; status(t('planning'));
    try {
      const teams = String(f.get('teams')).split(/[,，\s]+/).filter(Boolean);
      const body = await api('/api/plan', { json: { date: f.get('date'), shift: f.get('shift'), teams, budget_min: f.get('budget_min') ? Number(f.get('budget_min')) : null, seconds: Number(f.get('seconds') || 3) } });
      state.plan = body.plan;
      renderPlan(state.plan);
      await loadLayer('routes');
      status('');
    } catch (e) { status(errorText(e), true); }
    finally { button.disabled = false; }
  });
}

// ---------- printable route sheet ----------
function sheetMap(team) {
  // A small SVG map: the base streets in the route's box, the route and its numbered stops.
  const pts = [{ lon: team.depot_lon, lat: team.depot_lat }, ...team.stops].map((s) => [s.lon, s.lat]);
  if (pts.length === 0) return h('div');
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of pts) { w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y); }
  const padX = Math.max((e - w) * 0.1, 0.002), padY = Math.max((n - s) * 0.1, 0.002);
  w -= padX; e += padX; s -= padY; n += padY;
  const kx = Math.cos(((s + n) / 2) * Math.PI / 180);
  const width = 600, height = Math.max(200, Math.min(600, width * (n - s) / ((e - w) * kx)));
  const X = (x) => ((x - w) / (e - w)) * width, Y = (y) => ((n - y) / (n - s)) * height;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`); svg.setAttribute('class', 'sheet-map');
  const add = (tag, attrs) => { const el = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v); svg.append(el); return el; };
  for (const f of (gp.data.base || EMPTY).features) {
    if (f.geometry.type !== 'LineString' || !String(f.properties.class).startsWith('street')) continue;
    const c = f.geometry.coordinates;
    if (!c.some(([x, y]) => x >= w && x <= e && y >= s && y <= n)) continue;
    add('polyline', { points: c.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' '), fill: 'none', stroke: '#bbb', 'stroke-width': 2 });
  }
  const line = team.geometry && team.geometry.length ? team.geometry : pts;
  add('polyline', { points: line.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' '), fill: 'none', stroke: team.color || '#e65100', 'stroke-width': 4 });
  team.stops.forEach((stop, i) => {
    add('circle', { cx: X(stop.lon), cy: Y(stop.lat), r: 9, fill: '#fff', stroke: '#000', 'stroke-width': 1.5 });
    const label = add('text', { x: X(stop.lon), y: Y(stop.lat) + 4, 'text-anchor': 'middle', 'font-size': 11 });
    label.textContent = String(i + 1);
  });
  return svg;
}
function showSheet(teamName) {
  const team = state.plan.teams.find((x) => x.team === teamName);
  const sheet = document.getElementById('sheet');
  sheet.replaceChildren(
    h('div', { class: 'no-print row' }, h('button', { onclick: () => window.print() }, t('print_sheet')), h('button', { onclick: () => { sheet.hidden = true; } }, t('close'))),
    h('h2', {}, `${t('route_sheet')} · ${t('team')} ${team.team}`),
    h('p', {}, `${state.config.township} · ${state.plan.date} · ${t('shift_' + state.plan.shift)} · ${team.departure}–${team.return_at} · ${fmtMinutes(team.duration_s)} · ${fmtKm(team.distance_m)}${team.break_ ? ` · ${t('break')} ${team.break_}` : ''}`),
    h('p', {}, `${t('depot')}: ${team.depot_name}`),
    sheetMap(team),
    h('table', { class: 'stops' },
      h('tr', {}, h('th', {}, '#'), h('th', {}, t('site')), h('th', {}, t('address')), h('th', {}, t('priority')), h('th', {}, t('arrive')), h('th', {}, t('start')), h('th', {}, t('leave')), h('th', {}, t('result'))),
      team.stops.map((s, i) => h('tr', {}, h('td', {}, i + 1), h('td', {}, `${s.name} (${s.site_id})`), h('td', {}, s.address || ''), h('td', {}, t('class_' + s.class)), h('td', {}, s.arrival), h('td', {}, s.start), h('td', {}, s.departure), h('td', { class: 'blank' }, '')))));
  sheet.hidden = false;
  sheet.scrollIntoView();
}

// ---------- record an inspection ----------
function fillSites() {
  const select = document.getElementById('record-site');
  const features = (gp.data.institutions || EMPTY).features;
  const current = select.value;
  select.replaceChildren(...features.slice(0, 5000).map((f) => h('option', { value: f.properties.id }, `${f.properties.name} (${f.properties.id})`)));
  if (current) select.value = current;
}
function pickSite(id) {
  openPanel('record');
  const select = document.getElementById('record-site');
  if (![...select.options].some((o) => o.value === id)) select.append(h('option', { value: id }, id));
  select.value = id;
}
function wireRecord() {
  const form = document.getElementById('record-form');
  form.date.value = today();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const out = document.getElementById('record-result');
    try {
      const body = await api('/api/inspections', { json: { site_id: f.get('site_id'), date: f.get('date'), result: f.get('result'), notes: f.get('notes') || null } });
      out.textContent = `${t('recorded')} #${body.inspection.id}` + (body.cell ? ` · ${t('cell')} ${body.cell.name || body.cell.id}: ${t('coverage')} ${pct(body.cell.coverage)}` : '');
      out.classList.remove('error');
      await Promise.all([loadLayer('cells'), loadLayer('institutions'), refreshCoverage()]);
    } catch (e) { out.textContent = errorText(e); out.classList.add('error'); }
  });
}

// ---------- coverage table ----------
function renderCoverageTable() {
  const tbody = document.querySelector('#coverage-table tbody');
  const { key, dir } = state.sort;
  const rows = [...state.coverageRows].sort((a, b) => {
    const x = a[key], y = b[key];
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
    return String(x ?? '').localeCompare(String(y ?? ''), state.lang) * dir;
  });
  tbody.replaceChildren(...rows.map((r) => h('tr', { 'data-cell': r.cell_id }, h('td', {}, r.cell_id), h('td', {}, r.name), h('td', { class: 'num' }, r.sites), h('td', { class: 'num' }, r.sites_inspected), h('td', { class: 'num' }, pct(r.coverage)))));
  for (const th of document.querySelectorAll('#coverage-table th')) th.setAttribute('aria-sort', th.dataset.key === key ? (dir > 0 ? 'ascending' : 'descending') : 'none');
}
async function refreshCoverage() {
  if (!state.user) return;
  const form = document.getElementById('coverage-form');
  const q = new URLSearchParams();
  if (form.from.value) q.set('from', form.from.value);
  if (form.to.value) q.set('to', form.to.value);
  try {
    const body = await api(`/api/coverage?${q}`);
    state.coverageRows = body.cells;
    renderCoverageTable();
  } catch (e) { status(errorText(e), true); }
}
function wireCoverage() {
  const form = document.getElementById('coverage-form');
  const d = new Date(); d.setDate(d.getDate() - 29);
  form.from.value = isoDate(d); form.to.value = today();
  form.addEventListener('submit', (ev) => { ev.preventDefault(); refreshCoverage(); });
  for (const th of document.querySelectorAll('#coverage-table th')) {
    th.addEventListener('click', () => {
      state.sort = { key: th.dataset.key, dir: state.sort.key === th.dataset.key ? -state.sort.dir : 1 };
      renderCoverageTable();
    });
  }
}

// ---------- 双随机 draw ----------
function wireDraw() {
  const form = document.getElementById('draw-form');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const out = document.getElementById('draw-result');
    const seed = String(f.get('seed') || '').trim();
    try {
      const body = await api('/api/draw', { json: { sites: Number(f.get('sites')), inspectors: Number(f.get('inspectors')), seed: seed === '' ? null : seed } });
      const d = body.draw;
      out.replaceChildren(h('p', {}, `${t('seed')}: `, h('code', { class: 'seed' }, d.seed)), h('p', {}, `${t('draw_hash')}: `, h('code', {}, d.hash)),
        h('h3', {}, t('draw_targets')), h('ol', {}, d.sites.map((s) => h('li', {}, `${s.name} (${s.id})`))),
        h('h3', {}, t('draw_people')), h('ol', {}, d.inspectors.map((p) => h('li', {}, p))));
    } catch (e) { out.replaceChildren(h('p', { class: 'error' }, errorText(e))); }
  });
}

// ---------- exports ----------
function renderExports() {
  const out = document.getElementById('export-list');
  if (!state.user) { out.replaceChildren(h('p', {}, t('need_sign_in'))); return; }
  const link = (href, label) => h('a', { class: 'button', href, download: true }, label);
  out.replaceChildren(
    h('h3', {}, t('export_geojson')),
    h('div', { class: 'row wrap' }, ['cells', 'institutions', 'hotspots', 'schools', 'routes'].map((l) => link(`/api/export/${l}.geojson`, t('layer_' + l)))),
    h('h3', {}, t('export_gpx')),
    h('div', { class: 'row wrap' }, (state.plan ? state.plan.teams : []).map((team) => link(`/api/export/routes-${encodeURIComponent(team.team)}.gpx`, `${t('team')} ${team.team}`))),
    h('h3', {}, t('export_csv')),
    h('div', { class: 'row wrap' }, link('/api/export/ledger.csv', t('export_csv')), link('/api/export/ledger.xlsx', t('export_xlsx')), link('/api/export/coverage.csv', `${t('coverage')} CSV`), link('/api/export/coverage.xlsx', `${t('coverage')} Excel`)));
}

// ---------- panels ----------
function openPanel(name) {
  for (const tab of document.querySelectorAll('.tabs [role=tab]')) tab.setAttribute('aria-selected', String(tab.dataset.panel === name));
  for (const panel of document.querySelectorAll('.panel')) panel.hidden = panel.id !== `panel-${name}`;
  document.body.classList.add('side-open');
  document.getElementById('menu-toggle').setAttribute('aria-expanded', 'true');
  if (name === 'export') renderExports();
}
function wirePanels() {
  for (const tab of document.querySelectorAll('.tabs [role=tab]')) tab.addEventListener('click', () => openPanel(tab.dataset.panel));
  document.getElementById('menu-toggle').addEventListener('click', () => {
    const open = !document.body.classList.contains('side-open');
    document.body.classList.toggle('side-open', open);
    document.getElementById('menu-toggle').setAttribute('aria-expanded', String(open));
    setTimeout(() => gp.map && gp.map.resize(), 50);
  });
  document.getElementById('lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh-CN' ? 'en' : 'zh-CN';
    localStorage.setItem('gp.lang', state.lang);
    applyLanguage();
  });
}

function isoDate(d) { return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; }
function today() { return isoDate(new Date()); }

async function main() {
  wirePanels(); wireSignIn(); wirePlan(); wireRecord(); wireCoverage(); wireDraw();
  if (window.matchMedia('(min-width: 800px)').matches) document.body.classList.add('side-open');
  // Public layers need not wait to learn who is signed in (index.html preloads these).
  const publicCopies = LAYERS.filter((l) => l.public).map((l) => copyLayer(l.name));
  const [config, me] = await Promise.all([api('/api/config'), api('/api/me')]);
  state.config = config; state.user = me.user;
  gp.marks.config = performance.now();
  document.getElementById('township').textContent = config.township || '';
  applyLanguage();
  // The small layers first, so the map starts with all it draws (one pass of its
  // worker instead of a second after they arrive); they take milliseconds.
  await Promise.all([...publicCopies, ...LAYERS.filter((l) => !l.public && !isBig(l.name)).map((l) => copyLayer(l.name))]);
  createMap(config);
  await gp.ready;
  if (state.user) { await Promise.all([refreshPlan(), refreshCoverage(), copyLayer('institutions')]); fillSites(); }
  gp.pageReady = true;
}
main().catch((e) => { gp.errors.push(String(e)); status(errorText(e), true); });
