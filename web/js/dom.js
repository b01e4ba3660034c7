// @ts-check
// Small DOM helpers. Data never becomes HTML: h() makes elements and text nodes only.

/**
 * @typedef {Node | string | number | null | undefined | false} Child
 * @typedef {Child | Child[] | Child[][]} Children
 */

/**
 * An element with attributes (`on…` ones are listeners; null, undefined and false
 * ones are left out) and children (nested arrays flattened).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [attrs]
 * @param {...Children} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(2)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/**
 * The element with this id, of the type asked for; throws when the page lacks it.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T }} [type]  e.g. HTMLFormElement (default HTMLElement)
 * @returns {T}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!el || !(el instanceof (type || HTMLElement))) throw new Error(`the page has no ${type ? type.name : 'element'} #${id}`);
  return /** @type {T} */ (el);
}

/** The status line under the tabs. @param {string} [text] @param {boolean} [isError] */
export function status(text, isError = false) {
  const el = byId('status');
  el.textContent = text || '';
  el.classList.toggle('error', isError);
}
