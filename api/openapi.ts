/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas the routes parse
 * with (`z.toJSONSchema`: requests on the input side — what a client sends — and responses from
 * `api/responses.ts` on the output side), with every status each route can answer, its headers,
 * its credentials and examples; and the browsable docs page at `/docs` (Swagger UI served from
 * node_modules: no CDN, same-origin only, so the CSP holds). An outside fuzzer holds the running API
 * to this document (`npm run fuzz`).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { ORDER_ID_PATTERN } from '../domain/ids.js';
import { loginSchema, type ExtraFieldDefinition } from '../domain/member.js';
import { CONFIRM_ORDER_LABEL } from '../domain/messages.js';
import { orderProcedureSchema } from '../domain/order-procedure.js';
import { tokyoDate } from '../domain/calendar.js';
import { staffSignInSchema } from '../domain/staff.js';
import { codecLoginSchema, codecRequestSchema } from './codec-server.js';
import {
  memberRequestSchemas,
  passwordChangeSchema,
  resetConfirmSchema,
  resetRequestSchema,
  signInSchema,
} from './members/routes.js';
import { bulkSchema, exportSchema, memberIdSchema, searchSchema } from './ops/members.js';
import { reconciliationRunIdSchema } from './ops/reconciliation.js';
import {
  cancelBodySchema,
  captureBodySchema,
  changeAmountBodySchema,
  countSchema,
  listSchema,
  refundBodySchema,
} from './ops/orders.js';
import { amazonReturnSchema, checkoutSchema, emptyBodySchema, idempotencyKeySchema } from './orders/routes.js';
import * as answers from './responses.js';

type Security = 'ops' | 'operator' | 'buyer' | 'session' | 'member' | 'codec' | 'staff' | 'none';

interface Success {
  status: 200 | 201 | 202;
  description: string;
  /** JSON body (output side); or text for `contentType` other than JSON. */
  schema?: z.ZodType;
  contentType?: string;
  example?: unknown;
  /** Response headers the answer carries. */
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

interface Operation {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  tag: 'storefront' | 'members' | 'orders' | 'ops' | 'codec' | 'system';
  summary: string;
  security: Security;
  body?: z.ZodType;
  bodyExample?: unknown;
  /** The route takes no body as an empty one. */
  bodyOptional?: boolean;
  /** Request body media type (default JSON). */
  bodyType?: string;
  query?: z.ZodObject;
  headers?: { name: string; schema: Record<string, unknown>; description: string }[];
  ok: Success;
  /** Statuses beyond those every operation of its kind answers (see `errorStatuses`). */
  errors?: number[];
  /** The 503 body is not the error body (`/healthz`). */
  unavailable?: z.ZodType;
}

export interface OpenApiOptions {
  serverUrl: string;
  /** The shop's extra member fields (C6): part of the member request bodies. */
  extraFields: readonly ExtraFieldDefinition[];
  /** The Temporal namespace the codec server serves (its `X-Namespace`). */
  namespace: string;
}

const EXAMPLE_ORDER_ID = 'ORD-20260101-7K3M9Q2X';
const EXAMPLE_RUN_ID = '6f1d2c3b-4a59-4e8d-9c7b-1a2b3c4d5e6f';
const EXAMPLE_MEMBER_ID = 'M-ORD-20260101-7K3M9Q2X';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed: not JSON, wrong types, unknown keys, a value breaking its rule (`invalid_request` with `details.fields`)',
  401: 'No or wrong credential (`unauthorized`, `not_logged_in`, `login_failed`, `sign_in_failed`, `not_signed_in`)',
  403: 'Credential without the right (`forbidden`: a viewer acting; `csrf_token_invalid`: a staff session changing without its `X-CSRF-Token`; `amazon_sign_in_required`; `origin_not_allowed`; `notification_rejected`)',
  404: 'No such order, or not this buyer’s (`order_not_found`: the same answer for both)',
  409: 'Conflicts with the current state (`invalid_state`, `email_taken`, `buyer_linked_elsewhere`, `idempotency_key_reused`)',
  413: 'Body too large (`payload_too_large`): 100 kB, codec 8 MB',
  422: 'Well-formed but refused by a business rule; the code says which (`cart_refused`, `unknown_product`, `refund_refused`, …)',
  429: 'Too many requests from one address: the storefront’s limit per IP (`rate_limited`); staff sign-ins after STAFF_SIGN_IN_FAILURES_PER_IP failures within STAFF_LOCKOUT_MINUTES (`sign_in_throttled`)',
  503: 'Amazon Pay unavailable; the order is unchanged, ask again (`amazon_unavailable`)',
};

function errorStatuses(op: Operation): number[] {
  const statuses = new Set<number>(op.errors ?? []);
  const hasBody = op.method === 'post' || op.method === 'put';
  const inPath = pathParametersOf(op.path).length > 0;
  if (hasBody || op.query !== undefined || op.headers !== undefined || inPath) statuses.add(400);
  if (hasBody) statuses.add(413);
  if (inPath) statuses.add(404);
  if (['ops', 'operator', 'member', 'codec', 'staff'].includes(op.security)) statuses.add(401);
  if (op.security === 'operator') statuses.add(403);
  if (op.path.startsWith('/api/') && op.path !== '/api/amazon-pay/notifications') statuses.add(429);
  return [...statuses].sort();
}

/** Every `{name}` a path may hold: its parameter (a value breaking its rule is a 400), and what a 404 there means. */
const PATH_PARAMETERS: Record<string, { parameter: Record<string, unknown>; notFound: string }> = {
  orderId: {
    parameter: {
      name: 'orderId',
      in: 'path',
      required: true,
      schema: { type: 'string', pattern: ORDER_ID_PATTERN.source.replace(/\\d/g, '[0-9]') },
      example: EXAMPLE_ORDER_ID,
    },
    notFound: ERROR_DESCRIPTIONS[404] ?? '',
  },
  memberId: {
    parameter: {
      name: 'memberId',
      in: 'path',
      required: true,
      description:
        'A member id as the search answers it (`M` and 16 hex digits, or `M-{orderId}` for a registration at purchase)',
      schema: jsonSchema(memberIdSchema),
      example: EXAMPLE_MEMBER_ID,
    },
    notFound: 'No member with this id (`member_not_found`)',
  },
  runId: {
    parameter: {
      name: 'runId',
      in: 'path',
      required: true,
      description: 'The `runId` that `POST /ops/reconciliation/run` answered (Temporal’s run id)',
      schema: jsonSchema(reconciliationRunIdSchema),
      example: EXAMPLE_RUN_ID,
    },
    notFound:
      'No run of `POST /ops/reconciliation/run` with this id: never started, or past the namespace’s retention (`reconciliation_run_not_found`)',
  },
};

function pathParametersOf(path: string): { parameter: Record<string, unknown>; notFound: string }[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name = '']) => {
    const known = PATH_PARAMETERS[name];
    if (known === undefined) throw new Error(`the API document has no parameter {${name}} (${path})`);
    return known;
  });
}

const exampleMember = {
  email: 'taro.yamada@example.jp',
  password: 'member-password',
  name: '山田 太郎',
  postalCode: '150-0041',
  prefecture: '東京都',
  address: '渋谷区神南1-2-3',
  phone: '03-1234-5678',
  newsletter: false,
};

/** `/readyz` and its older name `/healthz`: the same probe under two paths. */
function readiness(path: string, summary: string): Operation {
  return {
    method: 'get',
    path,
    tag: 'system',
    summary,
    security: 'none',
    ok: {
      status: 200,
      description: 'Both answer',
      schema: answers.healthResponse,
      example: { status: 'ok', checks: { temporal: 'up', database: 'up' } },
    },
    unavailable: answers.healthResponse,
  };
}

function operations(options: OpenApiOptions): Operation[] {
  const members = memberRequestSchemas(options.extraFields);
  const procedure = orderProcedureSchema({ isMember: false, today: tokyoDate(new Date()) });
  const order = (description: string) => ({ status: 200 as const, description, schema: answers.orderAnswer });
  return [
    {
      method: 'get',
      path: '/livez',
      tag: 'system',
      summary: 'Liveness: the process serves HTTP (restart it when this fails)',
      security: 'none',
      ok: {
        status: 200,
        description: 'The process answers',
        schema: answers.livenessResponse,
        example: { status: 'ok' },
      },
    },
    readiness(
      '/readyz',
      'Readiness: Temporal and the database both answer (take the replica out of rotation when not)',
    ),
    readiness('/healthz', 'The same as /readyz (its older name)'),
    {
      method: 'get',
      path: '/metrics',
      tag: 'system',
      summary: 'Prometheus metrics (any ops credential)',
      security: 'ops',
      ok: { status: 200, description: 'Prometheus text format', contentType: 'text/plain' },
    },
    {
      method: 'get',
      path: '/api/products',
      tag: 'storefront',
      summary: 'Active catalog',
      security: 'none',
      ok: { status: 200, description: 'The active products', schema: answers.productsResponse },
    },
    {
      method: 'get',
      path: '/api/storefront/procedure-options',
      tag: 'storefront',
      summary: 'Choices of the order-procedure form (C3) and the fee table',
      security: 'none',
      ok: { status: 200, description: 'Choices and fees', schema: answers.procedureOptionsResponse },
    },
    {
      method: 'post',
      path: '/api/checkouts',
      tag: 'orders',
      summary: 'Step 1: checkout from a cart (R2), Amazon Pay button config',
      security: 'session',
      body: checkoutSchema,
      bodyExample: { items: [{ productId: 'tea-sencha', quantity: 1 }] },
      headers: [
        {
          name: 'Idempotency-Key',
          schema: jsonSchema(idempotencyKeySchema),
          description: 'Optional: a repeated request with the same key (and cart) answers the same order',
        },
      ],
      ok: {
        status: 201,
        description: 'The order, its token and the Amazon Pay button',
        schema: answers.checkoutResponse,
      },
      errors: [409, 422],
    },
    {
      method: 'get',
      path: '/api/orders/{orderId}',
      tag: 'orders',
      summary: 'The order as its buyer sees it',
      security: 'buyer',
      ok: order('The order'),
    },
    {
      method: 'post',
      path: '/api/orders/{orderId}/amazon-return',
      tag: 'orders',
      summary: 'Step 2: back from Amazon with the checkout session (R3, C7)',
      security: 'buyer',
      body: amazonReturnSchema,
      bodyExample: { amazonCheckoutSessionId: '3f5c2a9e-8b1d-4c7e-9f0a-2d6b8e4c1a7f' },
      ok: order('The order with the chosen address'),
      errors: [409, 422, 503],
    },
    {
      method: 'put',
      path: '/api/orders/{orderId}/procedure',
      tag: 'orders',
      summary:
        'Step 3: the order-procedure form (C3–C6, C8; validated by the workflow: a refusal is a 422 listing the fields)',
      security: 'buyer',
      body: procedure,
      ok: order('The order with the procedure'),
      errors: [409, 422, 503],
    },
    {
      method: 'post',
      path: '/api/orders/{orderId}/confirm',
      tag: 'orders',
      summary: `Step 4: 「${CONFIRM_ORDER_LABEL}」, answers amazonPayRedirectUrl`,
      security: 'buyer',
      bodyOptional: true,
      body: emptyBodySchema,
      bodyExample: {},
      ok: { status: 200, description: 'Where to send the buyer', schema: answers.confirmAnswer },
      errors: [409, 422, 503],
    },
    {
      method: 'post',
      path: '/api/orders/{orderId}/complete',
      tag: 'orders',
      summary: 'Step 5: back from Amazon: authorization, placement',
      security: 'buyer',
      bodyOptional: true,
      body: emptyBodySchema,
      bodyExample: {},
      ok: order('The placed (or pending) order'),
      errors: [409, 422, 503],
    },
    {
      method: 'post',
      path: '/api/amazon-pay/notifications',
      tag: 'orders',
      summary: 'Amazon Pay notifications (signed SNS envelope, any content type)',
      security: 'none',
      body: z.string(),
      bodyType: 'text/plain',
      ok: {
        status: 200,
        description: 'Acknowledged (also for unknown charge permissions)',
        schema: answers.notificationResponse,
      },
      errors: [403],
    },
    {
      method: 'get',
      path: '/api/auth/session',
      tag: 'members',
      summary: 'The shopper session: member, Amazon sign-in',
      security: 'session',
      ok: { status: 200, description: 'The session', schema: answers.sessionResponse },
    },
    {
      method: 'post',
      path: '/api/members',
      tag: 'members',
      summary: 'Register with the form (L7, C6); logs in',
      security: 'session',
      body: members.registration,
      bodyExample: exampleMember,
      ok: { status: 201, description: 'The new member', schema: answers.memberAnswer },
      errors: [409],
    },
    {
      method: 'post',
      path: '/api/auth/login',
      tag: 'members',
      summary: 'Log in with e-mail and password',
      security: 'session',
      body: loginSchema,
      bodyExample: { email: 'taro.yamada@example.jp', password: 'member-password' },
      ok: { status: 200, description: 'Logged in', schema: answers.loginResponse },
      errors: [401, 409],
    },
    {
      method: 'post',
      path: '/api/auth/logout',
      tag: 'members',
      summary: 'Log out (the Amazon sign-in too)',
      security: 'session',
      bodyOptional: true,
      body: emptyBodySchema,
      bodyExample: {},
      ok: { status: 200, description: 'Logged out', schema: answers.logoutResponse },
    },
    {
      method: 'get',
      path: '/api/auth/amazon/button-config',
      tag: 'members',
      summary: 'Sign in with Amazon button config',
      security: 'none',
      ok: { status: 200, description: 'The signed button config', schema: answers.buttonConfigResponse },
    },
    {
      method: 'post',
      path: '/api/auth/amazon/sign-in',
      tag: 'members',
      summary: 'Sign in with Amazon (L1–L4)',
      security: 'session',
      body: signInSchema,
      bodyExample: { buyerToken: 'buyer-token-from-amazon' },
      ok: {
        status: 200,
        description: 'Logged in, linked, or asked to link or register',
        schema: answers.signInResponse,
      },
      errors: [409, 422, 503],
    },
    {
      method: 'post',
      path: '/api/auth/amazon/register',
      tag: 'members',
      summary: 'Register through Amazon (L8); needs the Amazon sign-in of this session',
      security: 'session',
      body: members.amazonRegister,
      bodyExample: { newsletter: true },
      ok: { status: 201, description: 'The new member', schema: answers.memberAnswer },
      errors: [403, 409],
    },
    {
      method: 'get',
      path: '/api/members/me',
      tag: 'members',
      summary: 'The logged-in member',
      security: 'member',
      ok: { status: 200, description: 'The member', schema: answers.memberAnswer },
    },
    {
      method: 'get',
      path: '/api/members/me/points',
      tag: 'members',
      summary: 'Point account: usable, held, pending',
      security: 'member',
      ok: { status: 200, description: 'The point account', schema: answers.pointsResponse },
    },
    {
      method: 'get',
      path: '/api/members/me/orders',
      tag: 'members',
      summary: 'The member’s orders (newest 50)',
      security: 'member',
      ok: { status: 200, description: 'The orders', schema: answers.memberOrdersResponse },
    },
    {
      method: 'post',
      path: '/api/members/me/additional-information',
      tag: 'members',
      summary: 'Additional member information (C6)',
      security: 'member',
      body: members.additionalInformation,
      ok: { status: 200, description: 'The member', schema: answers.memberAnswer },
    },
    {
      method: 'post',
      path: '/api/members/me/password',
      tag: 'members',
      summary: 'Set or change the password (L8)',
      security: 'member',
      body: passwordChangeSchema,
      bodyExample: { currentPassword: 'member-password', newPassword: 'another-password' },
      ok: { status: 200, description: 'Set', schema: answers.passwordSetResponse },
      errors: [403, 422],
    },
    {
      method: 'post',
      path: '/api/auth/password-reset',
      tag: 'members',
      summary: 'Request a password-reset mail (the same answer for unknown addresses)',
      security: 'none',
      body: resetRequestSchema,
      bodyExample: { email: 'taro.yamada@example.jp' },
      ok: { status: 202, description: 'Accepted', schema: answers.acceptedResponse },
    },
    {
      method: 'post',
      path: '/api/auth/password-reset/confirm',
      tag: 'members',
      summary: 'Set a new password with the mailed token',
      security: 'none',
      body: resetConfirmSchema,
      ok: { status: 200, description: 'Set', schema: answers.passwordSetResponse },
      errors: [422],
    },
    {
      method: 'get',
      path: '/ops/login',
      tag: 'ops',
      summary: 'The staff sign-in page (Japanese); the ops console sends staff here',
      security: 'none',
      ok: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    {
      method: 'get',
      path: '/ops/',
      tag: 'ops',
      summary:
        'The ops console: the order list (Japanese HTML); without a staff sign-in, a redirect to /ops/login?next=…',
      security: 'none',
      ok: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    {
      method: 'get',
      path: '/ops/order/{orderId}',
      tag: 'ops',
      summary: 'The ops console: one order (Japanese HTML); without a staff sign-in, a redirect to /ops/login?next=…',
      security: 'none',
      ok: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    {
      method: 'get',
      path: '/ops/member-search',
      tag: 'ops',
      summary:
        'The ops console: member search with CSV downloads (Japanese HTML); without a staff sign-in, a redirect to /ops/login?next=…',
      security: 'none',
      ok: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    {
      method: 'get',
      path: '/ops/member/{memberId}',
      tag: 'ops',
      summary: 'The ops console: one member (Japanese HTML); without a staff sign-in, a redirect to /ops/login?next=…',
      security: 'none',
      ok: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    {
      method: 'get',
      path: '/ops/reconcile',
      tag: 'ops',
      summary:
        'The ops console: the reconciliation page, the latest runs and their mismatches (Japanese HTML); without a staff sign-in, a redirect to /ops/login?next=…',
      security: 'none',
      ok: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    {
      method: 'post',
      path: '/ops/session',
      tag: 'ops',
      summary:
        'Staff sign-in: sets the HttpOnly staff cookie `ops.sid` (paths /ops and /codec); the same 401 for any refusal (unknown login, wrong password, locked, disabled)',
      security: 'none',
      body: staffSignInSchema,
      bodyExample: { login: 'hanako', password: 'correct horse battery' },
      ok: { status: 200, description: 'Signed in', schema: answers.staffSessionResponse },
      errors: [401, 429],
    },
    {
      method: 'get',
      path: '/ops/session',
      tag: 'ops',
      summary: 'Who is signed in, and the CSRF token for changes',
      security: 'staff',
      ok: { status: 200, description: 'The staff session', schema: answers.staffSessionResponse },
    },
    {
      method: 'delete',
      path: '/ops/session',
      tag: 'ops',
      summary: 'Sign out (both cookies; needs `X-CSRF-Token` while signed in)',
      security: 'staff',
      ok: { status: 200, description: 'Signed out', schema: answers.staffSignedOutResponse },
      errors: [401, 403],
    },
    {
      method: 'get',
      path: '/ops/members',
      tag: 'ops',
      summary: 'Member search (L5)',
      security: 'ops',
      query: searchSchema,
      ok: { status: 200, description: 'One page of members', schema: answers.opsMembersResponse },
    },
    {
      method: 'get',
      path: '/ops/members/export.csv',
      tag: 'ops',
      summary: 'CSV export of a search (L6)',
      security: 'ops',
      query: exportSchema,
      ok: { status: 200, description: 'CSV (UTF-8 or Shift_JIS)', contentType: 'text/csv' },
    },
    {
      method: 'get',
      path: '/ops/members/bulk.csv',
      tag: 'ops',
      summary: 'CSV of every member (L6)',
      security: 'ops',
      query: bulkSchema,
      ok: { status: 200, description: 'CSV (UTF-8 or Shift_JIS)', contentType: 'text/csv' },
    },
    {
      method: 'get',
      path: '/ops/members/{memberId}',
      tag: 'ops',
      summary:
        'One member as stored (registration and Amazon link time, L7), the point account and the newest 50 orders',
      security: 'ops',
      ok: { status: 200, description: 'The member', schema: answers.opsMemberDetailResponse },
    },
    {
      method: 'get',
      path: '/ops/orders',
      tag: 'ops',
      summary:
        'Orders from the read model, newest first: by status, member, payment method, charge permission id and ordering day (JST)',
      security: 'ops',
      query: listSchema,
      ok: { status: 200, description: 'One page of orders', schema: answers.opsOrdersResponse },
    },
    {
      method: 'get',
      path: '/ops/orders/count',
      tag: 'ops',
      summary:
        'How many orders the same filters match, counted up to 1,000 (asked apart from the page, which it would slow down)',
      security: 'ops',
      query: countSchema,
      ok: { status: 200, description: 'The count', schema: answers.opsOrderCountResponse },
    },
    {
      method: 'get',
      path: '/ops/orders/{orderId}',
      tag: 'ops',
      summary: "One order, and its workflow's address in the Temporal UI",
      security: 'ops',
      ok: { status: 200, description: 'The order', schema: answers.opsOrderDetailResponse },
    },
    {
      method: 'get',
      path: '/ops/orders/{orderId}/audit',
      tag: 'ops',
      summary: 'The ops actions on one order (its audit rows), newest first, at most 200',
      security: 'ops',
      ok: { status: 200, description: 'Audit rows', schema: answers.opsOrderAuditResponse },
    },
    {
      method: 'post',
      path: '/ops/orders/{orderId}/amount',
      tag: 'ops',
      summary: 'Change the amount (A2/A3; operator)',
      security: 'operator',
      body: changeAmountBodySchema,
      bodyExample: { amount: 3000 },
      ok: { status: 200, description: 'The order after', schema: answers.opsOrderResponse },
      errors: [409, 422, 503],
    },
    {
      method: 'post',
      path: '/ops/orders/{orderId}/capture',
      tag: 'ops',
      summary: 'Capture (shipment; operator)',
      security: 'operator',
      bodyOptional: true,
      body: captureBodySchema,
      bodyExample: {},
      ok: { status: 200, description: 'The order after', schema: answers.opsOrderResponse },
      errors: [409, 422, 503],
    },
    {
      method: 'post',
      path: '/ops/orders/{orderId}/cancel',
      tag: 'ops',
      summary: 'Cancel (operator)',
      security: 'operator',
      body: cancelBodySchema,
      bodyExample: { reason: '在庫切れ' },
      ok: { status: 200, description: 'The order after', schema: answers.opsOrderResponse },
      errors: [409, 422, 503],
    },
    {
      method: 'post',
      path: '/ops/orders/{orderId}/refund',
      tag: 'ops',
      summary: 'Refund up to the captured amount (operator)',
      security: 'operator',
      body: refundBodySchema,
      bodyExample: { amount: 500, reason: '一部返品' },
      ok: { status: 200, description: 'The order after', schema: answers.opsOrderResponse },
      errors: [409, 422, 503],
    },
    {
      method: 'get',
      path: '/ops/reconciliation',
      tag: 'ops',
      summary: 'The latest reconciliation reports (read model vs Amazon)',
      security: 'ops',
      ok: { status: 200, description: 'Newest 20 reports', schema: answers.reconciliationReportsResponse },
    },
    {
      method: 'post',
      path: '/ops/reconciliation/run',
      tag: 'ops',
      summary:
        'Start a reconciliation now (operator); while one started here is running, answers that one instead of starting a second',
      security: 'operator',
      ok: {
        status: 202,
        description: 'Started (or already running): poll the status URL',
        schema: answers.reconciliationRunAccepted,
        example: {
          workflowId: 'reconciliation:manual:orders',
          runId: EXAMPLE_RUN_ID,
          statusUrl: `/ops/reconciliation/runs/${EXAMPLE_RUN_ID}`,
        },
        headers: {
          Location: { description: 'The status URL', schema: { type: 'string' } },
        },
      },
    },
    {
      method: 'get',
      path: '/ops/reconciliation/runs/{runId}',
      tag: 'ops',
      summary:
        'The status of a run started by POST /ops/reconciliation/run: running, completed with its report, or failed',
      security: 'ops',
      ok: { status: 200, description: 'The run’s status', schema: answers.reconciliationRunStatusResponse },
    },
    ...(['decode', 'encode'] as const).map((direction): Operation => ({
      method: 'post',
      path: `/codec/${direction}`,
      tag: 'codec',
      summary:
        direction === 'decode'
          ? 'Temporal remote codec: decrypt payloads (any ops credential or codec session)'
          : 'Temporal remote codec: encrypt payloads',
      security: 'codec',
      body: codecRequestSchema,
      bodyExample: { payloads: [] },
      headers: [
        {
          name: 'X-Namespace',
          schema: { type: 'string', enum: [options.namespace] },
          description: 'The Temporal namespace (only this one is served)',
        },
      ],
      ok: {
        status: 200,
        description: direction === 'decode' ? 'The payloads in clear' : 'The payloads encrypted',
        schema: answers.codecResponse,
      },
      errors: direction === 'decode' ? [403, 422] : [403],
    })),
    {
      method: 'get',
      path: '/codec/login',
      tag: 'codec',
      summary: 'The codec sign-in page (staff login and password; says who when already signed in)',
      security: 'none',
      ok: { status: 200, description: 'HTML form', contentType: 'text/html' },
    },
    {
      method: 'post',
      path: '/codec/login',
      tag: 'codec',
      summary:
        'Staff sign-in for the Temporal UI (as POST /ops/session): sets the HttpOnly staff cookie `ops.sid` for /codec and /ops',
      security: 'none',
      body: codecLoginSchema,
      bodyType: 'application/x-www-form-urlencoded',
      ok: { status: 200, description: 'Signed in (HTML)', contentType: 'text/html' },
      errors: [401, 429],
    },
  ];
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    reused: 'inline',
  }) as Record<string, unknown>;
  return rest;
}

const securityOf: Record<Security, Record<string, string[]>[]> = {
  ops: [{ opsBearer: [] }, { staffSession: [] }],
  operator: [{ opsBearer: [] }, { staffSession: [] }],
  codec: [{ opsBearer: [] }, { staffSession: [] }],
  staff: [{ staffSession: [] }],
  buyer: [{ orderToken: [] }, { orderTokenQuery: [] }, { shopSession: [] }],
  member: [{ shopSession: [] }],
  session: [{ shopSession: [] }, {}],
  none: [],
};

const errorRef = { $ref: '#/components/schemas/Error' };

/** The OpenAPI document (built once per app). */
export function openApiDocument(options: OpenApiOptions): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations(options)) {
    const parameters: Record<string, unknown>[] = pathParametersOf(op.path).map(({ parameter }) => parameter);
    if (op.query !== undefined) {
      const query = jsonSchema(op.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
      }
    }
    for (const header of op.headers ?? [])
      parameters.push({
        name: header.name,
        in: 'header',
        required: false,
        description: header.description,
        schema: header.schema,
      });
    const responses: Record<string, unknown> = {
      [String(op.ok.status)]: {
        description: op.ok.description,
        content: {
          [op.ok.contentType ?? 'application/json']:
            op.ok.schema === undefined
              ? { schema: { type: 'string' } }
              : {
                  schema: jsonSchema(op.ok.schema, 'output'),
                  ...(op.ok.example === undefined ? {} : { example: op.ok.example }),
                },
        },
        ...(op.ok.headers === undefined ? {} : { headers: op.ok.headers }),
      },
    };
    for (const status of errorStatuses(op)) {
      const notFound = status === 404 ? pathParametersOf(op.path)[0]?.notFound : undefined;
      responses[String(status)] = {
        description: notFound ?? ERROR_DESCRIPTIONS[status] ?? 'Refused',
        content: { 'application/json': { schema: errorRef } },
      };
    }
    if (op.unavailable !== undefined) {
      responses['503'] = {
        description: 'A dependency is down: the same body as 200, saying which',
        content: {
          'application/json': {
            schema: jsonSchema(op.unavailable, 'output'),
            example: { status: 'unavailable', checks: { temporal: 'up', database: 'down' } },
          },
        },
      };
    }
    const bodyType = op.bodyType ?? 'application/json';
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      tags: [op.tag],
      summary: op.summary,
      operationId: `${op.method}${op.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      security: securityOf[op.security],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.body === undefined
        ? {}
        : {
            requestBody: {
              required: op.bodyOptional !== true,
              content: {
                [bodyType]: {
                  schema: jsonSchema(op.body),
                  ...(op.bodyExample === undefined ? {} : { example: op.bodyExample }),
                },
              },
            },
          }),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Amazon Pay order processing API',
      version: '0.1.0',
      description:
        'Storefront, member, ops and codec routes. Every refusal answers `{ "error": { "code", "message", "details"? } }` ' +
        '(codes in snake_case, messages in Japanese); `/readyz` and `/healthz` answer their own body for 200 and 503. Unknown body keys are refused. ' +
        'Any route answers 404 (`not_found`) for an unknown path, 405 (`method_not_allowed`, with `Allow`) for a method it does not take, and 500 (`internal_error`) for a fault.',
    },
    servers: [{ url: options.serverUrl }],
    tags: ['storefront', 'orders', 'members', 'ops', 'codec', 'system'].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: jsonSchema(answers.errorResponse, 'output') },
      securitySchemes: {
        opsBearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An ops token (OPS_TOKENS): viewer reads, operator also acts',
        },
        staffSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'ops.sid',
          description:
            'A staff sign-in (POST /ops/session or /codec/login; accounts by `npm run ops:user`): the role of the account; changes also send `X-CSRF-Token` (from the sign-in answer)',
        },
        orderToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Order-Token',
          description: 'The order token handed out at checkout',
        },
        orderTokenQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: 'The same order token in the query (Amazon’s return URLs carry it)',
        },
        shopSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'shop.sid',
          description: 'The shopper session (members: after login)',
        },
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

export function openApiRoutes(options: OpenApiOptions): Router {
  const router = Router();
  const document = openApiDocument(options);
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
