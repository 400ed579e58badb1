/**
 * Shop staff accounts: who may sign in to the ops console and the codec server, and with what.
 * Staff passwords are longer than members' (they open every order and member of the shop).
 */
import { z } from 'zod';
import { passwordTooLongMessage, passwordTooShortMessage, STAFF_MESSAGES } from './messages.js';

const STAFF_PASSWORD_MIN_LENGTH = 12;
const STAFF_PASSWORD_MAX_LENGTH = 128;

/** A login name as stored: lower case, an e-mail address or a short id. */
export const staffLoginSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@+-]{2,99}$/, STAFF_MESSAGES.loginInvalid);

export const staffPasswordSchema = z
  .string()
  .min(STAFF_PASSWORD_MIN_LENGTH, passwordTooShortMessage(STAFF_PASSWORD_MIN_LENGTH))
  .max(STAFF_PASSWORD_MAX_LENGTH, passwordTooLongMessage(STAFF_PASSWORD_MAX_LENGTH));

export const staffRoleSchema = z.enum(['viewer', 'operator']);

/**
 * What a sign-in form sends. The login is only bounded, not held to the rule: a login that breaks it
 * gets the same answer as a wrong password, not a hint.
 */
export const staffSignInSchema = z.strictObject({
  // Trimmed after the length check: a login of only spaces is an unknown login (401), not a 400.
  login: z
    .string()
    .min(1)
    .max(100)
    .transform((login) => login.trim().toLowerCase()),
  password: z.string().min(1).max(STAFF_PASSWORD_MAX_LENGTH),
});
