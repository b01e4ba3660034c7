// @ts-check
// The 用户 panel (leads): add a user, change role and team, disable, reset a password
// (shown once); and everyone's own 修改密码 dialog, opened by itself when the password
// was given by someone else.
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { h, byId } from '../dom.js';
import { store } from '../store.js';

/** Shows a password once, with who it is for. @param {api.PasswordOnce} given */
function showPassword(given) {
  byId('user-password').replaceChildren(
    h('p', {}, `${t('user_password_once')} ${given.user.name}:`),
    h('p', {}, h('code', { class: 'one-time-password' }, given.password)));
}

/** @param {unknown} e */
function say(e) {
  byId('user-password').replaceChildren(h('p', { class: 'error' }, errorText(/** @type {api.ApiError} */ (e))));
}

/** One row: name, role, team, state, and what a lead can do. @param {api.UserRow} u */
function userRow(u) {
  const me = store.get().user;
  const role = /** @type {HTMLSelectElement} */ (h('select', { 'aria-label': t('user_role') },
    h('option', { value: 'inspector' }, t('role_inspector')), h('option', { value: 'lead' }, t('role_lead'))));
  role.value = u.role;
  role.addEventListener('change', () => change(u.name, { role: /** @type {api.Role} */ (role.value) }));
  const team = /** @type {HTMLInputElement} */ (h('input', { value: u.team || '', size: '6', 'aria-label': t('team') }));
  team.addEventListener('change', () => change(u.name, { team: team.value.trim() }));
  const state = u.disabled ? t('user_disabled') : u.must_change_password ? t('user_must_change') : t('user_active');
  const toggle = h('button', { type: 'button', class: 'user-toggle' }, u.disabled ? t('user_enable') : t('user_disable'));
  toggle.addEventListener('click', () => change(u.name, { disabled: !u.disabled }));
  if (me && me.name === u.name) toggle.setAttribute('disabled', '');
  const reset = h('button', { type: 'button', class: 'user-reset' }, t('user_reset'));
  reset.addEventListener('click', async () => {
    if (!confirm(`${t('user_reset_confirm')} ${u.name}?`)) return;
    try {
      showPassword(await api.resetPassword(u.name));
      await refreshUsers();
    } catch (e) { say(e); }
  });
  return h('tr', { 'data-user': u.name, class: u.disabled ? 'disabled' : '' },
    h('td', {}, u.name), h('td', {}, role), h('td', {}, team), h('td', {}, state), h('td', {}, toggle, ' ', reset));
}

/** @param {string} name @param {{ role?: api.Role, team?: string, disabled?: boolean }} what */
async function change(name, what) {
  try {
    await api.changeUser(name, what);
    byId('user-password').replaceChildren();
  } catch (e) { say(e); }
  await refreshUsers();
}

/** Reloads the list (leads only; others see nothing). */
export async function refreshUsers() {
  const user = store.get().user;
  const body = byId('user-rows');
  if (!user || user.role !== 'lead') return body.replaceChildren();
  try {
    const { users } = await api.users();
    body.replaceChildren(...users.map(userRow));
  } catch (e) { say(e); }
}

/** The own-password dialog; `forced` when the password was given by someone else. @param {boolean} forced */
export function askNewPassword(forced) {
  const dialog = byId('password-dialog', HTMLDialogElement);
  byId('password-forced').hidden = !forced;
  byId('password-error').textContent = '';
  if (!dialog.open) dialog.showModal();
}

function wirePasswordDialog() {
  const dialog = byId('password-dialog', HTMLDialogElement);
  const form = byId('password-form', HTMLFormElement);
  byId('password-open').addEventListener('click', () => askNewPassword(false));
  byId('password-cancel').addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const next = String(f.get('new'));
    if (next !== String(f.get('again'))) {
      byId('password-error').textContent = t('password_mismatch');
      return;
    }
    try {
      await api.changeMyPassword(String(f.get('current')), next);
      form.reset();
      dialog.close();
      byId('status').textContent = t('password_changed');
    } catch (e) {
      byId('password-error').textContent = errorText(/** @type {api.ApiError} */ (e));
    }
  });
}

export function wireUsers() {
  wirePasswordDialog();
  const form = byId('user-add-form', HTMLFormElement);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const team = String(f.get('team') || '').trim();
    try {
      showPassword(await api.addUser({ name: String(f.get('name')).trim(), role: /** @type {api.Role} */ (String(f.get('role'))), team: team || null }));
      form.reset();
      await refreshUsers();
    } catch (e) { say(e); }
  });
  store.watch((s) => [s.user, s.lang], () => { refreshUsers(); });
}
