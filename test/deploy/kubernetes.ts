/**
 * The rendered chart as objects, and the ServiceMonitor checked against the Prometheus Operator's own
 * CRD schema (kubernetes-validate knows only Kubernetes' built-in kinds and lets others pass with a
 * warning).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';

interface Metadata {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface EnvVar {
  name: string;
  value?: string;
}

interface Probe {
  httpGet?: { path: string; port: string | number };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

interface PodSpec {
  containers: Container[];
  volumes?: { name: string; emptyDir?: object; secret?: { secretName: string } }[];
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    seccompProfile?: { type: string };
  };
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
  restartPolicy?: string;
}

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

/** One rendered object; `spec` is read through the kind-specific views below. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
  spec?: unknown;
  stringData?: Record<string, string>;
}

export interface Deployment extends KubernetesObject {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: PodTemplate };
}

export interface Job extends KubernetesObject {
  spec: { template: PodTemplate };
}

export interface Service extends KubernetesObject {
  spec: { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string | number }[] };
}

export interface PodDisruptionBudget extends KubernetesObject {
  spec: {
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    selector: { matchLabels: Record<string, string> };
  };
}

export interface HorizontalPodAutoscaler extends KubernetesObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: { type: string; resource?: { name: string } }[];
  };
}

export interface ServiceMonitor extends KubernetesObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: { port: string; path?: string; authorization?: { credentials?: { name: string; key: string } } }[];
  };
}

export function parseManifests(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => object !== null);
}

export function ofKind<T extends KubernetesObject>(objects: KubernetesObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[];
}

export function named<T extends KubernetesObject>(objects: KubernetesObject[], kind: string, suffix: string): T {
  const found = ofKind<T>(objects, kind).find((object) => object.metadata.name.endsWith(suffix));
  if (found === undefined) throw new Error(`no ${kind} named …${suffix}`);
  return found;
}

/** Whether every label of `selector` is on `labels`. */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

type JsonSchema = { [key: string]: unknown };

/**
 * A CRD's OpenAPI v3 schema as JSON Schema for ajv, as strict as `kubectl apply` with server-side
 * field validation `Strict`: an object with declared properties takes no others (the API server
 * would prune them) unless it says `x-kubernetes-preserve-unknown-fields`.
 */
function strictJsonSchema(node: JsonSchema): JsonSchema {
  const result: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties') {
      result[key] = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, child]) => [name, strictJsonSchema(child)]),
      );
    } else if (key === 'items' || key === 'additionalProperties' || key === 'not') {
      result[key] = typeof value === 'object' && value !== null ? strictJsonSchema(value as JsonSchema) : value;
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      result[key] = (value as JsonSchema[]).map(strictJsonSchema);
    } else {
      result[key] = value;
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    delete result['type'];
    result['anyOf'] = [
      ...((result['anyOf'] as JsonSchema[] | undefined) ?? []),
      { type: 'integer' },
      { type: 'string' },
    ];
  }
  if (node['properties'] !== undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    result['additionalProperties'] ??= false;
  }
  return result;
}

/** Validates objects of a CRD's kind against the CRD's schema (its served version); answers the errors. */
export async function crdValidator(crdFile: string): Promise<(object: KubernetesObject) => string[]> {
  const crd = parse(await readFile(crdFile, 'utf8')) as {
    spec: {
      names: { kind: string };
      group: string;
      versions: { name: string; served: boolean; schema: { openAPIV3Schema: JsonSchema } }[];
    };
  };
  const ajv = new Ajv({ allErrors: true, strict: false, formats: { int32: true, int64: true, 'date-time': true } });
  const validators = new Map(
    crd.spec.versions
      .filter((version) => version.served)
      .map((version) => [
        `${crd.spec.group}/${version.name}`,
        ajv.compile(strictJsonSchema(version.schema.openAPIV3Schema)),
      ]),
  );
  return (object) => {
    if (object.kind !== crd.spec.names.kind)
      return [`${object.kind} is not ${crd.spec.names.kind} (${path.basename(crdFile)})`];
    const validate = validators.get(object.apiVersion);
    if (validate === undefined) return [`${object.apiVersion} is not a served version of ${crd.spec.names.kind}`];
    if (validate(object)) return [];
    return (validate.errors ?? []).map(
      (error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`,
    );
  };
}
