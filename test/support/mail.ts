/**
 * The run's SMTP catcher (maildev, started by test/global-setup.ts): the tests' mailers send to it
 * over SMTP with the real client, and the tests read what arrived through its REST API.
 */
import { inject } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { PASSWORD_RESET_MAIL_SUBJECT } from '../../domain/messages.js';
import { createSmtpMailer, type Mailer } from '../../mail/mailer.js';

/** A mail as maildev parsed it (the fields the tests read). */
export interface CaughtMail {
  id: string;
  subject: string;
  text: string;
  from: { address: string; name: string }[];
  to: { address: string; name: string }[];
  headers: Record<string, string>;
  time: string;
}

/** The SMTP mailer of the service, on the run's catcher (or `smtpUrl`), as the test config sets it up. */
export function testMailer(smtpUrl: string = inject('smtpUrl')): Mailer {
  return createSmtpMailer(loadConfig({ NODE_ENV: 'test', SMTP_URL: smtpUrl }));
}

/** The mails whose fields equal `filter` (maildev's own filter, e.g. `{ 'to.address': … }`), oldest first. */
export async function caughtMails(filter: Record<string, string> = {}): Promise<CaughtMail[]> {
  const query = new URLSearchParams(filter).toString();
  const response = await fetch(`${inject('mailInboxUrl')}/api/email${query === '' ? '' : `?${query}`}`);
  if (!response.ok) throw new Error(`maildev: ${response.status} ${await response.text()}`);
  return (await response.json()) as CaughtMail[];
}

/** Waits until at least `count` mails match `filter`; answers the ones there are then (throws after `timeoutMs`). */
async function waitForMails(
  filter: Record<string, string>,
  { count = 1, timeoutMs = 15_000 }: { count?: number; timeoutMs?: number } = {},
): Promise<CaughtMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await caughtMails(filter);
    if (mails.length >= count) return mails;
    if (Date.now() > deadline)
      throw new Error(`${mails.length} of ${count} mail(s) matching ${JSON.stringify(filter)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The mail with this Message-ID (`<…@…>`), once it has arrived. */
export async function waitForMail(messageId: string, timeoutMs?: number): Promise<CaughtMail> {
  const [mail] = await waitForMails({ 'headers.message-id': messageId }, timeoutMs === undefined ? {} : { timeoutMs });
  return mail as CaughtMail;
}

/** The filter of the password-reset mails to `to` (their Message-IDs are random). */
export function resetMailsTo(to: string): Record<string, string> {
  return { 'to.address': to, subject: PASSWORD_RESET_MAIL_SUBJECT };
}

/** The newest mail matching `filter` that is not one of `earlier`, once it has arrived. */
export async function newestMail(filter: Record<string, string>, earlier: CaughtMail[]): Promise<CaughtMail> {
  const seen = new Set(earlier.map((mail) => mail.id));
  const mails = await waitForMails(filter, { count: seen.size + 1 });
  return mails.filter((mail) => !seen.has(mail.id)).at(-1) as CaughtMail;
}
