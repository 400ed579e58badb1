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

/** Every activity the worker registers, built from injected dependencies (tests pass their own). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSystemCheckActivities(deps),
    ...createCheckoutActivities(deps),
    ...createOrderActivities(deps),
    ...createPaymentActivities(deps),
    ...createReconciliationActivities(deps),
    ...createPointsActivities(deps.temporal),
    ...createMailActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
