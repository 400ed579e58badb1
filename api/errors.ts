import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ApplicationFailure } from '@temporalio/common';
import {
  BODY_TOO_LARGE_MESSAGE,
  INTERNAL_ERROR_MESSAGE,
  MALFORMED_JSON_MESSAGE,
  ORDER_STATE_MESSAGE,
  pageNotFoundMessage,
} from '../domain/messages.js';
import { OrderFailureType } from '../workflows/order/definitions.js';

/** The one error body every route answers with: `{ error: { code, message } }`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

type OrderFailureTypeName = (typeof OrderFailureType)[keyof typeof OrderFailureType];

/**
 * Every refusal of the order workflow as HTTP, one row per failure type of `OrderFailureType`
 * (a type without a row fails the typecheck). Codes are snake_case like every code of the API
 * (`Order.RefundRefused` → `refund_refused`); the OpenAPI document lists the statuses.
 */
export const ORDER_REFUSALS = {
  [OrderFailureType.InvalidState]: { status: 409, code: 'invalid_state' },
  [OrderFailureType.AddressUnusable]: { status: 422, code: 'address_unusable' },
  [OrderFailureType.SessionMismatch]: { status: 422, code: 'session_mismatch' },
  [OrderFailureType.InvalidProcedure]: { status: 422, code: 'invalid_procedure' },
  [OrderFailureType.ConsentRequired]: { status: 422, code: 'consent_required' },
  [OrderFailureType.CouponRefused]: { status: 422, code: 'coupon_refused' },
  [OrderFailureType.PointsRefused]: { status: 422, code: 'points_refused' },
  [OrderFailureType.AdditionalInformationRequired]: { status: 422, code: 'additional_information_required' },
  [OrderFailureType.PaymentDeclined]: { status: 422, code: 'payment_declined' },
  [OrderFailureType.AmountChangeRefused]: { status: 422, code: 'amount_change_refused' },
  [OrderFailureType.CaptureRefused]: { status: 422, code: 'capture_refused' },
  [OrderFailureType.CancelRefused]: { status: 422, code: 'cancel_refused' },
  [OrderFailureType.RefundRefused]: { status: 422, code: 'refund_refused' },
  [OrderFailureType.AmazonUnavailable]: { status: 503, code: 'amazon_unavailable' },
} as const satisfies Record<OrderFailureTypeName, { status: number; code: string }>;

/** A refusal of an order Update (the workflow's typed ApplicationFailure) as the API's error. */
export function orderRefusal(failure: ApplicationFailure): HttpError {
  const type = failure.type ?? '';
  // A failure type the table does not know (none is thrown today) is a plain 400, never a 500.
  const { status, code } = Object.hasOwn(ORDER_REFUSALS, type)
    ? ORDER_REFUSALS[type as OrderFailureTypeName]
    : { status: 400, code: 'invalid_request' };
  return new HttpError(status, code, failure.message, failure.details?.[0]);
}

/** The order takes no more steps (its workflow has finished): the same answer as the workflow's own refusal. */
export function orderStateConflict(details?: unknown): HttpError {
  const { status, code } = ORDER_REFUSALS[OrderFailureType.InvalidState];
  return new HttpError(status, code, ORDER_STATE_MESSAGE, details);
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('not_found', pageNotFoundMessage(req.method, req.path)));
};

/** Maps every thrown error to the standard body; never leaks a stack trace. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof HttpError) {
      res.status(error.status).json(errorBody(error.code, error.message, error.details));
      return;
    }
    // body-parser marks its own errors (malformed JSON, oversize body) with a 4xx status and a type.
    const parserError = error as { status?: number; type?: string };
    if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      const code = parserError.type === 'entity.too.large' ? 'payload_too_large' : 'bad_request';
      const message =
        parserError.type === 'entity.parse.failed'
          ? MALFORMED_JSON_MESSAGE
          : parserError.type === 'entity.too.large'
            ? BODY_TOO_LARGE_MESSAGE
            : (error as Error).message;
      res.status(parserError.status).json(errorBody(code, message));
      return;
    }
    // Name, message and stack only: driver errors carry circular topology objects that no logger can print.
    const err =
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : { message: String(error) };
    log.error({ err }, 'unhandled error');
    res.status(500).json(errorBody('internal_error', INTERNAL_ERROR_MESSAGE));
  };
}
