/**
 * The order e-mails (mail/order-mails.ts): asked for after placement, capture, cancel (by ops, or at
 * the 180-day expiry of an order never captured) and refund, and sent in the background — nobody
 * waits for a mail, and a mail that cannot be sent (SMTP down) never fails or holds up the order.
 * Before the workflow ends it waits for the mails still in flight: a closed workflow would drop
 * their retries.
 */
import { log, patched } from '@temporalio/workflow';
import type { OrderMailEvent } from '../../mail/order-mails.js';
import { mailInBackground } from './activities.js';
import type { OrderView } from './definitions.js';

/**
 * The patch marker of the order e-mails: orders recorded before them replay without the mail
 * activities (README, "Changing workflow code"); such an order already running mails its later events.
 */
const ORDER_MAILS = 'order-mails';
/**
 * The patch marker of the cancel notice at the 180-day expiry, which came after the other mails:
 * an order that reached its 180 days under 'order-mails' but before this mail replays without it.
 */
const EXPIRED_CANCEL_MAIL = 'order-mails-expired-cancel';

export class OrderMails {
  private readonly inFlight: Promise<void>[] = [];

  constructor(private readonly view: OrderView) {}

  /** Asks for the mail of `event`, with the order as it is now, without waiting for it. */
  send(event: OrderMailEvent): void {
    if (event.kind === 'canceled' && event.expired === true && !patched(EXPIRED_CANCEL_MAIL)) return;
    if (!patched(ORDER_MAILS)) return;
    const { orderId } = this.view;
    // The view is copied into the activity's input when it is scheduled (now): later changes are not in this mail.
    const sending = mailInBackground.sendOrderMail({ event, order: this.view }).then(
      () => undefined,
      // Refused for good, or given up after days of retries: the order is not affected.
      (error: unknown) => log.warn('order mail not sent', { orderId, event: event.kind, error: String(error) }),
    );
    this.inFlight.push(sending);
  }

  /** Resolves once every mail asked for has been sent or given up. */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}
