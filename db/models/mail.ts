import { Schema, type Connection } from 'mongoose';

/**
 * An order e-mail the SMTP server accepted, keyed by which mail it is (`orderMailKey`: the order and
 * the event). The mail activity looks here before sending, so an attempt retried after its mail went
 * out (the answer to Temporal lost with a crashed worker) does not send it a second time.
 */
export interface SentMailDoc {
  /** `{orderId}.{event}` (a refund: `{orderId}.refunded.{refundId}`); also the Message-ID's left part. */
  _id: string;
  orderId: string;
  event: string;
  to: string;
  subject: string;
  messageId: string;
  sentAt: Date;
}

const sentMailSchema = new Schema<SentMailDoc>(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true, index: true },
    event: { type: String, required: true },
    to: { type: String, required: true },
    subject: { type: String, required: true },
    messageId: { type: String, required: true },
    sentAt: { type: Date, required: true },
  },
  { collection: 'sent_mails', versionKey: false },
);

export function sentMailModel(connection: Connection) {
  return connection.model<SentMailDoc>('SentMail', sentMailSchema);
}
