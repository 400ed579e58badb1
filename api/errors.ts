import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

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

/**
 * The code of a workflow refusal (`Order.RefundRefused`) as every code is written: snake_case
 * (`refund_refused`).
 */
export function refusalCode(type: string): string {
  return type
    .replace(/^Order\./, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('not_found', `ページが見つかりません（${req.method} ${req.path}）`));
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
          ? 'リクエスト本文のJSONが正しくありません。'
          : parserError.type === 'entity.too.large'
            ? 'リクエスト本文が大きすぎます。'
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
    res
      .status(500)
      .json(errorBody('internal_error', 'サーバーでエラーが発生しました。しばらくしてからお試しください。'));
  };
}
