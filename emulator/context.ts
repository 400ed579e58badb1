/** What the emulator's routers share. */
import type { Request } from 'express';
import type { Clock } from './clock.js';
import type { Engine } from './engine.js';
import type { FaultSettings, Throttle } from './faults.js';
import type { IdempotencyStore } from './idempotency.js';
import type { Notifier } from './notifications.js';
import type { KeyStore } from './signing.js';

export interface EmulatorLog {
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
}

export interface EmulatorContext {
  merchantId: string;
  clock: Clock;
  engine: Engine;
  keys: KeyStore;
  idempotency: IdempotencyStore;
  throttle: Throttle;
  notifier: Notifier;
  faults(): FaultSettings;
  setFaults(next: FaultSettings): void;
  notificationUrl(): string | undefined;
  setNotificationUrl(url: string | undefined): void;
  /** Where buyers reach the emulator's pages (public URL, else the request's own host). */
  baseUrl(req: Request): string;
  certPem: string;
  log: EmulatorLog;
}
