import { pino, type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from './index.js';
import type { Tracing } from './tracing.js';

/** Fields that carry buyers' personal data or credentials, wherever they appear (up to four levels deep). */
const SENSITIVE_FIELDS = [
  'email',
  'phone',
  'phoneNumber',
  'address',
  'addressLine1',
  'addressLine2',
  'addressLine3',
  'postalCode',
  'shippingAddress',
  'billingAddress',
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'token',
  'orderToken',
  'buyerToken',
  'authorization',
  'cookie',
];

/** `name` is also a product's or an error's name: only a person's, under these parents. */
const PERSON_PARENTS = ['buyer', 'orderer', 'member', 'recipient', 'pendingAmazonBuyer'];

const atAnyDepth = (field: string) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`];

/** pino `redact` paths: personal data (names, e-mails, phones, addresses), tokens, cookies, passwords. */
const REDACT_PATHS: string[] = [
  ...SENSITIVE_FIELDS.flatMap(atAnyDepth),
  ...PERSON_PARENTS.flatMap((parent) => [...atAnyDepth(parent)].map((prefix) => `${prefix}.name`)),
  'req.headers["x-order-token"]',
  'req.headers["set-cookie"]',
  'res.headers["set-cookie"]',
  // A mail's recipient is a buyer's address, whichever code logs the mail.
  'mail.to',
];

/**
 * The Temporal SDK logs failures under `error`. Database driver errors hang on to the whole topology
 * (circular), which no JSON logger can print: keep what ops need — name, message, code, stack.
 */
function serializeError(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const code = (value as { code?: unknown }).code;
  return { type: value.name, message: value.message, ...(code === undefined ? {} : { code }), stack: value.stack };
}

/**
 * One structured (JSON) logger per process, named after the component; personal data is redacted.
 * With tracing, a line written inside a span carries its `trace_id` and `span_id`.
 */
export function createLogger(
  config: Pick<AppConfig, 'logLevel'>,
  component: string,
  destination?: DestinationStream,
  tracing?: Pick<Tracing, 'logFields'>,
): Logger {
  const options = {
    level: config.logLevel,
    base: { component },
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    serializers: { error: serializeError },
    ...(tracing === undefined ? {} : { mixin: () => tracing.logFields() }),
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

export type { Logger };
