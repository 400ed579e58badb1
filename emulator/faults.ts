/**
 * Fault knobs (all off by default): Amazon's leaky-bucket throttling (429 TooManyRequests), injected
 * server errors and latency. Buckets drain in real time, per merchant key and call type.
 */
import { z } from 'zod';

export type CallType =
  | 'getBuyer'
  | 'createCheckoutSession'
  | 'getCheckoutSession'
  | 'updateCheckoutSession'
  | 'completeCheckoutSession'
  | 'getChargePermission'
  | 'updateChargePermission'
  | 'closeChargePermission'
  | 'createCharge'
  | 'getCharge'
  | 'captureCharge'
  | 'cancelCharge'
  | 'createRefund'
  | 'getRefund';

interface Quota {
  burst: number;
  restorePerSecond: number;
}

/**
 * Published production quotas for create charge 10/4, capture 20/4, get charge 20/4; the others
 * are not published and use the same 10/4 (writes) or 20/4 (reads). The sandbox profile applies
 * Amazon's published sandbox quota for writes (2/1).
 */
const PRODUCTION: Record<CallType, Quota> = {
  getBuyer: { burst: 20, restorePerSecond: 4 },
  createCheckoutSession: { burst: 10, restorePerSecond: 4 },
  getCheckoutSession: { burst: 20, restorePerSecond: 4 },
  updateCheckoutSession: { burst: 10, restorePerSecond: 4 },
  completeCheckoutSession: { burst: 10, restorePerSecond: 4 },
  getChargePermission: { burst: 20, restorePerSecond: 4 },
  updateChargePermission: { burst: 10, restorePerSecond: 4 },
  closeChargePermission: { burst: 10, restorePerSecond: 4 },
  createCharge: { burst: 10, restorePerSecond: 4 },
  getCharge: { burst: 20, restorePerSecond: 4 },
  captureCharge: { burst: 20, restorePerSecond: 4 },
  cancelCharge: { burst: 10, restorePerSecond: 4 },
  createRefund: { burst: 10, restorePerSecond: 4 },
  getRefund: { burst: 20, restorePerSecond: 4 },
};

const WRITE_CALLS = new Set<CallType>([
  'createCheckoutSession',
  'updateCheckoutSession',
  'completeCheckoutSession',
  'updateChargePermission',
  'closeChargePermission',
  'createCharge',
  'captureCharge',
  'cancelCharge',
  'createRefund',
]);

function quotaFor(profile: 'production' | 'sandbox', call: CallType): Quota {
  if (profile === 'sandbox' && WRITE_CALLS.has(call)) return { burst: 2, restorePerSecond: 1 };
  return PRODUCTION[call];
}

export const faultSettingsSchema = z.object({
  /** Throttling: off, or Amazon's quotas (production or sandbox profile). */
  throttle: z.enum(['off', 'production', 'sandbox']).default('off'),
  /** Share of API calls (0..1) answered with `serverErrorStatus` before doing anything. */
  serverErrorRate: z.number().min(0).max(1).default(0),
  serverErrorStatus: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).default(503),
  /** Share of API calls (0..1) delayed by `latencyMs`. */
  latencyRate: z.number().min(0).max(1).default(0),
  latencyMs: z.number().int().min(0).max(120_000).default(0),
  /** Limits the injected errors/latency to these call types (all when empty). */
  calls: z.array(z.string()).default([]),
  /** Deliver every notification twice. */
  duplicateNotifications: z.boolean().default(false),
});
export type FaultSettings = z.infer<typeof faultSettingsSchema>;

export const DEFAULT_FAULTS: FaultSettings = faultSettingsSchema.parse({});

export class Throttle {
  private readonly buckets = new Map<string, { level: number; at: number }>();
  /** 429s answered since the last reset, by call type (what a test of a client's pacing reads). */
  readonly refused = new Map<CallType, number>();

  constructor(private readonly realNow: () => number = Date.now) {}

  /** Adds one request to the bucket; false when it would overflow (429). */
  admit(profile: 'production' | 'sandbox', publicKeyId: string, call: CallType): boolean {
    const quota = quotaFor(profile, call);
    const key = `${publicKeyId}\n${call}`;
    const now = this.realNow();
    const bucket = this.buckets.get(key) ?? { level: 0, at: now };
    const drained = Math.max(0, bucket.level - ((now - bucket.at) / 1000) * quota.restorePerSecond);
    if (drained + 1 > quota.burst) {
      this.buckets.set(key, { level: drained, at: now });
      this.refused.set(call, (this.refused.get(call) ?? 0) + 1);
      return false;
    }
    this.buckets.set(key, { level: drained + 1, at: now });
    return true;
  }

  reset(): void {
    this.buckets.clear();
    this.refused.clear();
  }
}

export function faultApplies(settings: FaultSettings, call: CallType): boolean {
  return settings.calls.length === 0 || settings.calls.includes(call);
}
