/**
 * One order's life as one durable workflow (`order:{orderId}`), lifecycle steps 1–7 of
 * docs/architecture.md. This file only wires the contract (definitions.ts) to the steps:
 * - checkout.ts: the buyer's steps up to placement, the 24-hour checkout and the pending authorization;
 * - payment.ts: the ops operations on a placed order, notifications and the 30/180-day timers;
 * - state.ts: the order's view, its status check, its lock and `commit`;
 * - activities.ts: every activity, with its retry policy (Amazon's on the order's Amazon task queue).
 * Updates run one at a time (the order's lock), so concurrent or repeated requests see one order.
 */
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { sendAmazonCallsTo } from './activities.js';
import { Checkout, requireCheckoutSessionId } from './checkout.js';
import {
  amazonNotification,
  amazonReturn,
  cancelOrder,
  captureOrder,
  changeAmount,
  completeOrder,
  confirmOrder,
  getOrder,
  refundOrder,
  submitProcedure,
  type OrderInput,
  type OrderView,
} from './definitions.js';
import { Payment, requireReason, requireWholeYen } from './payment.js';
import { Order } from './state.js';

export async function orderWorkflow(input: OrderInput): Promise<OrderView> {
  sendAmazonCallsTo(input.amazonTaskQueue);
  const order = new Order(input);
  const checkout = new Checkout(order);
  const payment = new Payment(order);

  setHandler(getOrder, () => order.view);
  setHandler(amazonNotification, (hint) => {
    checkout.notice(hint);
    payment.notice(hint);
  });

  // The buyer's steps 2–5.
  setHandler(
    amazonReturn,
    ({ checkoutSessionId }) => order.exclusively(() => checkout.returnFromAmazon(checkoutSessionId)),
    {
      validator: ({ checkoutSessionId }) => requireCheckoutSessionId(checkoutSessionId),
    },
  );
  setHandler(submitProcedure, (form) => order.exclusively(() => checkout.enterProcedure(form)), {
    validator: (_form) => order.requireStatus('AddressSelected', 'ProcedureEntered'),
  });
  setHandler(confirmOrder, () => order.exclusively(() => checkout.confirm()), {
    validator: () => order.requireStatus('ProcedureEntered', 'Confirmed'),
  });
  setHandler(completeOrder, () => order.exclusively(() => checkout.complete()));

  // Ops on the placed order (A1–A3).
  setHandler(changeAmount, ({ amount }) => order.exclusively(() => payment.changeAmount(amount)), {
    validator: ({ amount }) => {
      requireWholeYen(amount);
      order.requireStatus('Placed');
    },
  });
  setHandler(captureOrder, ({ amount }) => order.exclusively(() => payment.capture(amount)), {
    validator: ({ amount }) => {
      if (amount !== undefined) requireWholeYen(amount);
      order.requireStatus('Placed');
    },
  });
  setHandler(cancelOrder, ({ reason }) => order.exclusively(() => payment.cancel(reason)), {
    validator: ({ reason }) => {
      requireReason(reason);
      order.requireStatus('Placed');
    },
  });
  setHandler(refundOrder, ({ amount }) => order.exclusively(() => payment.refund(amount)), {
    validator: ({ amount }) => {
      requireWholeYen(amount);
      order.requireStatus('Captured', 'PartiallyRefunded');
    },
  });

  await order.publish();
  await checkout.run(); // placed, failed or abandoned
  await payment.run(); // until the money is settled or the charge permission closes
  await condition(allHandlersFinished);
  await order.mails.settled();
  return order.view;
}
