import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { failureDetails, isRetryableStatus, toAmazonPayFailure } from '../../amazon-pay/errors.js';

const httpError = (status: number, data: unknown) =>
  Object.assign(new Error(`Request failed with status code ${status}`), {
    isAxiosError: true,
    response: { status, data },
  });

describe('adapter: error classification', () => {
  it.each([408, 425, 429, 500, 502, 503, 504])('HTTP %i is retryable', (status) => {
    const f = toAmazonPayFailure('getCharge', httpError(status, { reasonCode: 'Whatever', message: 'm' }));
    expect(f).toBeInstanceOf(ApplicationFailure);
    expect(f.nonRetryable).toBe(false);
    expect(isRetryableStatus(status)).toBe(true);
  });

  it.each([
    [400, 'TransactionAmountExceeded'],
    [400, 'InvalidParameterValue'],
    [401, 'InvalidRequestSignature'],
    [403, 'UnauthorizedAccess'],
    [404, 'ResourceNotFound'],
    [409, 'Conflict'],
    [422, 'InvalidChargeStatus'],
  ])('HTTP %i %s is non-retryable and typed', (status, reasonCode) => {
    const f = toAmazonPayFailure('createCharge', httpError(status, { reasonCode, message: 'nope' }));
    expect(f.nonRetryable).toBe(true);
    expect(f.type).toBe(`AmazonPay.${reasonCode}`);
    expect(failureDetails(f)).toEqual({ operation: 'createCharge', status, reasonCode, message: 'nope' });
  });

  it('an error body that is not Amazon-shaped still classifies by status', () => {
    const f = toAmazonPayFailure('getCharge', httpError(502, '<html>bad gateway</html>'));
    expect(f).toMatchObject({ type: 'AmazonPay.HTTP502', nonRetryable: false });
  });

  it('network errors (no response) are retryable', () => {
    const f = toAmazonPayFailure(
      'getCharge',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', isAxiosError: true }),
    );
    expect(f).toMatchObject({ type: 'AmazonPay.NetworkError', nonRetryable: false });
  });

  it('anything else (a bug, a bad key) is non-retryable', () => {
    expect(toAmazonPayFailure('sign', 'Not a valid algorithm')).toMatchObject({
      type: 'AmazonPay.ClientError',
      nonRetryable: true,
    });
  });
});
