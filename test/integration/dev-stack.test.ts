/**
 * `npm start`'s stack, for real: comes up healthy with the Web UI and the search attributes, stops
 * everything on Ctrl-C, and keeps its data across a restart. Runs on free ports and a scratch data
 * folder, so it does not disturb a stack you have running.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { connectDatabase } from '../../db/connection.js';
import { freePort, isPortOpen } from '../../scripts/services.js';

const run = promisify(execFile);
const STARTUP_MS = 120_000;

interface Stack {
  child: ChildProcess;
  output: () => string;
}

function startStack(env: NodeJS.ProcessEnv): Promise<Stack> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-stack.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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

describe('the dev stack (npm start)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let ports: { temporal: number; ui: number; mongo: number; api: number; emulator: number; workerMetrics: number };
  const cli = inject('temporalCliPath');

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'orders-stack-'));
    ports = { temporal: await freePort(), ui: await freePort(), mongo: await freePort(), api: await freePort(), emulator: await freePort(), workerMetrics: await freePort() };
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
      AMAZON_PAY_EMULATOR_URL: `http://127.0.0.1:${ports.emulator}`,
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
      const { stdout: attributes } = await run(cli as string, ['operator', 'search-attribute', 'list', '--address', `127.0.0.1:${ports.temporal}`]);
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
      // Issue 7: the worker's runtime metrics, and the UI started with the API's codec endpoint.
      const workerMetrics = await fetch(`http://127.0.0.1:${ports.workerMetrics}/metrics`);
      expect(workerMetrics.status).toBe(200);
      expect(await workerMetrics.text()).toMatch(/temporal_/);
      expect(first.output()).toContain(`codec server      http://127.0.0.1:${ports.api}/codec`);

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
});
