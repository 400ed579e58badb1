/**
 * The codec server (Temporal's remote codec protocol) for the Temporal Web UI: `POST /codec/decode`
 * and `POST /codec/encode` with `{ "payloads": [{ "metadata": { k: base64 }, "data": base64 }] }` and
 * the `X-Namespace` header. Only ops staff (any role: reading is what viewers do) decrypt: machines
 * with the ops bearer token (`opsAuth`, constant time), people with their staff sign-in
 * (api/ops/staff.ts) — the dev server's UI has no sign-in of its own to pass a token, so the browser's
 * staff cookie (path `/codec`) is its credential. CORS answers only the UI's origins, which is also
 * what keeps other sites from posting here with that cookie; every decode is audited (who read
 * personal data, when).
 */
import express, { Router, type RequestHandler } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OpsCredential } from '../config/index.js';
import type { Models } from '../db/models/index.js';
import { payloadUndecryptableMessage } from '../domain/messages.js';
import { PayloadDecryptionError } from '../worker/payload-codec.js';
import { errorBody, HttpError } from './errors.js';
import { staffSignInSchema } from '../domain/staff.js';
import { auditChange, auditTrail, opsAuth, opsUser } from './ops/auth.js';
import type { StaffAuth } from './ops/staff.js';
import { parse } from './validation.js';

export const CODEC_PATH = '/codec';

const base64 = z
  .string()
  .max(8_000_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
export const codecRequestSchema = z.strictObject({
  payloads: z
    .array(z.strictObject({ metadata: z.record(z.string().max(200), base64).optional(), data: base64.optional() }))
    .max(1000),
});
/** The codec sign-in form: a staff login and password (the same sign-in as the ops console's). */
export const codecLoginSchema = staffSignInSchema;

export interface CodecServerDeps {
  codec: PayloadCodec;
  credentials: readonly OpsCredential[];
  /** Origins of the Temporal Web UI allowed to call (CORS). */
  allowedOrigins: readonly string[];
  namespace: string;
  /** Staff sign-in; its session middleware must already run on `/codec`. */
  staff: Pick<StaffAuth, 'signIn' | 'sessionUser'>;
  models: Pick<Models, 'Audit'>;
  log: Logger;
}

const fromJson = (payload: z.infer<typeof codecRequestSchema>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  ),
  data: Buffer.from(payload.data ?? '', 'base64'),
});
const toJson = (payload: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

export function codecServerRoutes(deps: CodecServerDeps): Router {
  const router = Router();
  const bearer = opsAuth(deps.credentials);

  const cors: RequestHandler = (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (origin === undefined) {
      next();
      return;
    }
    if (!deps.allowedOrigins.includes(origin)) {
      res.status(403).json(errorBody('origin_not_allowed', `codec server: origin ${origin} is not allowed`));
      return;
    }
    res.set({
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'cross-origin-resource-policy': 'same-site',
    });
    if (req.method === 'OPTIONS') {
      res.set({
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'Content-Type, X-Namespace, Authorization, Authorization-Extras',
        'access-control-max-age': '600',
      });
      res.status(204).end();
      return;
    }
    next();
  };

  const authenticate: RequestHandler = async (req, res, next) => {
    if (req.get('authorization') !== undefined) {
      bearer(req, res, next);
      return;
    }
    const user = await deps.staff.sessionUser(req);
    if (user === undefined) {
      next(new HttpError(401, 'unauthorized', 'codec server: ops bearer token or staff sign-in required'));
      return;
    }
    res.locals['opsUser'] = user;
    next();
  };

  const sameNamespace: RequestHandler = (req, _res, next) => {
    const namespace = req.get('x-namespace');
    if (namespace !== undefined && namespace !== deps.namespace) {
      next(new HttpError(400, 'unknown_namespace', `codec server: namespace ${namespace} is not served here`));
      return;
    }
    next();
  };

  const json = express.json({ limit: '8mb' });
  router.use(CODEC_PATH, cors);

  for (const direction of ['decode', 'encode'] as const) {
    router.post(
      `${CODEC_PATH}/${direction}`,
      auditTrail(deps.models, deps.log),
      authenticate,
      sameNamespace,
      json,
      async (req, res) => {
        const { payloads } = parse(codecRequestSchema, req.body);
        let coded: Payload[];
        try {
          coded =
            direction === 'decode'
              ? await deps.codec.decode(payloads.map(fromJson))
              : await deps.codec.encode(payloads.map(fromJson));
        } catch (error) {
          // A payload sealed with a key not configured here, cut short or tampered with: the caller's input, not a fault.
          if (error instanceof PayloadDecryptionError)
            throw new HttpError(
              422,
              'payload_undecryptable',
              payloadUndecryptableMessage(error.message.replace(/^payload codec: /, '')),
            );
          throw error;
        }
        auditChange(res, {
          action: `codec.${direction}`,
          target: req.get('x-namespace') ?? deps.namespace,
          after: { payloads: payloads.length, by: opsUser(res).name },
        });
        res.set('cache-control', 'no-store').json({ payloads: coded.map(toJson) });
      },
    );
  }

  // The UI's own sign-in is off on the dev server: staff sign in here (or at /ops/login: the same
  // session), the browser keeps the HttpOnly staff cookie for this path, and the UI sends it
  // ("Include cross-origin credentials").
  router.get(`${CODEC_PATH}/login`, async (req, res) => {
    const user = await deps.staff.sessionUser(req);
    res.type('html').send(user === undefined ? LOGIN_PAGE : signedInPage(user.name));
  });
  router.post(`${CODEC_PATH}/login`, express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const user = await deps.staff.signIn(req, res, req.body);
    res.type('html').send(signedInPage(user.name));
  });
  return router;
}

const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Codec server sign-in</title><link rel="icon" href="data:,"></head>
<body>
<h1>Decrypt payloads in the Temporal UI</h1>
<p>Sign in with your staff account (<code>npm run ops:user</code>).</p>
<form method="post" action="${CODEC_PATH}/login">
<p><label>Login <input name="login" autocomplete="username" required></label></p>
<p><label>Password <input type="password" name="password" autocomplete="current-password" required></label></p>
<button type="submit">Sign in</button>
</form>
</body></html>`;

/** Staff logins are `[a-z0-9._@+-]` (domain/staff.ts): nothing to escape in HTML. */
const signedInPage = (login: string) =>
  `<!doctype html><meta charset="utf-8"><title>codec session</title><p>Signed in as ${login}. Return to the Temporal UI.</p>`;
