import type { Logger } from 'pino';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Outgoing mail. Development logs mails; tests record them; production plugs in a real sender. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function createLogMailer(log: Logger): Mailer {
  return {
    async send(mail) {
      log.info(
        { mail: { to: mail.to, subject: mail.subject }, body: mail.text },
        'mail (not sent: development mailer)',
      );
    },
  };
}

export class RecordingMailer implements Mailer {
  readonly sent: Mail[] = [];
  async send(mail: Mail): Promise<void> {
    this.sent.push(mail);
  }
}
