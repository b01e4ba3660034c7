// @ts-check
// The 双随机 panel: a draw of random sites and inspectors from a published seed.
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId } from '../dom.js';

export function wireDraw() {
  const form = byId('draw-form', HTMLFormElement);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const out = byId('draw-result');
    const seed = String(f.get('seed') || '').trim();
    try {
      const { draw: d } = await api.draw({ sites: Number(f.get('sites')), inspectors: Number(f.get('inspectors')), seed: seed === '' ? null : seed });
      out.replaceChildren(h('p', {}, `${t('seed')}: `, h('code', { class: 'seed' }, d.seed)), h('p', {}, `${t('draw_hash')}: `, h('code', {}, d.hash)),
        h('h3', {}, t('draw_targets')), h('ol', {}, d.sites.map((s) => h('li', {}, `${s.name} (${s.id})`))),
        h('h3', {}, t('draw_people')), h('ol', {}, d.inspectors.map((p) => h('li', {}, p))));
    } catch (e) {
      out.replaceChildren(h('p', { class: 'error' }, errorText(/** @type {api.ApiError} */ (e))));
    }
  });
}
