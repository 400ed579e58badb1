/**
 * The Amazon Pay sandbox emulator: `createEmulator(options)` builds the Express app and its
 * in-memory state; `start(port, host)` listens (port 0 for tests). Nothing here reads the
 * environment — `main.ts` passes the validated config in.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { createClock, type Clock } from './clock.js';
import type { EmulatorContext, EmulatorLog } from './context.js';
import { Engine } from './engine.js';
import { DEFAULT_FAULTS, faultSettingsSchema, Throttle, type CallType, type FaultSettings } from './faults.js';
import { IdempotencyStore } from './idempotency.js';
import { Notifier } from './notifications.js';
import { apiRouter } from './routes/api.js';
import { controlRouter } from './routes/control.js';
import { pagesRouter } from './routes/pages.js';
import { KeyStore } from './signing.js';

const keyFile = (name: string) => readFileSync(new URL(`../keys/sandbox/${name}`, import.meta.url), 'utf8');

const SHIPPED_PUBLIC_KEY_ID = 'SANDBOX-AEMULATORMERCHANTKEY000001';
const CERT_PATH = '/sns/emulator-notification-cert.pem';

/** How long Amazon's sandbox keeps an authorization (or a CaptureInitiated capture) pending: 30 s. */
export const SANDBOX_PENDING_DELAY_MS = 30_000;

export interface EmulatorOptions {
  merchantId?: string;
  /** Keys registered at start; default: the shipped sandbox merchant key. */
  publicKeys?: { publicKeyId: string; publicKeyPem: string }[];
  notificationUrl?: string | undefined;
  /** How long a pending authorization (and a CaptureInitiated simulation) stays pending. */
  pendingAuthDelayMs?: number;
  /** How long a refund stays RefundInitiated. */
  refundDelayMs?: number;
  controlApi?: boolean;
  notificationRetry?: { attempts: number; baseDelayMs: number };
  faults?: Partial<FaultSettings>;
  /** Public base URL buyers use (redirect URLs, SigningCertURL); default: the listening address. */
  publicUrl?: string;
  notificationKeyPem?: string;
  notificationCertPem?: string;
  clock?: Clock;
  log?: EmulatorLog;
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface Emulator {
  app: Express;
  engine: Engine;
  clock: Clock;
  keys: KeyStore;
  notifier: Notifier;
  faults(): FaultSettings;
  setFaults(patch: Partial<FaultSettings>): FaultSettings;
  /** 429 TooManyRequests answered by call type since throttling was last set. */
  throttled(): Partial<Record<CallType, number>>;
  setNotificationUrl(url: string | undefined): void;
  /** Advances the emulator clock (expiries and pending resolutions fire). */
  advance(ms: number): void;
  start(port: number, host?: string): Promise<RunningEmulator>;
}

const silentLog: EmulatorLog = { info: () => undefined, warn: () => undefined };

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const clock = options.clock ?? createClock();
  const log = options.log ?? silentLog;
  const merchantId = options.merchantId ?? 'A3EMULATORMERCHANT';
  const keys = new KeyStore();
  for (const k of options.publicKeys ?? [
    { publicKeyId: SHIPPED_PUBLIC_KEY_ID, publicKeyPem: keyFile('merchant-public.pem') },
  ])
    keys.register(k.publicKeyId, k.publicKeyPem);
  const certPem = options.notificationCertPem ?? keyFile('emulator-notification-cert.pem');
  let faults: FaultSettings = faultSettingsSchema.parse({ ...DEFAULT_FAULTS, ...options.faults });
  let notificationUrl = options.notificationUrl;
  let listeningUrl: string | undefined;
  const publicUrl = () => options.publicUrl ?? listeningUrl ?? 'http://127.0.0.1';

  const timers = new Set<NodeJS.Timeout>();
  const scheduleSweep = (ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      theEngine.sweep();
    }, ms + 1);
    timer.unref();
    timers.add(timer);
  };

  const notifier = new Notifier({
    merchantId,
    signingKeyPem: options.notificationKeyPem ?? keyFile('emulator-notification-key.pem'),
    certUrl: () => `${publicUrl()}${CERT_PATH}`,
    url: () => notificationUrl,
    duplicates: () => faults.duplicateNotifications,
    now: () => clock.now(),
    attempts: options.notificationRetry?.attempts ?? 6,
    baseDelayMs: options.notificationRetry?.baseDelayMs ?? 500,
    log: (line, extra) => log.warn(line, extra),
  });
  const theEngine: Engine = new Engine({
    clock,
    pendingAuthDelayMs: options.pendingAuthDelayMs ?? SANDBOX_PENDING_DELAY_MS,
    refundDelayMs: options.refundDelayMs ?? 0,
    scheduleSweep,
    onChange: (change) => notifier.send(change),
  });
  clock.onAdvance(() => theEngine.sweep());

  const throttle = new Throttle();
  const ctx: EmulatorContext = {
    merchantId,
    clock,
    engine: theEngine,
    keys,
    idempotency: new IdempotencyStore(),
    throttle,
    notifier,
    faults: () => faults,
    setFaults: (next) => {
      faults = next;
    },
    notificationUrl: () => notificationUrl,
    setNotificationUrl: (url) => {
      notificationUrl = url;
    },
    baseUrl: (req: Request) => options.publicUrl ?? `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`,
    certPem,
    log,
  };

  const app = express();
  app.disable('x-powered-by');
  for (const mount of ['/v2', '/sandbox/v2', '/live/v2']) app.use(mount, apiRouter(ctx, mount));
  app.get(CERT_PATH, (_req, res) => {
    res.type('application/x-pem-file').send(certPem);
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', emulator: 'amazon-pay', now: clock.now() });
  });
  if (options.controlApi ?? true) app.use('/__emulator', controlRouter(ctx));
  app.use(pagesRouter(ctx));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    log.warn('emulator error', { error: error instanceof Error ? error.stack : String(error) });
    res.status(500).json({ reasonCode: 'InternalServerError', message: 'The emulator failed unexpectedly.' });
  });

  return {
    app,
    engine: theEngine,
    clock,
    keys,
    notifier,
    faults: () => faults,
    setFaults: (patch) => {
      faults = faultSettingsSchema.parse({ ...faults, ...patch });
      ctx.throttle.reset();
      return faults;
    },
    throttled: () => Object.fromEntries(throttle.refused),
    setNotificationUrl: (url) => {
      notificationUrl = url;
    },
    advance: (ms) => {
      clock.advance(ms);
    },
    start: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        const server = app.listen(port, host, (error?: Error) => {
          if (error !== undefined) {
            reject(error);
            return;
          }
          const address = server.address() as AddressInfo;
          const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
          listeningUrl = url;
          resolve({
            url,
            port: address.port,
            close: () =>
              new Promise<void>((done) => {
                notifier.close();
                for (const timer of timers) clearTimeout(timer);
                timers.clear();
                server.closeAllConnections();
                server.close(() => done());
              }),
          });
        });
      }),
  };
}
