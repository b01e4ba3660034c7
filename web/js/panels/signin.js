// @ts-check
// Sign-in and sign-out, and who is signed in (the bar at the top).
import * as api from '../api.js';
import { t, errorText } from '../i18n.js';
import { byId } from '../dom.js';
import { store } from '../store.js';
import { askNewPassword } from './users.js';

/** @param {import('../api.js').User | null} u */
function renderUser(u) {
  byId('who').textContent = u ? `${u.name} · ${t('role_' + u.role)}${u.team ? ' · ' + t('team') + ' ' + u.team : ''}` : '';
  byId('sign-in-open').hidden = !!u;
  byId('sign-out').hidden = !u;
  document.body.classList.toggle('lead', !!u && u.role === 'lead');
  document.body.classList.toggle('signed-in', !!u);
}

/**
 * The sign-in dialog and the sign-out button.
 * @param {() => Promise<void>} afterSignChange  reloads what the session decides
 */
export function wireSignIn(afterSignChange) {
  store.watch((s) => [s.lang, s.user], (s) => renderUser(s.user));
  const dialog = byId('sign-in', HTMLDialogElement);
  const error = byId('sign-in-error');
  byId('sign-in-open').addEventListener('click', () => { error.textContent = ''; dialog.showModal(); });
  byId('sign-in-cancel').addEventListener('click', () => dialog.close());
  const form = byId('sign-in-form', HTMLFormElement);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fields = new FormData(form);
    try {
      const body = await api.login(String(fields.get('name')), String(fields.get('password')));
      store.set({ user: body.user });
      form.reset();
      dialog.close();
      if (body.must_change_password) askNewPassword(true);
      await afterSignChange();
    } catch (e) {
      error.textContent = errorText(/** @type {api.ApiError} */ (e));
    }
  });
  byId('sign-out').addEventListener('click', async () => {
    await api.logout().catch(() => {});
    store.set({ user: null, plan: null, planNote: null });
    await afterSignChange();
  });
}
