// The routes of the links mailed to users (services in src/modules/auth): forgot-password and
// reset-password, resend-verification and verify-email. Each is limited per client address
// (MAIL_RATE_LIMIT_PER_HOUR); the mails themselves per account (MAIL_PER_ACCOUNT_PER_HOUR).
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema } from '../../errors.js';
import { MailError, mailDisabled, mailUnavailable } from '../../mail/errors.js';
import { actorOf } from '../../plugins/auth.js';
import { userSchema } from '../../http/user.js';
import { sendPasswordResetMail, resetPassword } from '../auth/password-reset.js';
import { sendVerificationMail, verificationNotSent, verifyEmail } from '../auth/email-verification.js';
import { forgotPasswordBody, mailAcceptedSchema, resetPasswordBody, verifyEmailBody } from './schemas.js';

const RESET_ACCEPTED = 'If an account uses this address, a link to choose a new password has been sent to it.';

const mailLinkRoutes: FastifyPluginAsyncZod = async (app) => {
  const limited = { rateLimit: { max: app.config.MAIL_RATE_LIMIT_PER_HOUR, timeWindow: '1 hour' } };
  const mailOn = () => {
    if (app.mailer.mode === 'off') throw mailDisabled();
  };

  app.post(
    '/api/auth/forgot-password',
    {
      config: { auth: 'public', ...limited },
      schema: {
        tags: ['auth'],
        summary: 'Mail a link to choose a new password',
        description:
          'Answers 202 with the same body, at once, whether or not an account uses the address: the account is looked up and the mail sent after the answer. ' +
          'An account receives at most MAIL_PER_ACCOUNT_PER_HOUR such mails an hour; the link is valid PASSWORD_RESET_TTL_MINUTES.',
        body: forgotPasswordBody,
        response: { 202: mailAcceptedSchema, 400: errorBodySchema, 429: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request, reply) => {
      mailOn();
      const store = request.store;
      const email = request.body.email;
      app.afterAnswer('password reset mail', async () => {
        const outcome = await sendPasswordResetMail(store, app.mail, email);
        if (outcome === 'over budget') request.log.warn('password reset mail not sent: the account had its hourly budget of mails');
      });
      return reply.status(202).send({ message: RESET_ACCEPTED });
    },
  );

  app.post(
    '/api/auth/reset-password',
    {
      config: { auth: 'public', ...limited },
      schema: {
        tags: ['auth'],
        summary: 'Choose a new password with the token of a reset link',
        description:
          'The token works once, before it expires and while the password is the one it was issued under. The new password is stored as argon2id; ' +
          'every session (refresh token) and access token of the account stops working: sign in again. The address the link reached counts as verified.',
        body: resetPasswordBody,
        response: { 204: z.null(), 400: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      await resetPassword(request.store, request.body.token, request.body.new_password);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/resend-verification',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Mail a new link to verify my address',
        description: 'Sent once the link is stored; 503 MAIL_UNAVAILABLE (with Retry-After) when the SMTP server refuses or does not answer.',
        response: { 202: mailAcceptedSchema, 409: errorBodySchema, 429: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request, reply) => {
      mailOn();
      let outcome;
      try {
        outcome = await sendVerificationMail(request.store, app.mail, actorOf(request).id);
      } catch (error) {
        if (!(error instanceof MailError)) throw error;
        request.log.error({ err: error, retryable: error.retryable }, 'verification mail failed');
        throw mailUnavailable(error);
      }
      if (!outcome.sent) throw verificationNotSent(outcome);
      return reply.status(202).send({ message: 'A link to verify your address has been sent to it.' });
    },
  );

  app.post(
    '/api/auth/verify-email',
    {
      config: { auth: 'public', ...limited },
      schema: {
        tags: ['auth'],
        summary: 'Verify an address with the token of a verification link',
        description: "Works for the address the link was sent to while it is still the account's; opening the same link again answers the same.",
        body: verifyEmailBody,
        response: { 200: userSchema, 400: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request) => verifyEmail(request.store, request.body.token),
  );
};

export default mailLinkRoutes;
