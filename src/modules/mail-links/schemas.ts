import { z } from 'zod';
import { emailInput, passwordInput } from '../../domain/accounts/input.js';

export const forgotPasswordBody = z
  .object({ email: emailInput })
  .strict()
  .meta({ example: { email: 'luke@tatooine.example' } });

const linkToken = z.string().min(1).max(200).describe('the `token` parameter of the mailed link');

export const resetPasswordBody = z
  .object({ token: linkToken, new_password: passwordInput })
  .strict()
  .meta({ example: { token: 'q8Ue0mJf3sZ6cXl0yQd2hU1m7oW9rT5vKp4nB3gA1cE', new_password: 'a-new-long-password' } });

export const verifyEmailBody = z
  .object({ token: linkToken })
  .strict()
  .meta({ example: { token: 'q8Ue0mJf3sZ6cXl0yQd2hU1m7oW9rT5vKp4nB3gA1cE' } });

export const mailAcceptedSchema = z
  .object({ message: z.string() })
  .meta({ id: 'MailAccepted', example: { message: 'If an account uses this address, a link to choose a new password has been sent to it.' } });
