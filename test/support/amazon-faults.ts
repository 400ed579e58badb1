/**
 * Faults between the worker and Amazon, the way a network and Amazon produce them, in front of the
 * real adapter (real SDK → emulator over HTTP):
 * - `lost`: the request reaches Amazon and is carried out, but its answer never arrives (a network
 *   error after the fact) — the case idempotency keys exist for;
 * - a simulation code (`HardDeclined`, …): Amazon's sandbox header, so the emulator itself declines.
 * Outages (Amazon answering 5xx before doing anything) use the emulator's own fault knob instead.
 * Every call is written to a journal: operation, idempotency key, body and what came back.
 */
import { createHash } from 'node:crypto';
import { toAmazonPayFailure } from '../../amazon-pay/errors.js';
import type { AmazonPayClient } from '../../amazon-pay/index.js';
import type { CallType } from '../../emulator/faults.js';

/** The Amazon Pay calls by name: the emulator's own list (its throttling and fault knobs use it too). */
export type AmazonOperation = CallType;

/**
 * `pass`: this call goes through untouched (to aim a later fault at the second call).
 * `unavailable`: Amazon answers 503 without doing anything (an outage).
 */
export type PlannedFault =
  { kind: 'pass' } | { kind: 'unavailable' } | { kind: 'lost' } | { kind: 'simulate'; code: string };

export interface JournalEntry {
  operation: AmazonOperation;
  idempotencyKey: string | null;
  /** SHA-256 of the method's arguments other than the options (what Amazon fingerprints). */
  fingerprint: string;
  /** `answered`: Amazon's answer (2xx or a business 4xx) reached the worker. */
  outcome: 'answered' | 'lost' | 'failed';
  status: number | null;
}

const POSTS: ReadonlySet<AmazonOperation> = new Set([
  'completeCheckoutSession',
  'createCharge',
  'captureCharge',
  'createRefund',
]);

export interface FaultyAmazonPay {
  client: AmazonPayClient;
  journal: JournalEntry[];
  /** The next call of `operation` gets `fault` (queued in order). */
  plan(operation: AmazonOperation, fault: PlannedFault): void;
  /** Drops every planned fault that has not fired. */
  clearPlans(): void;
}

export function withAmazonFaults(real: AmazonPayClient): FaultyAmazonPay {
  const plans = new Map<AmazonOperation, PlannedFault[]>();
  const journal: JournalEntry[] = [];
  const client = new Proxy(real, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const operation = property as AmazonOperation;
      return async (...args: unknown[]) => {
        const fault = plans.get(operation)?.shift();
        const posted = POSTS.has(operation);
        const options = posted
          ? ((args.at(-1) as { idempotencyKey?: string; simulationCode?: string } | undefined) ?? {})
          : {};
        const callArgs =
          fault?.kind === 'simulate' && posted
            ? [...args.slice(0, -1), { ...options, simulationCode: fault.code }]
            : args;
        const entry: JournalEntry = {
          operation,
          idempotencyKey: options.idempotencyKey ?? null,
          fingerprint: createHash('sha256')
            .update(JSON.stringify(posted ? args.slice(0, -1) : args))
            .digest('hex'),
          outcome: 'answered',
          status: 200,
        };
        journal.push(entry);
        try {
          if (fault?.kind === 'unavailable') {
            throw toAmazonPayFailure(operation, {
              response: { status: 503, data: { reasonCode: 'ServiceUnavailable', message: 'Injected outage.' } },
            });
          }
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, callArgs);
          if (fault?.kind === 'lost') {
            entry.outcome = 'lost';
            entry.status = null;
            throw toAmazonPayFailure(
              operation,
              Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', isAxiosError: true }),
            );
          }
          return result;
        } catch (error) {
          if (entry.outcome !== 'lost') {
            const details = (error as { details?: { status?: number | null }[] }).details?.[0];
            entry.status = details?.status ?? null;
            entry.outcome = entry.status !== null && entry.status < 500 && entry.status !== 429 ? 'answered' : 'failed';
          }
          throw error;
        }
      };
    },
  });
  return {
    client,
    journal,
    plan(operation, fault) {
      plans.set(operation, [...(plans.get(operation) ?? []), fault]);
    },
    clearPlans() {
      plans.clear();
    },
  };
}

/**
 * What the journal must show, whatever happened: one idempotency key is only ever sent with one
 * body, and a key whose answer reached the worker is never sent again (a new attempt gets a new key;
 * only a request whose answer was lost is sent again with its key). Answers the violations.
 */
export function idempotencyViolations(journal: readonly JournalEntry[]): string[] {
  const violations: string[] = [];
  const byKey = new Map<string, JournalEntry[]>();
  for (const entry of journal) {
    if (entry.idempotencyKey === null) continue;
    byKey.set(entry.idempotencyKey, [...(byKey.get(entry.idempotencyKey) ?? []), entry]);
  }
  for (const [key, entries] of byKey) {
    if (new Set(entries.map((e) => e.fingerprint)).size > 1)
      violations.push(`key ${key} was sent with ${new Set(entries.map((e) => e.fingerprint)).size} different bodies`);
    const answered = entries.findIndex((e) => e.outcome === 'answered');
    if (answered !== -1 && answered < entries.length - 1)
      violations.push(
        `key ${key} was sent again after Amazon had answered it (${entries.map((e) => e.outcome).join(', ')})`,
      );
  }
  return violations;
}
