// How mail leaves, chosen once from the settings:
//   SMTP_URL set                  → nodemailer over SMTP (any provider: smtp:// with STARTTLS, smtps://)
//   no SMTP_URL, not production   → the log (subject, recipient, text with its links) and the file outbox
//   no SMTP_URL, production       → off: the routes that need mail say so (503 MAIL_DISABLED), and the
//                                   server logs it once at start
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import { mailErrorFrom } from './errors.js';
import type { MailMessage } from './messages.js';
import { writeToOutbox } from './outbox.js';

export type MailMode = 'smtp' | 'log' | 'off';

export interface MailLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface Mailer {
  readonly mode: MailMode;
  /** Delivers the message or throws a MailError (never with mode 'off': callers check it first). */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

type MailSettings = Pick<Config, 'NODE_ENV' | 'SMTP_URL' | 'MAIL_FROM' | 'SMTP_TIMEOUT_MS' | 'MAIL_OUTBOX_DIR'>;

export const DEFAULT_OUTBOX_DIR = './data/mail-outbox';

/** Where unsent mails are kept; null: the log only (tests, unless they ask for a folder). */
export function outboxDirOf(config: Pick<Config, 'NODE_ENV' | 'MAIL_OUTBOX_DIR'>): string | null {
  return config.MAIL_OUTBOX_DIR ?? (config.NODE_ENV === 'test' ? null : DEFAULT_OUTBOX_DIR);
}

export function mailModeOf(config: MailSettings): MailMode {
  if (config.SMTP_URL) return 'smtp';
  return config.NODE_ENV === 'production' ? 'off' : 'log';
}

export function createMailer(config: MailSettings, log: MailLog): Mailer {
  const mode = mailModeOf(config);
  if (mode === 'smtp') {
    const transport = nodemailer.createTransport({
      url: config.SMTP_URL,
      // one connection per message: nothing stays open between the rare mails of this API
      pool: false,
      connectionTimeout: config.SMTP_TIMEOUT_MS,
      greetingTimeout: config.SMTP_TIMEOUT_MS,
      socketTimeout: config.SMTP_TIMEOUT_MS,
    });
    return {
      mode,
      async send(message) {
        try {
          await transport.sendMail({ from: config.MAIL_FROM, ...message });
        } catch (error) {
          throw mailErrorFrom(error);
        }
      },
      close: () => transport.close(),
    };
  }
  if (mode === 'log') {
    return {
      mode,
      async send(message) {
        const dir = outboxDirOf(config);
        const file = dir ? writeToOutbox(dir, message) : null;
        // the text, links included, so that a developer can follow them: never in production
        log.info({ mail: { to: message.to, subject: message.subject, text: message.text, outbox: file } }, 'mail (not sent: SMTP_URL is not set)');
      },
      close: () => undefined,
    };
  }
  return {
    mode,
    async send() {
      throw new Error('mail is off (SMTP_URL is not set): check mailer.mode before sending');
    },
    close: () => undefined,
  };
}
