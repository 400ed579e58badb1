/**
 * B: Amazon Pay does not support in-app browsers (the browsers built into apps that open a link
 * without leaving the app). Their user agent is the system WebView's plus a token the app adds;
 * these are the tokens of the apps Japanese shoppers most often follow a shop's link from.
 * Pure: the caller passes `navigator.userAgent`.
 *
 * Left out on purpose: apps that open links in the system browser's own view (Gmail and most mail
 * apps use Chrome Custom Tabs / SFSafariViewController): that is Chrome or Safari, and supported.
 */

/** @type {readonly { app: string, token: RegExp }[]} */
const IN_APP_BROWSERS = [
  // "… Mobile/15E148 Safari Line/13.19.0", "… Mobile Safari/537.36 Line/13.20.1/IAB"
  { app: 'LINE', token: /\bLine\/\d/ },
  // "… Mobile/15E148 Instagram 311.0.3.25.97 (iPhone14,5; iOS 17_1_2; ja_JP; …)"
  { app: 'Instagram', token: /\bInstagram \d/ },
  // iOS "[FBAN/FBIOS;FBAV/442.0.0.48.118;…]", Android "[FB_IAB/FB4A;FBAV/442.0.0.32.118;]"; Messenger too.
  { app: 'Facebook', token: /\bFBAN\/|\bFBAV\/|\bFB_IAB\// },
  // "… Twitter for iPhone/10.21", "… TwitterAndroid". (X's newer iOS builds open Safari's own view.)
  { app: 'X（Twitter）', token: /\bTwitter for (?:iPhone|iPad)\b|\bTwitterAndroid\b/ },
  // iOS "… musical_ly_32.1.0 JsSdk/2.0 …", Android "… AppName/musical_ly … BytedanceWebview/d8a21c6"
  { app: 'TikTok', token: /musical_ly|BytedanceWebview/ },
  // "… MicroMessenger/8.0.42(0x18002a2a) NetType/WIFI Language/ja"
  { app: 'WeChat', token: /\bMicroMessenger\// },
  // iOS "… YJApp-IOS jp.co.yahoo.ipn.appli/4.55.0", Android "… YJApp-ANDROID jp.co.yahoo.android.yjtop/3.160.0"
  { app: 'Yahoo! JAPAN', token: /\bYJApp-(?:IOS|ANDROID)\b/ },
];

/**
 * The app whose in-app browser this user agent belongs to, or null for any other browser.
 * @param {string} userAgent
 * @returns {string | null}
 */
export function inAppBrowserOf(userAgent) {
  return IN_APP_BROWSERS.find(({ token }) => token.test(userAgent))?.app ?? null;
}
