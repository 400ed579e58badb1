import type { Client } from '@temporalio/client';
import type { AmazonPayClient } from '../amazon-pay/index.js';
import type { ExtraFieldDefinition } from '../domain/member.js';
import type { Models } from '../db/models/index.js';
import { createCheckoutActivities } from './checkout.js';
import { createMailActivities, type MailDeps } from './mail.js';
import { createOrderActivities } from './orders.js';
import { createPaymentActivities } from './payments.js';
import { createPointsActivities } from './points.js';
import { createReconciliationActivities } from './reconciliation.js';
import { createSystemCheckActivities } from './system-check.js';

export interface ActivityDeps {
  models: Models;
  amazonPay: AmazonPayClient;
  /** For the point-account updates (the accounts are workflows). */
  temporal: { client: Client; taskQueue: string };
  extraFields: readonly ExtraFieldDefinition[];
  /** The order e-mails: the SMTP mailer and the shop's name. */
  mail: MailDeps;
}

/**
 * The Amazon Pay calls: what new orders schedule on the Amazon task queue, where the worker's second
 * poller runs them at the rate Amazon's quotas allow across all workers.
 */
export function createAmazonPayActivities(deps: Pick<ActivityDeps, 'amazonPay'>) {
  return {
    ...createCheckoutActivities(deps),
    ...createPaymentActivities(deps),
  };
}

/**
 * Every activity the worker registers, built from injected dependencies (tests pass their own). The
 * Amazon Pay calls are among them for orders started before they had a queue of their own.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSystemCheckActivities(deps),
    ...createAmazonPayActivities(deps),
    ...createOrderActivities(deps),
    ...createReconciliationActivities(deps),
    ...createPointsActivities(deps.temporal),
    ...createMailActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type AmazonPayActivities = ReturnType<typeof createAmazonPayActivities>;
