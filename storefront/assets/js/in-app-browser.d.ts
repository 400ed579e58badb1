/** See in-app-browser.js (B): the app whose in-app browser a user agent belongs to, or null. */
export declare function inAppBrowserOf(userAgent: string): string | null;
