/**
 * B: the storefront's in-app browser detection (storefront/assets/js/in-app-browser.js) over user
 * agents in the form each app sends (versions and devices vary; the app's token is what counts), and
 * over the browsers Amazon Pay supports, which must never be taken for an in-app browser.
 */
import { describe, expect, it } from 'vitest';
import { inAppBrowserOf } from '../../../storefront/assets/js/in-app-browser.js';

const IOS_WEBKIT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const ANDROID_WEBVIEW =
  'Mozilla/5.0 (Linux; Android 13; SO-51C Build/64.1.A.0.869; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36';

const IN_APP: [app: string, userAgent: string][] = [
  ['LINE', `${IOS_WEBKIT} Mobile/15E148 Safari Line/13.19.0`],
  ['LINE', `${ANDROID_WEBVIEW} Line/13.20.1/IAB`],
  [
    'Instagram',
    `${IOS_WEBKIT} Mobile/15E148 Instagram 311.0.3.25.97 (iPhone14,5; iOS 17_1_2; ja_JP; ja; scale=3.00; 1170x2532; 548339486)`,
  ],
  [
    'Instagram',
    `${ANDROID_WEBVIEW} Instagram 311.0.0.32.118 Android (33/13; 420dpi; 1080x2340; Sony; SO-51C; pdx223; qcom; ja_JP; 548323756)`,
  ],
  [
    'Facebook',
    `${IOS_WEBKIT} Mobile/15E148 [FBAN/FBIOS;FBAV/442.0.0.48.118;FBBV/545512806;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.1.2;FBSS/3;FBID/phone;FBLC/ja_JP;FBOP/5;FBRV/546953263]`,
  ],
  ['Facebook', `${ANDROID_WEBVIEW} [FB_IAB/FB4A;FBAV/442.0.0.32.118;]`],
  ['Facebook', `${ANDROID_WEBVIEW} [FB_IAB/Orca-Android;FBAV/435.0.0.19.115;]`],
  ['X（Twitter）', `${IOS_WEBKIT} Mobile/15E148 Twitter for iPhone/10.21`],
  ['X（Twitter）', `${ANDROID_WEBVIEW} TwitterAndroid`],
  [
    'TikTok',
    `${IOS_WEBKIT} Mobile/15E148 musical_ly_32.1.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/ja Region/JP isDarkMode/0 WKWebView/1 RevealType/Dialog BytedanceWebview/d8a21c6`,
  ],
  [
    'TikTok',
    `${ANDROID_WEBVIEW} trill_2023201030 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/32.1.3 ByteLocale/ja ByteFullLocale/ja Region/JP AppId/1233 BytedanceWebview/d8a21c6`,
  ],
  ['WeChat', `${IOS_WEBKIT} Mobile/15E148 MicroMessenger/8.0.42(0x18002a2a) NetType/WIFI Language/ja`],
  ['Yahoo! JAPAN', `${IOS_WEBKIT} Mobile/15E148 YJApp-IOS jp.co.yahoo.ipn.appli/4.55.0`],
  ['Yahoo! JAPAN', `${ANDROID_WEBVIEW} YJApp-ANDROID jp.co.yahoo.android.yjtop/3.160.0`],
];

/** The browsers of SPEC B (their 2020 minimum versions) and today's, desktop and mobile. */
const SUPPORTED: [browser: string, userAgent: string][] = [
  [
    'Windows 7 Chrome 63',
    'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/63.0.3239.132 Safari/537.36',
  ],
  ['Windows 7 Firefox', 'Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:58.0) Gecko/20100101 Firefox/58.0'],
  [
    'Windows 10 Edge 16',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/58.0.3029.110 Safari/537.36 Edge/16.16299',
  ],
  [
    'Windows 10 Chrome',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  ],
  [
    'Windows 10 Edge',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
  ],
  ['Windows 10 Firefox', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0'],
  [
    'macOS 10.11 Safari 11',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/604.1.38 (KHTML, like Gecko) Version/11.0 Safari/604.1.38',
  ],
  [
    'macOS Safari',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  ],
  [
    'Android 7 Chrome 64',
    'Mozilla/5.0 (Linux; Android 7.0; SM-G930V Build/NRD90M) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/64.0.3282.137 Mobile Safari/537.36',
  ],
  [
    'Android Chrome',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  ],
  [
    'Android Edge',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 EdgA/120.0.2210.115',
  ],
  ['Android Firefox', 'Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0'],
  [
    'iOS 11.3 Chrome 65',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 11_3 like Mac OS X) AppleWebKit/604.1.34 (KHTML, like Gecko) CriOS/65.0.3325.152 Mobile/15E216 Safari/604.1',
  ],
  [
    'iOS 11.2 Safari 11',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 11_2 like Mac OS X) AppleWebKit/604.4.7 (KHTML, like Gecko) Version/11.0 Mobile/15C114 Safari/604.1',
  ],
  ['iOS Safari', `${IOS_WEBKIT} Version/17.1 Mobile/15E148 Safari/604.1`],
  ['iOS Chrome', `${IOS_WEBKIT} CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1`],
  ['iOS Firefox', `${IOS_WEBKIT} FxiOS/121.0 Mobile/15E148 Safari/605.1.15`],
  [
    'headless Chromium (the e2e tests)',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.224 Safari/537.36',
  ],
];

describe('in-app browsers (B)', () => {
  it.each(IN_APP)('B: %s’s in-app browser is recognized', (app, userAgent) => {
    expect(inAppBrowserOf(userAgent)).toBe(app);
  });

  it.each(SUPPORTED)('B: %s is a regular browser, no notice', (_browser, userAgent) => {
    expect(inAppBrowserOf(userAgent)).toBeNull();
  });

  it('B: an empty or unknown user agent is not an in-app browser', () => {
    expect(inAppBrowserOf('')).toBeNull();
    expect(inAppBrowserOf('Outline/1.0 Pipeline/2 Online')).toBeNull();
  });
});
