/** The project's Amazon Pay adapter (see client.ts). */
export * from './button.js';
export * from './client.js';
export * from './errors.js';
export * from './notifications.js';
export * from './schemas.js';
