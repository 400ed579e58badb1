/**
 * The order e-mails (mail/order-mails.ts) through the shop's SMTP server, each at most once per order
 * and event. The order workflow asks for them in the background; this activity is retried until the
 * server takes the mail, so an SMTP outage delays a mail and never the order.
 */
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Models } from '../db/models/index.js';
import { MailRejectedError, type Mailer } from '../mail/mailer.js';
import { orderMailKey, renderOrderMail, type OrderMailInput } from '../mail/order-mails.js';

const MailFailureType = {
  /** The SMTP server refused the mail for good (5xx, a recipient it will not take): not retried. */
  Rejected: 'Mail.Rejected',
  /** The order has no buyer address to write to (not placed yet): a bug, not retried. */
  NoRecipient: 'Mail.NoRecipient',
} as const;

export interface OrderMailResult {
  /** `already_sent`: a recorded earlier attempt sent it; this one did not send it again. */
  outcome: 'sent' | 'already_sent';
  messageId: string;
}

export interface MailDeps {
  mailer: Mailer;
  /** The shop's name in the mails (SHOP_NAME). */
  shopName: string;
}

export function createMailActivities(deps: { models: Pick<Models, 'SentMail'>; mail: MailDeps }) {
  const { SentMail } = deps.models;
  return {
    /**
     * Sends one order e-mail unless it was sent before. Exactly once cannot be had over SMTP: the
     * record is written after the server took the mail, so a worker crashing in between sends it
     * again — with the same Message-ID, which mail systems take for the same message.
     */
    async sendOrderMail(input: OrderMailInput): Promise<OrderMailResult> {
      const key = orderMailKey(input.order.orderId, input.event);
      const earlier = await SentMail.findById(key).lean();
      if (earlier !== null) return { outcome: 'already_sent', messageId: earlier.messageId };
      const mail = renderOrderMail(input, deps.mail.shopName);
      if (mail === null)
        throw ApplicationFailure.create({
          type: MailFailureType.NoRecipient,
          message: `order ${input.order.orderId} has no buyer e-mail address`,
          nonRetryable: true,
        });
      let messageId: string;
      try {
        ({ messageId } = await deps.mail.mailer.send({ ...mail, id: key }));
      } catch (error) {
        if (!(error instanceof MailRejectedError)) throw error;
        throw ApplicationFailure.create({
          type: MailFailureType.Rejected,
          message: error.message,
          nonRetryable: true,
          details: [{ responseCode: error.responseCode ?? null }],
        });
      }
      try {
        await SentMail.updateOne(
          { _id: key },
          {
            $setOnInsert: {
              orderId: input.order.orderId,
              event: input.event.kind,
              to: mail.to,
              subject: mail.subject,
              messageId,
              sentAt: new Date(),
            },
          },
          { upsert: true },
        );
      } catch (error) {
        // The mail is out: failing now would send it again. Temporal records this completion, so the
        // workflow does not ask for it again; only a crash before that report is left uncovered.
        log.warn('order mail sent but not recorded', { key, error: String(error) });
      }
      return { outcome: 'sent', messageId };
    },
  };
}
