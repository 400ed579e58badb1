/**
 * The API document says what the API does. Built from the routes' own schemas; the patterns
 * it states for values the routes normalize (phone, postal code) only admit what the routes accept;
 * every operation documents its success body, its refusals, its credentials; codes are snake_case.
 */
import { describe, expect, it } from 'vitest';
import { ORDER_REFUSALS } from '../../api/errors.js';
import { openApiDocument } from '../../api/openapi.js';
import { errorResponse } from '../../api/responses.js';
import { PHONE_NUMBER_PATTERN, POSTAL_CODE_PATTERN } from '../../domain/address.js';
import { memberContactSchema } from '../../domain/member.js';
import { ordererSchema } from '../../domain/order-procedure.js';
import { OrderFailureType } from '../../workflows/order/definitions.js';

interface Op {
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string; schema: Record<string, unknown> }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown>; example?: unknown }> };
  responses: Record<
    string,
    { content?: Record<string, { schema?: Record<string, unknown> }>; headers?: Record<string, unknown> }
  >;
}

const document = openApiDocument({
  serverUrl: 'http://127.0.0.1:3000',
  extraFields: [
    { key: 'birthday', label: '生年月日', required: true },
    { key: 'occupation', label: '職業', required: false },
  ],
  namespace: 'default',
}) as {
  paths: Record<string, Record<string, Op>>;
  components: { securitySchemes: Record<string, { in?: string; name?: string }> };
};
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method, op })),
);

describe('the API document says what the API does', () => {
  it('documents every operation with its success body, its refusals and its credentials', () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
    for (const { path, method, op } of operations) {
      const name = `${method} ${path}`;
      const success = Object.keys(op.responses).filter((status) => status.startsWith('2'));
      expect(success, name).toHaveLength(1);
      const content = op.responses[success[0] as string]?.content ?? {};
      expect(Object.keys(content), name).toHaveLength(1);
      // No success is an empty `{}` any more: a JSON answer has its schema.
      for (const [type, media] of Object.entries(content)) {
        if (type === 'application/json') expect(media.schema?.['type'] ?? media.schema?.['anyOf'], name).toBeDefined();
      }
      expect(Array.isArray(op.security), name).toBe(true);
      if (op.requestBody !== undefined) expect(Object.keys(op.requestBody.content), name).toHaveLength(1);
    }
    const statuses = (path: string, method: string) => Object.keys(document.paths[path]?.[method]?.responses ?? {});
    expect(statuses('/api/checkouts', 'post')).toEqual(
      expect.arrayContaining(['201', '400', '409', '413', '422', '429']),
    );
    expect(statuses('/api/members', 'post')).toContain('201');
    expect(statuses('/api/auth/amazon/register', 'post')).toContain('201');
    expect(statuses('/api/auth/password-reset', 'post')).toContain('202');
    expect(statuses('/ops/orders/{orderId}/refund', 'post')).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '409', '422', '503']),
    );
    expect(statuses('/healthz', 'get')).toEqual(['200', '503']);
    expect(statuses('/readyz', 'get')).toEqual(['200', '503']);
    expect(statuses('/livez', 'get')).toEqual(['200']);
    expect(document.paths['/ops/reconciliation']?.['get']).toBeDefined();
    // A reconciliation answers 202 at once with its status URL, which reads the run (or 400/404).
    expect(statuses('/ops/reconciliation/run', 'post')).toEqual(expect.arrayContaining(['202', '401', '403']));
    expect(document.paths['/ops/reconciliation/run']?.['post']?.responses['202']?.headers).toHaveProperty('Location');
    expect(statuses('/ops/reconciliation/runs/{runId}', 'get')).toEqual(['200', '400', '401', '404']);
    expect(document.paths['/ops/reconciliation/runs/{runId}']?.['get']?.parameters).toContainEqual(
      expect.objectContaining({ name: 'runId', in: 'path', schema: expect.objectContaining({ format: 'uuid' }) }),
    );
    expect(
      document.paths['/codec/login']?.['post']?.requestBody?.content['application/x-www-form-urlencoded'],
    ).toBeDefined();
  });

  it('states the Idempotency-Key header, the ?token= alternative and the configured extra fields', () => {
    const checkout = document.paths['/api/checkouts']?.['post'];
    expect(checkout?.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
    expect(document.paths['/api/orders/{orderId}']?.['get']?.security).toEqual([
      { orderToken: [] },
      { orderTokenQuery: [] },
      { shopSession: [] },
    ]);
    expect(document.components.securitySchemes['orderTokenQuery']).toMatchObject({ in: 'query', name: 'token' });
    const registration = document.paths['/api/members']?.['post']?.requestBody?.content['application/json']?.schema as {
      properties: Record<
        string,
        { properties?: object; additionalProperties?: boolean; pattern?: string; enum?: string[] }
      >;
    };
    expect(registration.properties['extra']).toMatchObject({
      properties: { birthday: expect.any(Object), occupation: expect.any(Object) },
      additionalProperties: false,
    });
    expect(registration.properties['postalCode']?.pattern).toBe(POSTAL_CODE_PATTERN);
    expect(registration.properties['phone']?.pattern).toBe(PHONE_NUMBER_PATTERN);
    expect(registration.properties['prefecture']?.enum).toHaveLength(47);
    expect(registration.properties['email']?.pattern).toBeDefined();
    const procedure = document.paths['/api/orders/{orderId}/procedure']?.['put']?.requestBody?.content[
      'application/json'
    ]?.schema as { properties: object };
    expect(Object.keys(procedure.properties)).toEqual(
      expect.arrayContaining(['orderer', 'delivery', 'gift', 'privacyPolicyConsent']),
    );
  });

  it('every phone number and postal code the document admits is accepted by the member and orderer rules', () => {
    const member = (phone: string, postalCode: string) =>
      memberContactSchema.safeParse({
        name: '山田 太郎',
        postalCode,
        prefecture: '東京都',
        address: '渋谷区神南1-2-3',
        phone,
      }).success;
    const orderer = (phoneNumber: string, postalCode: string) =>
      ordererSchema.safeParse({
        name: '山田 太郎',
        email: 'taro@example.jp',
        phoneNumber,
        postalCode,
        prefecture: '東京都',
        address: '渋谷区神南1-2-3',
      }).success;
    // Strings of every alternative of the two patterns, from a fixed pseudo-random digit source.
    let seed = 18;
    const digits = (n: number) =>
      Array.from({ length: n }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return String(seed % 10);
      }).join('');
    const phones: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const second = String(2 + (i % 8));
      const third = String(1 + (i % 9));
      phones.push(`0${second}0${digits(8)}`, `0800${digits(7)}`, `01${digits(8)}`, `0${second}${third}${digits(7)}`);
    }
    const postalCodes = phones.map((_, i) => (i % 2 === 0 ? `${digits(3)}-${digits(4)}` : digits(7)));
    phones.forEach((phone, i) => {
      const postalCode = postalCodes[i] as string;
      expect(
        new RegExp(PHONE_NUMBER_PATTERN).test(phone) && new RegExp(POSTAL_CODE_PATTERN).test(postalCode),
        `${phone} ${postalCode}`,
      ).toBe(true);
      expect(member(phone, postalCode), `${phone} ${postalCode}`).toBe(true);
      expect(orderer(phone, postalCode), `${phone} ${postalCode}`).toBe(true);
    });
  });

  it('every order refusal has one HTTP answer: a documented status and a snake_case code', () => {
    const snakeCase = (type: string) =>
      type
        .replace(/^Order\./, '')
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toLowerCase();
    expect(Object.keys(ORDER_REFUSALS).sort()).toEqual(Object.values(OrderFailureType).sort());
    for (const [type, { status, code }] of Object.entries(ORDER_REFUSALS)) {
      expect(code, type).toBe(snakeCase(type));
      expect([409, 422, 503], type).toContain(status);
      expect(errorResponse.safeParse({ error: { code, message: '注文を処理できません' } }).success, type).toBe(true);
    }
    expect(ORDER_REFUSALS[OrderFailureType.RefundRefused]).toEqual({ status: 422, code: 'refund_refused' });
    expect(ORDER_REFUSALS[OrderFailureType.AmazonUnavailable]).toEqual({ status: 503, code: 'amazon_unavailable' });
  });
});
