// What the services that send mail need: the mailer and the settings of its links and limits, read
// once from the config (src/plugins/mail.ts puts it on the app as app.mail).
import type { Config } from '../config.js';
import type { Mailer } from './mailer.js';

export interface MailContext {
  mailer: Mailer;
  frontendUrl: string;
  resetTtlMinutes: number;
  verificationTtlHours: number;
  perAccountPerHour: number;
}

export function mailContextOf(config: Config, mailer: Mailer): MailContext {
  return {
    mailer,
    frontendUrl: config.FRONTEND_URL,
    resetTtlMinutes: config.PASSWORD_RESET_TTL_MINUTES,
    verificationTtlHours: config.EMAIL_VERIFICATION_TTL_HOURS,
    perAccountPerHour: config.MAIL_PER_ACCOUNT_PER_HOUR,
  };
}
