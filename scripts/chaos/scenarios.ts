/**
 * The chaos scenarios: each drives a small load of complete orders (create → Amazon return →
 * procedure → confirm → complete → capture) while one fault happens, lets the system recover, and
 * ends with `verify` (reconciliation + the three-way cross-check).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { updatePointAccount } from '../../activities/points.js';
import { adjustPoints } from '../../workflows/points/definitions.js';
import { HttpSession, registerMember, runOrder, type RegisteredMember } from '../bench/shopper.js';
import type { Cluster } from './cluster.js';
import { settle, verify, type TrackedOrder, type Verdict } from './verify.js';

export interface Size {
  orders: number;
  concurrency: number;
  short: boolean;
}

export interface ScenarioResult extends Verdict {
  scenario: string;
  description: string;
  /** From the end of the fault until every order had settled (ms); null without a fault window. */
  recoveryMs: number | null;
  seconds: number;
  restarts: Record<string, number>;
  notes: string[];
}

interface Load {
  steps: Map<string, string>;
  /** Resolves when some order has reached `step` (or throws after `timeoutMs`). */
  reached(step: string, timeoutMs?: number): Promise<void>;
}

interface Scenario {
  name: string;
  description: string;
  /** Storefront requests sent 2–10 times at once. */
  duplicates?: boolean;
  /** Keep starting orders until the fault says stop (time-window faults). */
  continuous?: boolean;
  /** Injects the fault while the load runs; answers when the fault ended (ms epoch) and notes. */
  fault(
    cluster: Cluster,
    load: Load,
    size: Size,
    stopLoad: () => void,
  ): Promise<{ faultEnd: number | null; notes: string[] }>;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

async function killWorkerDuring(
  cluster: Cluster,
  load: Load,
  call: string,
  step: string,
): Promise<{ faultEnd: number; notes: string[] }> {
  // Slow the Amazon call down so the kill lands while it is in flight.
  await cluster.setFaults({ latencyRate: 1, latencyMs: 1500, calls: [call] });
  await load.reached(step);
  await sleep(600);
  const inFlight = [...load.steps.values()].filter((s) => s === step).length;
  await cluster.kill('worker');
  const killedAt = Date.now();
  await sleep(1000);
  cluster.startApp('worker');
  await cluster.clearFaults();
  return {
    faultEnd: killedAt + 1000,
    notes: [`worker SIGKILLed with ${inFlight} order(s) in ${call}, restarted 1 s later`],
  };
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'worker-kill-authorization',
    description: 'worker SIGKILLed during completeCheckoutSession (authorization), restarted',
    fault: (cluster, load) => killWorkerDuring(cluster, load, 'completeCheckoutSession', 'completing'),
  },
  {
    name: 'worker-kill-capture',
    description: 'worker SIGKILLed during captureCharge, restarted',
    fault: (cluster, load) => killWorkerDuring(cluster, load, 'captureCharge', 'capturing'),
  },
  ...[5, 30].map((outage): Scenario => ({
    name: `database-down-${outage}s`,
    description: `FerretDB stopped for ${outage} s mid-run, restarted on the same data`,
    // Orders keep starting during the outage, so it always finds some in flight.
    continuous: true,
    async fault(cluster, load, _size, stopLoad) {
      await load.reached('returned');
      await cluster.stopDatabase();
      await sleep(outage * 1000);
      await cluster.startDatabase();
      stopLoad();
      return { faultEnd: Date.now(), notes: [] };
    },
  })),
  {
    name: 'emulator-5xx-50pct',
    description: 'Amazon answers 503 to 50 % of API calls (60 s; 15 s with --short)',
    continuous: true,
    async fault(cluster, load, size, stopLoad) {
      await load.reached('created');
      await cluster.setFaults({ serverErrorRate: 0.5, serverErrorStatus: 503 });
      await sleep((size.short ? 15 : 60) * 1000);
      await cluster.clearFaults();
      stopLoad();
      return { faultEnd: Date.now(), notes: [] };
    },
  },
  ...(['production', 'sandbox'] as const).map((profile): Scenario => ({
    name: `throttle-${profile}`,
    description: `Amazon's ${profile} quotas enforced (429 TooManyRequests${profile === 'sandbox' ? ', writes 2/1 s' : ', writes 10/4 s, reads 20/4 s'})`,
    continuous: true,
    async fault(cluster, load, size, stopLoad) {
      const before = await cluster.countInLog('worker', 'TooManyRequests');
      await cluster.setFaults({ throttle: profile });
      await load.reached('created');
      await sleep((size.short ? 10 : 30) * 1000);
      stopLoad();
      // Keep the quotas on until the orders in flight are through.
      await load.reached('__drained__', 300_000).catch(() => undefined);
      await cluster.clearFaults();
      const throttled = (await cluster.countInLog('worker', 'TooManyRequests')) - before;
      return { faultEnd: Date.now(), notes: [`${throttled} TooManyRequests in the worker log`] };
    },
  })),
  {
    name: 'duplicate-requests',
    description: 'every storefront and ops request sent 2–10 times at once (same Idempotency-Key for the checkout)',
    duplicates: true,
    fault: async () => ({ faultEnd: null, notes: [] }),
  },
  {
    name: 'temporal-restart',
    description: 'Temporal dev server stopped and started again on the same SQLite file mid-run',
    async fault(cluster, load) {
      await load.reached('returned');
      await cluster.stopTemporal();
      const stoppedAt = Date.now();
      await cluster.startTemporal();
      return { faultEnd: Date.now(), notes: [`Temporal was down ${seconds(Date.now() - stoppedAt)} s`] };
    },
  },
];

/** Members with points, one per concurrent shopper (every third order pays partly with points). */
export async function prepareMembers(cluster: Cluster, count: number): Promise<RegisteredMember[]> {
  const members: RegisteredMember[] = [];
  for (let i = 0; i < count; i += 1) {
    const member = await registerMember({ apiUrl: cluster.apiUrl, record: () => undefined }, `chaos${i}`);
    await updatePointAccount(
      { client: cluster.client, taskQueue: cluster.config.temporal.taskQueue },
      member.memberId,
      adjustPoints,
      {
        key: `chaos-grant:${member.memberId}`,
        points: 1_000_000,
        reason: 'chaos',
      },
    );
    members.push(member);
  }
  return members;
}

/** Brings every process back and clears the fault knobs: each scenario starts clean. */
async function healthy(cluster: Cluster): Promise<void> {
  for (const name of ['emulator', 'worker', 'api'] as const) if (!cluster.isRunning(name)) cluster.startApp(name);
  await cluster.waitApi(120_000);
  await cluster.clearFaults();
  await cluster.selfCheck();
}

export async function runScenario(
  cluster: Cluster,
  scenario: Scenario,
  size: Size,
  members: RegisteredMember[],
  say: (line: string) => void,
): Promise<ScenarioResult> {
  await healthy(cluster);
  const restartsBefore = { ...cluster.restarts };
  const started = Date.now();
  const steps = new Map<string, string>();
  const waiters: { step: string; resolve: () => void }[] = [];
  let active = 0;
  let loadDone = false;
  const notify = () => {
    for (const waiter of [...waiters]) {
      const hit = waiter.step === '__drained__' ? loadDone && active === 0 : [...steps.values()].includes(waiter.step);
      if (hit) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const load: Load = {
    steps,
    reached(step, timeoutMs = 120_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${scenario.name}: no order reached "${step}" in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          step,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        notify();
      });
    },
  };
  const operator = cluster.config.ops.credentials.find((c) => c.role === 'operator')?.token ?? '';
  const tracked: TrackedOrder[] = [];
  let stop = false;
  let next = 0;
  const retryWindowMs = (size.short ? 120 : 240) * 1000;
  const shopper = async (vu: number) => {
    while (!stop && (scenario.continuous === true || next < size.orders)) {
      const n = next;
      next += 1;
      const withPoints = n % 3 === 2 && members[vu] !== undefined;
      const session = withPoints ? (members[vu] as RegisteredMember).session : new HttpSession(cluster.apiUrl);
      let current: TrackedOrder | undefined;
      active += 1;
      try {
        const result = await runOrder(
          {
            apiUrl: cluster.apiUrl,
            emulatorUrl: cluster.emulatorUrl,
            opsToken: operator,
            record: () => undefined,
            retry: { deadline: Date.now() + retryWindowMs },
            ...(withPoints ? { pointsToUse: 100 } : {}),
            ...(scenario.duplicates === true
              ? { duplicates: 2 + (n % 9), idempotencyKey: `chaos-${started}-${n}` }
              : {}),
            onStep: (orderId, step) => {
              if (current === undefined) {
                current = { orderId, toldPlaced: false, error: null };
                tracked.push(current);
              }
              if (step === 'Placed') current.toldPlaced = true;
              steps.set(orderId, step);
              notify();
            },
          },
          session,
        );
        steps.set(result.orderId, `done:${result.status}`);
      } catch (error) {
        if (current !== undefined) {
          current.error = (error as Error).message;
          steps.set(current.orderId, 'gave-up');
        }
      } finally {
        active -= 1;
        notify();
      }
    }
  };
  // Time-window scenarios keep starting orders until their window closes.
  const loadPromise = Promise.all(Array.from({ length: size.concurrency }, (_, vu) => shopper(vu))).then(() => {
    loadDone = true;
    notify();
  });
  const stopLoad = () => {
    stop = true;
  };
  let faultEnd: number | null = null;
  let notes: string[] = [];
  try {
    ({ faultEnd, notes } = await scenario.fault(cluster, load, size, stopLoad));
  } catch (error) {
    notes = [`fault could not be injected: ${(error as Error).message}`];
    say(`${scenario.name}: ${notes[0]}`);
    stop = true;
    await cluster.clearFaults().catch(() => undefined);
  }
  if (scenario.continuous === true) stop = true;
  await loadPromise;
  // Processes back (a crashed one is restarted by the supervisor), then let every order settle.
  await cluster.waitApi(180_000);
  const settledAt = await settle(cluster, tracked, Date.now() + (size.short ? 120_000 : 300_000));
  const lastShopperEnd = Date.now();
  const recoveryMs = faultEnd === null ? null : Math.max(0, Math.min(settledAt, lastShopperEnd) - faultEnd);
  say(`${scenario.name}: ${tracked.length} orders, verifying …`);
  const verdict = await verify(cluster, tracked);
  const restarts = Object.fromEntries(
    Object.entries(cluster.restarts).map(([k, v]) => [k, v - (restartsBefore[k as keyof typeof restartsBefore] ?? 0)]),
  );
  return {
    scenario: scenario.name,
    description: scenario.description,
    ...verdict,
    recoveryMs,
    seconds: seconds(Date.now() - started),
    restarts,
    notes,
  };
}

export function chaosMarkdown(results: ScenarioResult[], command: string, startedAt: string): string {
  const lines = [`### Chaos run (${startedAt})`, '', `Command: \`${command}\``, ''];
  lines.push(
    '| scenario | orders | completed | lost | duplicates | mismatches | unfinished (no money) | recovery s | restarts | notes |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const restarts = Object.entries(r.restarts)
      .filter(([, n]) => n > 0)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    lines.push(
      `| ${r.scenario} | ${r.orders} | ${r.completed} | ${r.lost} | ${r.duplicates} | ${r.mismatches} | ${r.abandoned} | ${r.recoveryMs === null ? '–' : seconds(r.recoveryMs)} | ${restarts || '–'} | ${r.notes.join('; ').replace(/\|/g, '\\|') || '–'} |`,
    );
  }
  const problems = results.flatMap((r) => r.problems.map((p) => `- ${r.scenario}: ${p}`));
  lines.push('');
  lines.push(problems.length === 0 ? 'Problems: none.' : ['Problems:', '', ...problems].join('\n'));
  return `${lines.join('\n')}\n`;
}
