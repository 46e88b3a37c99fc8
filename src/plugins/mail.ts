// Puts the mailer (src/mail) on the app, and runs the mails a request asked for after its answer:
// the answer never waits for SMTP (forgot-password answers alike for every address), no transaction
// is open while a mail travels, and closing the app waits for the mails still on their way.
import fp from 'fastify-plugin';
import { mailContextOf, type MailContext } from '../mail/context.js';
import { createMailer, type Mailer } from '../mail/mailer.js';
import { MailError } from '../mail/errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    mailer: Mailer;
    /** The mailer with the settings of links and limits, for the services that send mail. */
    mail: MailContext;
    /** Runs `task` after the current answer; a failure is logged (a MailError with its cause and whether to retry), never thrown. */
    afterAnswer(what: string, task: () => Promise<void>): void;
  }
}

export default fp(
  async (app) => {
    const mailer = createMailer(app.config, app.log);
    app.decorate('mailer', mailer);
    app.decorate('mail', mailContextOf(app.config, mailer));
    if (mailer.mode === 'off') {
      app.log.warn('SMTP_URL is not set: this server sends no mail; password reset and e-mail verification answer 503 MAIL_DISABLED');
    }

    const pending = new Set<Promise<void>>();
    app.decorate('afterAnswer', (what: string, task: () => Promise<void>) => {
      const run = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .catch((error: unknown) => {
          const retryable = error instanceof MailError ? error.retryable : undefined;
          app.log.error({ err: error, retryable }, `${what} failed${retryable ? ' (the user can ask again)' : ''}`);
        })
        .finally(() => pending.delete(run));
      pending.add(run);
    });

    app.addHook('onClose', async () => {
      await Promise.allSettled([...pending]);
      mailer.close();
    });
  },
  { name: 'mail', dependencies: ['database'] },
);
