/**
 * Amazon Pay IPN as SNS delivers it: a text/plain POST of an SNS "Notification" envelope, signed
 * with SHA1withRSA (SignatureVersion 1) over SNS's canonical string, cert served by the emulator.
 * Delivery is asynchronous, retried with exponential backoff; a knob sends each one twice.
 */
import { createSign, randomUUID } from 'node:crypto';

export interface NotificationMessage {
  MerchantID: string;
  ObjectType: 'CHARGE_PERMISSION' | 'CHARGE' | 'REFUND';
  ObjectId: string;
  ChargePermissionId: string;
  NotificationType: 'STATE_CHANGE';
  NotificationId: string;
  NotificationVersion: 'V2';
}

export interface SnsEnvelope {
  Type: 'Notification';
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1';
  Signature: string;
  SigningCertURL: string;
  UnsubscribeURL: string;
}

/** SNS's string to sign for a Notification: name/value lines in this fixed order (Subject omitted when absent). */
function snsStringToSign(
  e: Pick<SnsEnvelope, 'Message' | 'MessageId' | 'Timestamp' | 'TopicArn' | 'Type'> & { Subject?: string },
): string {
  const parts: [string, string | undefined][] = [
    ['Message', e.Message],
    ['MessageId', e.MessageId],
    ['Subject', e.Subject],
    ['Timestamp', e.Timestamp],
    ['TopicArn', e.TopicArn],
    ['Type', e.Type],
  ];
  return parts
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${k}\n${v}\n`)
    .join('');
}

export interface DeliveryRecord {
  notificationId: string;
  messageId: string;
  objectType: NotificationMessage['ObjectType'];
  objectId: string;
  chargePermissionId: string;
  url: string;
  attempts: number;
  delivered: boolean;
  lastStatus: number | null;
  lastError: string | null;
  copy: number;
}

export interface NotifierOptions {
  merchantId: string;
  signingKeyPem: string;
  certUrl: () => string;
  url: () => string | undefined;
  duplicates: () => boolean;
  now: () => number;
  attempts: number;
  baseDelayMs: number;
  log?: (line: string, extra?: Record<string, unknown>) => void;
}

export class Notifier {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  constructor(private readonly o: NotifierOptions) {}

  get topicArn(): string {
    return `arn:aws:sns:ap-northeast-1:000000000000:amazon-pay-emulator-${this.o.merchantId}`;
  }

  envelope(message: NotificationMessage): SnsEnvelope {
    const unsigned = {
      Type: 'Notification' as const,
      MessageId: randomUUID(),
      TopicArn: this.topicArn,
      Message: JSON.stringify(message),
      Timestamp: new Date(this.o.now()).toISOString(),
    };
    const signature = createSign('RSA-SHA1').update(snsStringToSign(unsigned)).sign(this.o.signingKeyPem, 'base64');
    return {
      ...unsigned,
      SignatureVersion: '1',
      Signature: signature,
      SigningCertURL: this.o.certUrl(),
      UnsubscribeURL: `${this.o.certUrl().replace(/\/[^/]*$/, '')}/unsubscribe`,
    };
  }

  send(change: { objectType: NotificationMessage['ObjectType']; objectId: string; chargePermissionId: string }): void {
    const url = this.o.url();
    if (url === undefined || this.closed) return;
    const message: NotificationMessage = {
      MerchantID: this.o.merchantId,
      ObjectType: change.objectType,
      ObjectId: change.objectId,
      ChargePermissionId: change.chargePermissionId,
      NotificationType: 'STATE_CHANGE',
      NotificationId: randomUUID(),
      NotificationVersion: 'V2',
    };
    const envelope = this.envelope(message);
    const copies = this.o.duplicates() ? 2 : 1;
    for (let copy = 1; copy <= copies; copy += 1) {
      const record: DeliveryRecord = {
        notificationId: message.NotificationId,
        messageId: envelope.MessageId,
        objectType: message.ObjectType,
        objectId: message.ObjectId,
        chargePermissionId: message.ChargePermissionId,
        url,
        attempts: 0,
        delivered: false,
        lastStatus: null,
        lastError: null,
        copy,
      };
      this.deliveries.push(record);
      const p = this.deliver(record, envelope).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async deliver(record: DeliveryRecord, envelope: SnsEnvelope): Promise<void> {
    const body = JSON.stringify(envelope);
    for (let attempt = 1; attempt <= this.o.attempts && !this.closed; attempt += 1) {
      record.attempts = attempt;
      try {
        const response = await fetch(record.url, {
          method: 'POST',
          headers: {
            'content-type': 'text/plain; charset=UTF-8',
            'x-amz-sns-message-type': 'Notification',
            'x-amz-sns-message-id': envelope.MessageId,
            'x-amz-sns-topic-arn': envelope.TopicArn,
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        record.lastStatus = response.status;
        await response.body?.cancel();
        if (response.ok) {
          record.delivered = true;
          return;
        }
        record.lastError = `HTTP ${response.status}`;
      } catch (error) {
        record.lastError = error instanceof Error ? error.message : String(error);
      }
      if (attempt < this.o.attempts) await this.sleep(this.o.baseDelayMs * 2 ** (attempt - 1));
    }
    this.o.log?.('notification not delivered', { ...record });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.timers.set(timer, resolve);
    });
  }

  /** Resolves once every delivery so far has finished (delivered or given up). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
  }
}
