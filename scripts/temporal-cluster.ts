/**
 * A production-shaped Temporal on loopback, without Docker: the Temporal server built from its Go
 * module (scripts/tools.ts `resolveTemporalServer`), persistence and visibility in PostgreSQL (Debian's
 * `postgresql`), and a frontend that speaks TLS only and requires client certificates signed by the
 * given CA. The production test (test/production/) runs workers and APIs against it.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { chown, mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, isPortOpen, spawnGroup, waitFor, type RunningService } from './services.js';
import { which, type TemporalServerTool } from './tools.js';

const execFile = promisify(execFileCallback);

/** PostgreSQL refuses to run as root: as root, its files belong to (and it runs as) this user. */
const POSTGRES_USER = 'postgres';
const DEBIAN_POSTGRES = '/usr/lib/postgresql';
const TEMPORAL_DB_USER = 'temporal';
const TEMPORAL_DB_PASSWORD = 'temporal';

/** On PATH, else in Debian's own folder (its `postgresql` package does not put the server on PATH). */
async function postgresBinary(name: string, searchPath: string | undefined): Promise<string | undefined> {
  const onPath = await which(name, searchPath);
  if (onPath !== undefined) return onPath;
  const versions = await readdir(DEBIAN_POSTGRES).catch(() => [] as string[]);
  for (const version of versions.sort((a, b) => Number(b) - Number(a))) {
    const found = await which(name, path.join(DEBIAN_POSTGRES, version, 'bin'));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Whether `initdb` and `postgres` are there (on PATH or in Debian's folder). */
export async function hasPostgres(searchPath = process.env['PATH']): Promise<boolean> {
  return (
    (await postgresBinary('initdb', searchPath)) !== undefined &&
    (await postgresBinary('postgres', searchPath)) !== undefined
  );
}

export interface Postgres extends RunningService {
  port: number;
}

/** `initdb` + `postgres` in `dataDir` on a free loopback port, with a `temporal` role that may create databases. */
export async function startPostgres(dataDir: string, searchPath = process.env['PATH']): Promise<Postgres> {
  const initdb = await postgresBinary('initdb', searchPath);
  const postgres = await postgresBinary('postgres', searchPath);
  if (initdb === undefined || postgres === undefined)
    throw new Error('PostgreSQL not found (initdb, postgres): install Debian\'s "postgresql"');
  const asRoot = process.getuid?.() === 0;
  const runAs = (command: string, args: string[]) =>
    asRoot ? (['runuser', ['-u', POSTGRES_USER, '--', command, ...args]] as const) : ([command, args] as const);
  await mkdir(dataDir, { recursive: true });
  if (asRoot) {
    const { stdout } = await execFile('id', ['-u', POSTGRES_USER]);
    const { stdout: gid } = await execFile('id', ['-g', POSTGRES_USER]);
    await chown(dataDir, Number(stdout.trim()), Number(gid.trim()));
  }
  const [initCommand, initArgs] = runAs(initdb, [
    '-D',
    dataDir,
    '--auth=trust',
    '--username=postgres',
    '--encoding=UTF8',
    '--no-instructions',
  ]);
  await execFile(initCommand, [...initArgs], { timeout: 120_000 });
  const port = await freePort();
  const [command, args] = runAs(postgres, [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    dataDir,
    '-c',
    'fsync=off',
  ]);
  const proc = spawnGroup(command, [...args], { logFile: path.join(os.tmpdir(), `postgres-${port}.log`) });
  await waitFor('PostgreSQL', () => isPortOpen(port), 60_000, proc.child);
  const psql = (await postgresBinary('psql', searchPath)) ?? 'psql';
  const sql = async (statement: string) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await execFile(psql, [
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          'postgres',
          '-v',
          'ON_ERROR_STOP=1',
          '-c',
          statement,
        ]);
        return;
      } catch (error) {
        // The port opens a moment before the server accepts logins.
        if (attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  await sql(`CREATE ROLE ${TEMPORAL_DB_USER} LOGIN CREATEDB PASSWORD '${TEMPORAL_DB_PASSWORD}'`);
  return { name: 'postgres', address: `127.0.0.1:${port}`, port, stop: () => proc.stop() };
}

/** `temporal-sql-tool`'s own steps: create each database, then apply every versioned schema. */
export async function setUpTemporalSchemas(tool: TemporalServerTool, postgres: Postgres): Promise<void> {
  for (const [database, schema] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const base = [
      '--plugin',
      'postgres12',
      '--ep',
      '127.0.0.1',
      '-p',
      String(postgres.port),
      '-u',
      TEMPORAL_DB_USER,
      '--pw',
      TEMPORAL_DB_PASSWORD,
      '--db',
      database,
    ];
    const run = (args: string[]) => execFile(tool.sqlTool, [...base, ...args], { timeout: 120_000 });
    await run(['create-database']);
    await run(['setup-schema', '-v', '0.0']);
    await run(['update-schema', '-d', path.join(tool.postgresSchemaDir, schema, 'versioned')]);
  }
}

export interface ClusterCertificates {
  /** The CA that signed the server's and the clients' certificates (PEM files). */
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** The certificate the server's own system worker presents to the frontend. */
  clientCert: string;
  clientKey: string;
  /** The name in the server certificate that clients check. */
  serverName: string;
}

export interface TemporalCluster extends RunningService {
  port: number;
  configFile: string;
}

/**
 * Writes the server's config (all four services in one process, PostgreSQL persistence and SQL
 * visibility, frontend TLS with client authentication required) and starts it.
 */
export async function startTemporalCluster(options: {
  tool: TemporalServerTool;
  postgres: Postgres;
  certificates: ClusterCertificates;
  dir: string;
}): Promise<TemporalCluster> {
  const { certificates: tls, postgres } = options;
  const ports = {
    frontend: await freePort(),
    frontendHttp: await freePort(),
    frontendMembership: await freePort(),
    history: await freePort(),
    historyMembership: await freePort(),
    matching: await freePort(),
    matchingMembership: await freePort(),
    worker: await freePort(),
    workerMembership: await freePort(),
  };
  const datastore = (database: string, maxConns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "127.0.0.1:${postgres.port}"
        connectProtocol: tcp
        user: ${TEMPORAL_DB_USER}
        password: ${TEMPORAL_DB_PASSWORD}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
  const service = (grpc: number, membership: number, http?: number) => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${http === undefined ? '' : `\n      httpPort: ${http}`}`;
  const config = `# Written by scripts/temporal-cluster.ts.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:${datastore('temporal', 20)}
    visibility:${datastore('temporal_visibility', 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  tls:
    frontend:
      server:
        certFile: ${tls.serverCert}
        keyFile: ${tls.serverKey}
        clientCaFiles: [${tls.caCert}]
        requireClientAuth: true
      client:
        serverName: ${tls.serverName}
        rootCaFiles: [${tls.caCert}]
    systemWorker:
      certFile: ${tls.clientCert}
      keyFile: ${tls.clientKey}
      client:
        serverName: ${tls.serverName}
        rootCaFiles: [${tls.caCert}]
services:
  frontend:${service(ports.frontend, ports.frontendMembership, ports.frontendHttp)}
  history:${service(ports.history, ports.historyMembership)}
  matching:${service(ports.matching, ports.matchingMembership)}
  worker:${service(ports.worker, ports.workerMembership)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:${ports.frontend}"
dcRedirectionPolicy:
  policy: noop
`;
  await mkdir(options.dir, { recursive: true });
  const configFile = path.join(options.dir, 'temporal-server.yaml');
  await writeFile(configFile, config);
  const proc = spawnGroup(options.tool.server, ['--config-file', configFile, '--allow-no-auth', 'start'], {
    logFile: path.join(options.dir, 'temporal-server.log'),
    graceMs: 10_000,
  });
  await waitFor('Temporal server', () => isPortOpen(ports.frontend), 120_000, proc.child);
  return {
    name: 'temporal-cluster',
    address: `127.0.0.1:${ports.frontend}`,
    port: ports.frontend,
    configFile,
    stop: () => proc.stop(),
  };
}

/**
 * What Temporal Cloud's API-key endpoint does, in front of the cluster: Debian's `nginx` terminates TLS
 * (the cluster's server certificate), refuses a request without `authorization: Bearer <apiKey>`
 * (HTTP 401, which gRPC clients read as UNAUTHENTICATED), and passes gRPC on to the frontend over
 * mTLS with the shop's client certificate.
 */
export async function startApiKeyProxy(options: {
  cluster: TemporalCluster;
  certificates: ClusterCertificates;
  apiKey: string;
  dir: string;
  searchPath?: string;
}): Promise<RunningService & { port: number }> {
  const nginx =
    (await which('nginx', options.searchPath ?? process.env['PATH'])) ?? (await which('nginx', '/usr/sbin'));
  if (nginx === undefined) throw new Error('nginx not found: install Debian\'s "nginx-light"');
  if (!/^[A-Za-z0-9._-]+$/.test(options.apiKey)) throw new Error('the test API key must be a plain token');
  const tls = options.certificates;
  const dir = path.join(options.dir, 'api-key-proxy');
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  // As root, nginx's workers would run as nobody, who cannot read the test's keys.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  const config = `# Written by scripts/temporal-cluster.ts.
${user}daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} ssl http2;
    ssl_certificate ${tls.serverCert};
    ssl_certificate_key ${tls.serverKey};
    location / {
      if ($http_authorization != "Bearer ${options.apiKey}") {
        return 401;
      }
      grpc_pass grpcs://${options.cluster.address};
      grpc_ssl_certificate ${tls.clientCert};
      grpc_ssl_certificate_key ${tls.clientKey};
      grpc_ssl_trusted_certificate ${tls.caCert};
      grpc_ssl_verify on;
      grpc_ssl_name ${tls.serverName};
      grpc_read_timeout 120s;
    }
  }
}
`;
  const configFile = path.join(dir, 'nginx.conf');
  await writeFile(configFile, config);
  const proc = spawnGroup(nginx, ['-c', configFile, '-e', path.join(dir, 'error.log')], {
    logFile: path.join(dir, 'nginx.log'),
  });
  await waitFor('API-key proxy (nginx)', () => isPortOpen(port), 30_000, proc.child);
  return { name: 'api-key-proxy', address: `127.0.0.1:${port}`, port, stop: () => proc.stop() };
}
