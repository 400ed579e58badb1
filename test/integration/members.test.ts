/**
 * Members and sign in with Amazon (L1–L8, C6) through HTTP → API → real SDK → emulator → database.
 */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEMBER_MESSAGES, PASSWORD_RESET_MAIL_SUBJECT } from '../../domain/messages.js';
import { amazonBuyerToken, opsAuthorization, Shopper, startTestApi, type TestApi } from '../support/api.js';
import { caughtMails, newestMail, resetMailsTo } from '../support/mail.js';
import { memberForm } from '../support/members.js';

let api: TestApi;
let clockOffsetMs = 0;

beforeAll(async () => {
  api = await startTestApi('members', { deps: { now: () => new Date(Date.now() + clockOffsetMs) } });
});
afterAll(async () => {
  await api?.close();
});

async function signInWithAmazon(shopper: Shopper, buyer: string) {
  return shopper.post('/api/auth/amazon/sign-in', { buyerToken: await amazonBuyerToken(api.emulatorUrl, buyer) });
}

const opsHeaders = () => opsAuthorization(api.config, 'operator');

describe('sign in with Amazon', () => {
  it('L1, L2, L7, L8, C6: an unknown Amazon buyer registers with the Amazon data: linked, no password, link time = registration time, asked for required extra fields', async () => {
    const shopper = new Shopper(api.url);
    const config = await shopper.get('/api/auth/amazon/button-config');
    expect(config.status).toBe(200);
    expect(config.body.productType).toBe('SignIn');
    expect(JSON.parse(config.body.payloadJSON)).toMatchObject({
      signInReturnUrl: `${api.config.api.publicBaseUrl}/amazon-sign-in`,
    });

    const signIn = await signInWithAmazon(shopper, 'taro');
    expect(signIn.status).toBe(200);
    expect(signIn.body).toMatchObject({
      status: 'link_or_register',
      buyer: { name: '山田 太郎', email: 'taro.yamada@example.jp' },
    });

    const registered = await shopper.post('/api/auth/amazon/register', { newsletter: false });
    expect(registered.status).toBe(201);
    const member = registered.body.member;
    expect(member).toMatchObject({
      email: 'taro.yamada@example.jp',
      name: '山田 太郎',
      amazonLinked: true,
      hasPassword: false,
      newsletter: false,
      mobileMail: null,
    });
    expect(member.prefecture).toBe('東京都');
    expect(member.postalCode).toBe('1500041');
    expect(member.amazonLinkedAt).toBe(member.registeredAt);
    expect(member.additionalInformationRequired).toEqual([{ key: 'birthday', label: '生年月日' }]);

    const stored = await api.database.models.Member.findOne({ email: 'taro.yamada@example.jp' }).lean();
    expect(stored?.passwordHash).toBeNull();
    expect(stored?.amazonBuyerId).toMatch(/^amzn1\.account\./);

    // L2: from now on the Amazon account alone logs them in, in a new browser.
    const later = new Shopper(api.url);
    const again = await signInWithAmazon(later, 'taro');
    expect(again.body).toMatchObject({ status: 'logged_in', member: { memberId: member.memberId } });
    // C6: the next login still reports the missing field; filling it in clears the step.
    expect(again.body.member.additionalInformationRequired).toHaveLength(1);
    const missing = await later.post('/api/members/me/additional-information', { extra: { occupation: '会社員' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe('生年月日を入力してください');
    const filled = await later.post('/api/members/me/additional-information', { extra: { birthday: '1985-05-05' } });
    expect(filled.status).toBe(200);
    expect(filled.body.member.additionalInformationRequired).toEqual([]);
  });

  it('L2: an existing member who logs in with their password while signed in with Amazon becomes linked, and the link time is recorded', async () => {
    const shopper = new Shopper(api.url);
    expect((await shopper.post('/api/members', memberForm('hanako.member@example.jp'))).status).toBe(201);
    await shopper.post('/api/auth/logout');

    const before = Date.now();
    expect((await signInWithAmazon(shopper, 'hanako')).body.status).toBe('link_or_register');
    const login = await shopper.post('/api/auth/login', {
      email: 'hanako.member@example.jp',
      password: 'correct horse battery',
    });
    expect(login.status).toBe(200);
    expect(login.body.linkedAmazon).toBe(true);
    expect(login.body.member.amazonLinked).toBe(true);
    expect(Date.parse(login.body.member.amazonLinkedAt)).toBeGreaterThanOrEqual(before - 1000);
    // Registered earlier through the form: registration time stays, link time is the login's.
    expect(login.body.member.amazonLinkedAt).not.toBe(login.body.member.registeredAt);

    const fresh = new Shopper(api.url);
    expect((await signInWithAmazon(fresh, 'hanako')).body).toMatchObject({
      status: 'logged_in',
      member: { email: 'hanako.member@example.jp' },
    });
  });

  it('L2: registering through the form while signed in with Amazon links the new member', async () => {
    const shopper = new Shopper(api.url);
    expect((await signInWithAmazon(shopper, 'jiro')).body.status).toBe('link_or_register');
    const registered = await shopper.post('/api/members', memberForm('jiro.form@example.jp'));
    expect(registered.status).toBe(201);
    expect(registered.body.member).toMatchObject({ amazonLinked: true, hasPassword: true });
  });

  it('refuses to link an Amazon buyer id already linked to another member, and never logs into the wrong account', async () => {
    // taro is linked to the member registered in the first test.
    const other = new Shopper(api.url);
    const registered = await other.post('/api/members', memberForm('someone.else@example.jp'));
    expect(registered.status).toBe(201);
    const refused = await signInWithAmazon(other, 'taro');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({
      code: 'buyer_linked_elsewhere',
      message: MEMBER_MESSAGES.amazonBuyerLinkedElsewhere,
    });
    const me = await other.get('/api/members/me');
    expect(me.body.member).toMatchObject({ email: 'someone.else@example.jp', amazonLinked: false });
    expect(await api.database.models.AmazonLink.countDocuments({ memberId: registered.body.member.memberId })).toBe(0);
  });

  it('L3, L4: a linked member signed in with Amazon uses member features; logout ends the shop session and the Amazon sign-in together', async () => {
    const shopper = new Shopper(api.url);
    await signInWithAmazon(shopper, 'taro');
    expect((await shopper.get('/api/members/me')).status).toBe(200);
    const session = await shopper.get('/api/auth/session');
    expect(session.body.amazon.signedIn).toBe(true);
    const oldCookie = shopper.cookieHeader();

    const logout = await shopper.post('/api/auth/logout');
    expect(logout.body).toEqual({ loggedOut: true, amazonSignOut: true });
    const after = await shopper.get('/api/auth/session');
    expect(after.body).toMatchObject({ member: null, amazon: { signedIn: false, buyerId: null } });
    expect((await shopper.get('/api/members/me')).status).toBe(401);
    // The old session cookie is dead on the server too (no replay).
    const replay = await new Shopper(api.url).request('GET', '/api/auth/session', undefined, { cookie: oldCookie });
    expect(replay.body).toMatchObject({ member: null, amazon: { signedIn: false } });
  });
});

describe('L8: members registered through Amazon set a password later', () => {
  it('via password change while signed in with Amazon', async () => {
    const shopper = new Shopper(api.url);
    await signInWithAmazon(shopper, 'taro');
    const set = await shopper.post('/api/members/me/password', { newPassword: 'amazon-member-pass' });
    expect(set.status).toBe(200);
    const login = await new Shopper(api.url).post('/api/auth/login', {
      email: 'taro.yamada@example.jp',
      password: 'amazon-member-pass',
    });
    expect(login.status).toBe(200);
    // Now that a password exists, changing it needs the current one.
    const wrong = await shopper.post('/api/members/me/password', {
      currentPassword: 'nope',
      newPassword: 'another-password',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.message).toBe(MEMBER_MESSAGES.currentPasswordWrong);
  });

  it('via the reset flow: a single-use token that expires', async () => {
    const shopper = new Shopper(api.url);
    await signInWithAmazon(shopper, 'john');
    expect((await shopper.post('/api/auth/amazon/register', { newsletter: true })).status).toBe(201);
    const email = (await shopper.get('/api/members/me')).body.member.email as string;

    const unknown = await shopper.post('/api/auth/password-reset', { email: 'nobody@example.jp' });
    expect(unknown.status).toBe(202);

    const earlier = await caughtMails(resetMailsTo(email));
    expect((await shopper.post('/api/auth/password-reset', { email })).status).toBe(202);
    const mail = await newestMail(resetMailsTo(email), earlier);
    expect(mail.subject).toBe(PASSWORD_RESET_MAIL_SUBJECT);
    // Asked first, an address of no member got nothing (its answer was the same 202).
    expect(await caughtMails(resetMailsTo('nobody@example.jp'))).toHaveLength(0);
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    expect(token).toBeDefined();
    expect(
      (await shopper.post('/api/auth/password-reset/confirm', { token, newPassword: 'reset-password-1' })).status,
    ).toBe(200);
    expect((await new Shopper(api.url).post('/api/auth/login', { email, password: 'reset-password-1' })).status).toBe(
      200,
    );
    const reused = await shopper.post('/api/auth/password-reset/confirm', { token, newPassword: 'reset-password-2' });
    expect(reused.status).toBe(422);
    expect(reused.body.error.message).toBe(MEMBER_MESSAGES.resetTokenInvalid);

    // A token older than its lifetime is refused.
    const before = await caughtMails(resetMailsTo(email));
    await shopper.post('/api/auth/password-reset', { email });
    const expiring = /token=([A-Za-z0-9_-]+)/.exec((await newestMail(resetMailsTo(email), before)).text)?.[1];
    clockOffsetMs = (api.config.members.passwordResetTtlMinutes + 1) * 60_000;
    try {
      expect(
        (await shopper.post('/api/auth/password-reset/confirm', { token: expiring, newPassword: 'reset-password-3' }))
          .status,
      ).toBe(422);
    } finally {
      clockOffsetMs = 0;
    }
  });
});

describe('registration and login', () => {
  it('refuses a second registration with the same e-mail, bad input and unknown fields', async () => {
    const shopper = new Shopper(api.url);
    expect((await shopper.post('/api/members', memberForm('dup@example.jp'))).status).toBe(201);
    const dup = await new Shopper(api.url).post('/api/members', { ...memberForm('DUP@example.jp') });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toBe(MEMBER_MESSAGES.emailTaken);
    const short = await new Shopper(api.url).post('/api/members', {
      ...memberForm('short@example.jp'),
      password: 'short',
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details.fields[0].path).toBe('password');
    const extra = await new Shopper(api.url).post('/api/members', { ...memberForm('x@example.jp'), isAdmin: true });
    expect(extra.status).toBe(400);
    const injection = await new Shopper(api.url).post('/api/auth/login', { email: { $gt: '' }, password: 'x' });
    expect(injection.status).toBe(400);
    expect(
      await api.database.models.Member.countDocuments({ email: { $in: ['short@example.jp', 'x@example.jp'] } }),
    ).toBe(0);
  });

  it('refuses a wrong password with one message for both unknown e-mail and wrong password', async () => {
    const a = await new Shopper(api.url).post('/api/auth/login', {
      email: 'dup@example.jp',
      password: 'wrong password',
    });
    const b = await new Shopper(api.url).post('/api/auth/login', {
      email: 'nobody@example.jp',
      password: 'wrong password',
    });
    expect(a.status).toBe(401);
    expect(b.body).toEqual(a.body);
  });
});

describe('ops: member search and exports', () => {
  it('refuses ops calls without the bearer token or with a wrong one', async () => {
    expect((await fetch(`${api.url}/ops/members`)).status).toBe(401);
    expect(
      (await fetch(`${api.url}/ops/members`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status,
    ).toBe(401);
  });

  it('L5: the filter "ID link: Amazon" returns exactly the Amazon-linked members, paged', async () => {
    const linked = await api.database.models.Member.find({ amazonBuyerId: { $ne: null } }).lean();
    expect(linked.length).toBeGreaterThanOrEqual(3);
    const response = await fetch(`${api.url}/ops/members?idLink=amazon&pageSize=2`, { headers: opsHeaders() });
    const page1 = (await response.json()) as { total: number; members: { memberId: string; amazonLinked: boolean }[] };
    expect(page1.total).toBe(linked.length);
    expect(page1.members).toHaveLength(2);
    const all = (await (
      await fetch(`${api.url}/ops/members?idLink=amazon&pageSize=200`, { headers: opsHeaders() })
    ).json()) as typeof page1;
    expect(all.members.map((m) => m.memberId).sort()).toEqual(linked.map((m) => m.memberId).sort());
    expect(all.members.every((m) => m.amazonLinked)).toBe(true);
    const none = (await (
      await fetch(`${api.url}/ops/members?idLink=none&pageSize=200`, { headers: opsHeaders() })
    ).json()) as typeof page1;
    expect(none.members.every((m) => !m.amazonLinked)).toBe(true);
    expect(none.total + all.total).toBe(await api.database.models.Member.countDocuments());
    expect((await fetch(`${api.url}/ops/members?idLink=facebook`, { headers: opsHeaders() })).status).toBe(400);
  });

  it('L6, L7: search export and bulk download carry 「AmazonID連携日時」: the link time, or empty when not linked', async () => {
    const response = await fetch(`${api.url}/ops/members/bulk.csv`, { headers: opsHeaders() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const text = (await response.text()).replace(/^\uFEFF/, '');
    const [header, ...rows] = text
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    const linkColumn = header?.indexOf('AmazonID連携日時') ?? -1;
    const registeredColumn = header?.indexOf('登録日時') ?? -1;
    const emailColumn = header?.indexOf('メールアドレス') ?? -1;
    expect(linkColumn).toBeGreaterThan(0);
    const byEmail = new Map(rows.map((row) => [row[emailColumn], row]));
    expect(rows.length).toBe(await api.database.models.Member.countDocuments());
    // Registered through Amazon: link time = registration time.
    const taro = byEmail.get('taro.yamada@example.jp');
    expect(taro?.[linkColumn]).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(taro?.[linkColumn]).toBe(taro?.[registeredColumn]);
    expect(byEmail.get('someone.else@example.jp')?.[linkColumn]).toBe('');

    const filtered = await fetch(`${api.url}/ops/members/export.csv?idLink=amazon&encoding=shift_jis`, {
      headers: opsHeaders(),
    });
    expect(filtered.headers.get('content-type')).toContain('Shift_JIS');
    const sjis = iconv.decode(Buffer.from(await filtered.arrayBuffer()), 'Shift_JIS');
    const sjisRows = sjis.trimEnd().split('\r\n').slice(1);
    expect(sjis).toContain('AmazonID連携日時');
    expect(sjisRows).toHaveLength(await api.database.models.Member.countDocuments({ amazonBuyerId: { $ne: null } }));
    expect(sjisRows.every((row) => row.split(',')[linkColumn] !== '')).toBe(true);
  });
});
