/**
 * Amazon's buttons: sign in with Amazon (L1) — the button's configuration comes from the API, the
 * emulator hosts the page — and what the pages with an Amazon button tell a buyer in an in-app browser (B).
 */
import { api } from './api.js';
import { h, showNotice } from './dom.js';
import { inAppBrowserOf } from './in-app-browser.js';

/** Sends the shopper to Amazon's sign-in page; it returns to /amazon-sign-in?buyerToken=…. */
export async function goToAmazonSignIn() {
  const config = await api.get('/api/auth/amazon/button-config');
  if (!config.redirectUrl) {
    // With real Amazon, amazon.Pay.renderButton() signs in instead; not part of this demo.
    throw new Error('Amazonアカウントでのログインは、このデモではエミュレーター接続時のみ利用できます。');
  }
  location.assign(config.redirectUrl);
}

/**
 * B: Amazon Pay does not support in-app browsers. In a known one, `box` (next to the Amazon button)
 * says so and how to get to a regular browser. The button stays: the detection is by user agent and
 * can be wrong, and Amazon's page may still work; the shop's own ways (「このサイトでお支払い」, the
 * e-mail login) are untouched. Answers the app's name, or null (no notice).
 * @param {HTMLElement} box
 * @param {string} feature what needs the regular browser, e.g. 「Amazon Pay」
 */
export function noticeInAppBrowser(box, feature) {
  const app = inAppBrowserOf(navigator.userAgent);
  if (app === null) return null;
  showNotice(
    box,
    'warning',
    `アプリ内ブラウザでは${feature}をご利用いただけません。SafariやChromeなどのブラウザでこのページを開き直してください。`,
    h('p', {
      class: 'hint',
      text: `${app}のアプリ内ブラウザで表示しています。アプリのメニューの「ブラウザで開く」などから開き直せます。`,
    }),
  );
  return app;
}
