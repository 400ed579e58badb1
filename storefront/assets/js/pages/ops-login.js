/**
 * スタッフサインイン (/ops/login): the staff sign-in the ops console redirects to (`?next=/ops/…`).
 * Signed in, it shows who and offers sign-out (which sends the session's CSRF token).
 */
import { api, ApiError, messageOf } from '../api.js';
import { $, clearFieldErrors, hideNotice, param, showFieldErrors, showNotice } from '../dom.js';

const ROLE_LABELS = { operator: 'オペレーター（閲覧・操作）', viewer: '閲覧のみ' };

const notice = $('#page-notice');
const form = /** @type {HTMLFormElement} */ ($('#sign-in-form'));
const signedIn = $('#signed-in');

/** Only a path of the console itself (never another origin, never the shop's pages). */
function nextConsolePath() {
  const next = param('next');
  return next !== null && /^\/(ops|codec)(\/|$)/.test(next) && !next.startsWith('/ops/login') ? next : null;
}

/** @param {{ staff: { login: string, name: string, role: 'viewer' | 'operator' }, csrfToken: string }} session */
function showSignedIn(session) {
  form.hidden = true;
  signedIn.hidden = false;
  $('#staff-state').textContent =
    `${session.staff.name}（${session.staff.login}）としてサインインしています。権限: ${ROLE_LABELS[session.staff.role]}`;
  const button = /** @type {HTMLButtonElement} */ ($('#sign-out'));
  button.onclick = () => {
    button.disabled = true;
    api
      .delete('/ops/session', { 'x-csrf-token': session.csrfToken })
      .then(() => {
        signedIn.hidden = true;
        form.hidden = false;
        showNotice(notice, 'success', 'サインアウトしました。');
      })
      .catch((error) => showNotice(notice, 'error', messageOf(error)))
      .finally(() => {
        button.disabled = false;
      });
  };
}

try {
  showSignedIn(await api.get('/ops/session'));
} catch {
  form.hidden = false;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
  const login = /** @type {HTMLInputElement} */ ($('#staff-login')).value.trim();
  const password = /** @type {HTMLInputElement} */ ($('#staff-password')).value;
  clearFieldErrors(form);
  hideNotice(notice);
  submit.disabled = true;
  api
    .post('/ops/session', { login, password })
    .then((session) => {
      const next = nextConsolePath();
      if (next !== null) location.assign(next);
      else showSignedIn(session);
    })
    .catch((error) => {
      /** @type {HTMLInputElement} */ ($('#staff-password')).value = '';
      const unplaced = error instanceof ApiError ? showFieldErrors(form, error.fields, error.message) : [];
      if (!(error instanceof ApiError) || error.fields.length === 0 || unplaced.length > 0)
        showNotice(notice, 'error', messageOf(error));
    })
    .finally(() => {
      submit.disabled = false;
    });
});
