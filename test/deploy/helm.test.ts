/**
 * The Helm chart (deploy/helm/amazon-pay-orders), with its default values and with the production
 * values an operator copies (deploy/helm/production-values.yaml): `helm lint --strict`, `helm template`
 * piped to kubernetes-validate (Kubernetes' own schemas, strict: unknown fields fail) at the oldest
 * Kubernetes the chart supports and the newest the validator knows, the ServiceMonitors against the
 * Prometheus Operator's CRD; then what a schema cannot see — probes on the ports the services listen
 * on, environment variables the service reads, the setup Job's order, budgets and autoscalers aimed at
 * the right pods. These are the README's commands, run as written.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { healthRoutes } from '../../api/routes/health.js';
import { envKeys, loadConfig } from '../../config/index.js';
import { HELM_VERSION, KUBERNETES_VALIDATE_VERSION, PROMETHEUS_OPERATOR_VERSION } from '../../scripts/tools.js';
import { serveWorkerHealth } from '../../worker/health.js';
import {
  crdValidator,
  named,
  ofKind,
  parseManifests,
  selects,
  type Container,
  type Deployment,
  type HorizontalPodAutoscaler,
  type Job,
  type KubernetesObject,
  type PodDisruptionBudget,
  type PodTemplate,
  type Service,
  type ServiceMonitor,
} from './kubernetes.js';
import { defaultFilesReadAtStart, FILES_READ_AT_START, imageWorkdirEntries } from './image.js';
import { commandSearchPath, deployTools, reportMissing, runCommand } from './tools.js';

const CHART = 'deploy/helm/amazon-pay-orders';
const PRODUCTION_VALUES = 'deploy/helm/production-values.yaml';
/** The oldest Kubernetes the chart supports (Chart.yaml `kubeVersion`) and the newest kubernetes-validate knows. */
const KUBERNETES_VERSIONS = ['1.25.0', '1.37.0'] as const;
const VALUE_SETS = { default: '', production: ` -f ${PRODUCTION_VALUES}` } as const;
type ValueSet = keyof typeof VALUE_SETS;

const lintCommand = (set: ValueSet) => `helm lint --strict ${CHART}${VALUE_SETS[set]}`;
const templateCommand = (set: ValueSet) => `helm template shop ${CHART}${VALUE_SETS[set]}`;
const validateCommand = (set: ValueSet, version: string) =>
  `${templateCommand(set)} --kube-version ${version} | kubernetes-validate --strict -k ${version} -`;

/** The commands the README's "Kubernetes (Helm)" part shows, in its order. */
const README_COMMANDS = (Object.keys(VALUE_SETS) as ValueSet[]).flatMap((set) => [
  lintCommand(set),
  ...KUBERNETES_VERSIONS.map((version) => validateCommand(set, version)),
]);

const SERVICE_MONITOR_CRD = 'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml';
/** The node image's `node` user, the Dockerfile's USER. */
const NODE_UID = 1000;

const tools = await deployTools();
reportMissing('test/deploy/helm.test.ts', tools.missing);
const canRender = tools.helm !== undefined;
/** PATH for the README's commands: set before the first one runs. */
let searchPath = '';

function container(template: PodTemplate, name: string): Container {
  const found = template.spec.containers.find((entry) => entry.name === name);
  if (found === undefined) throw new Error(`no container ${name}`);
  return found;
}

function envOf(entry: Container): Record<string, string> {
  return Object.fromEntries((entry.env ?? []).map((variable) => [variable.name, variable.value ?? '']));
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

function containerPort(entry: Container, port: string | number): number {
  if (typeof port === 'number') return port;
  const found = entry.ports?.find((candidate) => candidate.name === port);
  if (found === undefined) throw new Error(`${entry.name}: no port named ${port}`);
  return found.containerPort;
}

/** Every pod template of the release: Deployments' and the setup Job's. */
function podTemplates(objects: KubernetesObject[]): [string, PodTemplate][] {
  return [
    ...ofKind<Deployment>(objects, 'Deployment').map(
      (d) => [d.metadata.name, d.spec.template] as [string, PodTemplate],
    ),
    ...ofKind<Job>(objects, 'Job').map((j) => [j.metadata.name, j.spec.template] as [string, PodTemplate]),
  ];
}

/** Test values for the Secret's keys: what an operator puts there, valid for the config module. */
const SECRET_VALUES: Record<string, string> = {
  MONGODB_URI: 'mongodb://mongo-0.mongo:27017,mongo-1.mongo:27017/amazon_pay_orders?replicaSet=rs0',
  SESSION_SECRET: 'session-secret-of-the-test-0123456789',
  ORDER_TOKEN_SECRET: 'order-token-secret-of-the-test-0123456789',
  OPS_TOKENS: 'ops:operator:operator-token-of-the-test-0123,prometheus:viewer:viewer-token-of-the-test-0123',
  PAYLOAD_CODEC_KEYS: `prod-1:${Buffer.alloc(32, 7).toString('base64')}`,
  SMTP_URL: 'smtps://shop:mail-password-of-the-test@mail.example.jp:465',
  MAIL_FROM: 'order@shop.example.jp',
};

describe.skipIf(!canRender)(`Helm chart (helm ${HELM_VERSION})`, () => {
  const rendered = {} as Record<ValueSet, KubernetesObject[]>;
  const values = {} as Record<ValueSet, { existingSecret: string; filesSecret: string }>;
  let mountedFiles: string;
  let removeSearchPath: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ searchPath, remove: removeSearchPath } = await commandSearchPath(tools));
    for (const set of Object.keys(VALUE_SETS) as ValueSet[]) {
      const result = await runCommand(templateCommand(set), searchPath);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      rendered[set] = parseManifests(result.stdout);
      const defaults = parse(await readFile(`${CHART}/values.yaml`, 'utf8')) as Record<string, string>;
      const overrides =
        set === 'production' ? (parse(await readFile(PRODUCTION_VALUES, 'utf8')) as Record<string, string>) : {};
      values[set] = {
        existingSecret: overrides['existingSecret'] ?? defaults['existingSecret'] ?? '',
        filesSecret: overrides['filesSecret'] ?? defaults['filesSecret'] ?? '',
      };
    }
    // What the files Secret holds at /etc/amazon-pay-orders, for the config module to read.
    mountedFiles = await mkdtemp(path.join(os.tmpdir(), 'deploy-files-'));
    for (const file of [
      'temporal-ca.pem',
      'temporal-client.pem',
      'temporal-client-key.pem',
      'amazon-pay-private.pem',
    ]) {
      await writeFile(path.join(mountedFiles, file), '-----BEGIN TEST-----\n-----END TEST-----\n');
    }
  });

  afterAll(async () => {
    if (mountedFiles !== undefined) await rm(mountedFiles, { recursive: true, force: true });
    await removeSearchPath?.();
  });

  it.each(Object.keys(VALUE_SETS) as ValueSet[])('helm lint --strict passes with the %s values', async (set) => {
    const result = await runCommand(lintCommand(set), searchPath);
    expect(result.stdout + result.stderr).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.stdout).not.toContain('[WARNING]');
    expect(result.code).toBe(0);
  });

  describe.skipIf(tools.kubernetesValidate === undefined)(
    `every object is valid for Kubernetes (kubernetes-validate ${KUBERNETES_VALIDATE_VERSION}, strict)`,
    () => {
      it.each(
        (Object.keys(VALUE_SETS) as ValueSet[]).flatMap((set) => KUBERNETES_VERSIONS.map((version) => [set, version])),
      )('the %s values at Kubernetes %s', async (set, version) => {
        const result = await runCommand(validateCommand(set as ValueSet, version), searchPath);
        expect(result.stdout).not.toMatch(/^(ERROR|FATAL)/m);
        expect(result.code, result.stdout + result.stderr).toBe(0);
        const minor = version.split('.').slice(0, 2).join('.');
        // Each built-in kind validated by name; only the ServiceMonitors (a CRD) are left to the next test.
        for (const object of rendered[set as ValueSet]) {
          const id = `${object.kind.toLowerCase()}/${object.metadata.name}`;
          if (object.kind === 'ServiceMonitor') {
            expect(result.stdout).toContain(`Couldn't find schema for kind ServiceMonitor`);
          } else {
            expect(result.stdout).toContain(`passed for resource ${id} against version ${minor}`);
          }
        }
      });
    },
  );

  it.skipIf(tools.modules.prometheusOperator === undefined)(
    `the ServiceMonitors are valid for the Prometheus Operator's CRD (${PROMETHEUS_OPERATOR_VERSION}, unknown fields refused)`,
    async () => {
      const validate = await crdValidator(path.join(tools.modules.prometheusOperator!, SERVICE_MONITOR_CRD));
      const monitors = ofKind<ServiceMonitor>(rendered.production, 'ServiceMonitor');
      expect(monitors.map((monitor) => monitor.metadata.name).sort()).toEqual([
        'shop-amazon-pay-orders-api',
        'shop-amazon-pay-orders-worker',
      ]);
      for (const monitor of monitors) expect(validate(monitor), monitor.metadata.name).toEqual([]);
      // The check itself refuses a misspelt field.
      const misspelt = structuredClone(monitors[0]!) as ServiceMonitor & { spec: { endpoint?: unknown } };
      misspelt.spec.endpoint = misspelt.spec.endpoints;
      expect(validate(misspelt).join()).toContain(
        'must NOT have additional properties {"additionalProperty":"endpoint"}',
      );
      expect(ofKind(rendered.default, 'ServiceMonitor')).toEqual([]);
    },
  );

  it.each(Object.keys(VALUE_SETS) as ValueSet[])(
    '%s values: the API, the worker and the setup Job run the production build',
    async (set) => {
      const objects = rendered[set];
      const build = JSON.parse(await readFile('tsconfig.build.json', 'utf8')) as { include: string[] };
      const commands = {
        api: container(named<Deployment>(objects, 'Deployment', '-api').spec.template, 'api').command,
        worker: container(named<Deployment>(objects, 'Deployment', '-worker').spec.template, 'worker').command,
        'temporal-setup': container(named<Job>(objects, 'Job', '-temporal-setup').spec.template, 'temporal-setup')
          .command,
      };
      expect(commands).toEqual({
        api: ['node', 'dist/api/main.js'],
        worker: ['node', 'dist/worker/main.js'],
        'temporal-setup': ['node', 'dist/scripts/temporal-setup.js'],
      });
      // Each dist/ entry is compiled from a source that exists (scripts/build.mjs keeps the layout).
      for (const command of Object.values(commands)) {
        const source = /^dist\/(.+)\.js$/.exec(command![1]!)![1]!;
        await expect(readFile(`${source}.ts`)).resolves.toBeDefined();
        expect(build.include.some((entry) => entry === source.split('/')[0] || entry === `${source}.ts`)).toBe(true);
      }
      const images = podTemplates(objects).map(([, template]) => template.spec.containers[0]!.image);
      expect(new Set(images).size).toBe(1);
      expect(images[0]).toMatch(/:\d+\.\d+\.\d+$/);
    },
  );

  it.each(Object.keys(VALUE_SETS) as ValueSet[])(
    '%s values: probes reach /livez and /readyz on the ports the API and the worker listen on',
    async (set) => {
      const objects = rendered[set];
      const api = container(named<Deployment>(objects, 'Deployment', '-api').spec.template, 'api');
      const apiEnv = envOf(api);
      expect(apiEnv['API_HOST']).toBe('0.0.0.0');
      for (const probe of [api.startupProbe, api.livenessProbe]) {
        expect(probe?.httpGet?.path).toBe('/livez');
        expect(containerPort(api, probe!.httpGet!.port)).toBe(Number(apiEnv['API_PORT']));
      }
      expect(api.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(containerPort(api, api.readinessProbe!.httpGet!.port)).toBe(Number(apiEnv['API_PORT']));

      const worker = container(named<Deployment>(objects, 'Deployment', '-worker').spec.template, 'worker');
      const workerEnv = envOf(worker);
      // The default (127.0.0.1:9465) answers only inside the pod; the kubelet probes the pod's address.
      expect(workerEnv['WORKER_HEALTH_ADDRESS']).toMatch(/^0\.0\.0\.0:\d+$/);
      expect(workerEnv['WORKER_METRICS_ADDRESS']).toMatch(/^0\.0\.0\.0:\d+$/);
      const healthPort = portOf(workerEnv['WORKER_HEALTH_ADDRESS']!);
      for (const probe of [worker.startupProbe, worker.livenessProbe]) {
        expect(probe?.httpGet?.path).toBe('/livez');
        expect(containerPort(worker, probe!.httpGet!.port)).toBe(healthPort);
      }
      expect(worker.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(containerPort(worker, worker.readinessProbe!.httpGet!.port)).toBe(healthPort);
      expect(containerPort(worker, 'metrics')).toBe(portOf(workerEnv['WORKER_METRICS_ADDRESS']!));
    },
  );

  it.each(Object.keys(VALUE_SETS) as ValueSet[])(
    '%s values: every environment variable and Secret key is one the service reads, and the config module accepts them',
    async (set) => {
      const objects = rendered[set];
      const secrets = ofKind(objects, 'Secret');
      if (values[set].existingSecret === '') {
        // The chart's own Secret: the settings production refuses to start without, none of them filled in.
        expect(secrets).toHaveLength(1);
        const data = secrets[0]!.stringData ?? {};
        for (const key of Object.keys(data)) expect(envKeys, `Secret key ${key}`).toContain(key);
        expect(Object.keys(data).sort()).toEqual(Object.keys(SECRET_VALUES).sort());
        for (const key of [
          'SESSION_SECRET',
          'ORDER_TOKEN_SECRET',
          'OPS_TOKENS',
          'PAYLOAD_CODEC_KEYS',
          'SMTP_URL',
          'MAIL_FROM',
        ]) {
          expect(data[key], `${key} ships empty`).toBe('');
        }
      } else {
        expect(secrets).toEqual([]);
      }
      for (const [name, template] of podTemplates(objects)) {
        for (const entry of template.spec.containers) {
          const names = (entry.env ?? []).map((variable) => variable.name);
          expect(new Set(names).size, `${name}: a variable set twice`).toBe(names.length);
          for (const key of names) expect(envKeys, `${name}: ${key}`).toContain(key);
          // Nothing but the one Secret: no ConfigMap the pre-install Job would wait for.
          expect(entry.envFrom).toEqual([
            { secretRef: { name: values[set].existingSecret || `shop-amazon-pay-orders-secrets` } },
          ]);
          // Every file setting points into the mounted files Secret (here: a folder standing in for it).
          const mounts = entry.volumeMounts ?? [];
          const env = envOf(entry);
          for (const [key, value] of Object.entries(env).filter(([key]) => key.endsWith('_PATH'))) {
            const mount = mounts.find((candidate) => value.startsWith(`${candidate.mountPath}/`));
            expect(mount, `${name}: ${key}=${value} is not on a mounted volume`).toBeDefined();
            expect(template.spec.volumes?.find((volume) => volume.name === mount!.name)?.secret?.secretName).toBe(
              values[set].filesSecret,
            );
            env[key] = path.join(mountedFiles, path.basename(value));
          }
          expect(() => loadConfig({ ...env, ...SECRET_VALUES }), name).not.toThrow();
        }
      }
    },
  );

  it.each(Object.keys(VALUE_SETS) as ValueSet[])(
    '%s values: the setup Job runs before everything it needs is gone, and before the new pods',
    (set) => {
      const objects = rendered[set];
      const job = named<Job>(objects, 'Job', '-temporal-setup');
      const hook = (object: KubernetesObject) => ({
        events: (object.metadata.annotations?.['helm.sh/hook'] ?? '').split(','),
        weight: Number(object.metadata.annotations?.['helm.sh/hook-weight'] ?? 0),
      });
      expect(hook(job).events).toEqual(['pre-install', 'pre-upgrade']);
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
      // A pre-install hook runs before the release's ordinary objects exist: the Secret it reads is a
      // hook of a lower weight, or one made before the release.
      const secret = ofKind(objects, 'Secret')[0];
      if (secret === undefined) {
        expect(values[set].existingSecret).not.toBe('');
      } else {
        expect(hook(secret).events).toEqual(['pre-install', 'pre-upgrade']);
        expect(hook(secret).weight).toBeLessThan(hook(job).weight);
        // Replaced at each upgrade, never deleted once the Job is done (the pods read it).
        expect(secret.metadata.annotations?.['helm.sh/hook-delete-policy']).toBe('before-hook-creation');
      }
      expect(ofKind(objects, 'ConfigMap')).toEqual([]);
    },
  );

  it.each(Object.keys(VALUE_SETS) as ValueSet[])(
    '%s values: pods run as the image user, without privileges, on a read-only root (restricted Pod Security)',
    (set) => {
      for (const [name, template] of podTemplates(rendered[set])) {
        const pod = template.spec;
        expect(pod.securityContext, name).toMatchObject({
          runAsNonRoot: true,
          runAsUser: NODE_UID,
          runAsGroup: NODE_UID,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(pod.automountServiceAccountToken, name).toBe(false);
        for (const entry of pod.containers) {
          expect(entry.securityContext, name).toEqual({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          });
          // The one writable place: an emptyDir of its own at /tmp.
          const tmp = entry.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
          expect(pod.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir, name).toBeDefined();
          expect(entry.resources?.requests?.['cpu'], name).toBeDefined();
          expect(entry.resources?.requests?.['memory'], name).toBeDefined();
          expect(entry.resources?.limits?.['memory'], name).toBeDefined();
        }
      }
    },
  );

  it('production values: the files the service reads at start are the merchant’s, from the files Secret (not the sandbox defaults)', async () => {
    const inImage = await imageWorkdirEntries();
    expect(inImage.sort()).toEqual(['dist', 'node_modules', 'package.json']);
    for (const file of defaultFilesReadAtStart()) expect(file).toMatch(/^keys\/sandbox\//);
    for (const name of ['-api', '-worker']) {
      const deployment = named<Deployment>(rendered.production, 'Deployment', name);
      const env = envOf(deployment.spec.template.spec.containers[0]!);
      // …and on a mounted volume: the previous test checks every *_PATH setting for that.
      for (const key of FILES_READ_AT_START) expect(env[key], `${name}: ${key}`).toMatch(/^\/etc\/amazon-pay-orders\//);
    }
  });

  it('the image runs as `node` (uid 1000 in the node images), the user the pods name', async () => {
    const dockerfile = await readFile('Dockerfile', 'utf8');
    expect(dockerfile.match(/^USER (.+)$/gm)?.at(-1)).toBe('USER node');
    expect(dockerfile).toMatch(/^FROM node:\d+-bookworm-slim$/m);
  });

  it.each(Object.keys(VALUE_SETS) as ValueSet[])(
    "%s values: the worker's grace period outlasts its drain, budgets never block a drain, autoscalers aim at the Deployments",
    (set) => {
      const objects = rendered[set];
      const deployments = ofKind<Deployment>(objects, 'Deployment');
      const autoscalers = ofKind<HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
      const worker = named<Deployment>(objects, 'Deployment', '-worker');
      const drain = Number(envOf(container(worker.spec.template, 'worker'))['WORKER_SHUTDOWN_GRACE_SECONDS']);
      expect(drain).toBeGreaterThan(0);
      expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(drain);

      for (const deployment of deployments) {
        const name = deployment.metadata.name;
        const pods = deployment.spec.template.metadata.labels;
        expect(selects(deployment.spec.selector.matchLabels, pods), name).toBe(true);
        const autoscaler = autoscalers.find((hpa) => hpa.spec.scaleTargetRef.name === name);
        const fewest = autoscaler?.spec.minReplicas ?? deployment.spec.replicas ?? 1;
        expect(fewest, `${name}: more than one replica`).toBeGreaterThanOrEqual(2);
        if (autoscaler !== undefined) {
          // The autoscaler owns the count: an upgrade must not reset it.
          expect(deployment.spec.replicas, name).toBeUndefined();
          expect(autoscaler.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
          expect(autoscaler.spec.maxReplicas).toBeGreaterThan(autoscaler.spec.minReplicas);
          // CPU utilisation is measured against the requests.
          expect(autoscaler.spec.metrics.map((metric) => metric.resource?.name)).toEqual(['cpu']);
          for (const entry of deployment.spec.template.spec.containers) {
            expect(entry.resources?.requests?.['cpu']).toBeDefined();
          }
        }
        const budgets = ofKind<PodDisruptionBudget>(objects, 'PodDisruptionBudget').filter((pdb) =>
          selects(pdb.spec.selector.matchLabels, pods),
        );
        expect(budgets, `${name}: one budget`).toHaveLength(1);
        const budget = budgets[0]!.spec;
        if (budget.minAvailable !== undefined) {
          expect(Number(budget.minAvailable), `${name}: minAvailable blocks every eviction`).toBeLessThan(fewest);
        } else {
          expect(Number(budget.maxUnavailable)).toBeGreaterThanOrEqual(1);
          expect(Number(budget.maxUnavailable)).toBeLessThan(fewest);
        }
      }
      expect(autoscalers.length).toBe(set === 'production' ? 2 : 0);
      for (const autoscaler of autoscalers) {
        expect(deployments.map((deployment) => deployment.metadata.name)).toContain(
          autoscaler.spec.scaleTargetRef.name,
        );
      }
    },
  );

  it.each(Object.keys(VALUE_SETS) as ValueSet[])(
    '%s values: Services and ServiceMonitors reach the pods on ports the containers name',
    (set) => {
      const objects = rendered[set];
      const deployments = ofKind<Deployment>(objects, 'Deployment');
      const services = ofKind<Service>(objects, 'Service');
      for (const service of services) {
        const targets = deployments.filter((deployment) =>
          selects(service.spec.selector, deployment.spec.template.metadata.labels),
        );
        expect(targets, service.metadata.name).toHaveLength(1);
        for (const port of service.spec.ports) {
          expect(() => containerPort(targets[0]!.spec.template.spec.containers[0]!, port.targetPort)).not.toThrow();
        }
      }
      for (const monitor of ofKind<ServiceMonitor>(objects, 'ServiceMonitor')) {
        const selected = services.filter((service) =>
          selects(monitor.spec.selector.matchLabels, service.metadata.labels ?? {}),
        );
        expect(selected, monitor.metadata.name).toHaveLength(1);
        for (const endpoint of monitor.spec.endpoints) {
          expect(selected[0]!.spec.ports.map((port) => port.name)).toContain(endpoint.port);
          expect(endpoint.path).toBe('/metrics');
        }
      }
      if (set === 'production') {
        // The API's /metrics wants an ops credential: a viewer token from a Secret of the operator's.
        const api = named<ServiceMonitor>(objects, 'ServiceMonitor', '-api');
        expect(api.spec.endpoints[0]!.authorization?.credentials).toEqual({
          name: 'amazon-pay-orders-metrics-token',
          key: 'token',
        });
      }
    },
  );

  it('a ServiceMonitor without the API token Secret is refused at render time, saying what is missing', async () => {
    const result = await runCommand(`${templateCommand('default')} --set serviceMonitor.enabled=true`, searchPath);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('serviceMonitor.apiToken.secretName');
  });
});

it("the probed paths are the services' own: the API's health routes and the worker's health server answer them", async () => {
  const down = { temporal: async () => true, database: async () => false };
  const app = express().use(healthRoutes(down));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const workerHealth = await serveWorkerHealth('127.0.0.1:0', { state: () => 'RUNNING', database: async () => false });
  try {
    for (const base of [server.address(), workerHealth.address()]) {
      const { port } = base as { port: number };
      expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
      // Not ready while the database is down: out of rotation, not restarted.
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    }
  } finally {
    server.close();
    workerHealth.close();
  }
});

it("the README's Kubernetes part shows exactly these commands", async () => {
  const readme = await readFile('README.md', 'utf8');
  const part = readme.slice(readme.indexOf('**Kubernetes (Helm).**'), readme.indexOf('**Compose.**'));
  const shown = [...part.matchAll(/^(helm (?:lint|template) .+)$/gm)].map((match) => match[1]);
  expect(shown).toEqual(README_COMMANDS);
  expect(part).toContain('test/deploy/helm.test.ts');
});
