/** パスワードの設定 (L8): ask for a reset e-mail, or set a new password with the e-mailed token. */
import { api, ApiError, messageOf } from '../api.js';
import { $, clearFieldErrors, h, param, showFieldErrors, showNotice } from '../dom.js';
import { initLayout } from '../layout.js';

const notice = $('#page-notice');
const token = param('token');
const requestForm = /** @type {HTMLFormElement} */ ($('#request-form'));
const confirmForm = /** @type {HTMLFormElement} */ ($('#confirm-form'));

/** Field errors next to their fields; the rest as a notice. */
function showError(form, error) {
  const unplaced = error instanceof ApiError ? showFieldErrors(form, error.fields, error.message) : [];
  if (!(error instanceof ApiError) || error.fields.length === 0 || unplaced.length > 0)
    showNotice(notice, 'error', messageOf(error));
}

requestForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const email = /** @type {HTMLInputElement} */ ($('#request-email')).value.trim();
  clearFieldErrors(requestForm);
  api
    .post('/api/auth/password-reset', { email })
    .then(() => {
      requestForm.hidden = true;
      showNotice(
        notice,
        'success',
        'ご登録のメールアドレスであれば、パスワード設定のご案内をお送りしました。メールに記載のURLから設定してください。',
      );
    })
    .catch((error) => showError(requestForm, error));
});

confirmForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const newPassword = /** @type {HTMLInputElement} */ ($('#new-password')).value;
  const repeat = /** @type {HTMLInputElement} */ ($('#repeat-password')).value;
  clearFieldErrors(confirmForm);
  if (newPassword !== repeat) {
    showFieldErrors(confirmForm, [{ path: 'repeatPassword', message: '確認用のパスワードが一致しません。' }], '');
    return;
  }
  api
    .post('/api/auth/password-reset/confirm', { token, newPassword })
    .then(() => {
      confirmForm.hidden = true;
      showNotice(
        notice,
        'success',
        'パスワードを設定しました。',
        h('p', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: '/login' }, 'ログイン画面へ')),
      );
    })
    .catch((error) => showError(confirmForm, error));
});

await initLayout();
if (token) confirmForm.hidden = false;
else requestForm.hidden = false;
