import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  NotificationVerificationError,
  verifyNotification,
  type NotificationMessage,
} from '../../amazon-pay/notifications.js';
import { jpy } from '../../amazon-pay/schemas.js';
import {
  completeCheckout,
  eventually,
  key,
  NOTIFICATION_CERT,
  startTestEmulator,
  type TestEmulator,
} from './support.js';

interface Received {
  contentType: string | undefined;
  body: string;
}

/** A stand-in for the API's notification endpoint; `failFirst` answers 500 that many times. */
function receiver(): { server: Server; received: Received[]; failFirst: { n: number }; url: () => string } {
  const received: Received[] = [];
  const failFirst = { n: 0 };
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  const server = createServer((req, res) => {
    void read(req).then((body) => {
      if (failFirst.n > 0) {
        failFirst.n -= 1;
        res.writeHead(500).end();
        return;
      }
      received.push({ contentType: req.headers['content-type'], body });
      res.writeHead(200).end('OK');
    });
  });
  return {
    server,
    received,
    failFirst,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/amazon-pay/notifications`,
  };
}

const messages = (received: Received[]): NotificationMessage[] =>
  received.map((r) => verifyNotification(r.body, NOTIFICATION_CERT).message);

describe('emulator: notifications (SNS envelopes)', () => {
  let t: TestEmulator;
  const r = receiver();
  beforeAll(async () => {
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    t = await startTestEmulator({ notificationUrl: r.url(), merchantId: 'A3EMULATORMERCHANT' });
  });
  afterAll(async () => {
    await t.close();
    r.server.closeAllConnections();
    await new Promise((resolve) => r.server.close(resolve));
  });
  beforeEach(async () => {
    await t.emulator.notifier.idle();
    r.received.length = 0;
    t.emulator.setFaults({ duplicateNotifications: false });
  });

  it('every state change of CHARGE_PERMISSION / CHARGE / REFUND arrives as a verifiable text/plain SNS envelope', async () => {
    const { session, permission } = await completeCheckout(t, { amount: 5000 });
    const chargeId = session.chargeId ?? '';
    await t.client.captureCharge(chargeId, { captureAmount: jpy(5000) }, { idempotencyKey: key() });
    const refund = await t.client.createRefund({ chargeId, refundAmount: jpy(1000) }, { idempotencyKey: key() });
    await t.client.getRefund(refund.refundId);
    await eventually(() => expect(r.received.length).toBeGreaterThanOrEqual(5));
    await t.emulator.notifier.idle();
    expect(r.received.every((x) => x.contentType?.startsWith('text/plain'))).toBe(true);
    const got = messages(r.received);
    for (const m of got) {
      expect(m).toMatchObject({
        MerchantID: 'A3EMULATORMERCHANT',
        ChargePermissionId: permission.chargePermissionId,
        NotificationType: 'STATE_CHANGE',
        NotificationVersion: 'V2',
      });
    }
    const kinds = got.map((m) => `${m.ObjectType}:${m.ObjectId}`);
    expect(kinds).toContain(`CHARGE_PERMISSION:${permission.chargePermissionId}`);
    expect(kinds.filter((k) => k === `CHARGE:${chargeId}`).length).toBeGreaterThanOrEqual(2); // authorized, captured
    expect(kinds.filter((k) => k === `REFUND:${refund.refundId}`)).toHaveLength(2); // initiated, refunded
    const envelope = JSON.parse(r.received[0]?.body ?? '{}') as Record<string, string>;
    expect(envelope).toMatchObject({ Type: 'Notification', SignatureVersion: '1' });
    // SigningCertURL is served by the emulator and is the trusted cert.
    const cert = await (await fetch(envelope.SigningCertURL ?? '')).text();
    expect(cert.trim()).toBe(
      readFileSync(new URL('../../keys/sandbox/emulator-notification-cert.pem', import.meta.url), 'utf8').trim(),
    );
  });

  it('a tampered envelope fails verification', async () => {
    await completeCheckout(t, { amount: 3000 });
    await eventually(() => expect(r.received.length).toBeGreaterThan(0));
    const original = JSON.parse(r.received[0]?.body ?? '{}') as Record<string, string>;
    expect(() => verifyNotification(JSON.stringify(original), NOTIFICATION_CERT)).not.toThrow();
    const message = JSON.parse(original.Message ?? '{}') as Record<string, string>;
    const tampered = { ...original, Message: JSON.stringify({ ...message, ObjectId: 'S01-9999999-9999999-C000001' }) };
    expect(() => verifyNotification(JSON.stringify(tampered), NOTIFICATION_CERT)).toThrow(
      NotificationVerificationError,
    );
    expect(() =>
      verifyNotification(JSON.stringify({ ...original, Timestamp: '2020-01-01T00:00:00.000Z' }), NOTIFICATION_CERT),
    ).toThrow(NotificationVerificationError);
  });

  it('duplicates knob: each notification is delivered twice (same NotificationId)', async () => {
    await t.control('PUT', '/faults', { duplicateNotifications: true });
    const { permission } = await completeCheckout(t, { amount: 3000, paymentIntent: 'Confirm' });
    await eventually(() => expect(r.received.length).toBe(2));
    await t.emulator.notifier.idle();
    const got = messages(r.received);
    expect(got.map((m) => m.ObjectId)).toEqual([permission.chargePermissionId, permission.chargePermissionId]);
    expect(got[0]?.NotificationId).toBe(got[1]?.NotificationId);
  });

  it('a failed delivery is retried with backoff until the endpoint accepts it', async () => {
    r.failFirst.n = 2;
    const { permission } = await completeCheckout(t, { amount: 3000, paymentIntent: 'Confirm' });
    await eventually(() => expect(r.received.length).toBe(1));
    expect(messages(r.received)[0]?.ObjectId).toBe(permission.chargePermissionId);
    const { body } = await t.control<{ deliveries: { objectId: string; attempts: number; delivered: boolean }[] }>(
      'GET',
      '/notifications',
    );
    expect(body.deliveries.find((d) => d.objectId === permission.chargePermissionId)).toMatchObject({
      attempts: 3,
      delivered: true,
    });
  });
});
