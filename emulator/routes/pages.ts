/**
 * Amazon's hosted buyer pages, server-rendered: the checkout button target (sign in, pick an
 * address and a payment instrument), the amazonPayRedirectUrl confirmation page, and Amazon sign-in.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { findBuyer, paymentDescriptor, TEST_BUYERS, type InstrumentKind, type TestBuyer } from '../buyers.js';
import type { EmulatorContext } from '../context.js';
import { ApiError } from '../errors.js';
import { verifyButtonSignature } from '../signing.js';
import { newBuyerToken, withQuery } from './control.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const yen = (n: number | null) => (n === null ? '—' : `¥${n.toLocaleString('ja-JP')}`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} - Amazon Pay (エミュレーター)</title>
<style>
body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#0f1111}
header{border-bottom:3px solid #ff9900;margin-bottom:1rem;padding-bottom:.5rem;font-weight:bold}
fieldset{border:1px solid #d5d9d9;border-radius:8px;margin:0 0 1rem;padding:.75rem}
label{display:block;margin:.35rem 0}
button{background:#ffd814;border:1px solid #fcd200;border-radius:20px;padding:.5rem 1.5rem;font-size:1rem;cursor:pointer}
button.secondary{background:#fff;border-color:#d5d9d9}
.note{color:#565959;font-size:.85rem}.error{color:#b12704}
</style></head>
<body><header>amazon pay <span class="note">sandbox emulator</span></header>
<h1>${esc(title)}</h1>
${body}
</body></html>`;
}

function formatAddress(a: TestBuyer['addresses'][number]): string {
  return [
    `〒${a.postalCode}`,
    a.stateOrRegion,
    a.city ?? '',
    a.addressLine1,
    a.addressLine2 ?? '',
    a.addressLine3 ?? '',
    `(${a.countryCode})`,
    a.name,
    `電話 ${a.phoneNumber}`,
  ]
    .filter((s) => s !== '')
    .join(' ');
}

const BEHAVIOR_LABEL = {
  normal: '',
  pending_then_authorized: '(テスト: 保留→承認)',
  pending_then_declined: '(テスト: 保留→拒否)',
} as const;

interface SignInRequest {
  signInReturnUrl: string;
  storeId: string;
  scopes: string[];
}

const signInPayload = z.object({
  signInReturnUrl: z.url(),
  storeId: z.string().min(1),
  signInScopes: z.array(z.string()).optional(),
});

class PageError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function pagesRouter(ctx: EmulatorContext): Router {
  const { engine } = ctx;
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '100kb' }));
  const signIns = new Map<string, SignInRequest>();

  /** Checks a button payload signed with generateButtonSignature and returns the parsed JSON and key id. */
  const verifiedPayload = (req: Request): { payload: unknown; publicKeyId: string } => {
    const q = z
      .object({ payload: z.string().min(1), signature: z.string().min(1), publicKeyId: z.string().min(1) })
      .safeParse(req.query);
    if (!q.success) throw new PageError(400, 'payload, signature と publicKeyId が必要です。');
    const key = ctx.keys.get(q.data.publicKeyId);
    if (key === undefined) throw new PageError(401, `不明な公開鍵ID: ${q.data.publicKeyId}`);
    if (verifyButtonSignature(q.data.payload, q.data.signature, key.key) === undefined)
      throw new PageError(401, 'ボタンの署名が一致しません。');
    try {
      return { payload: JSON.parse(q.data.payload) as unknown, publicKeyId: q.data.publicKeyId };
    } catch {
      throw new PageError(400, 'payload が JSON ではありません。');
    }
  };

  router.get('/checkout', (req, res) => {
    const existing =
      typeof req.query.amazonCheckoutSessionId === 'string' ? req.query.amazonCheckoutSessionId : undefined;
    if (existing !== undefined) {
      engine.getSession(existing);
      res.redirect(303, `/checkout/${encodeURIComponent(existing)}`);
      return;
    }
    const { payload, publicKeyId } = verifiedPayload(req);
    const env = publicKeyId.toUpperCase().startsWith('LIVE') ? 'Live' : 'Sandbox';
    const session = engine.createSession(payload, env);
    res.redirect(303, `/checkout/${session.id}`);
  });

  router.get('/checkout/:id', (req, res) => {
    const session = engine.getSession(req.params.id ?? '');
    const buyers = TEST_BUYERS.map(
      (b) =>
        `<label><input type="radio" name="buyer" value="${esc(b.key)}"${b.key === 'taro' ? ' checked' : ''}> ${esc(b.name)} &lt;${esc(b.email)}&gt; <span class="note">${esc(b.note)}</span></label>`,
    ).join('\n');
    res.type('html').send(
      page(
        'Amazonアカウントでログイン',
        `<p>お支払い金額: ${yen(session.chargeAmount)}</p>
<form method="get" action="/checkout/${esc(session.id)}/select"><fieldset><legend>テスト購入者</legend>
${buyers}</fieldset><button type="submit">ログイン</button></form>`,
      ),
    );
  });

  router.get('/checkout/:id/select', (req, res) => {
    const session = engine.getSession(req.params.id ?? '');
    const buyer = findBuyer(typeof req.query.buyer === 'string' ? req.query.buyer : 'taro');
    if (buyer === undefined) throw new PageError(400, '不明な購入者です。');
    const addresses = buyer.addresses
      .map(
        (a, i) =>
          `<label><input type="radio" name="addressIndex" value="${i}"${i === 0 ? ' checked' : ''}> ${esc(formatAddress(a))}</label>`,
      )
      .join('\n');
    const options: { value: string; label: string }[] = [
      { value: 'gift_card', label: paymentDescriptor({ kind: 'gift_card', card: null }) },
    ];
    buyer.cards.forEach((card, i) => {
      const note = BEHAVIOR_LABEL[card.behavior];
      options.push({
        value: `gift_card_and_card:${i}`,
        label: `${paymentDescriptor({ kind: 'gift_card_and_card', card })} ${note}`,
      });
      options.push({ value: `card:${i}`, label: `${paymentDescriptor({ kind: 'card', card })} ${note}` });
    });
    const instruments = options
      .map(
        (o) =>
          `<label><input type="radio" name="instrument" value="${esc(o.value)}"${o.value === 'card:0' ? ' checked' : ''}> ${esc(o.label.trim())}</label>`,
      )
      .join('\n');
    res.type('html').send(
      page(
        'お届け先とお支払い方法',
        `<p>${esc(buyer.name)} 様 — お支払い金額: ${yen(session.chargeAmount)}</p>
<form method="post" action="/checkout/${esc(session.id)}/select"><input type="hidden" name="buyer" value="${esc(buyer.key)}">
<fieldset><legend>お届け先住所</legend>
${addresses}</fieldset>
<fieldset><legend>お支払い方法</legend>
${instruments}</fieldset>
<button type="submit">続行</button></form>`,
      ),
    );
  });

  router.post('/checkout/:id/select', (req, res) => {
    const form = z
      .object({ buyer: z.string(), addressIndex: z.coerce.number().int().min(0), instrument: z.string() })
      .safeParse(req.body);
    if (!form.success) throw new PageError(400, '入力内容が正しくありません。');
    const [kind = '', cardIndex] = form.data.instrument.split(':');
    if (!['gift_card', 'gift_card_and_card', 'card'].includes(kind))
      throw new PageError(400, 'お支払い方法が正しくありません。');
    const session = engine.chooseForSession(req.params.id ?? '', {
      buyer: form.data.buyer,
      addressIndex: form.data.addressIndex,
      instrument: kind as InstrumentKind,
      cardIndex: cardIndex === undefined ? undefined : Number(cardIndex),
    });
    if (session.checkoutReviewReturnUrl === null) throw new PageError(400, 'checkoutReviewReturnUrl がありません。');
    res.redirect(303, withQuery(session.checkoutReviewReturnUrl, 'amazonCheckoutSessionId', session.id));
  });

  router.get('/checkout/:id/confirm', (req, res) => {
    const session = engine.getSession(req.params.id ?? '');
    const choice = session.choice;
    if (session.status.state !== 'Open' || choice === null)
      throw new PageError(409, 'この購入手続きは確認できません。');
    res.type('html').send(
      page(
        'ご注文の確認',
        `<p>お支払い金額: <strong>${yen(session.chargeAmount)}</strong></p>
<p>お届け先: ${esc(formatAddress(choice.address))}</p>
<p>お支払い方法: ${esc(paymentDescriptor(choice.instrument))}</p>
<form method="post" action="/checkout/${esc(session.id)}/confirm"><button type="submit">支払う</button></form>
<form method="post" action="/checkout/${esc(session.id)}/cancel"><button type="submit" class="secondary">キャンセル</button></form>`,
      ),
    );
  });

  router.post('/checkout/:id/confirm', (req, res) => {
    const session = engine.confirmSession(req.params.id ?? '');
    if (session.checkoutResultReturnUrl === null) throw new PageError(400, 'checkoutResultReturnUrl がありません。');
    res.redirect(303, withQuery(session.checkoutResultReturnUrl, 'amazonCheckoutSessionId', session.id));
  });

  router.post('/checkout/:id/cancel', (req, res) => {
    const session = engine.buyerCancelSession(req.params.id ?? '');
    const target = session.checkoutCancelUrl ?? session.checkoutResultReturnUrl ?? session.checkoutReviewReturnUrl;
    if (target === null) throw new PageError(400, '戻り先がありません。');
    res.redirect(303, withQuery(target, 'amazonCheckoutSessionId', session.id));
  });

  router.get('/signin', (req, res) => {
    const { payload } = verifiedPayload(req);
    const parsed = signInPayload.safeParse(payload);
    if (!parsed.success) throw new PageError(400, 'サインインの payload には signInReturnUrl と storeId が必要です。');
    const id = randomUUID();
    signIns.set(id, {
      signInReturnUrl: parsed.data.signInReturnUrl,
      storeId: parsed.data.storeId,
      scopes: parsed.data.signInScopes ?? ['name', 'email', 'postalCode'],
    });
    res.redirect(303, `/signin/${id}`);
  });

  router.get('/signin/:rid', (req, res) => {
    if (!signIns.has(req.params.rid ?? '')) throw new PageError(404, 'サインイン要求が見つかりません。');
    const buyers = TEST_BUYERS.map(
      (b, i) =>
        `<label><input type="radio" name="buyer" value="${esc(b.key)}"${i === 0 ? ' checked' : ''}> ${esc(b.name)} &lt;${esc(b.email)}&gt;</label>`,
    ).join('\n');
    res
      .type('html')
      .send(
        page(
          'Amazonアカウントでサインイン',
          `<form method="post" action="/signin/${esc(req.params.rid ?? '')}"><fieldset><legend>テスト購入者</legend>\n${buyers}</fieldset><button type="submit">サインイン</button></form>`,
        ),
      );
  });

  router.post('/signin/:rid', (req, res) => {
    const request = signIns.get(req.params.rid ?? '');
    if (request === undefined) throw new PageError(404, 'サインイン要求が見つかりません。');
    const buyer = typeof req.body?.buyer === 'string' ? (req.body.buyer as string) : 'taro';
    if (findBuyer(buyer) === undefined) throw new PageError(400, '不明な購入者です。');
    const token = engine.issueBuyerToken(buyer, request.scopes, newBuyerToken());
    signIns.delete(req.params.rid ?? '');
    res.redirect(303, withQuery(request.signInReturnUrl, 'buyerToken', token));
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error instanceof PageError || error instanceof ApiError) {
      res
        .status(error.status)
        .type('html')
        .send(page('エラー', `<p class="error">${esc(error.message)}</p>`));
      return;
    }
    next(error);
  });
  return router;
}
