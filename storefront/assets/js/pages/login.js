/** ログイン: e-mail and password, or sign in with Amazon (L1). Logging in while signed in with Amazon links the accounts (L2). */
import { api, ApiError, messageOf } from '../api.js';
import { goToAmazonSignIn, noticeInAppBrowser } from '../amazon.js';
import { $, clearFieldErrors, h, nextPath, param, showFieldErrors, showNotice } from '../dom.js';
import { initLayout } from '../layout.js';

const notice = $('#page-notice');
const form = /** @type {HTMLFormElement} */ ($('#login-form'));
const amazonButton = /** @type {HTMLButtonElement} */ ($('#amazon-sign-in'));

// B: signing in with Amazon goes through Amazon's pages, which need a regular browser too.
noticeInAppBrowser($('#in-app-browser-notice'), 'Amazonアカウントでのログイン');
const session = await initLayout();
if (session.member !== null) {
  showNotice(
    notice,
    'info',
    `${session.member.name} 様としてログインしています。`,
    h('p', { class: 'actions' }, h('a', { class: 'btn', href: '/mypage' }, 'マイページへ')),
  );
}
if (session.pendingAmazonBuyer !== null) {
  const pending = $('#pending-amazon');
  pending.textContent = `Amazonアカウント（${session.pendingAmazonBuyer.name}）でサインイン中です。ログインすると、この会員とAmazonアカウントを連携します。`;
  pending.hidden = false;
}
if (param('reset') === 'done')
  showNotice(notice, 'success', 'パスワードを設定しました。新しいパスワードでログインしてください。');

amazonButton.addEventListener('click', () => {
  amazonButton.disabled = true;
  goToAmazonSignIn().catch((error) => {
    amazonButton.disabled = false;
    showNotice(notice, 'error', error instanceof ApiError ? error.message : String(error.message));
  });
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
  const email = /** @type {HTMLInputElement} */ ($('#login-email')).value.trim();
  const password = /** @type {HTMLInputElement} */ ($('#login-password')).value;
  clearFieldErrors(form);
  submit.disabled = true;
  api
    .post('/api/auth/login', { email, password })
    .then((answer) => {
      const target = nextPath('/mypage');
      location.assign(answer.linkedAmazon ? `/mypage?linked=1` : target);
    })
    .catch((error) => {
      submit.disabled = false;
      const unplaced = error instanceof ApiError ? showFieldErrors(form, error.fields, error.message) : [];
      if (!(error instanceof ApiError) || error.fields.length === 0 || unplaced.length > 0)
        showNotice(notice, 'error', messageOf(error));
    });
});
