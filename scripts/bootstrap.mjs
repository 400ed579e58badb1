// First step of `npm start` and `npm test` on any machine: installs the npm dependencies when they
// are missing or stale. Plain Node on purpose: it runs before any dependency exists. The servers are
// provisioned next, by the dev stack and by the test harness (scripts/tools.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`bootstrap: Node.js >= 20.19 is required, this is ${process.version}`);
  process.exit(1);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`bootstrap: ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

const installedMarker = path.join(root, 'node_modules', '.package-lock.json');
const lockFile = path.join(root, 'package-lock.json');
// patches/ holds fixes to dependencies, applied by the postinstall step: a new or changed patch
// needs a fresh install just like a new lock file.
const patchesDir = path.join(root, 'patches');
const patchTimes = existsSync(patchesDir)
  ? readdirSync(patchesDir).map((name) => statSync(path.join(patchesDir, name)).mtimeMs)
  : [];
const newestInput = Math.max(statSync(lockFile).mtimeMs, ...patchTimes);
if (!existsSync(installedMarker) || newestInput > statSync(installedMarker).mtimeMs) {
  console.log('bootstrap: installing npm dependencies (npm ci) …');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
