/**
 * Registration at purchase (C4, L2, L7, L8) as the order workflow's activity does it, against the
 * real database, with the member routes over HTTP: e-mail addresses are one address whatever their
 * case (issue 12, item 5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../activities/orders.js';
import { MEMBER_MESSAGES } from '../../domain/member.js';
import { Shopper, startTestApi, type TestApi } from '../support/api.js';

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

const formMember = (email: string) => ({
  email,
  password: 'correct horse battery',
  name: '佐藤 一郎',
  postalCode: '150-0041',
  prefecture: '東京都',
  address: '渋谷区神南1-2-3',
  phone: '03-1234-5678',
  newsletter: true,
  extra: { birthday: '1980-04-01' },
});

describe('issue 12 item 5: e-mail addresses are normalized for every member write', () => {
  it('C4, L8: registered at purchase as Taro@Example.JP, the member is found by taro@example.jp: password reset, then login', async () => {
    const registration = await activities.registerMemberAtPurchase(purchaseRegistration('Taro@Example.JP'));
    expect(registration.outcome).toBe('registered');

    const shopper = new Shopper(api.url);
    expect((await shopper.post('/api/auth/password-reset', { email: 'taro@example.jp' })).status).toBe(202);
    const mail = api.mailer.sent.findLast((sent) => sent.to === 'taro@example.jp');
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
    expect(token, 'the reset mail reaches the member').toBeDefined();
    expect((await shopper.post('/api/auth/password-reset/confirm', { token, newPassword: 'set-after-purchase' })).status).toBe(200);

    for (const typed of ['taro@example.jp', 'TARO@EXAMPLE.JP']) {
      const login = await new Shopper(api.url).post('/api/auth/login', { email: typed, password: 'set-after-purchase' });
      expect(login.status, typed).toBe(200);
      expect(login.body.member).toMatchObject({ email: 'taro@example.jp', amazonLinked: true });
    }
    const stored = await api.database.models.Member.find({ email: /^taro@example\.jp$/i }).lean();
    expect(stored.map((member) => member.email)).toEqual(['taro@example.jp']);
  });

  it('C4, L1: a second registration with the same address in another case is refused as taken, at purchase and through the form', async () => {
    const again = await activities.registerMemberAtPurchase(purchaseRegistration('taro@EXAMPLE.jp'));
    expect(again).toEqual({ outcome: 'email_taken' });
    const form = await new Shopper(api.url).post('/api/members', formMember('tARo@example.JP'));
    expect(form.status).toBe(409);
    expect(form.body.error).toEqual({ code: 'email_taken', message: MEMBER_MESSAGES.emailTaken });

    // The other way round: registered through the form, then at purchase with capitals.
    expect((await new Shopper(api.url).post('/api/members', formMember('hanako@example.jp'))).status).toBe(201);
    expect(await activities.registerMemberAtPurchase(purchaseRegistration(' Hanako@Example.jp '))).toEqual({ outcome: 'email_taken' });
    expect(await api.database.models.Member.countDocuments({ email: { $in: ['taro@example.jp', 'hanako@example.jp'] } })).toBe(2);
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
