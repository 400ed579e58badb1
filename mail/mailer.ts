/**
 * Outgoing e-mail through the shop's SMTP server (nodemailer): the order e-mails the worker's
 * activities send and the API's password-reset mail. `npm start` and the tests point it at an SMTP
 * catcher (maildev) whose web inbox and REST API show what was sent.
 */
import nodemailer from 'nodemailer';
import type { AppConfig } from '../config/index.js';

interface Mail {
  to: string;
  subject: string;
  text: string;
  /**
   * The left part of the Message-ID (`<id@sender's domain>`). Order e-mails derive it from the order
   * and the event, so a mail sent again (a retried send whose answer was lost) is the same message
   * to the receiving side; without it nodemailer makes a random one.
   */
  id?: string;
}

export interface Mailer {
  /** Resolves once the SMTP server has accepted the mail; throws `MailRejectedError` when it never will. */
  send(mail: Mail): Promise<{ messageId: string }>;
}

/**
 * The server refused the mail for good (a 5xx answer, a recipient it will not take): sending it
 * again cannot help. Anything else (no connection, a 4xx answer, a timeout) may pass later.
 */
export class MailRejectedError extends Error {
  override readonly name = 'MailRejectedError';
  constructor(
    message: string,
    readonly responseCode: number | undefined,
  ) {
    super(message);
  }
}

/** Bounds for one attempt, well inside the activity's start-to-close timeout (activities/mail.ts). */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as const;

/**
 * A mailer on the configured SMTP server. One connection per mail (no pool): order e-mails are a few
 * per order, and every attempt after an outage starts on a fresh connection.
 */
export function createSmtpMailer(config: Pick<AppConfig, 'mail' | 'orders'>): Mailer {
  const transport = nodemailer.createTransport({ url: config.mail.smtpUrl, ...TIMEOUTS });
  const from = { name: config.orders.shopName, address: config.mail.from };
  const domain = config.mail.from.slice(config.mail.from.lastIndexOf('@') + 1);
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.id === undefined ? {} : { messageId: `<${mail.id}@${domain}>` }),
        });
        return { messageId: info.messageId };
      } catch (error) {
        throw permanent(error) ?? error;
      }
    },
  };
}

/** The error as a `MailRejectedError` when the server's answer (or the envelope) rules out a retry. */
function permanent(error: unknown): MailRejectedError | undefined {
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  const status = typeof responseCode === 'number' ? responseCode : undefined;
  // EENVELOPE without an answer: nodemailer found no valid recipient before it asked the server.
  if ((status !== undefined && status >= 500) || (code === 'EENVELOPE' && status === undefined))
    return new MailRejectedError((error as Error).message, status);
  return undefined;
}
