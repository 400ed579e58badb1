/**
 * Back from Amazon's sign-in page (L1, L2): a linked member is logged in; a logged-in member gets
 * linked; an unknown Amazon buyer may register with the Amazon data or log in with a password to link.
 */
import { api, ApiError, messageOf } from '../api.js';
import { $, h, param, showNotice } from '../dom.js';
import { initLayout, refreshHeader } from '../layout.js';

const notice = $('#page-notice');
const buyerToken = param('buyerToken');
// The token is single-purpose; keep it out of the history and of a reload.
history.replaceState(null, '', location.pathname);

async function start() {
  await initLayout();
  if (!buyerToken) {
    showNotice(
      notice,
      'error',
      'Amazonアカウントでのログイン情報がありません。もう一度お試しください。',
      h('p', { class: 'actions' }, h('a', { class: 'btn', href: '/login' }, 'ログイン画面へ')),
    );
    return;
  }
  const answer = await api.post('/api/auth/amazon/sign-in', { buyerToken });
  if (answer.status === 'logged_in') {
    location.replace('/mypage?signedIn=amazon');
    return;
  }
  if (answer.status === 'linked') {
    location.replace('/mypage?linked=1');
    return;
  }
  await refreshHeader();
  $('#buyer-name').textContent = answer.buyer.name;
  $('#buyer-email').textContent = answer.buyer.email;
  $('#link-or-register').hidden = false;
}

const form = /** @type {HTMLFormElement} */ ($('#register-form'));
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
  submit.disabled = true;
  const newsletter = /** @type {HTMLInputElement} */ ($('#register-newsletter')).checked;
  api
    .post('/api/auth/amazon/register', { newsletter })
    .then(() => location.replace('/mypage?registered=amazon'))
    .catch((error) => {
      submit.disabled = false;
      const extra =
        error instanceof ApiError && error.code === 'email_taken'
          ? [
              h(
                'p',
                { class: 'actions' },
                h('a', { class: 'btn', href: '/login?next=/mypage' }, 'パスワードでログインして連携する'),
              ),
            ]
          : [];
      showNotice(notice, 'error', messageOf(error), ...extra);
    });
});

try {
  await start();
} catch (error) {
  showNotice(
    notice,
    'error',
    messageOf(error),
    h('p', { class: 'actions' }, h('a', { class: 'btn', href: '/login' }, 'ログイン画面へ')),
  );
} finally {
  $('#loading').hidden = true;
}
