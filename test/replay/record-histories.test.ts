/**
 * Records the histories of the order workflow's main paths into test/replay/histories/, for the
 * replay test. Run it when a path changes on purpose (the old files keep proving old histories):
 *   RECORD_HISTORIES=1 npx vitest run test/replay/record-histories.test.ts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  amazonReturn,
  cancelOrder,
  captureOrder,
  changeAmount,
  refundOrder,
} from '../../workflows/order/definitions.js';
import {
  buyerAtAmazon,
  checkoutThrough,
  chooseAgain,
  KYUSU,
  memberWithPoints,
  startOrder,
  startOrderHarness,
  TEA,
  type OrderHarness,
} from '../support/order-harness.js';
import { untilQuiet } from '../support/waiting.js';

const HISTORIES = new URL('./histories/', import.meta.url);
const recording = process.env['RECORD_HISTORIES'] === '1';

describe.skipIf(!recording)('record order workflow histories', () => {
  let h: OrderHarness;
  beforeAll(async () => {
    h = await startOrderHarness('record_histories');
    await mkdir(HISTORIES, { recursive: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function save(name: string, handle: WorkflowHandle): Promise<void> {
    // Let the workflow reach a quiet point (its mails sent too), then keep its history as JSON.
    await untilQuiet(handle);
    // Temporal's JSON history format (what `temporal workflow show --output json` prints).
    await writeFile(new URL(`${name}.json`, HISTORIES), historyToJSON(await handle.fetchHistory()));
  }

  it('guest checkout, placed, captured, partly refunded, refunded', async () => {
    const handle = await startOrder(h, { items: [TEA] });
    await checkoutThrough(h, handle);
    await handle.executeUpdate(captureOrder, { args: [{}] });
    await handle.executeUpdate(refundOrder, { args: [{ amount: 1_000 }] });
    await handle.executeUpdate(refundOrder, { args: [{ amount: 2_000 }] });
    await save('guest-capture-refund', handle);
  });

  it('member with points and coupon, raised then captured', async () => {
    const member = await memberWithPoints(h, 'replay.member@example.jp', 1_000);
    const handle = await startOrder(h, { memberId: member.memberId, items: [KYUSU] });
    await checkoutThrough(h, handle, { form: { pointsToUse: 300, couponCode: 'WELCOME500' } });
    await handle.executeUpdate(changeAmount, { args: [{ amount: 20_000 }] });
    await handle.executeUpdate(captureOrder, { args: [{}] });
    await save('member-points-coupon-raise-capture', handle);
  });

  it('unusable address then another, registered at purchase, canceled', async () => {
    const handle = await startOrder(h, { items: [KYUSU] });
    const sessionId = await buyerAtAmazon(h, handle, { buyer: 'hanako' });
    await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] }).catch(() => undefined);
    await chooseAgain(h, sessionId, { buyer: 'jiro' });
    const { confirmAtAmazon } = await import('../support/order-harness.js');
    const { procedureForm } = await import('../support/checkout.js');
    const { submitProcedure, confirmOrder, completeOrder } = await import('../../workflows/order/definitions.js');
    const back = await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
    await handle.executeUpdate(submitProcedure, {
      args: [
        procedureForm(back.ordererDefaults as Record<string, unknown>, {
          registerAsMember: true,
          newsletter: true,
        }) as never,
      ],
    });
    await handle.executeUpdate(confirmOrder);
    await confirmAtAmazon(h, sessionId);
    await handle.executeUpdate(completeOrder);
    await handle.executeUpdate(cancelOrder, { args: [{ reason: 'replay' }] });
    await save('address-retry-register-cancel', handle);
  });

  it('pending authorization, then authorized', async () => {
    const handle = await startOrder(h);
    await checkoutThrough(h, handle, { choice: { buyer: 'jiro', cardIndex: 1 } });
    h.emu.emulator.advance(60_000);
    await h.env.sleep('1 minute');
    await save('pending-then-authorized', handle);
  });

  it('abandoned after 24 hours', async () => {
    const handle = await startOrder(h);
    await buyerAtAmazon(h, handle);
    await h.env.sleep('25 hours');
    await save('abandoned', handle);
  });

  it('authorization renewed after 30 days', async () => {
    const handle = await startOrder(h, { items: [KYUSU] });
    await checkoutThrough(h, handle);
    h.emu.emulator.advance(30 * 24 * 3600 * 1000 + 60_000);
    await h.env.sleep('30 days');
    await save('authorization-renewed', handle);
  });

  it('never captured: renewed every 30 days, canceled when the charge permission reaches 180 days, the coupon given back, the buyer mailed', async () => {
    const member = await memberWithPoints(h, 'replay.expired@example.jp', 0);
    const handle = await startOrder(h, { memberId: member.memberId, items: [KYUSU] });
    await checkoutThrough(h, handle, { form: { couponCode: 'WELCOME500' } });
    // Amazon's clock moves with the workflow's: each authorization expires when the order looks at it.
    for (let month = 0; month < 6; month += 1) {
      h.emu.emulator.advance(30 * 24 * 3600 * 1000 + 60_000);
      await h.env.sleep('30 days');
    }
    await handle.result();
    await save('never-captured-expired', handle);
  });
});
