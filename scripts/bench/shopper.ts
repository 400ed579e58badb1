/**
 * One buyer doing a whole order over HTTP, as the storefront and a browser would: checkout → the
 * Amazon Pay button (the emulator's hosted page creates the session) → sign in and choose at Amazon
 * → Amazon return → order procedure → 「注文確定」 → 「支払う」 at Amazon → complete; then ops capture.
 * Each call is timed under a step name. With `retry`, transient answers (network errors, 5xx, 429)
 * are retried like a patient storefront would, until `deadline`.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export type ShopperKind = 'guest' | 'member' | 'points';

export interface HttpAnswer {
  status: number;
  // Route bodies are whatever the API answers; the flow reads the fields it needs.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

export type Recorder = (step: string, ms: number, ok: boolean) => void;

/** Keeps the session cookie between requests, like a browser. */
export class HttpSession {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    timeoutMs = 60_000,
  ): Promise<HttpAnswer> {
    const response = await fetch(path.startsWith('http') ? path : `${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookies.size > 0 ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      if (index > 0) this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // HTML or empty: keep the text.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }
}

export class StepError extends Error {
  constructor(
    readonly step: string,
    readonly status: number | null,
    message: string,
  ) {
    super(`${step}: ${status ?? 'network'} ${message}`);
  }
}

export interface FlowOptions {
  apiUrl: string;
  emulatorUrl: string;
  opsToken: string;
  record: Recorder;
  /** Retry transient failures (chaos); the bench records them as errors instead. */
  retry?: { deadline: number };
  /** Called with the order id once it exists, and with each step reached (chaos uses it to time faults). */
  onStep?: (orderId: string, step: string) => void;
  /** Sends each storefront request this many times at once (the duplicate-request scenario). */
  duplicates?: number;
  /** Idempotency-Key for the checkout (with duplicates: the same key on every copy). */
  idempotencyKey?: string;
  items?: { productId: string; quantity: number }[];
  pointsToUse?: number;
  /** Capture through the ops API at the end (default true). */
  capture?: boolean;
}

const transient = (status: number | null) => status === null || status === 429 || status >= 500;

/** Runs one call: timed, retried when transient and allowed; answers the first acceptable answer. */
async function call(
  step: string,
  options: FlowOptions,
  run: () => Promise<HttpAnswer>,
  accept: (answer: HttpAnswer) => boolean,
  inspect?: (answers: HttpAnswer[]) => void,
): Promise<HttpAnswer> {
  let wait = 250;
  for (;;) {
    const copies = Math.max(1, options.duplicates ?? 1);
    const started = performance.now();
    const settled = await Promise.allSettled(Array.from({ length: copies }, () => run()));
    const ms = performance.now() - started;
    const answers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const good = answers.find(accept);
    const bad = answers.find((a) => !accept(a));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    options.record(step, ms, good !== undefined && bad === undefined && failure === undefined);
    if (good !== undefined) {
      inspect?.(answers);
      return good;
    }
    const status = bad?.status ?? null;
    const message = bad !== undefined ? JSON.stringify(bad.body).slice(0, 300) : String(failure?.reason).slice(0, 300);
    if (options.retry === undefined || !transient(status) || Date.now() + wait > options.retry.deadline)
      throw new StepError(step, status, message);
    await sleep(wait);
    wait = Math.min(wait * 2, 4000);
  }
}

export interface RegisteredMember {
  session: HttpSession;
  memberId: string;
}

let memberSerial = 0;

/** A member registered through the shop's form (with the required extra field), signed in. */
export async function registerMember(
  options: Pick<FlowOptions, 'apiUrl' | 'record' | 'retry'>,
  label: string,
): Promise<RegisteredMember> {
  const session = new HttpSession(options.apiUrl);
  memberSerial += 1;
  const email = `${label}.${process.pid}.${memberSerial}.${Date.now().toString(36)}@example.jp`;
  const answer = await call(
    'POST /api/members',
    { ...options, emulatorUrl: '', opsToken: '' },
    () =>
      session.request('POST', '/api/members', {
        email,
        password: 'bench-password-1',
        name: 'ベンチ 太郎',
        postalCode: '150-0041',
        prefecture: '東京都',
        address: '渋谷区神南1-2-3',
        phone: '03-1234-5678',
        newsletter: false,
        extra: { birthday: '1980-04-01' },
      }),
    (a) => a.status === 201,
  );
  return { session, memberId: answer.body.member.memberId as string };
}

export interface OrderResult {
  orderId: string;
  total: number;
  status: string;
  chargeId: string | null;
}

/** The whole order; throws StepError at the first refused step. */
export async function runOrder(options: FlowOptions, session: HttpSession): Promise<OrderResult> {
  const emulator = (path: string, body: unknown = {}) => session.request('POST', `${options.emulatorUrl}${path}`, body);
  const items = options.items ?? [
    { productId: 'tea-sencha', quantity: 1 },
    { productId: 'wagashi', quantity: 1 },
  ];
  const created = await call(
    'POST /api/checkouts',
    options,
    () =>
      session.request(
        'POST',
        '/api/checkouts',
        { items },
        options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey },
      ),
    (a) => a.status === 201,
    (answers) => {
      // The same Idempotency-Key sent several times at once must name one order.
      const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.orderId as string));
      if (ids.size > 1)
        throw new StepError('POST /api/checkouts', 201, `one key, ${ids.size} orders: ${[...ids].join(', ')}`);
    },
  );
  const orderId = created.body.orderId as string;
  const headers = { 'x-order-token': created.body.orderToken as string };
  options.onStep?.(orderId, 'created');

  // The Amazon Pay button: the hosted page creates the session and redirects to the sign-in page.
  const redirectUrl = created.body.amazonPayButton.redirectUrl as string;
  const button = await call(
    'emulator: button → session',
    { ...options, duplicates: undefined },
    () => session.request('GET', redirectUrl),
    (a) => a.status === 303,
  );
  const sessionId = /\/checkout\/([0-9a-f-]{36})$/.exec(button.headers.get('location') ?? '')?.[1];
  if (sessionId === undefined)
    throw new StepError('emulator: button → session', button.status, `no session in ${button.headers.get('location')}`);
  await call(
    'emulator: choose buyer',
    { ...options, duplicates: undefined },
    () => emulator(`/__emulator/checkoutSessions/${sessionId}/buyer`, { instrument: 'card' }),
    (a) => a.status === 200,
  );

  const back = await call(
    'POST amazon-return',
    options,
    () =>
      session.request('POST', `/api/orders/${orderId}/amazon-return`, { amazonCheckoutSessionId: sessionId }, headers),
    (a) => a.status === 200,
  );
  options.onStep?.(orderId, 'returned');
  const form = {
    orderer: back.body.order.ordererDefaults,
    delivery: { date: 'unspecified', timeSlot: 'unspecified' },
    gift: { wrapping: false, noshi: null },
    privacyPolicyConsent: true,
    ...(options.pointsToUse === undefined ? {} : { pointsToUse: options.pointsToUse }),
  };
  await call(
    'PUT procedure',
    options,
    () => session.request('PUT', `/api/orders/${orderId}/procedure`, form, headers),
    (a) => a.status === 200,
  );
  options.onStep?.(orderId, 'procedure');
  await call(
    'POST confirm',
    options,
    () => session.request('POST', `/api/orders/${orderId}/confirm`, {}, headers),
    (a) => a.status === 200,
  );
  options.onStep?.(orderId, 'confirmed');
  await call(
    'emulator: confirm (支払う)',
    { ...options, duplicates: undefined },
    () => emulator(`/__emulator/checkoutSessions/${sessionId}/confirm`),
    (a) => a.status === 200,
  );
  options.onStep?.(orderId, 'completing');
  const completed = await call(
    'POST complete',
    options,
    () => session.request('POST', `/api/orders/${orderId}/complete`, {}, headers),
    (a) => a.status === 200 && ['Placed', 'Authorizing', 'Failed'].includes(a.body.order.status as string),
  );
  let status = completed.body.order.status as string;
  options.onStep?.(orderId, status);
  if (status !== 'Placed')
    return {
      orderId,
      total: completed.body.order.totals.total as number,
      status,
      chargeId: completed.body.order.chargeId as string | null,
    };
  if (options.capture !== false) {
    options.onStep?.(orderId, 'capturing');
    const captured = await call(
      'POST ops capture',
      options,
      () =>
        session.request('POST', `/ops/orders/${orderId}/capture`, {}, { authorization: `Bearer ${options.opsToken}` }),
      // A concurrent or repeated capture of an already captured order answers 409 (invalid state): fine.
      (a) => a.status === 200 || (a.status === 409 && options.duplicates !== undefined),
    );
    status = captured.status === 200 ? (captured.body.order.status as string) : 'Captured';
    options.onStep?.(orderId, status);
  }
  return {
    orderId,
    total: completed.body.order.totals.total as number,
    status,
    chargeId: completed.body.order.chargeId as string | null,
  };
}
