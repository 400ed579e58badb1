/**
 * Starts the real servers (Temporal dev server, database, SMTP catcher) as child processes in their
 * own process groups, waits until they answer, and stops them with their whole group — shared by the
 * dev stack (`npm start`) and the test harness (vitest global setup).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseTool } from './tools.js';

export interface RunningService {
  name: string;
  /** Where clients connect: host:port for Temporal, a mongodb:// URI for the database. */
  address: string;
  stop(): Promise<void>;
}

/**
 * Ports for our servers come from 20000–32767, below Linux's ephemeral range (32768–60999): a port
 * the kernel hands out by itself can be taken by any process's outgoing connection or `listen(0)`
 * while its server is down for a restart, and the server then cannot bind it again.
 */
const SERVICE_PORTS = { from: 20_000, to: 32_767 };
const handedOut = new Set<number>();

/** A free TCP port on 127.0.0.1 outside the ephemeral range, never the same one twice per process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = SERVICE_PORTS.from + Math.floor(Math.random() * (SERVICE_PORTS.to - SERVICE_PORTS.from + 1));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${SERVICE_PORTS.from}–${SERVICE_PORTS.to}`);
}

async function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  child?: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child !== undefined && child.exitCode !== null) {
      throw new Error(`${what}: process exited with code ${child.exitCode} before it was ready`);
    }
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}

export interface SpawnedProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Spawns a command in its own process group, output appended to `logFile` (or inherited), and
 * returns a stop function that signals the whole group: SIGTERM, then SIGKILL after `graceMs`.
 */
export function spawnGroup(
  command: string,
  args: string[],
  options: { logFile?: string; env?: NodeJS.ProcessEnv; cwd?: string; graceMs?: number; inheritOutput?: boolean },
): SpawnedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: options.inheritOutput ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  if (!options.inheritOutput && options.logFile !== undefined) {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  } else if (!options.inheritOutput) {
    child.stdout?.resume();
    child.stderr?.resume();
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  return {
    child,
    async stop() {
      signalGroup('SIGTERM');
      const graceful = await Promise.race([exited.then(() => true), sleep(options.graceMs ?? 5000).then(() => false)]);
      if (!graceful) {
        signalGroup('SIGKILL');
        await exited;
      }
      // A child may have left grandchildren in the group even after exiting.
      signalGroup('SIGKILL');
    },
  };
}

export interface TemporalDevServerOptions {
  cliPath: string | undefined;
  port: number;
  uiPort?: number;
  /** SQLite file for persistence; in-memory when undefined. */
  dbFile?: string;
  searchAttributes: string[];
  namespace: string;
  logFile?: string;
  /** A codec endpoint for the Web UI, once one exists. */
  uiCodecEndpoint?: string;
}

/** Starts `temporal server start-dev` (or, lacking a binary, the SDK's downloaded one). */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<RunningService> {
  const address = `127.0.0.1:${options.port}`;
  if (options.cliPath === undefined) return startDownloadedDevServer(options);
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
  ];
  if (options.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.uiCodecEndpoint !== undefined) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFile !== undefined) {
    await mkdir(path.dirname(options.dbFile), { recursive: true });
    args.push(
      '--db-filename',
      options.dbFile,
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
    );
  }
  for (const spec of options.searchAttributes) args.push('--search-attribute', spec);
  const proc = spawnGroup(options.cliPath, args, { logFile: options.logFile });
  try {
    await waitFor('Temporal dev server', () => temporalAnswers(address), 60_000, proc.child);
    if (options.uiPort !== undefined) {
      const uiPort = options.uiPort;
      await waitFor('Temporal Web UI', () => isPortOpen(uiPort), 30_000, proc.child);
    }
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { name: 'temporal', address, stop: () => proc.stop() };
}

async function startDownloadedDevServer(options: TemporalDevServerOptions): Promise<RunningService> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port: options.port,
      ui: options.uiPort !== undefined,
      ...(options.uiPort !== undefined ? { uiPort: options.uiPort } : {}),
      ...(options.dbFile !== undefined ? { dbFilename: options.dbFile } : {}),
      namespace: options.namespace,
      extraArgs: options.searchAttributes.flatMap((spec) => ['--search-attribute', spec]),
    },
  });
  return { name: 'temporal', address: `127.0.0.1:${options.port}`, stop: () => env.teardown() };
}

/** True when a Temporal frontend answers its gRPC health check. */
export async function temporalAnswers(address: string): Promise<boolean> {
  const { Connection } = await import('@temporalio/client');
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.healthService.check({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

export interface DatabaseOptions {
  tool: DatabaseTool;
  port: number;
  /** Directory for the data files; the server keeps them across restarts. */
  dataDir: string;
  dbName: string;
  logFile?: string;
  /** More command-line flags for FerretDB (the differential test of its patch turns pushdown off). */
  ferretDbFlags?: string[];
}

/** Starts the provisioned database (or returns the external one) and answers its URI. */
export async function startDatabase(options: DatabaseOptions): Promise<RunningService> {
  const { tool } = options;
  switch (tool.kind) {
    case 'external':
      return { name: 'database', address: tool.uri, stop: async () => undefined };
    case 'ferretdb': {
      const dir = path.resolve(options.dataDir);
      await mkdir(dir, { recursive: true });
      const proc = spawnGroup(
        tool.path,
        [
          '--handler=sqlite',
          `--sqlite-url=file:${dir}/`,
          `--listen-addr=127.0.0.1:${options.port}`,
          '--telemetry=disable',
          '--debug-addr=-',
          `--state-dir=${dir}`,
          '--log-level=error',
          ...(options.ferretDbFlags ?? []),
        ],
        { logFile: options.logFile },
      );
      try {
        await waitFor('FerretDB', () => isPortOpen(options.port), 30_000, proc.child);
      } catch (error) {
        await proc.stop();
        throw error;
      }
      return {
        name: 'database',
        address: `mongodb://127.0.0.1:${options.port}/${options.dbName}`,
        stop: () => proc.stop(),
      };
    }
    case 'mongod':
    case 'memory-server-download': {
      const { MongoMemoryServer } = await import('mongodb-memory-server-core');
      await mkdir(options.dataDir, { recursive: true });
      const server = await MongoMemoryServer.create({
        ...(tool.kind === 'mongod' ? { binary: { systemBinary: tool.path } } : {}),
        instance: {
          ip: '127.0.0.1',
          port: options.port,
          dbPath: path.resolve(options.dataDir),
          dbName: options.dbName,
          storageEngine: 'wiredTiger',
        },
      });
      return {
        name: 'database',
        address: server.getUri(options.dbName),
        stop: async () => {
          await server.stop({ doCleanup: false });
        },
      };
    }
  }
}

export interface MailCatcherOptions {
  smtpPort: number;
  uiPort: number;
  /** Where the caught mails are kept (they survive a restart). */
  dataDir: string;
  logFile?: string;
}

export interface RunningMailCatcher extends RunningService {
  /** The web inbox; its REST API is under `/api` (`GET /api/email` lists the mails). */
  inboxUrl: string;
}

/**
 * Starts maildev (npm, a devDependency): an SMTP server that keeps every mail it is given and shows
 * them in a web inbox, so nothing the dev stack or a test sends leaves the machine.
 */
export async function startMailCatcher(options: MailCatcherOptions): Promise<RunningMailCatcher> {
  const dir = path.resolve(options.dataDir);
  await mkdir(dir, { recursive: true });
  // The package's command (its exports offer no path to resolve it by).
  const bin = fileURLToPath(new URL('../node_modules/maildev/dist/bin/maildev.js', import.meta.url));
  const inboxUrl = `http://127.0.0.1:${options.uiPort}`;
  const proc = spawnGroup(
    process.execPath,
    [
      bin,
      ...['--ip', '127.0.0.1', '--smtp', String(options.smtpPort)],
      ...['--web-ip', '127.0.0.1', '--web', String(options.uiPort)],
      ...['--mail-directory', dir],
    ],
    { logFile: options.logFile },
  );
  try {
    await waitFor(
      'maildev',
      async () => {
        try {
          return (await fetch(`${inboxUrl}/api/healthz`)).ok;
        } catch {
          return false;
        }
      },
      30_000,
      proc.child,
    );
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { name: 'mail', address: `smtp://127.0.0.1:${options.smtpPort}`, inboxUrl, stop: () => proc.stop() };
}
