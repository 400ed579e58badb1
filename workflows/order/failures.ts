import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { AMAZON_UNAVAILABLE_MESSAGE } from '../../domain/messages.js';
import type { AmazonRefusal } from '../../activities/checkout.js';
import { OrderFailureType } from './definitions.js';

/** A business refusal of an Update: typed, not retried; the API maps `type` to a 4xx. */
export function refuse(type: string, message: string, details?: unknown): never {
  throw ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    details: details === undefined ? [] : [details],
  });
}

export const isRefusal = <T extends object>(value: T | AmazonRefusal): value is AmazonRefusal => 'refused' in value;

/** Amazon unreachable after the activity's retries: an honest "try again later", the order unchanged. */
export async function amazonCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ActivityFailure) refuse(OrderFailureType.AmazonUnavailable, AMAZON_UNAVAILABLE_MESSAGE);
    throw error;
  }
}
