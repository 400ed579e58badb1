/** Sign in with Amazon (L1): the button's configuration comes from the API; the emulator hosts the page. */
import { api } from './api.js';

/** Sends the shopper to Amazon's sign-in page; it returns to /amazon-sign-in?buyerToken=…. */
export async function goToAmazonSignIn() {
  const config = await api.get('/api/auth/amazon/button-config');
  if (!config.redirectUrl) {
    // With real Amazon, amazon.Pay.renderButton() signs in instead; not part of this demo.
    throw new Error('Amazonアカウントでのログインは、このデモではエミュレーター接続時のみ利用できます。');
  }
  location.assign(config.redirectUrl);
}
