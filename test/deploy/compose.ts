/**
 * docker-compose.prod.yml as Docker Compose reads it: YAML with merge keys, then `${…}` interpolation
 * from the environment (compose-go's rules for `$$`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
 * `${NAME:?error}` and `${NAME?error}`), then the Compose Specification's schema.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

export const PRODUCTION_COMPOSE_FILE = 'docker-compose.prod.yml';

interface Healthcheck {
  test: string[];
  interval?: string;
  retries?: number;
}

export interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  env_file?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: Healthcheck;
  restart?: string;
  ports?: string[];
  volumes?: string[];
  secrets?: string[];
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  read_only?: boolean;
  tmpfs?: string[];
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file: string }>;
  volumes?: Record<string, unknown>;
}

/** Interpolates every string of a parsed file; answers the result and the errors Compose would stop with. */
export function interpolate(value: unknown, environment: Record<string, string | undefined>, errors: string[] = []) {
  const substitute = (text: string) =>
    text.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (match, braced?: string, colon?: string, operator?: string, argument?: string, bare?: string) => {
        if (match === '$$') return '$';
        const name = (braced ?? bare)!;
        const current = environment[name];
        const unset = current === undefined || (colon === ':' && current === '');
        if (operator === '-') return unset ? argument! : current!;
        if (operator === '?' && unset) {
          errors.push(`${name}: ${argument}`);
          return '';
        }
        return current ?? '';
      },
    );
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return substitute(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    }
    return node;
  };
  return { result: walk(value), errors };
}

/** The file as parsed YAML (merge keys applied), before interpolation. */
export async function readComposeFile(file = PRODUCTION_COMPOSE_FILE): Promise<unknown> {
  return parse(await readFile(file, 'utf8'), { merge: true }) as unknown;
}

/** `depends_on` in its long form, whatever form the file uses. */
export function dependencies(service: ComposeService): Record<string, { condition: string }> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) {
    return Object.fromEntries(dependsOn.map((name) => [name, { condition: 'service_started' }]));
  }
  return dependsOn;
}

/** The names a template reads with `env "NAME"` (Go templates with sprig) or `.Env.NAME` (dockerize). */
export function templateEnvNames(template: string): Set<string> {
  return new Set(
    [...template.matchAll(/env "([A-Z0-9_]+)"|\.Env\.([A-Z0-9_]+)/g)].map((match) => (match[1] ?? match[2])!),
  );
}

/** A Compose duration (`40s`, `1m30s`) in seconds. */
export function seconds(duration: string): number {
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(h|m|s|ms|us)/g)) {
    total += Number(amount) * { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 }[unit as 'h' | 'm' | 's' | 'ms' | 'us'];
  }
  return total;
}
