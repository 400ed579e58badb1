/**
 * Storefront member routes: registration, login/logout, sign in with Amazon (L1–L4), password set and
 * reset (L8), the "additional information" step (C6).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { normalizeJapanesePhoneNumber, normalizePostalCode } from '../../domain/address.js';
import {
  emailSchema,
  extraValuesSchema,
  loginSchema,
  memberRegistrationSchema,
  passwordSchema,
  type ExtraFieldDefinition,
} from '../../domain/member.js';
import {
  fieldsRequiredMessage,
  MEMBER_MESSAGES,
  PASSWORD_RESET_MAIL_SUBJECT,
  passwordResetMailText,
} from '../../domain/messages.js';
import { missingExtraFields } from '../../domain/order-procedure.js';
import { normalizePrefecture } from '../../domain/prefectures.js';
import type { Models } from '../../db/models/index.js';
import { MemberRuleError, type Member, type MemberRepository } from '../../db/members.js';
import type { Mailer } from '../../mail/mailer.js';
import { HttpError } from '../errors.js';
import { parse } from '../validation.js';
import { storedMemberView } from './view.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { logIn, saveSession, type PendingAmazonBuyer } from './session.js';

/** Amazon buyer data as sign-in needs it (from `getBuyer`). */
interface AmazonBuyerProfile {
  buyerId: string;
  name: string;
  email: string;
  postalCode?: string | null | undefined;
  phoneNumber?: string | null | undefined;
  shippingAddress?:
    | {
        stateOrRegion?: string | null | undefined;
        city?: string | null | undefined;
        addressLine1?: string | null | undefined;
        addressLine2?: string | null | undefined;
        addressLine3?: string | null | undefined;
        postalCode?: string | null | undefined;
        phoneNumber?: string | null | undefined;
      }
    | null
    | undefined;
}

/** What sign in with Amazon needs from the Amazon Pay adapter. */
export interface AmazonSignInGateway {
  /** The Amazon sign-in button's configuration (signed payload), returning to `signInReturnUrl`. */
  signInButtonConfig(signInReturnUrl: string): Record<string, unknown>;
  getBuyer(buyerToken: string): Promise<AmazonBuyerProfile>;
}

export interface MemberRouteDeps {
  members: MemberRepository;
  models: Pick<Models, 'PasswordResetToken'>;
  extraFields: readonly ExtraFieldDefinition[];
  amazon: AmazonSignInGateway;
  mailer: Mailer;
  log: Logger;
  publicBaseUrl: string;
  passwordResetTtlMinutes: number;
  now?: () => Date;
}

function memberView(member: Member, extraFields: readonly ExtraFieldDefinition[]) {
  return {
    ...storedMemberView(member),
    extra: member.extra,
    // C6: asked at the next login or checkout.
    additionalInformationRequired: missingExtraFields(member.extra, extraFields).map(({ key, label }) => ({
      key,
      label,
    })),
  };
}

const ruleErrors: Record<MemberRuleError['code'], { status: number; message: string }> = {
  email_taken: { status: 409, message: MEMBER_MESSAGES.emailTaken },
  buyer_linked_elsewhere: { status: 409, message: MEMBER_MESSAGES.amazonBuyerLinkedElsewhere },
  member_linked_elsewhere: { status: 409, message: MEMBER_MESSAGES.memberLinkedToOtherAmazon },
  member_not_found: { status: 404, message: MEMBER_MESSAGES.notLoggedIn },
};

/** Runs a member operation, turning broken member rules into 4xx answers. */
async function memberRule<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof MemberRuleError) {
      const mapped = ruleErrors[error.code];
      throw new HttpError(mapped.status, error.code, mapped.message);
    }
    throw error;
  }
}

function pendingBuyerFrom(profile: AmazonBuyerProfile): PendingAmazonBuyer {
  const address = profile.shippingAddress ?? undefined;
  const lines = [address?.city, address?.addressLine1, address?.addressLine2, address?.addressLine3].filter(
    (line): line is string => typeof line === 'string' && line.trim() !== '',
  );
  return {
    buyerId: profile.buyerId,
    name: profile.name,
    email: profile.email.toLowerCase(),
    postalCode: normalizePostalCode(address?.postalCode ?? profile.postalCode) ?? null,
    prefecture: normalizePrefecture(address?.stateOrRegion) ?? null,
    address: lines.length > 0 ? lines.join(' ') : null,
    phone: normalizeJapanesePhoneNumber(address?.phoneNumber ?? profile.phoneNumber) ?? null,
  };
}

export const signInSchema = z.strictObject({ buyerToken: z.string().min(1).max(2048) });
const amazonRegisterSchema = z.strictObject({
  newsletter: z.boolean(),
  mobileMail: z.boolean().nullable().default(null),
  extra: extraValuesSchema.default({}),
});
export const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().max(128).optional(),
  newPassword: passwordSchema,
});
export const resetRequestSchema = z.strictObject({ email: emailSchema });
export const resetConfirmSchema = z.strictObject({ token: z.string().min(20).max(200), newPassword: passwordSchema });
const emptyBodySchema = z.strictObject({});

/**
 * The shop's configured extra member fields (C6) as an object of their own: a key that is not
 * configured is refused like any unknown key, and the API document lists exactly these fields.
 */
function extraValuesFor(fields: readonly ExtraFieldDefinition[]) {
  const value = extraValuesSchema.valueType;
  return z.strictObject(
    Object.fromEntries(fields.map((field) => [field.key, value.optional().meta({ description: field.label })])),
  ) as unknown as z.ZodType<Record<string, string>, Record<string, string>>;
}

/** The member request bodies with the configured extra fields: what the routes parse and the document states. */
export function memberRequestSchemas(fields: readonly ExtraFieldDefinition[]) {
  const extra = extraValuesFor(fields);
  return {
    registration: memberRegistrationSchema.extend({ extra: extra.default({}) }),
    amazonRegister: amazonRegisterSchema.extend({ extra: extra.default({}) }),
    additionalInformation: z.strictObject({ extra }),
  };
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function memberRoutes(deps: MemberRouteDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  const view = (member: Member) => memberView(member, deps.extraFields);

  const schemas = memberRequestSchemas(deps.extraFields);

  const requireMember: RequestHandler = async (req, res, next) => {
    const memberId = req.session.memberId;
    const member = memberId === undefined ? null : await deps.members.findById(memberId);
    if (member === null) {
      next(new HttpError(401, 'not_logged_in', MEMBER_MESSAGES.notLoggedIn));
      return;
    }
    res.locals['member'] = member;
    next();
  };
  const currentMember = (res: { locals: Record<string, unknown> }) => res.locals['member'] as Member;

  /** L2: a shopper signed in with Amazon whose buyer id is not linked yet becomes linked to `member`. */
  async function linkPendingAmazonBuyer(req: Request, member: Member): Promise<Member> {
    const pending = req.session.pendingAmazonBuyer;
    if (pending === undefined) return member;
    const linked = await memberRule(() => deps.members.link(member.memberId, pending.buyerId, now()));
    delete req.session.pendingAmazonBuyer;
    return linked;
  }

  router.get('/api/auth/session', async (req, res) => {
    const member = req.session.memberId === undefined ? null : await deps.members.findById(req.session.memberId);
    res.json({
      member: member === null ? null : view(member),
      amazon: { signedIn: req.session.amazon !== undefined, buyerId: req.session.amazon?.buyerId ?? null },
      pendingAmazonBuyer:
        req.session.pendingAmazonBuyer === undefined
          ? null
          : { name: req.session.pendingAmazonBuyer.name, email: req.session.pendingAmazonBuyer.email },
    });
  });

  router.post('/api/members', async (req, res) => {
    const input = parse(schemas.registration, req.body);
    const { password, ...fields } = input;
    const registered = await memberRule(async () =>
      deps.members.register({ ...fields, passwordHash: await hashPassword(password), registeredVia: 'form' }),
    );
    const member = await linkPendingAmazonBuyer(req, registered);
    await logIn(req, member.memberId);
    res.status(201).json({ member: view(member) });
  });

  router.post('/api/auth/login', async (req, res) => {
    const { email, password } = parse(loginSchema, req.body);
    const found = await deps.members.findByEmail(email);
    if (found === null || !(await verifyPassword(found.passwordHash, password))) {
      throw new HttpError(401, 'login_failed', MEMBER_MESSAGES.loginFailed);
    }
    const member = await linkPendingAmazonBuyer(req, found);
    await logIn(req, member.memberId);
    res.json({ member: view(member), linkedAmazon: found.amazonBuyerId === null && member.amazonBuyerId !== null });
  });

  router.post('/api/auth/logout', async (req, res) => {
    parse(emptyBodySchema, req.body ?? {});
    // L4: one session holds both the shop login and the Amazon sign-in; destroying it ends both.
    await new Promise<void>((resolve, reject) =>
      req.session.destroy((error) => (error ? reject(error as Error) : resolve())),
    );
    res.clearCookie('shop.sid');
    // The storefront also calls amazon.Pay.signout() so Amazon's own cookie goes too.
    res.json({ loggedOut: true, amazonSignOut: true });
  });

  router.get('/api/auth/amazon/button-config', (_req, res) => {
    res.json(deps.amazon.signInButtonConfig(`${deps.publicBaseUrl}/amazon-sign-in`));
  });

  router.post('/api/auth/amazon/sign-in', async (req, res) => {
    const { buyerToken } = parse(signInSchema, req.body);
    const profile = await deps.amazon.getBuyer(buyerToken);
    const linked = await deps.members.findByAmazonBuyerId(profile.buyerId);
    const signIn = { buyerId: profile.buyerId, signedInAt: now().toISOString() };
    const current = req.session.memberId === undefined ? null : await deps.members.findById(req.session.memberId);

    if (current !== null) {
      if (linked !== null && linked.memberId !== current.memberId) {
        throw new HttpError(409, 'buyer_linked_elsewhere', MEMBER_MESSAGES.amazonBuyerLinkedElsewhere);
      }
      const member = linked ?? (await memberRule(() => deps.members.link(current.memberId, profile.buyerId, now())));
      req.session.amazon = signIn;
      await saveSession(req);
      res.json({ status: linked === null ? 'linked' : 'logged_in', member: view(member) });
      return;
    }
    if (linked !== null) {
      // L2: the Amazon account alone logs a linked member in.
      req.session.amazon = signIn;
      delete req.session.pendingAmazonBuyer;
      await logIn(req, linked.memberId);
      res.json({ status: 'logged_in', member: view(linked) });
      return;
    }
    // L1: an Amazon buyer the shop does not know may register, or log in with a password to link.
    req.session.amazon = signIn;
    req.session.pendingAmazonBuyer = pendingBuyerFrom(profile);
    await saveSession(req);
    res.json({ status: 'link_or_register', buyer: { name: profile.name, email: profile.email } });
  });

  router.post('/api/auth/amazon/register', async (req, res) => {
    const input = parse(schemas.amazonRegister, req.body);
    const pending = req.session.pendingAmazonBuyer;
    if (pending === undefined || req.session.amazon?.buyerId !== pending.buyerId) {
      throw new HttpError(403, 'amazon_sign_in_required', MEMBER_MESSAGES.noAmazonSignIn);
    }
    // L8: no shop password; L7-style link time = registration time.
    const member = await memberRule(() =>
      deps.members.register({
        email: pending.email,
        name: pending.name,
        postalCode: pending.postalCode,
        prefecture: pending.prefecture,
        address: pending.address,
        phone: pending.phone,
        passwordHash: null,
        newsletter: input.newsletter,
        mobileMail: input.mobileMail,
        extra: input.extra,
        registeredVia: 'amazon_sign_in',
        amazonBuyerId: pending.buyerId,
      }),
    );
    delete req.session.pendingAmazonBuyer;
    await logIn(req, member.memberId);
    res.status(201).json({ member: view(member) });
  });

  router.get('/api/members/me', requireMember, (_req, res) => {
    res.json({ member: view(currentMember(res)) });
  });

  router.post('/api/members/me/additional-information', requireMember, async (req, res) => {
    const { extra } = parse(schemas.additionalInformation, req.body);
    const member = currentMember(res);
    const stillMissing = missingExtraFields({ ...member.extra, ...extra }, deps.extraFields);
    if (stillMissing.length > 0) {
      throw new HttpError(400, 'invalid_request', fieldsRequiredMessage(stillMissing.map((field) => field.label)), {
        fields: stillMissing.map((field) => ({
          path: `extra.${field.key}`,
          message: fieldsRequiredMessage([field.label]),
        })),
      });
    }
    const updated = await deps.members.setExtra(member.memberId, extra);
    res.json({ member: view(updated ?? member) });
  });

  router.post('/api/members/me/password', requireMember, async (req, res) => {
    const { currentPassword, newPassword } = parse(passwordChangeSchema, req.body);
    const member = currentMember(res);
    if (member.passwordHash === null) {
      // L8: a member registered through Amazon proves who they are by being signed in with Amazon.
      if (member.amazonBuyerId === null || req.session.amazon?.buyerId !== member.amazonBuyerId) {
        throw new HttpError(403, 'amazon_sign_in_required', MEMBER_MESSAGES.amazonSignInRequired);
      }
    } else if (currentPassword === undefined || !(await verifyPassword(member.passwordHash, currentPassword))) {
      throw new HttpError(422, 'current_password_wrong', MEMBER_MESSAGES.currentPasswordWrong);
    }
    await deps.members.setPasswordHash(member.memberId, await hashPassword(newPassword));
    res.json({ passwordSet: true });
  });

  router.post('/api/auth/password-reset', async (req, res) => {
    const { email } = parse(resetRequestSchema, req.body);
    const member = await deps.members.findByEmail(email);
    if (member !== null) {
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now().getTime() + deps.passwordResetTtlMinutes * 60_000);
      await deps.models.PasswordResetToken.create({
        tokenHash: hashToken(token),
        memberId: member.memberId,
        expiresAt,
      });
      // Not awaited: the answer must not wait for (or tell, by its time or status) whether a mail went out.
      deps.mailer
        .send({
          to: member.email,
          subject: PASSWORD_RESET_MAIL_SUBJECT,
          text: passwordResetMailText(
            deps.passwordResetTtlMinutes,
            `${deps.publicBaseUrl}/reset-password?token=${token}`,
          ),
        })
        .catch((error: unknown) =>
          deps.log.error({ memberId: member.memberId, err: error }, 'password-reset mail not sent'),
        );
    }
    // The same answer whether or not the address is registered: no account enumeration.
    res.status(202).json({ accepted: true });
  });

  router.post('/api/auth/password-reset/confirm', async (req, res) => {
    const { token, newPassword } = parse(resetConfirmSchema, req.body);
    const tokenHash = hashToken(token);
    const stored = await deps.models.PasswordResetToken.findOne({ tokenHash, expiresAt: { $gt: now() } }).lean();
    // Deleting is the consumption: of two concurrent uses only one deletes the row.
    const consumed = stored === null ? 0 : (await deps.models.PasswordResetToken.deleteOne({ tokenHash })).deletedCount;
    if (stored === null || consumed !== 1)
      throw new HttpError(422, 'reset_token_invalid', MEMBER_MESSAGES.resetTokenInvalid);
    await deps.members.setPasswordHash(stored.memberId, await hashPassword(newPassword));
    await deps.models.PasswordResetToken.deleteMany({ memberId: stored.memberId });
    res.json({ passwordSet: true });
  });

  return router;
}
