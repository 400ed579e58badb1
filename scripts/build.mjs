/**
 * `npm run build`: the production build. Compiles the services to JavaScript in `dist/` (the same
 * folder layout, so module-relative paths still hold) and copies what they read from next to
 * themselves: the storefront pages the API serves and the emulator's sandbox keys. Run with
 * `node dist/api/main.js`, `node dist/worker/main.js`, `node dist/emulator/main.js`; no TypeScript
 * loader and no dev dependency is needed at run time.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
cpSync('storefront', 'dist/storefront', { recursive: true });
cpSync('keys/sandbox', 'dist/keys/sandbox', { recursive: true });
console.log('build: dist/ ready (node dist/api/main.js, dist/worker/main.js, dist/emulator/main.js)');
