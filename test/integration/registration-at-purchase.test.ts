/**
 * Registration at purchase (C4, L2, L7, L8) as the order workflow's activity does it, against the
 * real database, with the member routes over HTTP: e-mail addresses are one address whatever their
 * case, and a registration retried after a crash converges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../activities/orders.js';
import { createMemberRepository } from '../../db/members.js';
import { MEMBER_MESSAGES } from '../../domain/messages.js';
import { Shopper, startTestApi, type TestApi } from '../support/api.js';
import { caughtMails, newestMail, resetMailsTo } from '../support/mail.js';
import { memberForm } from '../support/members.js';

let api: TestApi;
let activities: ReturnType<typeof createOrderActivities>;

beforeAll(async () => {
  api = await startTestApi('registration_at_purchase');
  activities = createOrderActivities({ models: api.database.models, extraFields: api.config.members.extraFields });
});
afterAll(async () => {
  await api?.close();
});

let orderSequence = 0;
/** A fresh order id (Crockford base32 tail) and Amazon buyer id per registration. */
function nextOrder(): { orderId: string; buyerId: string } {
  orderSequence += 1;
  const tail = String(orderSequence).padStart(8, '0');
  return { orderId: `ORD-20261201-${tail}`, buyerId: `amzn1.account.TESTBUYER${tail}` };
}

/** What the workflow passes when a guest ticks 「会員登録する」 (the orderer as typed in the form). */
function purchaseRegistration(email: string, order = nextOrder()) {
  return {
    orderId: order.orderId,
    buyerId: order.buyerId,
    email,
    name: '山田 太郎',
    postalCode: '1500041',
    prefecture: '東京都',
    address: '渋谷区神南1-2-3',
    phone: '0312345678',
    newsletter: true,
  };
}

describe('C4, L2: e-mail addresses are normalized for every member write', () => {
  it('C4, L8: registered at purchase as Taro@Example.JP, the member is found by taro@example.jp: password reset, then login', async () => {
    const registration = await activities.registerMemberAtPurchase(purchaseRegistration('Taro@Example.JP'));
    expect(registration.outcome).toBe('registered');

    const shopper = new Shopper(api.url);
    const earlier = await caughtMails(resetMailsTo('taro@example.jp'));
    expect((await shopper.post('/api/auth/password-reset', { email: 'taro@example.jp' })).status).toBe(202);
    const mail = await newestMail(resetMailsTo('taro@example.jp'), earlier);
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    expect(token, 'the reset mail reaches the member').toBeDefined();
    expect(
      (await shopper.post('/api/auth/password-reset/confirm', { token, newPassword: 'set-after-purchase' })).status,
    ).toBe(200);

    for (const typed of ['taro@example.jp', 'TARO@EXAMPLE.JP']) {
      const login = await new Shopper(api.url).post('/api/auth/login', {
        email: typed,
        password: 'set-after-purchase',
      });
      expect(login.status, typed).toBe(200);
      expect(login.body.member).toMatchObject({ email: 'taro@example.jp', amazonLinked: true });
    }
    const stored = await api.database.models.Member.find({ email: /^taro@example\.jp$/i }).lean();
    expect(stored.map((member) => member.email)).toEqual(['taro@example.jp']);
  });

  it('C4, L1: a second registration with the same address in another case is refused as taken, at purchase and through the form', async () => {
    const again = await activities.registerMemberAtPurchase(purchaseRegistration('taro@EXAMPLE.jp'));
    expect(again).toEqual({ outcome: 'email_taken' });
    const form = await new Shopper(api.url).post('/api/members', memberForm('tARo@example.JP'));
    expect(form.status).toBe(409);
    expect(form.body.error).toEqual({ code: 'email_taken', message: MEMBER_MESSAGES.emailTaken });

    // The other way round: registered through the form, then at purchase with capitals.
    expect((await new Shopper(api.url).post('/api/members', memberForm('hanako@example.jp'))).status).toBe(201);
    expect(await activities.registerMemberAtPurchase(purchaseRegistration(' Hanako@Example.jp '))).toEqual({
      outcome: 'email_taken',
    });
    expect(
      await api.database.models.Member.countDocuments({ email: { $in: ['taro@example.jp', 'hanako@example.jp'] } }),
    ).toBe(2);
    expect(await api.database.models.Member.countDocuments({ email: /^(taro|hanako)@example\.jp$/i })).toBe(2);
  });

  it('C4: any write through the member model stores the normalized address, updates included', async () => {
    const { Member } = api.database.models;
    await Member.create({
      memberId: 'M-CASE-WRITE',
      email: 'Jiro@Example.JP',
      name: '次郎',
      registeredAt: new Date(),
      registeredVia: 'form',
    });
    expect((await Member.findOne({ memberId: 'M-CASE-WRITE' }).lean())?.email).toBe('jiro@example.jp');
    await Member.updateOne({ memberId: 'M-CASE-WRITE' }, { $set: { email: 'Jiro.New@Example.JP' } });
    expect((await Member.findOne({ memberId: 'M-CASE-WRITE' }).lean())?.email).toBe('jiro.new@example.jp');
    await Member.findOneAndUpdate({ memberId: 'M-CASE-WRITE' }, { email: 'JIRO@example.jp' });
    expect((await Member.findOne({ memberId: 'M-CASE-WRITE' }).lean())?.email).toBe('jiro@example.jp');
  });
});

/**
 * A crash inside registration at purchase leaves one of the states `register` passes through; the
 * activity is then retried with the same input. Each state is written here as the crashed attempt
 * left it, registered a few seconds ago.
 */
describe('C4, L2, L7: registration at purchase retried after a crash converges', () => {
  const crashedAt = () => new Date(Date.now() - 7_000);

  /** The member row as `register`'s first half leaves it: created, not linked yet. */
  async function memberRowOnly(input: ReturnType<typeof purchaseRegistration>, registeredAt: Date) {
    await api.database.models.Member.create({
      memberId: `M-${input.orderId}`,
      email: input.email,
      name: input.name,
      postalCode: input.postalCode,
      prefecture: input.prefecture,
      address: input.address,
      phone: input.phone,
      passwordHash: null,
      newsletter: input.newsletter,
      mobileMail: null,
      extra: {},
      registeredAt,
      registeredVia: 'amazon_pay_checkout',
      amazonBuyerId: null,
      amazonLinkedAt: null,
    });
  }

  /** One member with the address, linked to the buyer, link time = registration time (L2, L7). */
  async function expectConverged(
    input: ReturnType<typeof purchaseRegistration>,
    outcome: Awaited<ReturnType<typeof activities.registerMemberAtPurchase>>,
    registeredAt: Date,
  ) {
    const { Member, AmazonLink } = api.database.models;
    expect(outcome).toEqual({
      outcome: 'registered',
      memberId: `M-${input.orderId}`,
      registeredAt: registeredAt.toISOString(),
    });
    const members = await Member.find({ email: input.email }).lean();
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({
      memberId: `M-${input.orderId}`,
      amazonBuyerId: input.buyerId,
      registeredAt,
      amazonLinkedAt: registeredAt,
    });
    expect(
      await AmazonLink.find({ buyerId: input.buyerId }, { _id: 0, buyerId: 1, memberId: 1, linkedAt: 1 }).lean(),
    ).toEqual([{ buyerId: input.buyerId, memberId: `M-${input.orderId}`, linkedAt: registeredAt }]);
    // L2: the Amazon account finds the member (what sign in with Amazon looks up).
    expect((await createMemberRepository(api.database.models).findByAmazonBuyerId(input.buyerId))?.memberId).toBe(
      `M-${input.orderId}`,
    );
  }

  it('L2/L7: crash after the member was created, before the link: the retry links it, link time = registration time', async () => {
    const input = purchaseRegistration('crash.before.link@example.jp');
    const registeredAt = crashedAt();
    await memberRowOnly(input, registeredAt);
    await expectConverged(input, await activities.registerMemberAtPurchase(input), registeredAt);
  });

  it('L2/L7: crash inside the link (link row written, member not updated yet): the retry finishes it', async () => {
    const input = purchaseRegistration('crash.inside.link@example.jp');
    const registeredAt = crashedAt();
    await memberRowOnly(input, registeredAt);
    await api.database.models.AmazonLink.create({
      buyerId: input.buyerId,
      memberId: `M-${input.orderId}`,
      linkedAt: registeredAt,
    });
    await expectConverged(input, await activities.registerMemberAtPurchase(input), registeredAt);
  });

  it('L2/L7: a retry after a registration that did finish answers the same member, unchanged; so does a third', async () => {
    const input = purchaseRegistration('finished@example.jp');
    const first = await activities.registerMemberAtPurchase(input);
    expect(first.outcome).toBe('registered');
    const registeredAt = new Date((first as { registeredAt: string }).registeredAt);
    await expectConverged(input, await activities.registerMemberAtPurchase(input), registeredAt);
    await expectConverged(input, await activities.registerMemberAtPurchase(input), registeredAt);
  });

  it('L2/L7: two attempts at once (a timed-out attempt still running when its retry starts) end with the one linked member, neither refused as taken', async () => {
    const input = purchaseRegistration('two.attempts@example.jp');
    const [a, b] = await Promise.all([
      activities.registerMemberAtPurchase(input),
      activities.registerMemberAtPurchase(input),
    ]);
    expect(b).toEqual(a);
    await expectConverged(input, a, new Date((a as { registeredAt: string }).registeredAt));
  });

  it('L2: crash before the link, and meanwhile the Amazon account was linked to another member: the retry answers buyer_linked_elsewhere and leaves no unlinked half-member', async () => {
    const input = purchaseRegistration('linked.meanwhile@example.jp');
    await memberRowOnly(input, crashedAt());
    // Between the crash and the retry the buyer signed in with Amazon and linked an existing member.
    const other = await new Shopper(api.url).post('/api/members', memberForm('other.member@example.jp'));
    expect(other.status).toBe(201);
    await api.database.models.AmazonLink.create({
      buyerId: input.buyerId,
      memberId: other.body.member.memberId,
      linkedAt: new Date(),
    });

    expect(await activities.registerMemberAtPurchase(input)).toEqual({ outcome: 'buyer_linked_elsewhere' });
    expect(await activities.registerMemberAtPurchase(input)).toEqual({ outcome: 'buyer_linked_elsewhere' });
    // No member without its link stays behind to hold the address (it could never log in: no password, no Amazon).
    expect(await api.database.models.Member.countDocuments({ email: input.email })).toBe(0);
    expect(
      await api.database.models.AmazonLink.find({ buyerId: input.buyerId }, { _id: 0, memberId: 1 }).lean(),
    ).toEqual([{ memberId: other.body.member.memberId }]);
    // The address is free again: the buyer can register with it later.
    expect((await new Shopper(api.url).post('/api/members', memberForm(input.email))).status).toBe(201);
  });
});
