/**
 * docker-compose.prod.yml without a Docker engine: valid for the Compose Specification's JSON schema
 * (from the compose-go module Docker Compose itself validates with), then what the schema cannot see —
 * every dependency, file and image it names exists or is pinned, the official Temporal images get
 * only settings their own templates read (from the Go modules of the versions the file runs), the
 * service's containers get only settings config/index.ts reads, and healthchecks, grace periods, the
 * replica set and the proxy agree with the code. test/deploy/compose-temporal.test.ts runs its Temporal
 * part on this machine. The developer docker-compose.yml is checked against the same schema here, and
 * against the code in test/unit/docker-compose.test.ts.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Script } from 'node:vm';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { envKeys, loadConfig } from '../../config/index.js';
import { COMPOSE_GO_VERSION, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../scripts/tools.js';
import {
  dependencies,
  interpolate,
  PRODUCTION_COMPOSE_FILE,
  readComposeFile,
  seconds,
  templateEnvNames,
  type ComposeFile,
  type ComposeService,
} from './compose.js';
import { builtCopyOf, defaultFilesReadAtStart, FILES_READ_AT_START, imageWorkdirEntries } from './image.js';
import { deployTools, reportMissing } from './tools.js';

const execFile = promisify(execFileCallback);

/** What an operator exports before `docker compose up` (README, "Compose"). */
const OPERATOR_ENVIRONMENT = { TEMPORAL_DB_PASSWORD: 'a-password-of-the-test' };
/** What an operator fills into deploy/compose/prod.env. */
const PROD_ENV_VALUES: Record<string, string> = {
  SESSION_SECRET: 'session-secret-of-the-test-0123456789',
  ORDER_TOKEN_SECRET: 'order-token-secret-of-the-test-0123456789',
  OPS_TOKENS: 'ops:operator:operator-token-of-the-test-0123',
  PAYLOAD_CODEC_KEYS: `prod-1:${Buffer.alloc(32, 7).toString('base64')}`,
  SMTP_URL: 'smtps://shop:mail-password-of-the-test@mail.example.jp:465',
  MAIL_FROM: 'order@shop.example.jp',
  AMAZON_PAY_PUBLIC_KEY_ID: 'LIVE-EXAMPLEPUBLICKEYID0000001',
  AMAZON_PAY_STORE_ID: 'amzn1.application-oa2-client.0123456789abcdef',
  AMAZON_PAY_MERCHANT_ID: 'A0EXAMPLEMERCHANT',
};
const APP_SERVICES = ['temporal-setup', 'worker', 'api'] as const;

const tools = await deployTools();
reportMissing('test/deploy/compose.test.ts', tools.missing);
const { composeGo, temporalServer, temporalUi } = tools.modules;

let compose: ComposeFile;
let services: Record<string, ComposeService>;

beforeAll(async () => {
  const { result, errors } = interpolate(await readComposeFile(), OPERATOR_ENVIRONMENT);
  expect(errors).toEqual([]);
  compose = result as ComposeFile;
  services = compose.services;
});

function envFile(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]));
}

/** A file the stack needs: in the repository, or the operator's own (git-ignored, named in the README). */
async function expectOperatorFileOrPresent(file: string, readme: string): Promise<void> {
  const present = await access(file).then(
    () => true,
    () => false,
  );
  if (present) return;
  await expect(execFile('git', ['check-ignore', '-q', file]), `${file} is git-ignored`).resolves.toBeDefined();
  const documented = readme.includes(file) || readme.includes(path.dirname(file));
  expect(documented, `${file} is named in the README`).toBe(true);
}

describe.skipIf(composeGo === undefined)(
  `${PRODUCTION_COMPOSE_FILE}: the Compose Specification's schema (compose-go ${COMPOSE_GO_VERSION})`,
  () => {
    let validate: ReturnType<Ajv2020['compile']>;

    beforeAll(async () => {
      const schema = JSON.parse(await readFile(path.join(composeGo!, 'schema', 'compose-spec.json'), 'utf8')) as object;
      validate = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false }).compile(
        schema,
      );
    });

    it('the file, interpolated as Compose does it, is valid', () => {
      expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
    });

    it('docker-compose.yml, the developer stack, is valid too', async () => {
      const { result, errors } = interpolate(await readComposeFile('docker-compose.yml'), {});
      expect(errors).toEqual([]);
      expect(validate(result), JSON.stringify(validate.errors, null, 2)).toBe(true);
    });

    it('the check bites: a misspelt key is refused', () => {
      const misspelt = structuredClone(compose) as ComposeFile & {
        services: Record<string, { restart_policy?: string }>;
      };
      misspelt.services['worker']!.restart_policy = 'always';
      expect(validate(misspelt)).toBe(false);
    });
  },
);

describe(`${PRODUCTION_COMPOSE_FILE} stays consistent with the code and the images`, () => {
  it("refuses to start without the operator's PostgreSQL password (no default one)", async () => {
    const { errors } = interpolate(await readComposeFile(), {});
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toMatch(/^TEMPORAL_DB_PASSWORD: set TEMPORAL_DB_PASSWORD/);
  });

  it('has the production services: Temporal on PostgreSQL with its schema step, the UI, a three-member replica set, workers and APIs behind a proxy', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'postgresql',
        'temporal-schema',
        'temporal',
        'temporal-ui',
        'mongo1',
        'mongo2',
        'mongo3',
        'mongo-init',
        'temporal-setup',
        'worker',
        'api',
        'proxy',
      ].sort(),
    );
    expect(services['worker']?.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(services['api']?.deploy?.replicas).toBeGreaterThanOrEqual(2);
    // Only the proxy faces the world; Temporal and its UI only the host's loopback; the databases nothing.
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) {
        if (name !== 'proxy') expect(port, name).toMatch(/^127\.0\.0\.1:/);
      }
    }
    expect(services['proxy']?.ports).toEqual(['80:80', '443:443']);
  });

  it('every dependency exists and waits for what it can: health where there is a healthcheck, completion of one-shot steps', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(dependencies(service))) {
        const target = services[dependency];
        expect(target, `${name} depends on ${dependency}`).toBeDefined();
        if (condition === 'service_healthy')
          expect(target!.healthcheck, `${dependency} has a healthcheck`).toBeDefined();
        if (condition === 'service_completed_successfully') {
          expect([undefined, 'no'], `${dependency} runs once`).toContain(target!.restart);
        }
      }
    }
    for (const name of ['worker', 'api']) {
      expect(dependencies(services[name]!)).toEqual({
        'mongo-init': { condition: 'service_completed_successfully' },
        'temporal-setup': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('every file it names is in the repository or is an operator file (git-ignored, named in the README)', async () => {
    const readme = await readFile('README.md', 'utf8');
    for (const [name, service] of Object.entries(services)) {
      for (const file of service.env_file ?? []) {
        await expectOperatorFileOrPresent(file, readme);
        await expect(access(`${file}.example`), `${name}: ${file}.example`).resolves.toBeUndefined();
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) await expectOperatorFileOrPresent(source.slice(2), readme);
        else expect(Object.keys(compose.volumes ?? {}), `${name}: volume ${source}`).toContain(source);
      }
      for (const secret of service.secrets ?? []) expect(compose.secrets?.[secret], `${name}: ${secret}`).toBeDefined();
    }
    for (const { file } of Object.values(compose.secrets ?? {})) await expectOperatorFileOrPresent(file, readme);
  });

  it('every image is pinned to a version, the service image to the package version', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    for (const [name, service] of Object.entries(services)) {
      expect(service.image, name).toMatch(/^[a-z0-9./-]+:\d+\.\d+(\.\d+)?$/);
    }
    for (const name of APP_SERVICES) {
      expect(services[name]).toMatchObject({ image: `amazon-pay-orders:${pkg.version}`, build: '.' });
    }
  });

  it("the service's containers run the production build, with settings config/index.ts reads and accepts", async () => {
    const build = JSON.parse(await readFile('tsconfig.build.json', 'utf8')) as { include: string[] };
    const example = await readFile('deploy/compose/prod.env.example', 'utf8');
    for (const key of Object.keys(envFile(example))) expect(envKeys, `prod.env.example: ${key}`).toContain(key);
    // The example as an operator fills it in: what it leaves empty is what they must provide.
    const prodEnv = Object.fromEntries(
      Object.entries(envFile(example)).map(([key, value]) => [key, value === '' ? PROD_ENV_VALUES[key] : value]),
    );
    expect(Object.values(prodEnv)).not.toContain(undefined);
    for (const name of APP_SERVICES) {
      const service = services[name]!;
      const entry = service.command?.at(-1) ?? '';
      const source = /^dist\/(.+)\.js$/.exec(entry)?.[1];
      expect(source, `${name}: ${entry} is a dist/ entry`).toBeDefined();
      await expect(access(`${source}.ts`), `${name}: ${source}.ts`).resolves.toBeUndefined();
      expect(build.include.some((entry) => entry === source!.split('/')[0] || entry === `${source}.ts`)).toBe(true);
      expect(service.env_file).toEqual(['deploy/compose/prod.env']);
      const environment = service.environment ?? {};
      for (const key of Object.keys(environment)) expect(envKeys, `${name}: ${key}`).toContain(key);
      // Compose: `environment` wins over `env_file`.
      expect(() => loadConfig({ ...prodEnv, ...environment }), name).not.toThrow();
      // The files read at start are the merchant's, Compose secrets the container mounts (not the sandbox defaults).
      for (const key of FILES_READ_AT_START) {
        expect(
          service.secrets?.map((secret) => `/run/secrets/${secret}`),
          `${name}: ${key}`,
        ).toContain(environment[key]);
      }
      expect(service.read_only, name).toBe(true);
      expect(service.tmpfs, name).toEqual(['/tmp']);
    }
    expect(services['temporal-setup']?.command).toEqual(['node', 'dist/scripts/temporal-setup.js']);
  });

  it('the image has only package.json, node_modules and dist/; the files read at start default to the sandbox copies in dist/', async () => {
    const inImage = await imageWorkdirEntries();
    expect(inImage.sort()).toEqual(['dist', 'node_modules', 'package.json']);
    for (const file of defaultFilesReadAtStart()) {
      expect(file).toMatch(/^keys\/sandbox\//);
      expect(await builtCopyOf(file), file).toBe(`dist/${file}`);
    }
  });

  it('the worker and API healthchecks ask /readyz where they listen; the worker may finish its activities before the kill', () => {
    const worker = services['worker']!;
    const health = worker.environment?.['WORKER_HEALTH_ADDRESS'] ?? '';
    expect(health).toMatch(/^0\.0\.0\.0:\d+$/);
    expect(worker.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${health.split(':')[1]}/readyz`);
    const api = services['api']!;
    expect(api.environment?.['API_HOST']).toBe('0.0.0.0');
    expect(api.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${api.environment?.['API_PORT']}/readyz`);
    const drain = loadConfig({ ...PROD_ENV_VALUES, ...worker.environment }).worker.shutdownGraceSeconds;
    expect(seconds(worker.stop_grace_period ?? '10s')).toBeGreaterThan(drain);
  });

  it('the API finds the replica set the init step makes, and the init script is valid JavaScript', () => {
    // mongodb://host:port,host:port,…/database?options (several hosts: not a WHATWG URL).
    const [, hosts, query] = /^mongodb:\/\/([^/]+)\/[^?]*\?(.*)$/.exec(services['api']!.environment!['MONGODB_URI']!)!;
    const members = ['mongo1', 'mongo2', 'mongo3'];
    expect(hosts!.split(',')).toEqual(members.map((member) => `${member}:27017`));
    const replicaSet = new URLSearchParams(query).get('replicaSet');
    for (const member of members) {
      const command = services[member]!.command ?? [];
      expect(command[command.indexOf('--replSet') + 1]).toBe(replicaSet);
      expect(services[member]!.healthcheck).toBeDefined();
    }
    const script = services['mongo-init']!.command!.at(-1)!;
    expect(() => new Script(script)).not.toThrow();
    expect(script).toContain(`_id: '${replicaSet}'`);
    for (const member of members) expect(script).toContain(`host: '${member}:27017'`);
  });

  it('nginx sends to every API replica on its port and sets the headers the API trusts (TRUST_PROXY=1)', async () => {
    const nginx = await readFile('deploy/compose/nginx.conf', 'utf8');
    const api = services['api']!.environment!;
    expect(nginx).toMatch(new RegExp(`^\\s*server api:${api['API_PORT']};$`, 'm'));
    expect(api['TRUST_PROXY']).toBe('1');
    // One proxy: what the client sent in X-Forwarded-For is replaced, not appended to.
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-Proto https;/);
    const tlsMount = services['proxy']!.volumes!.find((volume) => volume.startsWith('./deploy/compose/tls:'))!;
    const inside = tlsMount.split(':')[1]!;
    for (const [, file] of nginx.matchAll(/ssl_certificate(?:_key)? (\S+);/g))
      expect(file!.startsWith(`${inside}/`)).toBe(true);
  });

  it("the README's Compose part shows the command and names this test", async () => {
    const readme = await readFile('README.md', 'utf8');
    const part = readme.slice(readme.indexOf('**Compose.**'), readme.indexOf('## Provisioning'));
    expect(part).toContain(`docker compose -f ${PRODUCTION_COMPOSE_FILE} up -d --build`);
    expect(part).toContain('test/deploy/compose.test.ts');
  });
});

describe.skipIf(temporalServer === undefined)(
  `the official Temporal images get only settings they read (go.temporal.io/server ${TEMPORAL_SERVER_VERSION})`,
  () => {
    const version = TEMPORAL_SERVER_VERSION.replace(/^v/, '');

    it('temporalio/server: its embedded config template and entrypoint read every variable set', async () => {
      const server = services['temporal']!;
      expect(server.image).toBe(`temporalio/server:${version}`);
      // The image runs `temporal-server start` without a config file: the embedded template, filled from the environment.
      const entrypoint = await readFile(path.join(temporalServer!, 'docker/scripts/sh/entrypoint.sh'), 'utf8');
      expect(entrypoint).toMatch(/^exec temporal-server start\s*$/m);
      const template = await readFile(
        path.join(temporalServer!, 'common/config/config_template_embedded.yaml'),
        'utf8',
      );
      // …and the server's own flags (TEMPORAL_ALLOW_NO_AUTH and the like, cmd/server and its config loader).
      const flags = [
        await readFile(path.join(temporalServer!, 'cmd/server/main.go'), 'utf8'),
        await readFile(path.join(temporalServer!, 'common/config/loader.go'), 'utf8'),
      ].join('\n');
      const known = new Set([
        ...templateEnvNames(template),
        ...[...entrypoint.matchAll(/\$\{([A-Z_]+)/g)].map((match) => match[1]!),
        ...[...flags.matchAll(/"(TEMPORAL_[A-Z_]+)"/g)].map((match) => match[1]!),
      ]);
      for (const key of Object.keys(server.environment ?? {})) expect([...known], key).toContain(key);
      expect(template).toContain(`"${server.environment?.['DB']}"`);
      // The image ships no dynamic config: the file the template names by default is mounted.
      const dynamicConfig = /env "DYNAMIC_CONFIG_FILE_PATH"/.test(template)
        ? /default "([^"]+)" \(env "DYNAMIC_CONFIG_FILE_PATH"\)/.exec(template)?.[1]
        : undefined;
      expect(dynamicConfig).toBeDefined();
      expect(server.volumes?.map((volume) => volume.split(':')[1])).toContain(dynamicConfig);
      // The healthcheck asks the frontend's HTTP API on the template's port.
      const httpPort = /\$temporalHTTPPort := default "(\d+)"/.exec(template)?.[1];
      expect(server.healthcheck?.test).toContain(`http://127.0.0.1:${httpPort}/api/v1/cluster-info`);
    });

    it("temporalio/admin-tools: the schema tool's own variables, subcommands and schema folders", async () => {
      const schemaStep = services['temporal-schema']!;
      expect(schemaStep.image).toBe(`temporalio/admin-tools:${version}`);
      const tool = await readFile(path.join(temporalServer!, 'tools/sql/main.go'), 'utf8');
      const variables = [...tool.matchAll(/EnvVar: +"([A-Z_]+)"/g)].map((match) => match[1]!);
      for (const key of Object.keys(schemaStep.environment ?? {})) expect(variables, key).toContain(key);
      const script = schemaStep.command!.at(-1)!;
      for (const [, subcommand] of script.matchAll(/temporal-sql-tool --db \S+ ([a-z-]+)/g)) {
        expect(tool).toMatch(new RegExp(`Name:\\s+"${subcommand}"`));
      }
      // The image copies the module's schema/ to /etc/temporal/schema.
      const dockerfile = await readFile(path.join(temporalServer!, 'docker/targets/admin-tools.Dockerfile'), 'utf8');
      expect(dockerfile).toMatch(/^COPY \.\/build\/temporal\/schema \/etc\/temporal\/schema$/m);
      const base = /schemas=(\S+)/.exec(script)?.[1] ?? '';
      for (const [, folder] of script.matchAll(/"\$schemas\/([^"]+)"/g)) {
        const inModule = path.join(temporalServer!, `${base}/${folder}`.replace('/etc/temporal/schema', 'schema'));
        await expect(access(inModule), inModule).resolves.toBeUndefined();
      }
    });

    it.skipIf(temporalUi === undefined)(
      `temporalio/ui: its config template reads every variable set (ui-server ${TEMPORAL_UI_VERSION})`,
      async () => {
        const ui = services['temporal-ui']!;
        expect(ui.image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION.replace(/^v/, '')}`);
        const known = templateEnvNames(await readFile(path.join(temporalUi!, 'config/docker.yaml'), 'utf8'));
        for (const key of Object.keys(ui.environment ?? {})) expect([...known], key).toContain(key);
        // The codec server's CORS allows the UI's origin.
        expect(services['api']!.environment?.['CODEC_CORS_ORIGINS']).toBe(
          `http://localhost:${ui.ports![0]!.split(':').at(-1)}`,
        );
      },
    );
  },
);
