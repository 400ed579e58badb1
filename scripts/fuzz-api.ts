/**
 * `npm run fuzz`: an outside, schema-based fuzzer (schemathesis, from PyPI into `.tools/venv`) against
 * the running stack — Temporal dev server, database, emulator, worker and API as separate processes,
 * started the way the chaos run starts them — reading only `/openapi.json`.
 *
 * Three runs — without credentials, as the buyer of a seeded order (its order token), and with the
 * operator's ops token — each with a fixed seed and a bounded budget. Every check is on: a 5xx, a status the document does not list, a response body,
 * content type or header that does not match the document, valid input refused or invalid input
 * accepted all fail the run.
 *
 * Options: `--seed N` (default 18), `--max-examples N` per operation and phase (default 25), `--budget S`
 * seconds per run before it is stopped and failed (default 300), `--keep` (keep the
 * stack's data and logs), `--url URL` (fuzz an API already running there, with its default dev tokens).
 */
import { execFile as execFileCallback, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { loadConfig } from '../config/index.js';
import { Cluster } from './chaos/cluster.js';
import { ensureVenvTool, SCHEMATHESIS_VERSION } from './tools.js';

const execFile = promisify(execFileCallback);

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '18' },
    'max-examples': { type: 'string', default: '25' },
    /** Hard bound per run, in seconds: a run still going then is stopped and fails. */
    budget: { type: 'string', default: '300' },
    keep: { type: 'boolean', default: false },
    url: { type: 'string' },
  },
});

const say = (line: string) => console.log(`fuzz: ${line}`);
const reportDir = path.resolve('.tools', 'fuzz-report');

async function schemathesis(): Promise<string> {
  const config = loadConfig(process.env);
  const st = await ensureVenvTool({ config, childEnv: process.env, say }, 'schemathesis', SCHEMATHESIS_VERSION, 'st');
  if (st === undefined)
    throw new Error(`schemathesis ${SCHEMATHESIS_VERSION} is not installed and could not be (needs Python 3 and PyPI)`);
  const { stdout } = await execFile(st, ['--version']);
  say(`${stdout.trim()} (${st})`);
  return st;
}

/**
 * A real order for the order routes (else every `{orderId}` the fuzzer makes up is a 404): its id is
 * drawn for half of the generated `{orderId}` values, and the buyer run sends its token.
 */
async function seedOrder(apiUrl: string): Promise<{ orderId: string; orderToken: string }> {
  const response = await fetch(`${apiUrl}/api/checkouts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ productId: 'tea-sencha', quantity: 1 }] }),
  });
  if (response.status !== 201) throw new Error(`seeding an order: ${response.status} ${await response.text()}`);
  return (await response.json()) as { orderId: string; orderToken: string };
}

/** The checked-in configuration plus this run's order ids (a dictionary the `{orderId}` values draw from). */
async function runConfig(orderIds: string[]): Promise<string> {
  const file = path.join(reportDir, 'schemathesis.toml');
  const base = await readFile(path.resolve('scripts', 'fuzz', 'schemathesis.toml'), 'utf8');
  await writeFile(
    file,
    `${base}\n# Added by scripts/fuzz-api.ts for this run: the seeded order.\n[dictionaries.orders]\nvalues = ${JSON.stringify(orderIds)}\n\n` +
      `[parameters]\n"path.orderId" = { dictionary = "orders", probability = 0.5 }\n`,
  );
  return file;
}

/** One schemathesis run; resolves with its exit code. */
function run(st: string, config: string, apiUrl: string, label: string, headers: string[]): Promise<number> {
  const args = [
    '--config-file',
    config,
    'run',
    `${apiUrl}/openapi.json`,
    '--seed',
    values.seed,
    '--max-examples',
    values['max-examples'],
    // One worker: Python 3.11's ast module is not thread-safe, and hypothesis parses lambdas with it.
    '--workers',
    '1',
    '--request-timeout',
    '30',
    '--report',
    'junit',
    '--report-dir',
    path.join(reportDir, label),
    // Fixed seed, no example database carried between runs: the same cases every time.
    '--generation-database',
    'none',
    '--no-color',
    ...headers.flatMap((header) => ['--header', header]),
  ];
  say(
    `${label}: st ${args.map((arg) => (/^(authorization|x-order-token):/i.test(arg) ? `${arg.split(':')[0] ?? ''}: [Redacted]` : arg)).join(' ')}`,
  );
  return new Promise((resolve, reject) => {
    const child = spawn(st, args, { stdio: 'inherit' });
    const budget = setTimeout(
      () => {
        say(`${label}: still running after ${values.budget} s: stopped (a failure)`);
        child.kill('SIGTERM');
      },
      Number(values.budget) * 1000,
    );
    child.once('error', (error) => {
      clearTimeout(budget);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(budget);
      resolve(code ?? (signal === null ? 1 : 128));
    });
  });
}

const st = await schemathesis();
await mkdir(reportDir, { recursive: true });
let cluster: Cluster | undefined;
let apiUrl = values.url;
let operatorToken = loadConfig(process.env).ops.credentials.find((c) => c.role === 'operator')?.token;
const started = Date.now();
try {
  if (apiUrl === undefined) {
    say('starting the stack (Temporal, database, emulator, worker, API) …');
    cluster = new Cluster({ say });
    await cluster.start();
    apiUrl = cluster.apiUrl;
    operatorToken = cluster.config.ops.credentials.find((c) => c.role === 'operator')?.token;
    say(`stack up in ${Math.round((Date.now() - started) / 1000)} s: ${apiUrl}`);
  }
  if (operatorToken === undefined) throw new Error('no operator credential configured');
  const order = await seedOrder(apiUrl);
  say(`seeded order ${order.orderId}`);
  const config = await runConfig([order.orderId]);
  const results: [string, number][] = [];
  results.push(['anonymous', await run(st, config, apiUrl, 'anonymous', [])]);
  results.push(['buyer', await run(st, config, apiUrl, 'buyer', [`X-Order-Token: ${order.orderToken}`])]);
  results.push([
    'ops-operator',
    await run(st, config, apiUrl, 'ops-operator', [`Authorization: Bearer ${operatorToken}`]),
  ]);
  for (const [label, code] of results) say(`${label}: ${code === 0 ? 'no failures' : `FAILED (exit ${code})`}`);
  say(`finished in ${Math.round((Date.now() - started) / 1000)} s; JUnit reports in ${reportDir}`);
  if (results.some(([, code]) => code !== 0)) process.exitCode = 1;
} finally {
  await cluster?.close(values.keep);
}
