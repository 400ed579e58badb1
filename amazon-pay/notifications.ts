/**
 * Amazon Pay notifications (IPN): parse the SNS envelope and verify its signature against a
 * trusted certificate (never the one the envelope points at). Pure: no network, no clock.
 * A verified message is still only a hint — re-read the object it names.
 */
import { createVerify, X509Certificate } from 'node:crypto';
import { z } from 'zod';

const snsEnvelopeSchema = z.object({
  Type: z.literal('Notification'),
  MessageId: z.string().min(1),
  TopicArn: z.string().min(1),
  Subject: z.string().optional(),
  Message: z.string().min(1),
  Timestamp: z.string().min(1),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1),
  SigningCertURL: z.string().min(1),
  UnsubscribeURL: z.string().optional(),
});
export type SnsEnvelope = z.infer<typeof snsEnvelopeSchema>;

const notificationMessageSchema = z.object({
  MerchantID: z.string().min(1),
  ObjectType: z.enum(['CHARGE_PERMISSION', 'CHARGE', 'REFUND']),
  ObjectId: z.string().min(1),
  ChargePermissionId: z.string().min(1),
  NotificationType: z.string().min(1),
  NotificationId: z.string().min(1),
  NotificationVersion: z.string().min(1),
});
export type NotificationMessage = z.infer<typeof notificationMessageSchema>;

export class NotificationVerificationError extends Error {
  override readonly name = 'NotificationVerificationError';
}

/** SNS's canonical string for a Notification (fixed key order; Subject only when present). */
function snsStringToSign(e: SnsEnvelope): string {
  const lines: [string, string | undefined][] = [
    ['Message', e.Message],
    ['MessageId', e.MessageId],
    ['Subject', e.Subject],
    ['Timestamp', e.Timestamp],
    ['TopicArn', e.TopicArn],
    ['Type', e.Type],
  ];
  return lines
    .filter((l): l is [string, string] => l[1] !== undefined)
    .map(([k, v]) => `${k}\n${v}\n`)
    .join('');
}

/**
 * Parses a notification body (the raw text/plain POST body, or already-parsed JSON), verifies the
 * SNS signature (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) with `trustedCertPem`, and
 * returns the parsed Message. Throws NotificationVerificationError when anything is off.
 */
export function verifyNotification(
  body: string | unknown,
  trustedCertPem: string,
): { envelope: SnsEnvelope; message: NotificationMessage } {
  let json: unknown = body;
  if (typeof body === 'string') {
    try {
      json = JSON.parse(body);
    } catch {
      throw new NotificationVerificationError('notification body is not JSON');
    }
  }
  const envelope = snsEnvelopeSchema.safeParse(json);
  if (!envelope.success)
    throw new NotificationVerificationError(`not an SNS notification envelope: ${z.prettifyError(envelope.error)}`);
  const e = envelope.data;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(trustedCertPem);
  } catch {
    throw new NotificationVerificationError('the trusted certificate is not a valid PEM certificate');
  }
  const verifier = createVerify(e.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256').update(
    snsStringToSign(e),
    'utf8',
  );
  let valid = false;
  try {
    valid = verifier.verify(cert.publicKey, e.Signature, 'base64');
  } catch {
    valid = false;
  }
  if (!valid)
    throw new NotificationVerificationError('notification signature does not verify against the trusted certificate');
  let message: unknown;
  try {
    message = JSON.parse(e.Message);
  } catch {
    throw new NotificationVerificationError('notification Message is not JSON');
  }
  const parsed = notificationMessageSchema.safeParse(message);
  if (!parsed.success)
    throw new NotificationVerificationError(`unexpected notification Message: ${z.prettifyError(parsed.error)}`);
  return { envelope: e, message: parsed.data };
}
