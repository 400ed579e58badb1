/**
 * The Temporal part of docker-compose.prod.yml, run on this machine without Docker: what its
 * containers would run, from the same module version as their images (`go.temporal.io/server`,
 * built by `npm run provision`). The `temporal-schema` service's script with `temporal-sql-tool`
 * against PostgreSQL (twice: it runs at every `up`), the `temporal` service's environment given to
 * `temporal-server start` (what the official image's entrypoint runs: the embedded config template),
 * its healthcheck URL, then `temporal:setup` with the `temporal-setup` service's environment.
 * Only addresses change: loopback and free ports instead of the Compose network's names.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { freePort, spawnGroup, waitFor, type SpawnedProcess } from '../../scripts/services.js';
import { hasPostgres, startPostgres, type Postgres } from '../../scripts/temporal-cluster.js';
import { resolveTemporalServer, type TemporalServerTool } from '../../scripts/tools.js';
import { orderSearchAttributes } from '../../workflows/search-attributes.js';
import { interpolate, readComposeFile, type ComposeFile } from './compose.js';

const execFile = promisify(execFileCallback);

/** scripts/temporal-cluster.ts makes the `temporal` role with this password: the operator's TEMPORAL_DB_PASSWORD here. */
const DB_PASSWORD = 'temporal';
/** What an operator fills into deploy/compose/prod.env (the secrets production refuses to start without). */
const PROD_ENV_VALUES = {
  SESSION_SECRET: 'session-secret-of-the-test-0123456789',
  ORDER_TOKEN_SECRET: 'order-token-secret-of-the-test-0123456789',
  OPS_TOKENS: 'ops:operator:operator-token-of-the-test-0123',
  PAYLOAD_CODEC_KEYS: `prod-1:${Buffer.alloc(32, 7).toString('base64')}`,
  SMTP_URL: 'smtps://shop:mail-password-of-the-test@mail.example.jp:465',
  MAIL_FROM: 'order@shop.example.jp',
};

/** Where the server's embedded config template looks for the dynamic config (DYNAMIC_CONFIG_FILE_PATH's default). */
const DEFAULT_DYNAMIC_CONFIG = '/etc/temporal/config/dynamicconfig/docker.yaml';

/** The host file a service mounts at `target` (`./source:target[:ro]`). */
function mountSource(volumes: string[], target: string): string {
  const volume = volumes.find((entry) => entry.split(':')[1] === target);
  if (volume === undefined) throw new Error(`nothing is mounted at ${target}`);
  return path.resolve(volume.split(':')[0]!);
}

const tool = await resolveTemporalServer({ config: loadConfig({}), childEnv: process.env });
const postgresThere = await hasPostgres();
const missing = [
  tool === undefined && 'the Temporal server and temporal-sql-tool (Go is needed to build them: npm run provision)',
  !postgresThere && 'PostgreSQL (initdb, postgres: Debian\'s "postgresql"; .ci/run installs it)',
].filter(Boolean);
if (missing.length > 0)
  console.log(`deploy: test/deploy/compose-temporal.test.ts skipped, missing: ${missing.join('; ')}`);

describe.skipIf(missing.length > 0)("docker-compose.prod.yml's Temporal part, run on this machine", () => {
  let dir: string;
  let postgres: Postgres | undefined;
  let server: SpawnedProcess | undefined;
  let compose: ComposeFile;
  let bin: string;
  const ports = { grpc: 0, http: 0 };

  /** The `temporal-schema` service's script as its container runs it (`sh -c`), the image's paths mapped to the module. */
  async function runSchemaStep(): Promise<string> {
    const service = compose.services['temporal-schema']!;
    expect(service.entrypoint).toEqual(['sh', '-c']);
    const schemaDir = path.dirname(path.dirname((tool as TemporalServerTool).postgresSchemaDir));
    const script = service.command!.at(-1)!.replaceAll('/etc/temporal/schema', schemaDir);
    const { stdout, stderr } = await execFile('sh', ['-c', script], {
      env: {
        PATH: `${bin}${path.delimiter}${process.env['PATH']}`,
        ...service.environment,
        SQL_HOST: '127.0.0.1',
        SQL_PORT: String(postgres!.port),
      },
      timeout: 180_000,
    });
    return stdout + stderr;
  }

  beforeAll(async () => {
    const { result, errors } = interpolate(await readComposeFile(), { TEMPORAL_DB_PASSWORD: DB_PASSWORD });
    expect(errors).toEqual([]);
    compose = result as ComposeFile;
    dir = await mkdtemp(path.join(os.tmpdir(), 'compose-temporal-'));
    // PostgreSQL runs as its own user: it must reach its data folder.
    await chmod(dir, 0o755);
    postgres = await startPostgres(path.join(dir, 'postgres'));
    // The admin-tools image has the tool on PATH as `temporal-sql-tool`.
    bin = path.join(dir, 'bin');
    await execFile('mkdir', ['-p', bin]);
    await symlink(tool!.sqlTool, path.join(bin, 'temporal-sql-tool'));
    ports.grpc = await freePort();
    ports.http = await freePort();
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    await postgres?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('the schema step makes both databases and their schemas, and runs again unchanged', async () => {
    await runSchemaStep();
    const again = await runSchemaStep();
    expect(again).not.toMatch(/"level":"error"/);
    const psql = await execFile(
      'psql',
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(postgres!.port),
        '-U',
        'temporal',
        '-d',
        'temporal_visibility',
        '-Atc',
        'select curr_version from schema_version',
      ],
      { env: { ...process.env, PGPASSWORD: DB_PASSWORD } },
    ).catch(() => undefined);
    // psql may be off PATH (Debian keeps it in its own folder): the server starting below proves the schemas anyway.
    if (psql !== undefined) expect(psql.stdout.trim()).toMatch(/^\d+\.\d+$/);
  }, 300_000);

  it("the server starts from the service's environment (the image's `temporal-server start`) and its healthcheck answers", async () => {
    const service = compose.services['temporal']!;
    const environment = {
      ...service.environment,
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(postgres!.port),
      // The container binds 0.0.0.0 and broadcasts its own address; here: loopback, free ports.
      BIND_ON_IP: '127.0.0.1',
      FRONTEND_GRPC_PORT: String(ports.grpc),
      FRONTEND_HTTP_PORT: String(ports.http),
      FRONTEND_MEMBERSHIP_PORT: String(await freePort()),
      HISTORY_GRPC_PORT: String(await freePort()),
      HISTORY_MEMBERSHIP_PORT: String(await freePort()),
      MATCHING_GRPC_PORT: String(await freePort()),
      MATCHING_MEMBERSHIP_PORT: String(await freePort()),
      WORKER_GRPC_PORT: String(await freePort()),
      WORKER_MEMBERSHIP_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      // The file the service mounts where the template looks for it by default.
      DYNAMIC_CONFIG_FILE_PATH: mountSource(service.volumes ?? [], DEFAULT_DYNAMIC_CONFIG),
    };
    const log = path.join(dir, 'temporal-server.log');
    server = spawnGroup(tool!.server, ['start'], {
      env: { PATH: process.env['PATH'], ...environment },
      logFile: log,
      graceMs: 10_000,
    });
    // The service's healthcheck, on the port the template gives the frontend's HTTP API.
    const healthcheck = service.healthcheck!.test.at(-1)!.replace(':7243/', `:${ports.http}/`);
    await waitFor(
      'the temporal service healthcheck',
      async () => (await fetch(healthcheck).catch(() => undefined))?.status === 200,
      180_000,
      server.child,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await readFile(log, 'utf8').catch(() => '')}`);
    });
    const info = (await (await fetch(healthcheck)).json()) as { persistenceStore?: string; historyShardCount?: number };
    expect(info.persistenceStore).toBe('postgres12');
    expect(info.historyShardCount).toBe(Number(service.environment?.['NUM_HISTORY_SHARDS']));
  }, 300_000);

  it("temporal:setup, with the temporal-setup service's environment, registers the namespace and the search attributes", async () => {
    const service = compose.services['temporal-setup']!;
    expect(service.command).toEqual(['node', 'dist/scripts/temporal-setup.js']);
    const environment = {
      PATH: process.env['PATH'],
      ...PROD_ENV_VALUES,
      ...service.environment,
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.grpc}`,
    };
    // The source of dist/scripts/temporal-setup.js (test/deploy/compose.test.ts checks the mapping).
    const run = () =>
      execFile(process.execPath, ['--import', 'tsx', 'scripts/temporal-setup.ts'], {
        env: environment,
        timeout: 120_000,
      });
    const first = await run();
    expect(first.stdout).toContain(`namespace ${service.environment?.['TEMPORAL_NAMESPACE']}: namespace registered`);
    for (const { name } of orderSearchAttributes) expect(first.stdout).toContain(name);
    const second = await run();
    expect(second.stdout).toContain('namespace exists; search attributes added: none');
  }, 300_000);
});
