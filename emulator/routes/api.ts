/**
 * Amazon Pay API v2 under `/v2/`, `/sandbox/v2/` and `/live/v2/`. Every request is signature
 * checked first; then throttling and injected faults, sandbox simulation codes, idempotency, and
 * finally the call itself against the engine.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Request, type Response, type Router } from 'express';
import { findBuyer } from '../buyers.js';
import type { EmulatorContext } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { faultApplies, type CallType } from '../faults.js';
import { IdempotencyStore } from '../idempotency.js';
import {
  buyerIdFor,
  renderCharge,
  renderPermission,
  renderRefund,
  renderSession,
  type ReleaseEnvironment,
} from '../model.js';
import { verifyRequest } from '../signing.js';

interface CallInput {
  req: Request;
  params: Record<string, string>;
  body: unknown;
  env: ReleaseEnvironment;
  simulation: string | undefined;
}

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  pattern: string;
  call: CallType;
  /** POST calls Amazon requires an idempotency key for. */
  requiresIdempotencyKey?: boolean;
  /** Sandbox simulation codes this call accepts. */
  simulations?: readonly string[];
  handle(input: CallInput): { status: number; body: unknown };
}

const SERVER_ERROR_CODES: Record<number, string> = {
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

function routes(ctx: EmulatorContext): Route[] {
  const { engine } = ctx;
  const sessionBody = (req: Request, id: string) =>
    renderSession(engine.getSession(id), { merchantId: ctx.merchantId, baseUrl: ctx.baseUrl(req) });
  const permissionBody = (id: string) => {
    const p = engine.getPermission(id);
    return renderPermission(p, engine.balanceOf(p), { merchantId: ctx.merchantId });
  };
  const p = (input: CallInput, name: string) => input.params[name] ?? '';
  return [
    {
      method: 'GET',
      pattern: '/buyers/:buyerToken',
      call: 'getBuyer',
      handle: (input) => {
        const token = engine.buyerTokens.get(p(input, 'buyerToken'));
        const buyer = token === undefined ? undefined : findBuyer(token.buyerKey);
        if (token === undefined || buyer === undefined) throw notFound('Buyer token', p(input, 'buyerToken'));
        const has = (scope: string) => token.scopes.includes(scope);
        const address = buyer.addresses[0] ?? null;
        return {
          status: 200,
          body: {
            buyerId: buyerIdFor(ctx.merchantId, buyer.key),
            name: has('name') ? buyer.name : null,
            email: has('email') ? buyer.email : null,
            postalCode: has('postalCode') ? (address?.postalCode ?? null) : null,
            countryCode: has('postalCode') || has('shippingAddress') ? (address?.countryCode ?? null) : null,
            phoneNumber: has('phoneNumber') ? buyer.phoneNumber : null,
            shippingAddress: has('shippingAddress') ? address : null,
            billingAddress: has('billingAddress') ? address : null,
            primeMembershipTypes: null,
          },
        };
      },
    },
    {
      method: 'POST',
      pattern: '/checkoutSessions',
      call: 'createCheckoutSession',
      requiresIdempotencyKey: true,
      handle: (input) => {
        const session = engine.createSession(input.body, input.env);
        return { status: 201, body: sessionBody(input.req, session.id) };
      },
    },
    {
      method: 'GET',
      pattern: '/checkoutSessions/:id',
      call: 'getCheckoutSession',
      handle: (input) => ({ status: 200, body: sessionBody(input.req, p(input, 'id')) }),
    },
    {
      method: 'PATCH',
      pattern: '/checkoutSessions/:id',
      call: 'updateCheckoutSession',
      handle: (input) => {
        engine.updateSession(p(input, 'id'), input.body);
        return { status: 200, body: sessionBody(input.req, p(input, 'id')) };
      },
    },
    {
      method: 'POST',
      pattern: '/checkoutSessions/:id/complete',
      call: 'completeCheckoutSession',
      simulations: ['BuyerCanceled', 'AmazonCanceled', 'Declined', 'AuthorizationInitiated'],
      handle: (input) => {
        const { status } = engine.completeSession(p(input, 'id'), input.body, input.simulation);
        return { status, body: sessionBody(input.req, p(input, 'id')) };
      },
    },
    {
      method: 'GET',
      pattern: '/chargePermissions/:id',
      call: 'getChargePermission',
      handle: (input) => ({ status: 200, body: permissionBody(p(input, 'id')) }),
    },
    {
      method: 'PATCH',
      pattern: '/chargePermissions/:id',
      call: 'updateChargePermission',
      handle: (input) => {
        engine.updatePermission(p(input, 'id'), input.body);
        return { status: 200, body: permissionBody(p(input, 'id')) };
      },
    },
    {
      method: 'DELETE',
      pattern: '/chargePermissions/:id/close',
      call: 'closeChargePermission',
      simulations: ['AmazonClosed'],
      handle: (input) => {
        engine.closePermission(p(input, 'id'), input.body, input.simulation);
        return { status: 200, body: permissionBody(p(input, 'id')) };
      },
    },
    {
      method: 'POST',
      pattern: '/charges',
      call: 'createCharge',
      requiresIdempotencyKey: true,
      simulations: ['SoftDeclined', 'HardDeclined', 'AmazonRejected', 'TransactionTimedOut', 'CaptureInitiated'],
      handle: (input) => {
        const { charge, status } = engine.createCharge(input.body, input.simulation);
        return { status, body: renderCharge(charge) };
      },
    },
    {
      method: 'GET',
      pattern: '/charges/:id',
      call: 'getCharge',
      handle: (input) => ({ status: 200, body: renderCharge(engine.getCharge(p(input, 'id'))) }),
    },
    {
      method: 'POST',
      pattern: '/charges/:id/capture',
      call: 'captureCharge',
      requiresIdempotencyKey: true,
      handle: (input) => ({ status: 200, body: renderCharge(engine.captureCharge(p(input, 'id'), input.body)) }),
    },
    {
      method: 'DELETE',
      pattern: '/charges/:id/cancel',
      call: 'cancelCharge',
      handle: (input) => ({ status: 200, body: renderCharge(engine.cancelCharge(p(input, 'id'), input.body)) }),
    },
    {
      method: 'POST',
      pattern: '/refunds',
      call: 'createRefund',
      requiresIdempotencyKey: true,
      handle: (input) => ({ status: 201, body: renderRefund(engine.createRefund(input.body)) }),
    },
    {
      method: 'GET',
      pattern: '/refunds/:id',
      call: 'getRefund',
      handle: (input) => ({ status: 200, body: renderRefund(engine.getRefund(p(input, 'id'))) }),
    },
  ];
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function environmentOf(publicKeyId: string, mount: string): ReleaseEnvironment {
  const upper = publicKeyId.toUpperCase();
  if (upper.startsWith('SANDBOX')) return 'Sandbox';
  if (upper.startsWith('LIVE')) return 'Live';
  if (mount === '/sandbox/v2') return 'Sandbox';
  if (mount === '/live/v2') return 'Live';
  throw new ApiError(
    400,
    'InvalidRequest',
    'A public key id without a SANDBOX-/LIVE- prefix must call /sandbox/v2/ or /live/v2/.',
  );
}

function send(res: Response, status: number, body: unknown): void {
  res.status(status).set('x-amz-pay-request-id', randomUUID()).type('application/json').send(JSON.stringify(body));
}

/** The v2 API mounted at `mount` (`/v2`, `/sandbox/v2` or `/live/v2`). */
export function apiRouter(ctx: EmulatorContext, mount: string): Router {
  const router = express.Router();
  // The signature covers the exact bytes: keep the raw body.
  router.use(express.raw({ type: () => true, limit: '1mb' }));

  const handle = async (route: Route, req: Request, res: Response): Promise<void> => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const [path = '', rawQuery = ''] = req.originalUrl.split('?', 2);
    try {
      const verified = verifyRequest(
        { method: req.method, path, rawQuery, headers: req.headers, body: rawBody },
        ctx.keys,
        Date.now(),
      );
      const env = environmentOf(verified.publicKeyId, mount);

      const faults = ctx.faults();
      if (faults.throttle !== 'off' && !ctx.throttle.admit(faults.throttle, verified.publicKeyId, route.call)) {
        throw new ApiError(
          429,
          'TooManyRequests',
          'The request was throttled. Retry with exponential backoff and jitter.',
        );
      }
      if (faultApplies(faults, route.call)) {
        if (faults.latencyMs > 0 && Math.random() < faults.latencyRate) await sleep(faults.latencyMs);
        if (Math.random() < faults.serverErrorRate) {
          const status = faults.serverErrorStatus;
          throw new ApiError(
            status,
            SERVER_ERROR_CODES[status] ?? 'InternalServerError',
            'Injected server error (emulator fault knob).',
          );
        }
      }

      const simulation = header(req, 'x-amz-pay-simulation-code');
      if (simulation !== undefined && (env === 'Live' || !(route.simulations ?? []).includes(simulation))) {
        throw new ApiError(
          400,
          'InvalidSandboxSimulationSpecified',
          `Simulation code "${simulation}" is not valid for ${route.call}${env === 'Live' ? ' in Live' : ''}. Valid: ${(route.simulations ?? []).join(', ') || 'none'}.`,
        );
      }

      const idempotencyKey = req.method === 'POST' ? header(req, 'x-amz-pay-idempotency-key') : undefined;
      if (idempotencyKey !== undefined) {
        IdempotencyStore.validate(idempotencyKey);
        const stored = ctx.idempotency.lookup(verified.publicKeyId, idempotencyKey, req.method, path, rawBody);
        if (stored !== undefined) {
          send(res, stored.status, stored.body);
          return;
        }
      } else if (route.requiresIdempotencyKey === true) {
        throw new ApiError(400, 'MissingHeaderValue', 'x-amz-pay-idempotency-key is required for this call.');
      }

      let body: unknown = {};
      if (rawBody.trim() !== '') {
        try {
          body = JSON.parse(rawBody);
        } catch {
          throw new ApiError(400, 'InvalidRequestFormat', 'The request body is not valid JSON.');
        }
      }
      let result: { status: number; body: unknown };
      try {
        result = route.handle({ req, params: req.params as Record<string, string>, body, env, simulation });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        result = { status: error.status, body: error.body() };
      }
      if (idempotencyKey !== undefined)
        ctx.idempotency.store(verified.publicKeyId, idempotencyKey, req.method, path, rawBody, result);
      send(res, result.status, result.body);
    } catch (error) {
      if (error instanceof ApiError) {
        send(res, error.status, error.body());
        return;
      }
      ctx.log.warn('emulator API error', { error: error instanceof Error ? error.stack : String(error) });
      send(res, 500, { reasonCode: 'InternalServerError', message: 'The emulator failed unexpectedly.' });
    }
  };

  for (const route of routes(ctx)) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    router[method](route.pattern, (req, res) => handle(route, req, res));
  }
  router.use((req, res) =>
    send(res, 404, {
      reasonCode: 'InvalidRequest',
      message: `No Amazon Pay v2 operation ${req.method} ${req.originalUrl}.`,
    }),
  );
  return router;
}
