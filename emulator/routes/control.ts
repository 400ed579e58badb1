/** The test-control API under `/__emulator/` (never enabled in production). */
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { paymentDescriptor, TEST_BUYERS } from '../buyers.js';
import { amazonTimestamp } from '../clock.js';
import type { EmulatorContext } from '../context.js';
import { chooseInputSchema } from '../engine.js';
import { ApiError } from '../errors.js';
import { faultSettingsSchema } from '../faults.js';
import { renderCharge, renderPermission, renderRefund, renderSession } from '../model.js';
import { parseBody } from '../requests.js';

const SCOPES = ['name', 'email', 'postalCode', 'shippingAddress', 'phoneNumber', 'billingAddress'] as const;

export function newBuyerToken(): string {
  return `amzn1.buyertoken.emulator.${randomBytes(18).toString('base64url')}`;
}

export function controlRouter(ctx: EmulatorContext): Router {
  const { engine, clock } = ctx;
  const router = express.Router();
  router.use(express.json({ limit: '100kb' }));
  const clockView = () => {
    const now = clock.now();
    return { now, iso: new Date(now).toISOString(), amazonTimestamp: amazonTimestamp(now), offsetMs: now - Date.now() };
  };
  const session = (req: Request, id: string) =>
    renderSession(engine.getSession(id), { merchantId: ctx.merchantId, baseUrl: ctx.baseUrl(req) });

  router.post('/keys', (req, res) => {
    const b = parseBody(z.object({ publicKeyId: z.string().min(1), publicKeyPem: z.string().min(1) }), req.body);
    try {
      ctx.keys.register(b.publicKeyId, b.publicKeyPem);
    } catch (error) {
      throw new ApiError(400, 'InvalidParameterValue', error instanceof Error ? error.message : String(error));
    }
    res.status(201).json({ publicKeyId: b.publicKeyId });
  });

  router.get('/clock', (_req, res) => {
    engine.sweep();
    res.json(clockView());
  });
  router.post('/clock', (req, res) => {
    const b = parseBody(z.object({ advanceSeconds: z.number().min(0) }), req.body);
    clock.advance(b.advanceSeconds * 1000);
    res.json(clockView());
  });

  router.get('/buyers', (_req, res) => {
    res.json(
      TEST_BUYERS.map((b) => ({
        ...b,
        instruments: [
          { instrument: 'gift_card', paymentDescriptor: paymentDescriptor({ kind: 'gift_card', card: null }) },
          ...b.cards.flatMap((card, cardIndex) => [
            {
              instrument: 'gift_card_and_card',
              cardIndex,
              paymentDescriptor: paymentDescriptor({ kind: 'gift_card_and_card', card }),
              behavior: card.behavior,
            },
            {
              instrument: 'card',
              cardIndex,
              paymentDescriptor: paymentDescriptor({ kind: 'card', card }),
              behavior: card.behavior,
            },
          ]),
        ],
      })),
    );
  });

  router.post('/checkoutSessions/:id/buyer', (req, res) => {
    const b = parseBody(chooseInputSchema, req.body);
    engine.chooseForSession(req.params.id ?? '', b);
    const s = session(req, req.params.id ?? '');
    const review = engine.getSession(req.params.id ?? '').checkoutReviewReturnUrl;
    res.json({
      ...s,
      redirectUrl: review === null ? null : withQuery(review, 'amazonCheckoutSessionId', s.checkoutSessionId),
    });
  });
  router.post('/checkoutSessions/:id/confirm', (req, res) => {
    const confirmed = engine.confirmSession(req.params.id ?? '');
    const s = session(req, confirmed.id);
    res.json({
      ...s,
      redirectUrl:
        confirmed.checkoutResultReturnUrl === null
          ? null
          : withQuery(confirmed.checkoutResultReturnUrl, 'amazonCheckoutSessionId', confirmed.id),
    });
  });
  router.post('/checkoutSessions/:id/cancel', (req, res) => {
    const canceled = engine.buyerCancelSession(req.params.id ?? '');
    res.json(session(req, canceled.id));
  });

  router.post('/signin', (req, res) => {
    const b = parseBody(
      z.object({ buyer: z.string().optional(), scopes: z.array(z.enum(SCOPES)).optional() }),
      req.body,
    );
    const token = engine.issueBuyerToken(b.buyer ?? 'taro', b.scopes ?? [...SCOPES], newBuyerToken());
    res.json({ buyerToken: token });
  });

  router.get('/faults', (_req, res) => {
    res.json(ctx.faults());
  });
  router.put('/faults', (req, res) => {
    const next = parseBody(faultSettingsSchema, { ...ctx.faults(), ...(req.body as object) });
    ctx.setFaults(next);
    ctx.throttle.reset();
    res.json(next);
  });

  router.get('/notifications', (_req, res) => {
    res.json({ url: ctx.notificationUrl() ?? null, deliveries: ctx.notifier.deliveries });
  });
  router.put('/notifications', (req, res) => {
    const b = parseBody(z.object({ url: z.url().nullable() }), req.body);
    ctx.setNotificationUrl(b.url ?? undefined);
    res.json({ url: b.url });
  });

  router.get('/ledger', (_req, res) => {
    engine.sweep();
    res.json({
      chargePermissions: [...engine.permissions.values()].map((p) =>
        renderPermission(p, engine.balanceOf(p), { merchantId: ctx.merchantId }),
      ),
      charges: [...engine.charges.values()].map(renderCharge),
      refunds: [...engine.refunds.values()].map(renderRefund),
    });
  });

  router.post('/charges/:id/state', (req, res) => {
    const b = parseBody(
      z.object({
        state: z.enum(['AuthorizationInitiated', 'Authorized', 'CaptureInitiated', 'Captured', 'Declined', 'Canceled']),
        reasonCode: z.string().nullable().optional(),
      }),
      req.body,
    );
    res.json(renderCharge(engine.plantChargeState(req.params.id ?? '', b.state, b.reasonCode ?? null)));
  });
  router.post('/refunds/:id/state', (req, res) => {
    const b = parseBody(
      z.object({
        state: z.enum(['RefundInitiated', 'Refunded', 'Declined']),
        reasonCode: z.string().nullable().optional(),
      }),
      req.body,
    );
    res.json(renderRefund(engine.plantRefundState(req.params.id ?? '', b.state, b.reasonCode ?? null)));
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error instanceof ApiError) {
      res.status(error.status).json(error.body());
      return;
    }
    if (error instanceof SyntaxError) {
      res.status(400).json({ reasonCode: 'InvalidRequestFormat', message: 'The request body is not valid JSON.' });
      return;
    }
    next(error);
  });
  return router;
}

export function withQuery(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}
