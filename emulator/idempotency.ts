/**
 * `x-amz-pay-idempotency-key` on POST calls: the first response (status and body) is kept for the
 * merchant key, indefinitely; the same key with the same request gets it again, with a different
 * request 400 DuplicateIdempotencyKey. 5xx and 429 answers are not kept (the call did not happen).
 */
import { createHash } from 'node:crypto';
import { ApiError } from './errors.js';

const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export class IdempotencyStore {
  private readonly entries = new Map<string, { fingerprint: string; response: StoredResponse }>();

  static validate(key: string): void {
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new ApiError(
        400,
        'InvalidParameterValue',
        'x-amz-pay-idempotency-key must be 1 to 32 characters of A-Z, a-z, 0-9, _ and -.',
      );
    }
  }

  private static fingerprint(method: string, path: string, body: string): string {
    return createHash('sha256').update(`${method}\n${path}\n${body}`).digest('hex');
  }

  /** The stored response for a replay; throws for a reuse with another request. */
  lookup(publicKeyId: string, key: string, method: string, path: string, body: string): StoredResponse | undefined {
    const entry = this.entries.get(`${publicKeyId}\n${key}`);
    if (entry === undefined) return undefined;
    if (entry.fingerprint !== IdempotencyStore.fingerprint(method, path, body)) {
      throw new ApiError(
        400,
        'DuplicateIdempotencyKey',
        `The idempotency key ${key} was already used with a different request.`,
      );
    }
    return entry.response;
  }

  store(publicKeyId: string, key: string, method: string, path: string, body: string, response: StoredResponse): void {
    if (response.status >= 500 || response.status === 429) return;
    this.entries.set(`${publicKeyId}\n${key}`, {
      fingerprint: IdempotencyStore.fingerprint(method, path, body),
      response,
    });
  }
}
