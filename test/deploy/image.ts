/**
 * What the service's image holds (the Dockerfile's last stage), and the settings naming files the API
 * and the worker read at start: their defaults are paths in the repository (keys/sandbox/…), which the
 * image does not carry, so every deployment must set them to files it mounts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../config/index.js';

export const FILES_READ_AT_START = ['AMAZON_PAY_PRIVATE_KEY_PATH', 'AMAZON_PAY_NOTIFICATION_CERT_PATH'] as const;

/** The defaults of FILES_READ_AT_START, as the config module has them. */
export function defaultFilesReadAtStart(): string[] {
  const { amazonPay } = loadConfig({});
  return [amazonPay.privateKeyPath, amazonPay.notificationCertPath];
}

/** What the Dockerfile's last stage copies into its working folder (`./name`). */
export async function imageWorkdirEntries(): Promise<string[]> {
  const dockerfile = await readFile('Dockerfile', 'utf8');
  const lastStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  return [...lastStage.matchAll(/^COPY (?:--\S+ )*(\S+) (\S+)$/gm)].map(([, source, target]) =>
    target === './' ? path.basename(source!) : target!.replace(/^\.\//, '').replace(/\/$/, ''),
  );
}
