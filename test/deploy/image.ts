/**
 * What the service's image holds (the Dockerfile's last stage), and the settings naming files the API
 * and the worker read at start: their defaults are the shipped sandbox files beside the code
 * (`keys/sandbox/…` of the repository, `dist/keys/sandbox/…` of the build the image carries), which
 * work only with the emulator, so a production deployment sets them to the merchant's mounted files.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../config/index.js';

export const FILES_READ_AT_START = ['AMAZON_PAY_PRIVATE_KEY_PATH', 'AMAZON_PAY_NOTIFICATION_CERT_PATH'] as const;

/** The defaults of FILES_READ_AT_START, relative to the repository, as the config module has them. */
export function defaultFilesReadAtStart(): string[] {
  const { amazonPay } = loadConfig({});
  return [amazonPay.privateKeyPath, amazonPay.notificationCertPath].map((file) => path.relative(process.cwd(), file));
}

/** Where the build (scripts/build.mjs) puts a file of the repository, if it copies it into dist/. */
export async function builtCopyOf(file: string): Promise<string | undefined> {
  const build = await readFile('scripts/build.mjs', 'utf8');
  for (const [, from, to] of build.matchAll(/cpSync\('([^']+)', '([^']+)'/g)) {
    if (file.startsWith(`${from}/`)) return `${to}${file.slice(from!.length)}`;
  }
  return undefined;
}

/** What the Dockerfile's last stage copies into its working folder (`./name`). */
export async function imageWorkdirEntries(): Promise<string[]> {
  const dockerfile = await readFile('Dockerfile', 'utf8');
  const lastStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  return [...lastStage.matchAll(/^COPY (?:--\S+ )*(\S+) (\S+)$/gm)].map(([, source, target]) =>
    target === './' ? path.basename(source!) : target!.replace(/^\.\//, '').replace(/\/$/, ''),
  );
}
