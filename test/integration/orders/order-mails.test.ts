/**
 * The order e-mails end to end: orders placed, captured, refunded and canceled through HTTP → API →
 * order workflow → worker → mail activity → nodemailer → SMTP → the run's catcher (maildev), and every
 * mail read back from the catcher's REST API. Also: a retried send does not send twice, and an SMTP
 * outage neither fails nor holds up the order (the mails arrive once SMTP is back).
 */
import net from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createMailActivities, type OrderMailResult } from '../../../activities/mail.js';
import { loadConfig } from '../../../config/index.js';
import { orderWorkflowId } from '../../../domain/ids.js';
import { orderMailKey, type OrderMailInput } from '../../../mail/order-mails.js';
import { freePort } from '../../../scripts/services.js';
import type { OrderView } from '../../../workflows/order/definitions.js';
import { opsAuthorization, Shopper, startTestApi, type TestApi } from '../../support/api.js';
import { finishCheckout, startCheckout } from '../../support/checkout.js';
import { caughtMails, testMailer, waitForMail, type CaughtMail } from '../../support/mail.js';
import { eventually } from '../../support/servers.js';

const SHOP_NAME = loadConfig({}).orders.shopName;
const MAIL_FROM = loadConfig({}).mail.from;
const messageId = (key: string) => `<${key}@${MAIL_FROM.split('@')[1]}>`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('order_mails', { worker: true });
});
afterAll(async () => {
  await api?.close();
});

async function ops(target: TestApi, path: string, body: unknown) {
  const response = await fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { ...opsAuthorization(target.config, 'operator'), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { order: OrderView };
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json.order;
}

/** A guest's Amazon Pay order of 2 × 静岡煎茶 (¥2,400 + ¥600 shipping), placed through the storefront API. */
async function placedGuestOrder(target: TestApi): Promise<OrderView> {
  const shopper = new Shopper(target.url);
  const run = await startCheckout(shopper, target.emulatorUrl, [{ productId: 'tea-sencha', quantity: 2 }], {
    buyer: 'taro',
    instrument: 'card',
  });
  const completed = await finishCheckout(shopper, target.emulatorUrl, run);
  expect(completed.body.order.status).toBe('Placed');
  return completed.body.order as OrderView;
}

function lines(mail: CaughtMail): string[] {
  return mail.text.split('\n');
}

/** C8: the two preference fields of a guest's Amazon Pay order, blank. */
function expectPreferencesBlank(mail: CaughtMail): void {
  expect(lines(mail)).toContain('メールマガジンの購読：');
  expect(lines(mail)).toContain('モバイルメール受信可否：');
}

describe('order e-mails through SMTP, read back from the catcher', () => {
  it('C8: a guest Amazon Pay order gets 注文確認メール at placement, the shipping/thanks mail at capture and a notice per refund, each with the preferences blank', async () => {
    const order = await placedGuestOrder(api);
    const { orderId } = order;
    const buyerEmail = order.procedure!.orderer.email;

    const confirmation = await waitForMail(messageId(`${orderId}.placed`));
    expect(confirmation.subject).toBe(`【${SHOP_NAME}】ご注文内容のご確認（ご注文番号：${orderId}）`);
    expect(confirmation.to).toEqual([{ address: buyerEmail, name: '' }]);
    expect(confirmation.from).toEqual([{ address: MAIL_FROM, name: SHOP_NAME }]);
    expect(lines(confirmation)[0]).toBe(`${order.procedure!.orderer.name} 様`);
    for (const line of [
      `■ご注文番号：${orderId}`,
      '■お支払い方法：Amazon Pay',
      `\u3000${order.shopMemo}`,
      '静岡煎茶 100g',
      '\u3000¥1,200 × 2 ＝ ¥2,400',
      '商品合計：¥2,400',
      '送料：¥600',
      'お支払い金額（税込）：¥3,000',
      `メールアドレス：${buyerEmail}`,
      `お名前：${order.shippingAddress!.name}`,
      'お届け希望日：指定なし',
      'お届け時間帯：指定なし',
      'ギフト包装：なし',
    ])
      expect(lines(confirmation)).toContain(line);
    // A guest earns no purchase points (P1): none are promised.
    expect(confirmation.text).not.toContain('獲得予定ポイント');
    expectPreferencesBlank(confirmation);

    const captured = await ops(api, `/ops/orders/${orderId}/capture`, {});
    expect(captured.status).toBe('Captured');
    const shipped = await waitForMail(messageId(`${orderId}.captured`));
    expect(shipped.subject).toBe(`【${SHOP_NAME}】商品発送のお知らせ（ご注文番号：${orderId}）`);
    expect(shipped.to).toEqual([{ address: buyerEmail, name: '' }]);
    expect(lines(shipped)).toContain('■ご請求金額：¥3,000（Amazon Payでのお支払い）');
    expectPreferencesBlank(shipped);

    const first = await ops(api, `/ops/orders/${orderId}/refund`, { amount: 1_000, reason: '一部返品' });
    const second = await ops(api, `/ops/orders/${orderId}/refund`, { amount: 500, reason: '一部返品' });
    const [firstRefund, secondRefund] = second.payment!.refunds;
    expect(first.payment!.refunds).toHaveLength(1);
    const refundNotice = await waitForMail(messageId(`${orderId}.refunded.${firstRefund!.refundId}`));
    expect(refundNotice.subject).toBe(`【${SHOP_NAME}】ご返金のお知らせ（ご注文番号：${orderId}）`);
    expect(lines(refundNotice)).toContain('■今回の返金額：¥1,000');
    expect(lines(refundNotice)).toContain('■返金額の合計：¥1,000（ご請求額 ¥3,000）');
    expectPreferencesBlank(refundNotice);
    const secondNotice = await waitForMail(messageId(`${orderId}.refunded.${secondRefund!.refundId}`));
    expect(lines(secondNotice)).toContain('■今回の返金額：¥500');
    expect(lines(secondNotice)).toContain('■返金額の合計：¥1,500（ご請求額 ¥3,000）');

    // One mail per event, no more, and each recorded as sent.
    const all = await caughtMails({ 'to.address': buyerEmail });
    expect(all.filter((mail) => mail.subject.includes(orderId))).toHaveLength(4);
    // Recorded once the server took each (just after the catcher has it).
    const records = await eventually(
      () => api.database.models.SentMail.find({ orderId }).sort({ sentAt: 1 }).lean(),
      (found) => found.length === 4,
    );
    expect(records.map((record) => record.event)).toEqual(['placed', 'captured', 'refunded', 'refunded']);
  });

  it('C8: a guest order canceled before capture gets the cancel notice, preferences blank', async () => {
    const order = await placedGuestOrder(api);
    await waitForMail(messageId(`${order.orderId}.placed`));
    const canceled = await ops(api, `/ops/orders/${order.orderId}/cancel`, { reason: 'お客様都合' });
    expect(canceled.status).toBe('Canceled');
    const notice = await waitForMail(messageId(`${order.orderId}.canceled`));
    expect(notice.subject).toBe(`【${SHOP_NAME}】ご注文キャンセルのお知らせ（ご注文番号：${order.orderId}）`);
    expect(notice.to).toEqual([{ address: order.procedure!.orderer.email, name: '' }]);
    expect(lines(notice)).toContain('■キャンセルしたご注文の金額：¥3,000');
    expectPreferencesBlank(notice);
    // The workflow waited for its mail, then completed.
    const final = await api.client.workflow.getHandle(orderWorkflowId(order.orderId)).result();
    expect(final.status).toBe('Canceled');
  });

  it('a send retried after its mail went out (the answer to Temporal lost) does not send it again', async () => {
    const order = await placedGuestOrder(api);
    const placedMail = messageId(`${order.orderId}.placed`);
    await waitForMail(placedMail);
    // The send is over once its record is written, just after the catcher has the mail.
    await eventually(
      () => api.database.models.SentMail.findById(orderMailKey(order.orderId, { kind: 'placed' })).lean(),
      (record) => record !== null,
    );
    const activities = createMailActivities({
      models: api.database.models,
      mail: { mailer: testMailer(), shopName: SHOP_NAME },
    });
    const input: OrderMailInput = { event: { kind: 'placed' }, order };
    const retried = (await new MockActivityEnvironment().run(activities.sendOrderMail, input)) as OrderMailResult;
    expect(retried.outcome).toBe('already_sent');
    expect(retried.messageId).toBe(placedMail);
    // Another event of the same order is a mail of its own.
    const other: OrderMailInput = { event: { kind: 'canceled' }, order };
    const sent = (await new MockActivityEnvironment().run(activities.sendOrderMail, other)) as OrderMailResult;
    expect(sent.outcome).toBe('sent');
    await waitForMail(messageId(`${order.orderId}.canceled`));
    expect(await caughtMails({ 'headers.message-id': placedMail })).toHaveLength(1);
  });
});

describe('an SMTP outage', () => {
  let down: TestApi;
  /** Where the worker sends: nothing listens until `smtpBack` relays it to the catcher. */
  let relayPort: number;
  let relay: net.Server | undefined;

  beforeAll(async () => {
    relayPort = await freePort();
    down = await startTestApi('order_mails_outage', { worker: true, smtpUrl: `smtp://127.0.0.1:${relayPort}` });
  });
  afterAll(async () => {
    await down?.close();
    await new Promise((resolve) => (relay === undefined ? resolve(undefined) : relay.close(resolve)));
  });

  /** The mail server comes back: the port answers, relayed to the run's catcher. */
  async function smtpBack(): Promise<void> {
    const catcherPort = Number(new URL(inject('smtpUrl')).port);
    relay = net.createServer((client) => {
      const upstream = net.connect(catcherPort, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
    });
    await new Promise<void>((resolve) => relay!.listen(relayPort, '127.0.0.1', resolve));
  }

  it('C8: the order is placed and captured all the same; the mails are retried and arrive once SMTP is back, each once', async () => {
    const order = await placedGuestOrder(down);
    const captured = await ops(down, `/ops/orders/${order.orderId}/capture`, {});
    expect(captured.status).toBe('Captured');
    // The mails are being retried in the background (the order's workflow is not waiting on them).
    const handle = down.client.workflow.getHandle(orderWorkflowId(order.orderId));
    const pending = await eventually(
      async () => (await handle.describe()).raw.pendingActivities ?? [],
      (activities) => activities.filter((a) => (a.attempt ?? 0) >= 2).length === 2,
      15_000,
    );
    expect(pending.map((a) => a.activityType?.name)).toEqual(['sendOrderMail', 'sendOrderMail']);
    expect(await caughtMails({ 'headers.message-id': messageId(`${order.orderId}.placed`) })).toEqual([]);

    await smtpBack();
    const confirmation = await waitForMail(messageId(`${order.orderId}.placed`), 60_000);
    expectPreferencesBlank(confirmation);
    await waitForMail(messageId(`${order.orderId}.captured`), 60_000);
    await eventually(
      async () => (await handle.describe()).raw.pendingActivities ?? [],
      (activities) => activities.length === 0,
      15_000,
    );
    for (const event of ['placed', 'captured'])
      expect(await caughtMails({ 'headers.message-id': messageId(`${order.orderId}.${event}`) })).toHaveLength(1);
  });
});
