/**
 * HTTP hardening shared by every route: security headers (helmet), request logs (pino-http, personal
 * data redacted by the logger's paths), the storefront rate limit, Prometheus request metrics and the
 * 405 answer — all with the one error body.
 */
import type { IncomingMessage } from 'node:http';
import type { Express, Request, RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { RATE_LIMITED_MESSAGE } from '../domain/messages.js';
import { errorBody } from './errors.js';

/**
 * CSP: scripts, styles, fonts and fetches from the API's own origin only (the storefront pages and the
 * API docs page are served from it); images also as data: URIs (the pages' blank favicon, Swagger UI's
 * icons). Forms may post to the origin only. HSTS and upgrade-insecure-requests only behind https.
 */

/** Probes and scrapes, polled every few seconds: not one log line each. */
const UNLOGGED_PATHS = new Set(['/livez', '/readyz', '/healthz', '/metrics']);
export function securityHeaders(publicBaseUrl: string): RequestHandler {
  const https = publicBaseUrl.startsWith('https:');
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        scriptSrcAttr: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 180 * 24 * 3600, includeSubDomains: true } : false,
  });
}

/** Query parameters that carry credentials (the order token of a guest's return URL). */
const SECRET_QUERY = /([?&](?:token|orderToken)=)[^&#]*/gi;

function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[Redacted]');
}

/** One log line per request; headers with credentials are redacted by the logger's paths. */
export function requestLogger(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    customLogLevel: (_req, res, error) =>
      error !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: { ignore: (req: IncomingMessage) => UNLOGGED_PATHS.has(req.url ?? '') },
    serializers: {
      req: (req: {
        id: unknown;
        method: string;
        url: string;
        headers: Record<string, unknown>;
        remoteAddress?: string;
      }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        headers: req.headers,
        remoteAddress: req.remoteAddress,
      }),
    },
  });
}

/**
 * The storefront's per-IP limit; the Amazon Pay notification endpoint (Amazon's servers) is exempt.
 * With a shared `store` (api/rate-limit-store.ts), a request passes when the store cannot answer: a
 * database outage must not turn every storefront request into an error of the limiter's.
 */
export function storefrontRateLimit(limitPerMinute: number, exempt: readonly string[], store?: Store): RequestHandler {
  return rateLimit({
    ...(store === undefined ? {} : { store, passOnStoreError: true }),
    windowMs: 60_000,
    limit: limitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skip: (req) => exempt.includes(req.originalUrl.split('?')[0] ?? ''),
    handler: (_req, res) => {
      res.status(429).json(errorBody('rate_limited', RATE_LIMITED_MESSAGE));
    },
  });
}

export interface HttpMetrics {
  registry: Registry;
  middleware: RequestHandler;
}

/** API latency by method, route pattern (never the raw path: ids would explode the series) and status. */
export function httpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'API request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const stop = latency.startTimer();
    res.once('finish', () => {
      stop({ method: req.method, route: routeLabel(req), status_code: String(res.statusCode) });
    });
    next();
  };
  return { registry, middleware };
}

function routeLabel(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  if (route !== undefined && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  return '(no route)';
}

interface LayerLike {
  route?: { methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
  matchers?: ((path: string) => false | { path: string })[];
  slash?: boolean;
}

function collectMethods(stack: readonly LayerLike[], path: string, into: Set<string>): void {
  for (const layer of stack) {
    let match: { path: string } | undefined = layer.slash === true ? { path: '' } : undefined;
    for (const matcher of layer.slash === true ? [] : (layer.matchers ?? [])) {
      const result = matcher(path);
      if (result !== false) {
        match = result;
        break;
      }
    }
    if (match === undefined) continue;
    if (layer.route !== undefined) {
      for (const [method, on] of Object.entries(layer.route.methods))
        if (on && method !== '_all') into.add(method.toUpperCase());
    } else if (Array.isArray(layer.handle?.stack)) {
      collectMethods(layer.handle.stack, path.slice(match.path.length) || '/', into);
    }
  }
}

/**
 * The methods some route answers for this path (read from Express's router): a known path asked with
 * another method is a 405 with `Allow`, not a 404. Empty when the router's shape is not the expected one.
 */
export function allowedMethods(app: Express, path: string): string[] {
  try {
    const stack = (app as unknown as { router?: { stack?: LayerLike[] } }).router?.stack ?? [];
    const methods = new Set<string>();
    collectMethods(stack, path, methods);
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  } catch {
    return [];
  }
}
