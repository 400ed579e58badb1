/**
 * The one place that reads the environment. Every setting is parsed and validated here, once;
 * the rest of the code receives a typed `AppConfig`. Defaults are the local dev stack's.
 * Each key is documented in `.env.example` and in the README's configuration table.
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** Schema of the environment variables, keyed by their names. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** An existing Temporal frontend (host:port). Unset: the dev stack starts its own. */
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('orders'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** A `temporal` CLI binary to use instead of looking on PATH or in `.tools/`. */
  TEMPORAL_CLI_PATH: optionalString,
  /** A `temporal-test-server` binary (time-skipping) to use instead of `.tools/`. */
  TEMPORAL_TEST_SERVER_PATH: optionalString,

  /** An existing MongoDB-wire database. Unset: the dev stack starts its own. */
  MONGODB_URI: optionalString,
  MONGODB_PORT: port.default(27017),
  MONGODB_DB_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/).default('amazon_pay_orders'),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),

  /** Where the dev stack keeps its data (Temporal SQLite file, database files). */
  DATA_DIR: z.string().min(1).default('.data'),
  /** Where provisioned tools live (Python venv with the Temporal binaries, FerretDB). */
  TOOLS_DIR: z.string().min(1).default('.tools'),
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  temporal: {
    /** Address of an external server, when configured. */
    externalAddress: string | undefined;
    /** Address the worker and API connect to. */
    address: string;
    namespace: string;
    taskQueue: string;
    port: number;
    uiPort: number;
    cliPath: string | undefined;
    testServerPath: string | undefined;
  };
  mongo: {
    externalUri: string | undefined;
    uri: string;
    port: number;
    dbName: string;
  };
  api: { host: string; port: number };
  dataDir: string;
  toolsDir: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment (by default `process.env`) into a config; throws `ConfigError` listing every bad key. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    temporal: {
      externalAddress: e.TEMPORAL_ADDRESS,
      address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      cliPath: e.TEMPORAL_CLI_PATH,
      testServerPath: e.TEMPORAL_TEST_SERVER_PATH,
    },
    mongo: {
      externalUri: e.MONGODB_URI,
      uri: e.MONGODB_URI ?? `mongodb://127.0.0.1:${e.MONGODB_PORT}/${e.MONGODB_DB_NAME}`,
      port: e.MONGODB_PORT,
      dbName: e.MONGODB_DB_NAME,
    },
    api: { host: e.API_HOST, port: e.API_PORT },
    dataDir: e.DATA_DIR,
    toolsDir: e.TOOLS_DIR,
  };
}

/**
 * Reads an environment-style override map the way `loadConfig` does, for the dev stack to hand
 * its children exactly the variables they need. Keeps the names in one place.
 */
export const envKeys = Object.keys(envSchema.shape) as (keyof Env)[];
