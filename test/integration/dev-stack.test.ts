/**
 * `npm start`'s stack, for real: comes up healthy with the Web UI and the search attributes, stops
 * everything on Ctrl-C — the way a terminal sends it, to the whole foreground process group, as
 * often as it comes — and keeps its data across a restart. Runs on free ports and a scratch data
 * folder, so it does not disturb a stack you have running.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { connectDatabase } from '../../db/connection.js';
import { PASSWORD_RESET_MAIL_SUBJECT } from '../../domain/messages.js';
import { DEMO_STAFF } from '../../scripts/demo-staff.js';
import { freePort, isPortOpen } from '../../scripts/services.js';
import { eventually } from '../support/servers.js';

const run = promisify(execFile);
const STARTUP_MS = 120_000;
/** Stopping the five services takes seconds (each gets SIGTERM, then SIGKILL after 5 s). */
const STOP_MS = 45_000;

interface Stack {
  child: ChildProcess;
  output: () => string;
}

function startStack(env: NodeJS.ProcessEnv): Promise<Stack> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-stack.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack not up after ${STARTUP_MS} ms:\n${output}`)), STARTUP_MS);
    const poll = setInterval(() => {
      if (output.includes('the stack is up')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`stack exited with ${code}:\n${output}`));
    });
  });
}

async function interrupt(stack: Stack): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => stack.child.once('exit', (code) => resolve(code)));
  stack.child.kill('SIGINT');
  return exited;
}

/**
 * The launcher as `npm start` runs it once bootstrap is done: the last command of the start script,
 * through `sh -c` like npm, leading a process group of its own — a terminal's foreground job. Every
 * process of the stack inherits `STACK_MARK` in its environment, so the test finds them all.
 */
function startLauncherGroup(env: NodeJS.ProcessEnv, ready: string): Promise<Stack & { mark: string }> {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const launcher = start.split('&&').pop()?.trim() ?? '';
  const mark = randomUUID();
  const child = spawn('sh', ['-c', launcher], {
    env: { ...env, STACK_MARK: mark, PATH: `${path.resolve('node_modules/.bin')}${path.delimiter}${env.PATH ?? ''}` },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${ready}" after ${STARTUP_MS} ms:\n${output}`)), STARTUP_MS);
    const poll = setInterval(() => {
      if (output.includes(ready)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, output: () => output, mark });
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`launcher exited with ${code}:\n${output}`));
    });
  });
}

/** Live processes (zombies count as gone) whose environment carries `mark`, with their command lines. */
async function markedProcesses(mark: string): Promise<{ pid: number; command: string }[]> {
  const found: { pid: number; command: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = await readFile(`/proc/${entry}/environ`, 'utf8');
      if (!environ.split('\0').includes(`STACK_MARK=${mark}`)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      found.push({
        pid: Number(entry),
        command: (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ').trim(),
      });
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return found;
}

/**
 * What a terminal does on Ctrl-C — SIGINT to the whole foreground group — twice quickly, then a
 * SIGTERM; then waits (at most `STOP_MS`) for every process of the stack to be gone, and answers
 * those still there. The shell in the group exits at the first SIGINT, like the prompt coming back:
 * what counts is what is still running afterwards.
 */
async function interruptGroup(stack: Stack & { mark: string }): Promise<string[]> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(stack.child.pid as number), signal);
    } catch {
      // The group is gone already.
    }
  };
  signalGroup('SIGINT');
  await sleep(50);
  signalGroup('SIGINT');
  await sleep(300);
  signalGroup('SIGTERM');
  const deadline = Date.now() + STOP_MS;
  for (;;) {
    const left = (await markedProcesses(stack.mark)).map((p) => p.command);
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(200);
  }
}

/** Kills what a failed run left behind (processes this test started, by pid). */
async function killLeftovers(mark: string): Promise<void> {
  for (const { pid } of await markedProcesses(mark)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

describe('the dev stack (npm start)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let ports: {
    temporal: number;
    ui: number;
    mongo: number;
    api: number;
    emulator: number;
    workerMetrics: number;
    workerHealth: number;
    mailSmtp: number;
    mailUi: number;
  };
  const cli = inject('temporalCliPath');

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'orders-stack-'));
    ports = {
      temporal: await freePort(),
      ui: await freePort(),
      mongo: await freePort(),
      api: await freePort(),
      emulator: await freePort(),
      workerMetrics: await freePort(),
      workerHealth: await freePort(),
      mailSmtp: await freePort(),
      mailUi: await freePort(),
    };
    env = {
      ...process.env,
      DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: '',
      MONGODB_URI: '',
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      MONGODB_PORT: String(ports.mongo),
      API_PORT: String(ports.api),
      EMULATOR_PORT: String(ports.emulator),
      WORKER_METRICS_ADDRESS: `127.0.0.1:${ports.workerMetrics}`,
      WORKER_HEALTH_ADDRESS: `127.0.0.1:${ports.workerHealth}`,
      AMAZON_PAY_EMULATOR_URL: `http://127.0.0.1:${ports.emulator}`,
      SMTP_URL: '',
      MAIL_CATCHER_SMTP_PORT: String(ports.mailSmtp),
      MAIL_CATCHER_UI_PORT: String(ports.mailUi),
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it.skipIf(cli === undefined)(
    'comes up healthy with the UI and search attributes, stops cleanly, and keeps its data across a restart',
    async () => {
      const first = await startStack(env);
      const health = await fetch(`http://127.0.0.1:${ports.api}/healthz`);
      expect(health.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
      const { stdout: attributes } = await run(cli as string, [
        'operator',
        'search-attribute',
        'list',
        '--address',
        `127.0.0.1:${ports.temporal}`,
      ]);
      expect(attributes).toContain('OrderStatus');
      expect(attributes).toContain('AmazonChargePermissionId');
      const firstCheck = /self-check passed: workflow (\S+)/.exec(first.output())?.[1];
      expect(first.output()).toContain('demo member: demo@example.jp');
      // The API process's sessions work (its store shares the database connection made after start).
      const login = await fetch(`http://127.0.0.1:${ports.api}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'demo@example.jp', password: 'demo-password-2026' }),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
      const points = await fetch(`http://127.0.0.1:${ports.api}/api/members/me/points`, { headers: { cookie } });
      expect(await points.json()).toMatchObject({ points: { balance: 1000 } });
      expect(firstCheck).toBeDefined();
      // The worker's runtime metrics, and the UI started with the API's codec endpoint.
      const workerMetrics = await fetch(`http://127.0.0.1:${ports.workerMetrics}/metrics`);
      expect(workerMetrics.status).toBe(200);
      expect(await workerMetrics.text()).toMatch(/temporal_/);
      const workerReady = await fetch(`http://127.0.0.1:${ports.workerHealth}/readyz`);
      expect(await workerReady.json()).toEqual({ status: 'ok', worker: 'RUNNING', database: 'up' });
      expect(first.output()).toContain(`codec server      http://127.0.0.1:${ports.api}/codec`);
      // The ops console, with a demo staff account made in the stack's own (staff-less) database.
      expect(first.output()).toContain(`ops console       http://127.0.0.1:${ports.api}/ops/`);
      expect(first.output()).toContain(`demo staff: ${DEMO_STAFF.login} / ${DEMO_STAFF.password} (operator)`);
      const staffSignIn = await fetch(`http://127.0.0.1:${ports.api}/ops/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: DEMO_STAFF.login, password: DEMO_STAFF.password }),
      });
      expect(staffSignIn.status).toBe(200);
      expect(await staffSignIn.json()).toMatchObject({ staff: { login: DEMO_STAFF.login, role: 'operator' } });
      // The SMTP catcher's web inbox, printed with the other URLs.
      expect(first.output()).toContain(`mail inbox        http://127.0.0.1:${ports.mailUi}`);
      // The API's mail goes to it: a password-reset mail for the demo member arrives in the inbox.
      const reset = await fetch(`http://127.0.0.1:${ports.api}/api/auth/password-reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'demo@example.jp' }),
      });
      expect(reset.status).toBe(202);
      const inbox = await eventually(
        async () =>
          (await (await fetch(`http://127.0.0.1:${ports.mailUi}/api/email?to.address=demo@example.jp`)).json()) as {
            subject: string;
          }[],
        (mails) => mails.length > 0,
        10_000,
      );
      expect(inbox[0]?.subject).toBe(PASSWORD_RESET_MAIL_SUBJECT);

      expect(await interrupt(first)).toBe(0);
      for (const port of Object.values(ports)) expect(await isPortOpen(port), `port ${port} still open`).toBe(false);

      const second = await startStack(env);
      try {
        // The first run's workflow is still in Temporal's SQLite file …
        const { stdout: described } = await run(cli as string, [
          'workflow',
          'describe',
          '--workflow-id',
          firstCheck as string,
          '--address',
          `127.0.0.1:${ports.temporal}`,
        ]);
        expect(described).toMatch(/Completed/i);
        // … and its row is still in the database, next to the second run's.
        const database = await connectDatabase(`mongodb://127.0.0.1:${ports.mongo}/amazon_pay_orders`);
        try {
          const rows = await database.models.SystemCheck.find().lean();
          expect(rows.map((row) => row.workflowId)).toContain(firstCheck);
          expect(rows).toHaveLength(2);
        } finally {
          await database.close();
        }
      } finally {
        expect(await interrupt(second)).toBe(0);
      }
    },
    4 * STARTUP_MS,
  );

  it.skipIf(cli === undefined)(
    'dev stack: Ctrl-C as a terminal sends it (SIGINT to the group, twice, then SIGTERM) stops every process of the stack and frees every port',
    async () => {
      const stack = await startLauncherGroup(env, 'the stack is up');
      try {
        const running = await markedProcesses(stack.mark);
        // The launcher, Temporal, the database, the emulator, the worker and the API at least.
        expect(running.length, running.map((p) => p.command).join('\n')).toBeGreaterThanOrEqual(6);
        expect(await interruptGroup(stack), stack.output()).toEqual([]);
        for (const port of Object.values(ports)) expect(await isPortOpen(port), `port ${port} still open`).toBe(false);
        // Stopped by the launcher, in reverse start order, to the end.
        expect(stack.output().match(/^\[stack\] \S+ stopped$/gm), stack.output()).toEqual(
          ['api', 'worker', 'emulator', 'database', 'temporal', 'mail'].map((name) => `[stack] ${name} stopped`),
        );
      } finally {
        await killLeftovers(stack.mark);
      }
    },
    2 * STARTUP_MS,
  );

  it.skipIf(cli === undefined)(
    'dev stack: Ctrl-C twice while the stack is still starting stops what was started and starts nothing more',
    async () => {
      const stack = await startLauncherGroup(env, 'database up');
      try {
        expect(await interruptGroup(stack), stack.output()).toEqual([]);
        for (const port of Object.values(ports)) expect(await isPortOpen(port), `port ${port} still open`).toBe(false);
        expect(stack.output()).not.toContain('the stack is up');
        expect(stack.output()).toContain('[stack] temporal stopped');
      } finally {
        await killLeftovers(stack.mark);
      }
    },
    2 * STARTUP_MS,
  );
});
