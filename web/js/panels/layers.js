// @ts-check
// The layers panel: a toggle per layer with its legend.
import { t } from '../i18n.js';
import { h, byId } from '../dom.js';
import { store } from '../store.js';
import { LAYERS, LICENCE_COLOURS, LIST_COLOURS } from '../map/style.js';
import { setVisible } from '../map/layers.js';

/** The legend of a page layer. @param {string} name */
function legendFor(name) {
  /** @param {string} colour @param {string} label @param {string} [shape] */
  const swatch = (colour, label, shape = 'dot') => h('span', { class: 'legend-item' }, h('i', { class: `swatch ${shape}`, style: `background:${colour}` }), t(label));
  switch (name) {
    case 'institutions': return [swatch(LICENCE_COLOURS.licensed, 'legend_licensed'), swatch(LICENCE_COLOURS.registered_only, 'legend_registered_only'), swatch(LICENCE_COLOURS.unlicensed, 'legend_unlicensed'), swatch(LICENCE_COLOURS.unlicensed, 'legend_cluster', 'bubble')];
    case 'cells': return [swatch('#d73027', 'legend_coverage_low', 'box'), swatch('#1a9850', 'legend_coverage_high', 'box'), swatch('#9e9e9e', 'legend_no_data', 'box')];
    case 'hotspots': return [swatch('#7b1fa2', 'legend_night', 'box')];
    case 'schools': return [swatch('#1565c0', 'layer_schools')];
    case 'whitelist': return [swatch(LIST_COLOURS.white, 'legend_white', 'ring'), swatch(LIST_COLOURS.flagged, 'legend_white_flagged', 'ring'), h('span', { class: 'legend-item', id: 'white-flag-count', 'data-count': String(flaggedCount()) }, `${t('white_flag_count')}：${flaggedCount()}`)];
    case 'blacklist': return [swatch(LIST_COLOURS.black, 'legend_black', 'ring')];
    default: return [];
  }
}

/** White-listed sites found at fault since they entered the list. */
function flaggedCount() {
  const white = store.get().layers.whitelist;
  return white ? white.features.filter((f) => f.properties && f.properties.flagged).length : 0;
}

function renderLayerList() {
  const hidden = store.get().hidden;
  byId('layer-list').replaceChildren(...LAYERS.map((l) => h('li', {},
    h('label', {}, h('input', { type: 'checkbox', 'data-layer': l.name, checked: !hidden.has(l.name), onchange: (/** @type {Event} */ ev) => setVisible(l.name, /** @type {HTMLInputElement} */ (ev.target).checked) }), ' ', t(l.label)),
    h('div', { class: 'legend' }, legendFor(l.name)))));
}

export function wireLayers() {
  store.watch((s) => [s.lang, s.layers.whitelist], renderLayerList);
}
