// What a failed delivery means for the person waiting: one line naming the cause, and whether trying
// again later can help (a refused or silent server can come back; an address it rejects will not).
import { AppError } from '../errors.js';

export class MailError extends Error {
  constructor(
    message: string,
    /** trying again later can succeed (connection refused, timeout, a 4xx SMTP answer) */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MailError';
  }
}

interface NodemailerError {
  code?: string;
  responseCode?: number;
  command?: string;
  message?: string;
}

/** nodemailer's error as a MailError with one readable line. */
export function mailErrorFrom(error: unknown): MailError {
  if (error instanceof MailError) return error;
  const e = (error ?? {}) as NodemailerError;
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED' || code === 'ESOCKET' || code === 'ECONNECTION' || code === 'EDNS') {
    return new MailError(`the SMTP server could not be reached (${code}): check SMTP_URL; the mail can be asked for again`, true, { cause: error });
  }
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || /timeout/i.test(e.message ?? '')) {
    return new MailError('the SMTP server did not answer in time (SMTP_TIMEOUT_MS): the mail can be asked for again', true, { cause: error });
  }
  if (code === 'EAUTH') return new MailError('the SMTP server refused the credentials of SMTP_URL', false, { cause: error });
  if (typeof e.responseCode === 'number') {
    const temporary = e.responseCode >= 400 && e.responseCode < 500;
    return new MailError(
      `the SMTP server answered ${e.responseCode}${e.command ? ` to ${e.command}` : ''}${temporary ? ': a temporary refusal, the mail can be asked for again' : ''}`,
      temporary,
      { cause: error },
    );
  }
  return new MailError(`the mail could not be sent: ${e.message ?? String(error)}`, true, { cause: error });
}

/** The API's answer when a mail the caller waits for could not leave: 503 with Retry-After when trying again can help. */
export function mailUnavailable(error: MailError): AppError {
  return error.retryable
    ? new AppError(503, 'MAIL_UNAVAILABLE', 'The e-mail could not be sent right now; try again in a minute', undefined, { 'retry-after': '60' })
    : new AppError(503, 'MAIL_UNAVAILABLE', 'The e-mail could not be sent; the server is not configured to send mail');
}

export const mailDisabled = () => new AppError(503, 'MAIL_DISABLED', 'This server sends no e-mail (SMTP_URL is not set): ask an administrator');
