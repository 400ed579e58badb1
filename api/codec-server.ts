/**
 * The codec server (Temporal's remote codec protocol) for the Temporal Web UI: `POST /codec/decode`
 * and `POST /codec/encode` with `{ "payloads": [{ "metadata": { k: base64 }, "data": base64 }] }` and
 * the `X-Namespace` header. Only ops staff (any role: reading is what viewers do) decrypt, with the
 * ops bearer token (`opsAuth`, constant time) or the cookie `/codec/login` sets from it — the dev
 * server's UI has no sign-in of its own to pass a token, so the browser's cookie is its credential.
 * CORS answers only the UI's origins; every decode is audited (who read personal data, when).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OpsCredential } from '../config/index.js';
import type { Models } from '../db/models/index.js';
import { payloadUndecryptableMessage } from '../domain/messages.js';
import { PayloadDecryptionError } from '../worker/payload-codec.js';
import { errorBody, HttpError } from './errors.js';
import { auditChange, auditTrail, opsAuth, opsUser, type OpsUser } from './ops/auth.js';
import { parse } from './validation.js';

export const CODEC_PATH = '/codec';
const COOKIE = 'codec_session';
const SESSION_HOURS = 8;

const base64 = z
  .string()
  .max(8_000_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
export const codecRequestSchema = z.strictObject({
  payloads: z
    .array(z.strictObject({ metadata: z.record(z.string().max(200), base64).optional(), data: base64.optional() }))
    .max(1000),
});
export const codecLoginSchema = z.strictObject({ token: z.string().min(1).max(500) });

export interface CodecServerDeps {
  codec: PayloadCodec;
  credentials: readonly OpsCredential[];
  /** Origins of the Temporal Web UI allowed to call (CORS). */
  allowedOrigins: readonly string[];
  namespace: string;
  /** Sign the session cookie: the first signs, all verify (rotation). */
  secrets: readonly string[];
  models: Pick<Models, 'Audit'>;
  log: Logger;
  secureCookies: boolean;
  now?: () => Date;
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

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      // Not percent-encoding: no cookie this server set, so no session.
      return undefined;
    }
  }
  return undefined;
}

export function codecServerRoutes(deps: CodecServerDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  const bearer = opsAuth(deps.credentials);
  const sign = (value: string, secret = deps.secrets[0] ?? '') =>
    createHmac('sha256', `codec-session:${secret}`).update(value).digest('base64url');

  /** `name.expiresAtMs.mac` (names may contain dots, the other parts not); the name must still be a configured credential. */
  function sessionUser(cookie: string | undefined): OpsUser | undefined {
    const parts = (cookie ?? '').split('.');
    const mac = parts.pop() ?? '';
    const expires = parts.pop() ?? '';
    const name = parts.join('.');
    const presented = Buffer.from(mac);
    const signedByOne = deps.secrets.some((secret) => {
      const expected = Buffer.from(sign(`${name}.${expires}`, secret));
      return presented.length === expected.length && timingSafeEqual(presented, expected);
    });
    if (!signedByOne) return undefined;
    if (!(Number(expires) > now().getTime())) return undefined;
    const credential = deps.credentials.find((c) => c.name === name);
    return credential === undefined ? undefined : { name: credential.name, role: credential.role };
  }

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

  const authenticate: RequestHandler = (req, res, next) => {
    if (req.get('authorization') !== undefined) {
      bearer(req, res, next);
      return;
    }
    const user = sessionUser(readCookie(req.get('cookie'), COOKIE));
    if (user === undefined) {
      next(new HttpError(401, 'unauthorized', 'codec server: ops bearer token or codec session required'));
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

  // The UI's own sign-in is off on the dev server: staff paste their ops token once here, the
  // browser keeps an HttpOnly cookie for this path, and the UI sends it ("Include cross-origin credentials").
  router.get(`${CODEC_PATH}/login`, (_req, res) => {
    res.type('html').send(LOGIN_PAGE);
  });
  router.post(`${CODEC_PATH}/login`, express.urlencoded({ extended: false, limit: '4kb' }), (req, res, next) => {
    const { token } = parse(codecLoginSchema, req.body);
    req.headers.authorization = `Bearer ${token}`;
    bearer(req, res, (error?: unknown) => {
      if (error !== undefined) {
        next(error);
        return;
      }
      const user = opsUser(res);
      const expires = now().getTime() + SESSION_HOURS * 3600_000;
      const value = `${user.name}.${expires}.${sign(`${user.name}.${expires}`)}`;
      res.cookie(COOKIE, value, {
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.secureCookies,
        path: CODEC_PATH,
        maxAge: SESSION_HOURS * 3600_000,
      });
      res
        .type('html')
        .send(
          `<!doctype html><meta charset="utf-8"><title>codec session</title><p>Signed in as ${user.name} for ${SESSION_HOURS} hours. Return to the Temporal UI.</p>`,
        );
    });
  });
  return router;
}

const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Codec server sign-in</title><link rel="icon" href="data:,"></head>
<body>
<h1>Decrypt payloads in the Temporal UI</h1>
<form method="post" action="${CODEC_PATH}/login">
<label>Ops token <input type="password" name="token" autocomplete="off" required></label>
<button type="submit">Sign in</button>
</form>
</body></html>`;
