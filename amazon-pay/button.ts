/**
 * Amazon Pay button configurations (what `amazon.Pay.renderButton` takes) for checkout and sign-in,
 * the payload signed once with the merchant key. With the emulator target, `redirectUrl` is where
 * the storefront sends the buyer (the emulator's hosted page) instead of Amazon's JS button.
 */
import type { AmazonPayClient, CreateCheckoutSessionInput } from './client.js';

export interface ButtonConfig {
  merchantId: string;
  publicKeyId: string;
  ledgerCurrency: 'JPY';
  checkoutLanguage: 'ja_JP';
  productType: 'PayAndShip' | 'SignIn';
  placement: 'Cart' | 'Checkout' | 'Other';
  sandbox: boolean;
  payloadJSON: string;
  signature: string;
  /** Emulator only: the hosted page to redirect the buyer to; null with Amazon (use the JS button). */
  redirectUrl: string | null;
}

function hostedUrl(
  client: AmazonPayClient,
  page: 'checkout' | 'signin',
  payloadJSON: string,
  signature: string,
): string | null {
  if (client.target.kind !== 'emulator') return null;
  const url = new URL(`${client.target.url}/${page}`);
  url.searchParams.set('payload', payloadJSON);
  url.searchParams.set('signature', signature);
  url.searchParams.set('publicKeyId', client.publicKeyId);
  return url.toString();
}

export function checkoutButtonConfig(
  client: AmazonPayClient,
  o: {
    merchantId: string;
    sandbox: boolean;
    payload: CreateCheckoutSessionInput;
    placement?: ButtonConfig['placement'];
  },
): ButtonConfig {
  const payloadJSON = JSON.stringify(o.payload);
  const signature = client.generateButtonSignature(payloadJSON);
  return {
    merchantId: o.merchantId,
    publicKeyId: client.publicKeyId,
    ledgerCurrency: 'JPY',
    checkoutLanguage: 'ja_JP',
    productType: 'PayAndShip',
    placement: o.placement ?? 'Cart',
    sandbox: o.sandbox,
    payloadJSON,
    signature,
    redirectUrl: hostedUrl(client, 'checkout', payloadJSON, signature),
  };
}

export type SignInScope = 'name' | 'email' | 'postalCode' | 'shippingAddress' | 'phoneNumber' | 'billingAddress';

export function signInButtonConfig(
  client: AmazonPayClient,
  o: { merchantId: string; sandbox: boolean; storeId: string; signInReturnUrl: string; signInScopes: SignInScope[] },
): ButtonConfig {
  const payloadJSON = JSON.stringify({
    signInReturnUrl: o.signInReturnUrl,
    storeId: o.storeId,
    signInScopes: o.signInScopes,
  });
  const signature = client.generateButtonSignature(payloadJSON);
  return {
    merchantId: o.merchantId,
    publicKeyId: client.publicKeyId,
    ledgerCurrency: 'JPY',
    checkoutLanguage: 'ja_JP',
    productType: 'SignIn',
    placement: 'Other',
    sandbox: o.sandbox,
    payloadJSON,
    signature,
    redirectUrl: hostedUrl(client, 'signin', payloadJSON, signature),
  };
}
