/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas the routes parse
 * with (`z.toJSONSchema`, input side: what a client sends), and the browsable docs page at `/docs`
 * (Swagger UI served from node_modules: no CDN, same-origin only, so the CSP holds).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { ORDER_ID_PATTERN } from '../domain/ids.js';
import { loginSchema, memberRegistrationSchema } from '../domain/member.js';
import { codecRequestSchema } from './codec-server.js';
import {
  additionalInformationSchema,
  amazonRegisterSchema,
  passwordChangeSchema,
  resetConfirmSchema,
  resetRequestSchema,
  signInSchema,
} from './members/routes.js';
import { bulkSchema, exportSchema, searchSchema } from './ops/members.js';
import { cancelBodySchema, captureBodySchema, changeAmountBodySchema, listSchema, refundBodySchema } from './ops/orders.js';
import { amazonReturnSchema, checkoutSchema, procedureBodySchema } from './orders/routes.js';

type Security = 'ops' | 'buyer' | 'session' | 'none';

interface Operation {
  method: 'get' | 'post' | 'put';
  path: string;
  tag: 'storefront' | 'members' | 'orders' | 'ops' | 'codec' | 'system';
  summary: string;
  security: Security;
  body?: z.ZodType;
  query?: z.ZodObject;
  /** Answers something other than JSON. */
  produces?: string;
}

const ORDER_ID = /\{orderId\}/;

const operations: Operation[] = [
  { method: 'get', path: '/healthz', tag: 'system', summary: 'Temporal and database reachability', security: 'none' },
  { method: 'get', path: '/metrics', tag: 'system', summary: 'Prometheus metrics (any ops credential)', security: 'ops', produces: 'text/plain' },
  { method: 'get', path: '/api/products', tag: 'storefront', summary: 'Active catalog', security: 'none' },
  { method: 'get', path: '/api/storefront/procedure-options', tag: 'storefront', summary: 'Choices of the order-procedure form (C3) and the fee table', security: 'none' },
  { method: 'post', path: '/api/checkouts', tag: 'orders', summary: 'Step 1: checkout from a cart (R2), Amazon Pay button config; optional Idempotency-Key header', security: 'none', body: checkoutSchema },
  { method: 'get', path: '/api/orders/{orderId}', tag: 'orders', summary: 'The order as its buyer sees it', security: 'buyer' },
  { method: 'post', path: '/api/orders/{orderId}/amazon-return', tag: 'orders', summary: 'Step 2: back from Amazon with the checkout session (R3, C7)', security: 'buyer', body: amazonReturnSchema },
  { method: 'put', path: '/api/orders/{orderId}/procedure', tag: 'orders', summary: 'Step 3: the order-procedure form (C3–C6, C8; validated by the workflow)', security: 'buyer', body: procedureBodySchema },
  { method: 'post', path: '/api/orders/{orderId}/confirm', tag: 'orders', summary: 'Step 4: 「注文確定」, answers amazonPayRedirectUrl', security: 'buyer' },
  { method: 'post', path: '/api/orders/{orderId}/complete', tag: 'orders', summary: 'Step 5: back from Amazon: authorization, placement', security: 'buyer' },
  { method: 'post', path: '/api/amazon-pay/notifications', tag: 'orders', summary: 'Amazon Pay notifications (signed SNS envelope)', security: 'none' },
  { method: 'get', path: '/api/auth/session', tag: 'members', summary: 'The shopper session: member, Amazon sign-in', security: 'session' },
  { method: 'post', path: '/api/members', tag: 'members', summary: 'Register with the form (L7, C6)', security: 'session', body: memberRegistrationSchema },
  { method: 'post', path: '/api/auth/login', tag: 'members', summary: 'Log in with e-mail and password', security: 'session', body: loginSchema },
  { method: 'post', path: '/api/auth/logout', tag: 'members', summary: 'Log out', security: 'session' },
  { method: 'get', path: '/api/auth/amazon/button-config', tag: 'members', summary: 'Sign in with Amazon button config', security: 'none' },
  { method: 'post', path: '/api/auth/amazon/sign-in', tag: 'members', summary: 'Sign in with Amazon (L1–L4)', security: 'session', body: signInSchema },
  { method: 'post', path: '/api/auth/amazon/register', tag: 'members', summary: 'Register through Amazon (L8)', security: 'session', body: amazonRegisterSchema },
  { method: 'get', path: '/api/members/me', tag: 'members', summary: 'The logged-in member', security: 'session' },
  { method: 'get', path: '/api/members/me/points', tag: 'members', summary: 'Point account: usable, held, pending', security: 'session' },
  { method: 'get', path: '/api/members/me/orders', tag: 'members', summary: 'The member’s orders', security: 'session' },
  { method: 'post', path: '/api/members/me/additional-information', tag: 'members', summary: 'Additional member information (C6)', security: 'session', body: additionalInformationSchema },
  { method: 'post', path: '/api/members/me/password', tag: 'members', summary: 'Set or change the password (L8)', security: 'session', body: passwordChangeSchema },
  { method: 'post', path: '/api/auth/password-reset', tag: 'members', summary: 'Request a password-reset mail', security: 'none', body: resetRequestSchema },
  { method: 'post', path: '/api/auth/password-reset/confirm', tag: 'members', summary: 'Set a new password with the mailed token', security: 'none', body: resetConfirmSchema },
  { method: 'get', path: '/ops/members', tag: 'ops', summary: 'Member search (L5)', security: 'ops', query: searchSchema },
  { method: 'get', path: '/ops/members/export.csv', tag: 'ops', summary: 'CSV export of a search (L6)', security: 'ops', query: exportSchema, produces: 'text/csv' },
  { method: 'get', path: '/ops/members/bulk.csv', tag: 'ops', summary: 'CSV of every member (L6)', security: 'ops', query: bulkSchema, produces: 'text/csv' },
  { method: 'get', path: '/ops/orders', tag: 'ops', summary: 'Orders from the read model', security: 'ops', query: listSchema },
  { method: 'get', path: '/ops/orders/{orderId}', tag: 'ops', summary: 'One order', security: 'ops' },
  { method: 'post', path: '/ops/orders/{orderId}/amount', tag: 'ops', summary: 'Change the amount (A2/A3; operator)', security: 'ops', body: changeAmountBodySchema },
  { method: 'post', path: '/ops/orders/{orderId}/capture', tag: 'ops', summary: 'Capture (shipment; operator)', security: 'ops', body: captureBodySchema },
  { method: 'post', path: '/ops/orders/{orderId}/cancel', tag: 'ops', summary: 'Cancel (operator)', security: 'ops', body: cancelBodySchema },
  { method: 'post', path: '/ops/orders/{orderId}/refund', tag: 'ops', summary: 'Refund up to the captured amount (operator)', security: 'ops', body: refundBodySchema },
  { method: 'post', path: '/codec/decode', tag: 'codec', summary: 'Temporal remote codec: decrypt payloads (any ops credential or codec session)', security: 'ops', body: codecRequestSchema },
  { method: 'post', path: '/codec/encode', tag: 'codec', summary: 'Temporal remote codec: encrypt payloads', security: 'ops', body: codecRequestSchema },
];

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const errorSchema = jsonSchema(
  z.strictObject({
    error: z.strictObject({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  }),
);

const securityOf: Record<Security, Record<string, string[]>[]> = {
  ops: [{ opsBearer: [] }],
  buyer: [{ orderToken: [] }, { shopSession: [] }],
  session: [{ shopSession: [] }, {}],
  none: [],
};

/** The OpenAPI document (built once per app). */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const parameters: Record<string, unknown>[] = [];
    if (ORDER_ID.test(op.path)) parameters.push({ name: 'orderId', in: 'path', required: true, schema: { type: 'string', pattern: ORDER_ID_PATTERN.source } });
    if (op.query !== undefined) {
      const query = jsonSchema(op.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
      }
    }
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      tags: [op.tag],
      summary: op.summary,
      operationId: `${op.method}${op.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      security: securityOf[op.security],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } }),
      responses: {
        '200': { description: 'OK', content: { [op.produces ?? 'application/json']: {} } },
        '4XX': { description: 'Refused: the one error body (400 invalid, 401, 403, 404, 405, 409, 413, 422, 429)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        '5XX': { description: 'Unavailable or internal error (no details)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Amazon Pay order processing API',
      version: '0.1.0',
      description: 'Storefront, member, ops and codec routes. Every refusal answers `{ "error": { "code", "message", "details"? } }`. Unknown body keys are refused.',
    },
    servers: [{ url: serverUrl }],
    tags: ['storefront', 'orders', 'members', 'ops', 'codec', 'system'].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        opsBearer: { type: 'http', scheme: 'bearer', description: 'An ops token (OPS_TOKENS): viewer reads, operator also acts' },
        orderToken: { type: 'apiKey', in: 'header', name: 'X-Order-Token', description: 'The order token handed out at checkout' },
        shopSession: { type: 'apiKey', in: 'cookie', name: 'shop.sid' },
      },
    },
  };
}

const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const SWAGGER_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API docs · Amazon Pay order processing</title>
<link rel="icon" href="/docs/assets/favicon-32x32.png"><link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<script src="/docs/assets/swagger-ui-bundle.js" defer></script><script src="/docs/init.js" defer></script>
</head><body><div id="docs"></div></body></html>`;

// A file of its own, not an inline script: the CSP allows same-origin scripts only.
const DOCS_INIT = `window.addEventListener('DOMContentLoaded', function () {
  window.SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', deepLinking: true });
});
`;

export function openApiRoutes(serverUrl: string): Router {
  const router = Router();
  const document = openApiDocument(serverUrl);
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(DOCS_INIT);
  });
  for (const file of SWAGGER_FILES) {
    router.get(`/docs/assets/${file}`, (_req, res) => {
      res.sendFile(path.join(swaggerUiDir, file), { maxAge: '1d' });
    });
  }
  return router;
}
