/**
 * Turns what the SDK throws into Temporal `ApplicationFailure`s. Retryable: network errors and
 * HTTP 408, 425, 429, 5xx (the activity retry policy does the retrying — the SDK's own retry never
 * fires). Everything else is a business answer and non-retryable, typed `AmazonPay.<reasonCode>`.
 */
import { ApplicationFailure } from '@temporalio/common';
import { errorBodySchema } from './schemas.js';

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 425, 429]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status) || status >= 500;
}

export interface AmazonPayFailureDetails {
  operation: string;
  status: number | null;
  reasonCode: string;
  message: string;
}

/** The `type` of a failure for a reason code, e.g. `AmazonPay.TransactionAmountExceeded`. */
const failureType = (reasonCode: string) => `AmazonPay.${reasonCode}`;

interface AxiosLike {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  response?: { status: number; data?: unknown };
}

export function toAmazonPayFailure(operation: string, error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as AxiosLike;
  if (e.response !== undefined && typeof e.response.status === 'number') {
    const status = e.response.status;
    const parsed = errorBodySchema.safeParse(e.response.data);
    const reasonCode = parsed.success ? parsed.data.reasonCode : `HTTP${status}`;
    const message = parsed.success ? (parsed.data.message ?? reasonCode) : `HTTP ${status}`;
    return failure(operation, { status, reasonCode, message }, !isRetryableStatus(status));
  }
  if (e.isAxiosError === true || typeof e.code === 'string') {
    // No response at all: connection refused/reset, DNS, timeout — worth retrying.
    return failure(
      operation,
      { status: null, reasonCode: 'NetworkError', message: `${e.code ?? 'network error'}: ${e.message ?? ''}`.trim() },
      false,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return failure(operation, { status: null, reasonCode: 'ClientError', message }, true);
}

function failure(
  operation: string,
  d: Omit<AmazonPayFailureDetails, 'operation'>,
  nonRetryable: boolean,
): ApplicationFailure {
  const details: AmazonPayFailureDetails = { operation, ...d };
  return ApplicationFailure.create({
    type: failureType(d.reasonCode),
    message: `Amazon Pay ${operation} failed: ${d.status === null ? '' : `HTTP ${d.status} `}${d.reasonCode}: ${d.message}`,
    nonRetryable,
    details: [details],
  });
}

/** An Amazon response the schemas reject: a contract break, not worth retrying. */
export function invalidResponse(operation: string, issues: string): ApplicationFailure {
  return failure(operation, { status: null, reasonCode: 'InvalidResponse', message: issues }, true);
}

export function failureDetails(f: ApplicationFailure): AmazonPayFailureDetails | undefined {
  const d = f.details?.[0];
  return typeof d === 'object' && d !== null && 'reasonCode' in d ? (d as AmazonPayFailureDetails) : undefined;
}
