/**
 * Amazon Pay notifications (IPN, lifecycle step 7): the SNS envelope is verified against the trusted
 * certificate, then the order workflow is signalled. A notification is a hint — the workflow re-reads
 * the object from Amazon — so duplicates and reordering are harmless. Unknown objects are logged and
 * acknowledged (Amazon would otherwise retry them for days).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { NotificationVerificationError, verifyNotification } from '../amazon-pay/index.js';
import { orderWorkflowId } from '../domain/ids.js';
import type { Models } from '../db/models/index.js';
import { amazonNotification } from '../workflows/order/definitions.js';
import { HttpError } from './errors.js';

export const NOTIFICATION_PATH = '/api/amazon-pay/notifications';

export function notificationRoutes(deps: {
  client: Client;
  models: Models;
  trustedCertPath: string;
  log: Logger;
}): Router {
  const router = Router();
  const trustedCert = readFileSync(path.resolve(deps.trustedCertPath), 'utf8');

  router.post(NOTIFICATION_PATH, express.text({ type: () => true, limit: '64kb' }), async (req, res) => {
    let message;
    try {
      ({ message } = verifyNotification(typeof req.body === 'string' ? req.body : '', trustedCert));
    } catch (error) {
      if (error instanceof NotificationVerificationError)
        throw new HttpError(403, 'notification_rejected', error.message);
      throw new HttpError(400, 'bad_request', 'not an Amazon Pay notification');
    }
    const order = await deps.models.Order.findOne(
      { chargePermissionId: message.ChargePermissionId },
      { orderId: 1 },
    ).lean();
    if (order === null) {
      deps.log.warn({ notification: message }, 'notification for an unknown charge permission: acknowledged');
      res.status(200).json({ acknowledged: true, forwarded: false });
      return;
    }
    try {
      await deps.client.workflow
        .getHandle(orderWorkflowId(order.orderId))
        .signal(amazonNotification, { objectType: message.ObjectType, objectId: message.ObjectId });
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      deps.log.warn({ notification: message, orderId: order.orderId }, 'notification for a closed order: acknowledged');
    }
    res.status(200).json({ acknowledged: true, forwarded: true });
  });
  return router;
}
