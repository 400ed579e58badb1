/**
 * A whole local stack for a bench run: `scripts/dev-stack.ts` as a child process on free ports with a
 * scratch DATA_DIR, so a developer's running stack is never touched. Knows the process group of each
 * server (the dev stack starts each in its own group) to read their CPU time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../services.js';
import { allStats, commandLine } from './proc.js';

export type ServerName = 'api' | 'worker' | 'temporal' | 'database' | 'emulator';
export const SERVER_NAMES: readonly ServerName[] = ['api', 'worker', 'temporal', 'database', 'emulator'];

export interface BenchStack {
  env: NodeJS.ProcessEnv;
  apiUrl: string;
  emulatorUrl: string;
  temporalAddress: string;
  mongoUri: string;
  dataDir: string;
  /** Process group id of each server. */
  groups: Map<ServerName, number>;
  output(): string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Directory of the checkout whose code runs (default: this one); a copy lets you try a change. */
  appDir?: string;
  /** Extra environment for the stack (e.g. a tuning knob). */
  env?: NodeJS.ProcessEnv;
  startupMs?: number;
}

function classify(cmd: string[]): ServerName | undefined {
  const line = cmd.join(' ');
  if (line.includes('start-dev')) return 'temporal';
  if (/ferretdb|mongod/.test(line)) return 'database';
  if (line.includes('emulator/main.ts')) return 'emulator';
  if (line.includes('worker/main.ts')) return 'worker';
  if (line.includes('api/main.ts')) return 'api';
  return undefined;
}

export async function startBenchStack(options: StackOptions = {}): Promise<BenchStack> {
  const appDir = path.resolve(options.appDir ?? '.');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-stack-'));
  const port = {
    temporal: await freePort(),
    ui: await freePort(),
    mongo: await freePort(),
    api: await freePort(),
    emulator: await freePort(),
    metrics: await freePort(),
    mailSmtp: await freePort(),
    mailUi: await freePort(),
  };
  const apiUrl = `http://127.0.0.1:${port.api}`;
  const emulatorUrl = `http://127.0.0.1:${port.emulator}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    TOOLS_DIR: path.resolve('.tools'),
    TEMPORAL_ADDRESS: '',
    MONGODB_URI: '',
    TEMPORAL_PORT: String(port.temporal),
    TEMPORAL_UI_PORT: String(port.ui),
    MONGODB_PORT: String(port.mongo),
    API_PORT: String(port.api),
    EMULATOR_PORT: String(port.emulator),
    AMAZON_PAY_EMULATOR_URL: emulatorUrl,
    PUBLIC_BASE_URL: apiUrl,
    EMULATOR_NOTIFICATION_URL: '',
    EMULATOR_PENDING_AUTH_DELAY_MS: '1000',
    // The orders' mails go to the stack's own SMTP catcher.
    SMTP_URL: '',
    MAIL_CATCHER_SMTP_PORT: String(port.mailSmtp),
    MAIL_CATCHER_UI_PORT: String(port.mailUi),
    WORKER_METRICS_ADDRESS: `127.0.0.1:${port.metrics}`,
    WORKER_HEALTH_ADDRESS: 'off',
    // The bench is one client IP doing many orders: the storefront's per-IP limit would refuse it.
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    // The emulator does not throttle here: the stack's own cost is measured, not Amazon's quota pacing
    // (WORKER_AMAZON_CALLS_PER_SECOND, about one checkout a second at its default).
    WORKER_AMAZON_CALLS_PER_SECOND: '1000',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-stack.ts'], {
    cwd: appDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await Promise.race([exited, sleep(30_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startupMs ?? 240_000);
  while (!output.includes('the stack is up')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `the bench stack did not come up (${child.exitCode === null ? 'timeout' : `exit ${child.exitCode}`}):\n${output.slice(-4000)}`,
      );
    }
    await sleep(200);
  }

  // The dev stack's children, each the leader of its own process group.
  const groups = new Map<ServerName, number>();
  for (const stat of allStats()) {
    if (stat.ppid !== child.pid) continue;
    const name = classify(commandLine(stat.pid));
    if (name !== undefined) groups.set(name, stat.pgrp);
  }
  const missing = SERVER_NAMES.filter((name) => !groups.has(name));
  if (missing.length > 0)
    process.stderr.write(`bench: could not find the process of ${missing.join(', ')}; its CPU is not reported\n`);

  return {
    env,
    apiUrl,
    emulatorUrl,
    temporalAddress: `127.0.0.1:${port.temporal}`,
    mongoUri: `mongodb://127.0.0.1:${port.mongo}/amazon_pay_orders`,
    dataDir,
    groups,
    output: () => output,
    stop,
  };
}
