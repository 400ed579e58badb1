import type { z } from 'zod';
import { isOrderId } from '../domain/ids.js';
import { INVALID_ORDER_ID_MESSAGE, JAPANESE_PARSE_ERRORS } from '../domain/messages.js';
import { HttpError } from './errors.js';

/** Parses a request part with its schema; a mismatch is a 400 listing each field and its message (in Japanese). */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, JAPANESE_PARSE_ERRORS);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const first = fields[0];
  throw new HttpError(
    400,
    'invalid_request',
    first === undefined ? 'invalid request' : `${first.path || 'body'}: ${first.message}`,
    { fields },
  );
}

/**
 * The `:orderId` of a URL, checked with the order-id rule of `domain/ids.ts` — the rule the
 * workflow id enforces — so an id no order can have is a 400 here, never a 500 further in.
 */
export function orderIdParam(value: unknown): string {
  if (typeof value === 'string' && isOrderId(value)) return value;
  throw new HttpError(400, 'invalid_request', INVALID_ORDER_ID_MESSAGE, {
    fields: [{ path: 'orderId', message: INVALID_ORDER_ID_MESSAGE }],
  });
}
