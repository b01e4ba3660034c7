// @ts-check
// The side panel: its tabs, the drawer a phone opens with the menu button, and the
// language switch (every data-i18n text follows the language).
import { t } from '../i18n.js';
import { byId } from '../dom.js';
import { gp } from '../gp.js';
import { store } from '../store.js';

/** Shows one panel (`layers`, `plan`, `record`, …) and opens the side. @param {string} name */
export function openPanel(name) {
  for (const tab of document.querySelectorAll('.tabs [role=tab]')) tab.setAttribute('aria-selected', String(/** @type {HTMLElement} */ (tab).dataset.panel === name));
  for (const panel of document.querySelectorAll('.panel')) /** @type {HTMLElement} */ (panel).hidden = panel.id !== `panel-${name}`;
  document.body.classList.add('side-open');
  byId('menu-toggle').setAttribute('aria-expanded', 'true');
}

/** @param {string} lang */
function applyLanguage(lang) {
  document.documentElement.lang = lang;
  document.title = t('app_title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(/** @type {HTMLElement} */ (el).dataset.i18n || '');
}

export function wireTabs() {
  for (const tab of document.querySelectorAll('.tabs [role=tab]')) tab.addEventListener('click', () => openPanel(/** @type {HTMLElement} */ (tab).dataset.panel || ''));
  const toggle = byId('menu-toggle');
  toggle.addEventListener('click', () => {
    const open = !document.body.classList.contains('side-open');
    document.body.classList.toggle('side-open', open);
    toggle.setAttribute('aria-expanded', String(open));
    setTimeout(() => gp.map && gp.map.resize(), 50);
  });
  byId('lang').addEventListener('click', () => {
    const lang = store.get().lang === 'zh-CN' ? 'en' : 'zh-CN';
    localStorage.setItem('gp.lang', lang);
    store.set({ lang });
  });
  store.watch((s) => [s.lang], (s) => applyLanguage(s.lang));
}
