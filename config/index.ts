/**
 * The one place that reads the environment. Every setting is parsed and validated here, once;
 * the rest of the code receives a typed `AppConfig`. Defaults are the local dev stack's.
 * Each key is documented in `.env.example` and in the README's configuration table.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { z } from 'zod';
import { extraFieldDefinitionSchema, type ExtraFieldDefinition } from '../domain/member.js';
import { isPointsRate } from '../domain/points.js';

const port = z.coerce.number().int().min(1).max(65535);
/**
 * A shipped sandbox file, found beside the code whatever the working folder: `keys/sandbox/` of the
 * repository, `dist/keys/sandbox/` of the build (the image has only the build).
 */
function sandboxFile(name: string): string {
  return fileURLToPath(new URL(`../keys/sandbox/${name}`, import.meta.url));
}

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** Empty (unset) or a whole number ≥ `min`. */
const optionalInt = (min: number) =>
  z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : Number(value)))
    .optional()
    .pipe(z.number().int().min(min).optional());
const optionalPositiveInt = optionalInt(1);

/** Comma-separated secrets, each of 16 characters or more: the first signs, every one verifies. */
function secretList(name: string) {
  return z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((secret) => secret.trim())
        .filter((secret) => secret !== ''),
    )
    .pipe(
      z
        .array(z.string().min(16, `${name}: each secret needs 16 characters or more`))
        .min(1, `${name}: at least one secret`),
    );
}

/** Schema of the environment variables, keyed by their names. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** An existing Temporal frontend (host:port). Unset: the dev stack starts its own. */
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /**
   * How to reach a production Temporal, in Temporal's own client settings (the `temporal` CLI and every
   * SDK read the same names): an API key (Temporal Cloud), TLS with a custom CA and server name, mTLS
   * client certificates, or a TOML profile file. `TEMPORAL_TLS=true` turns TLS on with the system's CAs.
   */
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: optionalString.pipe(z.stringbool().optional()),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalString,
  /** A TOML file of connection profiles (Temporal's client config format); read only when set. */
  TEMPORAL_CONFIG_FILE: optionalString,
  /** The profile of TEMPORAL_CONFIG_FILE to use (default: `default`); the variables above override it. */
  TEMPORAL_PROFILE: optionalString,
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('orders'),
  /** Where new orders schedule their Amazon Pay calls (default: `<TEMPORAL_TASK_QUEUE>-amazon-pay`). */
  TEMPORAL_AMAZON_TASK_QUEUE: optionalString,
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** A `temporal` CLI binary to use instead of looking on PATH or in `.tools/`. */
  TEMPORAL_CLI_PATH: optionalString,
  /** A `temporal-test-server` binary (time-skipping) to use instead of `.tools/`. */
  TEMPORAL_TEST_SERVER_PATH: optionalString,

  /** An existing MongoDB-wire database. Unset: the dev stack starts its own. */
  MONGODB_URI: optionalString,
  MONGODB_PORT: port.default(27017),
  /** The database; default: the path of MONGODB_URI, else `amazon_pay_orders`. */
  MONGODB_DB_NAME: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional(),
  ),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),

  /**
   * Amazon Pay. `emulator`: the project's sandbox emulator at AMAZON_PAY_EMULATOR_URL (dev, tests);
   * `amazon`: Amazon's own endpoints (sandbox or live by AMAZON_PAY_SANDBOX).
   */
  AMAZON_PAY_TARGET: z.enum(['emulator', 'amazon']).default('emulator'),
  AMAZON_PAY_EMULATOR_URL: z.url().default('http://127.0.0.1:4100'),
  AMAZON_PAY_SANDBOX: z.stringbool().default(true),
  AMAZON_PAY_PUBLIC_KEY_ID: z.string().min(1).default('SANDBOX-AEMULATORMERCHANTKEY000001'),
  /** PEM file of the merchant's private key; the default is the shipped sandbox key (never use it live). */
  AMAZON_PAY_PRIVATE_KEY_PATH: z.string().min(1).default(sandboxFile('merchant-private.pem')),
  AMAZON_PAY_ALGORITHM: z.enum(['AMZN-PAY-RSASSA-PSS', 'AMZN-PAY-RSASSA-PSS-V2']).default('AMZN-PAY-RSASSA-PSS-V2'),
  AMAZON_PAY_STORE_ID: z.string().min(1).default('amzn1.application-oa2-client.emulatorstore0001'),
  AMAZON_PAY_MERCHANT_ID: z.string().min(1).default('A3EMULATORMERCHANT'),
  /** Certificate (PEM) trusted for Amazon Pay notification signatures; the default is the emulator's. */
  AMAZON_PAY_NOTIFICATION_CERT_PATH: z.string().min(1).default(sandboxFile('emulator-notification-cert.pem')),

  /** The Amazon Pay emulator (`npm run emulator`; started by `npm start`). */
  EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  EMULATOR_PORT: port.default(4100),
  /** Where the emulator POSTs its notifications; empty: none are sent. */
  EMULATOR_NOTIFICATION_URL: optionalString,
  /** How long a simulated pending authorization stays pending (Amazon's sandbox: 30 s). */
  EMULATOR_PENDING_AUTH_DELAY_MS: z.coerce.number().int().min(0).default(30_000),

  /** Public base URL of the API (return URLs handed to Amazon); default http://API_HOST:API_PORT. */
  PUBLIC_BASE_URL: optionalString,

  /**
   * Signs the shop's session cookies (and the codec server's). Comma-separated for rotation: the first
   * signs, all are accepted. Required in production; the default is for development only.
   */
  SESSION_SECRET: z.string().default('dev-only-session-secret-change-me').pipe(secretList('SESSION_SECRET')),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 14),
  /**
   * Ops API credentials: comma-separated `name:role:token` (role `viewer` reads, `operator` also acts).
   * Required in production; the defaults are for development only.
   */
  OPS_TOKENS: z
    .string()
    .default('ops:operator:dev-only-ops-token-change-me,viewer:viewer:dev-only-viewer-token-change-me'),
  /** How long a staff sign-in (ops console, codec server) lasts; signing in again starts a new one. */
  STAFF_SESSION_HOURS: z.coerce.number().int().min(1).max(24).default(8),
  /** Failed staff sign-ins in a row that lock the account, and for how long (minutes). */
  STAFF_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  STAFF_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /**
   * Failed staff sign-ins from one client address (any login) within STAFF_LOCKOUT_MINUTES before its
   * sign-ins are refused (429) for the rest of that window: one password tried on many accounts.
   */
  STAFF_SIGN_IN_FAILURES_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /**
   * The shop's extra member fields (C6), as JSON: `[{ "key", "label", "required" }]`. Amazon does not
   * supply them, so members registered through Amazon are asked for the required ones later.
   */
  MEMBER_EXTRA_FIELDS: z
    .string()
    .default(
      '[{"key":"birthday","label":"生年月日","required":true},{"key":"occupation","label":"職業","required":false}]',
    ),
  PASSWORD_RESET_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),

  /**
   * Payload codec keys (AES-256-GCM): comma-separated `keyId:base64key` (32-byte keys). The first key
   * encrypts, every listed key decrypts: rotate by putting a new key first and keeping the old ones
   * while histories encrypted with them exist. Required in production; the default is for development only.
   */
  PAYLOAD_CODEC_KEYS: z.string().default('dev-1:IkfPL4syRKCzVRqVncAlaFkVwlxOvKrQQECr2LRUnnY='),
  /** Origins allowed to call the codec server (the Temporal Web UI); default http://127.0.0.1 and http://localhost on TEMPORAL_UI_PORT. */
  CODEC_CORS_ORIGINS: optionalString,
  /** Storefront requests (`/api/*`) per client IP and minute. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  /** Where the rate limit counts: `database` (shared by every API replica) or `memory` (one process). */
  API_RATE_LIMIT_STORE: z.enum(['database', 'memory']).default('database'),
  /**
   * Which proxies to believe for the client's address and protocol (Express's `trust proxy`): empty =
   * none (the API faces clients directly), a number of hops (`1` behind one load balancer), or
   * comma-separated addresses / CIDRs / `loopback`, `uniquelocal`. Behind TLS termination it is what
   * makes the session cookie `secure` and the rate limit per client rather than per balancer.
   */
  TRUST_PROXY: optionalString,
  /** Where the worker serves its Prometheus metrics (Temporal runtime telemetry), `host:port`; `off` disables. */
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^(off|[A-Za-z0-9.-]+:\d{1,5})$/, 'expected host:port or off')
    .default('127.0.0.1:9464'),

  /**
   * Worker tuning (empty: the SDK's defaults). Task slots bound what one worker runs at once; the cache
   * keeps recent orders in memory (a miss replays the history); pollers are requests held open per kind.
   */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: optionalPositiveInt,
  WORKER_MAX_CONCURRENT_ACTIVITIES: optionalPositiveInt,
  WORKER_MAX_CACHED_WORKFLOWS: optionalInt(0),
  WORKER_WORKFLOW_TASK_POLLERS: optionalPositiveInt,
  WORKER_ACTIVITY_TASK_POLLERS: optionalPositiveInt,
  /**
   * Amazon Pay calls per second across every worker (the Amazon task queue's rate, kept by the Temporal
   * server). 4: the smallest published restore rate, so no call type exceeds its quota whatever the mix.
   */
  WORKER_AMAZON_CALLS_PER_SECOND: z.coerce.number().positive().max(1000).default(4),
  /** On SIGTERM the worker stops polling and lets running activities finish for this long before cancelling them. */
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(25),
  /** Where the worker answers /livez and /readyz (for an orchestrator's probes), `host:port`; `off` disables. */
  WORKER_HEALTH_ADDRESS: z
    .string()
    .regex(/^(off|[A-Za-z0-9.-]+:\d{1,5})$/, 'expected host:port or off')
    .default('127.0.0.1:9465'),

  /**
   * Tracing (OpenTelemetry), off unless an OTLP endpoint is set; the names are OpenTelemetry's own.
   * `…_TRACES_ENDPOINT` is the full URL spans are POSTed to; `…_ENDPOINT` is a base (`/v1/traces` is
   * appended). OTLP over HTTP only (protobuf or JSON). `OTEL_SDK_DISABLED=true` keeps it off regardless.
   */
  OTEL_SDK_DISABLED: optionalString.pipe(z.stringbool().optional()),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  /** Sent with every export (a vendor's API key): `name=value,…`, values percent-encoded. */
  OTEL_EXPORTER_OTLP_HEADERS: optionalString,
  /** `service.name` of the spans; default `amazon-pay-orders-api` / `amazon-pay-orders-worker`. */
  OTEL_SERVICE_NAME: optionalString,
  /** More resource attributes (`deployment.environment.name=prod,…`). */
  OTEL_RESOURCE_ATTRIBUTES: optionalString,
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .default('parentbased_always_on'),
  /** The ratio of the `…traceidratio` samplers, 0 to 1 (default 1). */
  OTEL_TRACES_SAMPLER_ARG: z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : Number(value)))
    .optional()
    .pipe(z.number().min(0).max(1).optional()),

  /** Purchase points (P1–P3): `standard` or `commerce_creator`, and the rate in percent of the points base. */
  POINTS_MODE: z.enum(['standard', 'commerce_creator']).default('standard'),
  POINTS_RATE_PERCENT: z.coerce
    .number()
    .min(0)
    .max(100)
    .refine(isPointsRate, 'at most two decimals (e.g. 1.25)')
    .default(1),
  /** Shown to buyers on Amazon's pages (merchantStoreName) and in mails. */
  SHOP_NAME: z.string().min(1).max(50).default('Amazon Pay デモショップ'),

  /**
   * The shop's mail server, as nodemailer takes it: `smtp://user:pass@host:587` (STARTTLS when the
   * server offers it) or `smtps://user:pass@host:465` (TLS from the start). Unset: the dev stack's
   * SMTP catcher on MAIL_CATCHER_SMTP_PORT. Required in production.
   */
  SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$/, error: 'expected smtp://… or smtps://…' }).optional()),
  /** The sender of the order and member e-mails (the shop's name is its display name). Required in production. */
  MAIL_FROM: optionalString.pipe(z.email().optional()),
  /** The SMTP catcher `npm start` runs when SMTP_URL is unset: its SMTP port and its web inbox. */
  MAIL_CATCHER_SMTP_PORT: port.default(1025),
  MAIL_CATCHER_UI_PORT: port.default(1080),
  /** Signs the per-order access tokens handed to guest buyers; comma-separated like SESSION_SECRET. Required in production. */
  ORDER_TOKEN_SECRET: z
    .string()
    .default('dev-only-order-token-secret-change-me')
    .pipe(secretList('ORDER_TOKEN_SECRET')),

  /** Where the dev stack keeps its data (Temporal SQLite file, database files). */
  DATA_DIR: z.string().min(1).default('.data'),
  /** Where provisioned tools live (Python venv with the Temporal binaries, FerretDB). */
  TOOLS_DIR: z.string().min(1).default('.tools'),
});

export type Env = z.infer<typeof envSchema>;

/** The Temporal worker options these settings map to (names as the SDK spells them). */
export interface WorkerTuning {
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  maxCachedWorkflows?: number;
  maxConcurrentWorkflowTaskPolls?: number;
  maxConcurrentActivityTaskPolls?: number;
}

/** What `Connection.connect` and `NativeConnection.connect` take, as Temporal's envconfig builds it. */
type TemporalConnectionOptions = ReturnType<typeof loadClientConnectConfig>['connectionOptions'] & {
  address: string;
};

/** OpenTelemetry tracing, when an OTLP endpoint is configured (`AppConfig.tracing`). */
export interface TracingConfig {
  /** The URL spans are POSTed to (OTLP over HTTP). */
  tracesUrl: string;
  protocol: 'http/protobuf' | 'http/json';
  headers: Record<string, string>;
  /** `service.name`; unset: named after the process (`amazon-pay-orders-api`, `…-worker`). */
  serviceName: string | undefined;
  resourceAttributes: Record<string, string>;
  sampler: { name: Env['OTEL_TRACES_SAMPLER']; ratio: number };
}

export interface AppConfig {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  temporal: {
    /** Address of an external server, when configured. */
    externalAddress: string | undefined;
    /** Address the worker and API connect to. */
    address: string;
    /** Everything a connection needs (address, TLS, API key, gRPC metadata): pass it to `Connection.connect`. */
    connection: TemporalConnectionOptions;
    namespace: string;
    /** The order workflows, the shop's own activities. */
    taskQueue: string;
    /** Amazon Pay calls of new orders, rate-limited across all workers (`worker.amazonCallsPerSecond`). */
    amazonTaskQueue: string;
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
  api: {
    host: string;
    port: number;
    publicBaseUrl: string;
    rateLimitPerMinute: number;
    rateLimitStore: 'database' | 'memory';
    trustProxy: boolean | number | string;
  };
  amazonPay: {
    target: 'emulator' | 'amazon';
    emulatorUrl: string;
    sandbox: boolean;
    publicKeyId: string;
    privateKeyPath: string;
    algorithm: 'AMZN-PAY-RSASSA-PSS' | 'AMZN-PAY-RSASSA-PSS-V2';
    storeId: string;
    merchantId: string;
    notificationCertPath: string;
  };
  emulator: {
    host: string;
    port: number;
    notificationUrl: string | undefined;
    pendingAuthDelayMs: number;
    /** The test-control API under /__emulator/ (never in production). */
    controlApi: boolean;
  };
  members: {
    /** The first signs; all verify (rotation). */
    sessionSecrets: string[];
    sessionTtlHours: number;
    extraFields: ExtraFieldDefinition[];
    passwordResetTtlMinutes: number;
  };
  ops: { credentials: OpsCredential[] };
  /** Staff accounts (db): sign-in for people, next to the bearer tokens for machines. */
  staff: { sessionHours: number; lockoutAttempts: number; lockoutMinutes: number; signInFailuresPerIp: number };
  codec: {
    /** The first key encrypts; all decrypt. */
    keys: PayloadCodecKey[];
    /** Origins allowed to call the codec server (the Temporal Web UI). */
    corsOrigins: string[];
  };
  worker: {
    metricsAddress: string | undefined;
    healthAddress: string | undefined;
    shutdownGraceSeconds: number;
    amazonCallsPerSecond: number;
    /** Only what is set; the SDK's defaults otherwise. */
    tuning: WorkerTuning;
  };
  mail: {
    /** Where mail is sent (nodemailer's connection URL). */
    smtpUrl: string;
    /** Set when SMTP_URL names the mail server; undefined: the dev stack's catcher. */
    externalSmtpUrl: string | undefined;
    from: string;
    /** The dev stack's SMTP catcher (started only when SMTP_URL is unset). */
    catcher: { smtpPort: number; uiPort: number };
  };
  orders: {
    pointsMode: 'standard' | 'commerce_creator';
    pointsRatePercent: number;
    shopName: string;
    /** The first signs; all verify (rotation). */
    tokenSecrets: string[];
  };
  /** Unset: no tracing at all (nothing of OpenTelemetry is loaded). */
  tracing: TracingConfig | undefined;
  dataDir: string;
  toolsDir: string;
}

const extraFieldsJson = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.array(extraFieldDefinitionSchema).max(20));

const DEV_ONLY_SECRETS = ['SESSION_SECRET', 'OPS_TOKENS', 'ORDER_TOKEN_SECRET', 'PAYLOAD_CODEC_KEYS'] as const;
/** A live shop mails its buyers through its own server, never the dev stack's catcher. */
const MAIL_SETTINGS_FOR_PRODUCTION = ['SMTP_URL', 'MAIL_FROM'] as const;
const DEFAULT_MAIL_FROM = 'order@example.jp';

export interface PayloadCodecKey {
  id: string;
  key: Buffer;
}

const codecKeysSchema = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  )
  .pipe(
    z
      .array(
        z.string().transform((entry, ctx) => {
          const separator = entry.indexOf(':');
          const id = separator < 0 ? entry : entry.slice(0, separator);
          const encoded = separator < 0 ? '' : entry.slice(separator + 1);
          const key = Buffer.from(encoded, 'base64');
          if (!/^[A-Za-z0-9_.-]{1,40}$/.test(id) || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length !== 32) {
            ctx.addIssue({ code: 'custom', message: `"${id}": expected keyId:base64 of a 32-byte key` });
            return z.NEVER;
          }
          return { id, key } satisfies PayloadCodecKey;
        }),
      )
      .min(1)
      .refine((list) => new Set(list.map((k) => k.id)).size === list.length, 'key ids must be unique'),
  );

export type OpsRole = 'viewer' | 'operator';
export interface OpsCredential {
  name: string;
  role: OpsRole;
  token: string;
}

const opsTokensSchema = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  )
  .pipe(
    z
      .array(
        z.string().transform((entry, ctx) => {
          const [name = '', role = '', ...rest] = entry.split(':');
          const token = rest.join(':');
          const parsed = z
            .object({
              name: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/),
              role: z.enum(['viewer', 'operator']),
              token: z.string().min(16),
            })
            .safeParse({ name, role, token });
          if (!parsed.success) {
            ctx.addIssue({
              code: 'custom',
              message: `"${name}": expected name:viewer|operator:token (token ≥ 16 characters)`,
            });
            return z.NEVER;
          }
          return parsed.data as OpsCredential;
        }),
      )
      .min(1)
      .refine((list) => new Set(list.map((c) => c.name)).size === list.length, 'names must be unique')
      .refine((list) => new Set(list.map((c) => c.token)).size === list.length, 'tokens must be unique'),
  );

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
  if (e.NODE_ENV === 'production') {
    const defaults = DEV_ONLY_SECRETS.filter((key) => source[key] === undefined || source[key] === '');
    if (defaults.length > 0)
      throw new ConfigError(`invalid configuration: ${defaults.join(', ')} must be set in production`);
    const mailUnset = MAIL_SETTINGS_FOR_PRODUCTION.filter((key) => e[key] === undefined);
    if (mailUnset.length > 0)
      throw new ConfigError(
        `invalid configuration: ${mailUnset.join(', ')} must be set in production (the shop's mail server)`,
      );
  }
  const opsCredentials = opsTokensSchema.safeParse(e.OPS_TOKENS);
  if (!opsCredentials.success) {
    throw new ConfigError(
      `invalid configuration: OPS_TOKENS: ${opsCredentials.error.issues.map((issue) => issue.message).join('; ')}`,
    );
  }
  const codecKeys = codecKeysSchema.safeParse(e.PAYLOAD_CODEC_KEYS);
  if (!codecKeys.success) {
    throw new ConfigError(
      `invalid configuration: PAYLOAD_CODEC_KEYS: ${codecKeys.error.issues.map((issue) => issue.message).join('; ')}`,
    );
  }
  const corsOrigins = (
    e.CODEC_CORS_ORIGINS ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT},http://localhost:${e.TEMPORAL_UI_PORT}`
  )
    .split(',')
    .map((origin) => origin.trim().replace(/\/$/, ''))
    .filter((origin) => origin !== '');
  const temporal = temporalConnection(source, e);
  const dbName =
    e.MONGODB_DB_NAME ??
    (e.MONGODB_URI === undefined ? undefined : databaseNameOf(e.MONGODB_URI)) ??
    DEFAULT_DATABASE_NAME;
  const extraFields = extraFieldsJson.safeParse(e.MEMBER_EXTRA_FIELDS);
  if (!extraFields.success) {
    throw new ConfigError(
      `invalid configuration: MEMBER_EXTRA_FIELDS: ${extraFields.error.issues.map((issue) => issue.message).join('; ')}`,
    );
  }
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    temporal: {
      externalAddress: temporal.external ? temporal.connectionOptions.address : undefined,
      address: temporal.connectionOptions.address,
      connection: temporal.connectionOptions,
      namespace: temporal.namespace,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      amazonTaskQueue: e.TEMPORAL_AMAZON_TASK_QUEUE ?? amazonTaskQueueOf(e.TEMPORAL_TASK_QUEUE),
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      cliPath: e.TEMPORAL_CLI_PATH,
      testServerPath: e.TEMPORAL_TEST_SERVER_PATH,
    },
    mongo: {
      externalUri: e.MONGODB_URI,
      uri: e.MONGODB_URI ?? `mongodb://127.0.0.1:${e.MONGODB_PORT}/${dbName}`,
      port: e.MONGODB_PORT,
      dbName,
    },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://${e.API_HOST}:${e.API_PORT}`,
      rateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
      rateLimitStore: e.API_RATE_LIMIT_STORE,
      trustProxy: trustProxyOf(e.TRUST_PROXY),
    },
    amazonPay: {
      target: e.AMAZON_PAY_TARGET,
      emulatorUrl: e.AMAZON_PAY_EMULATOR_URL,
      sandbox: e.AMAZON_PAY_SANDBOX,
      publicKeyId: e.AMAZON_PAY_PUBLIC_KEY_ID,
      privateKeyPath: e.AMAZON_PAY_PRIVATE_KEY_PATH,
      algorithm: e.AMAZON_PAY_ALGORITHM,
      storeId: e.AMAZON_PAY_STORE_ID,
      merchantId: e.AMAZON_PAY_MERCHANT_ID,
      notificationCertPath: e.AMAZON_PAY_NOTIFICATION_CERT_PATH,
    },
    emulator: {
      host: e.EMULATOR_HOST,
      port: e.EMULATOR_PORT,
      notificationUrl: e.EMULATOR_NOTIFICATION_URL,
      pendingAuthDelayMs: e.EMULATOR_PENDING_AUTH_DELAY_MS,
      controlApi: e.NODE_ENV !== 'production',
    },
    members: {
      sessionSecrets: e.SESSION_SECRET,
      sessionTtlHours: e.SESSION_TTL_HOURS,
      extraFields: extraFields.data,
      passwordResetTtlMinutes: e.PASSWORD_RESET_TTL_MINUTES,
    },
    ops: { credentials: opsCredentials.data },
    staff: {
      sessionHours: e.STAFF_SESSION_HOURS,
      lockoutAttempts: e.STAFF_LOCKOUT_ATTEMPTS,
      lockoutMinutes: e.STAFF_LOCKOUT_MINUTES,
      signInFailuresPerIp: e.STAFF_SIGN_IN_FAILURES_PER_IP,
    },
    codec: { keys: codecKeys.data, corsOrigins },
    worker: {
      metricsAddress: e.WORKER_METRICS_ADDRESS === 'off' ? undefined : e.WORKER_METRICS_ADDRESS,
      healthAddress: e.WORKER_HEALTH_ADDRESS === 'off' ? undefined : e.WORKER_HEALTH_ADDRESS,
      shutdownGraceSeconds: e.WORKER_SHUTDOWN_GRACE_SECONDS,
      amazonCallsPerSecond: e.WORKER_AMAZON_CALLS_PER_SECOND,
      tuning: Object.fromEntries(
        Object.entries({
          maxConcurrentWorkflowTaskExecutions: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
          maxConcurrentActivityTaskExecutions: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
          maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
          maxConcurrentWorkflowTaskPolls: e.WORKER_WORKFLOW_TASK_POLLERS,
          maxConcurrentActivityTaskPolls: e.WORKER_ACTIVITY_TASK_POLLERS,
        }).filter((entry) => entry[1] !== undefined),
      ),
    },
    mail: {
      smtpUrl: e.SMTP_URL ?? `smtp://127.0.0.1:${e.MAIL_CATCHER_SMTP_PORT}`,
      externalSmtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM ?? DEFAULT_MAIL_FROM,
      catcher: { smtpPort: e.MAIL_CATCHER_SMTP_PORT, uiPort: e.MAIL_CATCHER_UI_PORT },
    },
    orders: {
      pointsMode: e.POINTS_MODE,
      pointsRatePercent: e.POINTS_RATE_PERCENT,
      shopName: e.SHOP_NAME,
      tokenSecrets: e.ORDER_TOKEN_SECRET,
    },
    dataDir: e.DATA_DIR,
    toolsDir: e.TOOLS_DIR,
    tracing: tracingOf(e),
  };
}

/**
 * Tracing settings by OpenTelemetry's rules: the traces endpoint as given, else the base endpoint
 * with `/v1/traces`; neither (or OTEL_SDK_DISABLED): off.
 */
function tracingOf(e: Env): TracingConfig | undefined {
  if (e.OTEL_SDK_DISABLED === true) return undefined;
  const tracesUrl =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
      ? undefined
      : `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`);
  if (tracesUrl === undefined) return undefined;
  return {
    tracesUrl,
    protocol: e.OTEL_EXPORTER_OTLP_PROTOCOL,
    headers: keyValueList('OTEL_EXPORTER_OTLP_HEADERS', e.OTEL_EXPORTER_OTLP_HEADERS),
    serviceName: e.OTEL_SERVICE_NAME,
    resourceAttributes: keyValueList('OTEL_RESOURCE_ATTRIBUTES', e.OTEL_RESOURCE_ATTRIBUTES),
    sampler: { name: e.OTEL_TRACES_SAMPLER, ratio: e.OTEL_TRACES_SAMPLER_ARG ?? 1 },
  };
}

/** OpenTelemetry's `key=value,…` lists (headers, resource attributes); values are percent-decoded. */
function keyValueList(name: string, text: string | undefined): Record<string, string> {
  const entries: [string, string][] = [];
  for (const item of (text ?? '').split(',')) {
    if (item.trim() === '') continue;
    const separator = item.indexOf('=');
    const key = separator < 0 ? '' : item.slice(0, separator).trim();
    let value: string;
    try {
      value = decodeURIComponent(item.slice(separator + 1).trim());
    } catch {
      value = '';
    }
    if (key === '' || value === '') throw new ConfigError(`invalid configuration: ${name}: expected key=value,…`);
    entries.push([key, value]);
  }
  return Object.fromEntries(entries);
}

/**
 * The Temporal connection, read by Temporal's own envconfig from the `TEMPORAL_*` variables (and the
 * profile file when TEMPORAL_CONFIG_FILE is set); without an address it is the dev stack's server.
 */
function temporalConnection(
  source: NodeJS.ProcessEnv,
  e: Env,
): { connectionOptions: TemporalConnectionOptions; namespace: string; external: boolean } {
  const temporalEnv = Object.fromEntries(
    Object.entries(source).filter(
      (entry): entry is [string, string] => entry[0].startsWith('TEMPORAL_') && (entry[1] ?? '').trim() !== '',
    ),
  );
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({
      overrideEnvVars: temporalEnv,
      // The profile file is read here: envconfig takes a missing file for no file, but a file named is meant.
      ...(e.TEMPORAL_CONFIG_FILE === undefined
        ? { disableFile: true }
        : { configSource: { data: readFileSync(e.TEMPORAL_CONFIG_FILE, 'utf8') } }),
      configFileStrict: true,
    });
  } catch (error) {
    const involved = temporalVariablesInvolved(error, temporalEnv);
    throw new ConfigError(
      `invalid configuration: ${involved.length > 0 ? involved.join(', ') : 'TEMPORAL_*'}: ${(error as Error).message}`,
    );
  }
  const { address, ...rest } = loaded.connectionOptions;
  return {
    connectionOptions: { ...rest, address: address ?? `127.0.0.1:${e.TEMPORAL_PORT}` },
    namespace: loaded.namespace ?? e.TEMPORAL_NAMESPACE,
    external: address !== undefined,
  };
}

/**
 * The variables behind an error of Temporal's envconfig, for its message: the ones naming a file it
 * could not read (a certificate, a key, the profile file), the pair set for one thing twice (`_PATH`
 * and `_DATA`), the profile asked for; and the profile file when the setting came from it.
 */
function temporalVariablesInvolved(error: unknown, temporalEnv: Record<string, string>): string[] {
  const set = (name: string) => temporalEnv[name] !== undefined;
  const fromFile = set('TEMPORAL_CONFIG_FILE') ? ['TEMPORAL_CONFIG_FILE'] : [];
  const unreadable = (error as NodeJS.ErrnoException).path;
  if (typeof unreadable === 'string') {
    const naming = Object.keys(temporalEnv).filter((name) => temporalEnv[name] === unreadable);
    // No variable holds the path: it is one of the profile's `*_path` settings.
    return naming.length > 0 ? naming : fromFile;
  }
  const message = (error as Error).message;
  const twice = /Cannot specify both (\w+)_path and \w+_data/.exec(message)?.[1];
  if (twice !== undefined) {
    const pair = ['PATH', 'DATA'].map((kind) => `TEMPORAL_TLS_${twice.toUpperCase()}_${kind}`);
    return [...pair.filter(set), ...fromFile];
  }
  if (/^Profile '.*' not found/.test(message)) return ['TEMPORAL_PROFILE', ...fromFile];
  return fromFile;
}

/** TRUST_PROXY as Express takes it: false, true, a hop count, or a list of addresses and subnets. */
function trustProxyOf(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** The Amazon task queue that goes with an order task queue (tests derive theirs the same way). */
export function amazonTaskQueueOf(taskQueue: string): string {
  return `${taskQueue}-amazon-pay`;
}

export const DEFAULT_DATABASE_NAME = 'amazon_pay_orders';

/** The database a URI names in its path (`mongodb://host/<name>?…`), if any. */
export function databaseNameOf(uri: string): string | undefined {
  const name = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(uri)?.[1];
  return name === undefined || name === '' ? undefined : decodeURIComponent(name);
}

/** Every environment variable name the service reads. */
export const envKeys = Object.keys(envSchema.shape) as (keyof Env)[];
