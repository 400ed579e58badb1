/**
 * The end of every scenario: wait until each order has settled, run the service's reconciliation
 * (`POST /ops/reconciliation/run`, then its status URL until the report), and cross-check every
 * order three ways — the workflow's state (`GET /ops/orders/:id`), the read model (the `orders`
 * collection) and the emulator's ledger (`GET /__emulator/ledger`, Amazon's own record).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from './cluster.js';

export interface TrackedOrder {
  orderId: string;
  /** The buyer was told the order is placed (complete answered Placed). */
  toldPlaced: boolean;
  /** The shopper's last error, when it gave up. */
  error: string | null;
}

interface LedgerCharge {
  chargeId: string;
  chargePermissionId: string;
  chargeAmount: { amount: string };
  captureAmount: { amount: string } | null;
  statusDetails: { state: string };
}
interface LedgerPermission {
  chargePermissionId: string;
  merchantMetadata: { merchantReferenceId?: string | null } | null;
}
interface Ledger {
  chargePermissions: LedgerPermission[];
  charges: LedgerCharge[];
}

interface WorkflowView {
  status: string;
  version: number;
  chargeId: string | null;
  chargePermissionId: string | null;
  totals: { total: number };
  payment: { capturedAmount: number; charges: { chargeId: string; state: string; capturedAmount: number }[] } | null;
}

export interface Verdict {
  orders: number;
  completed: number;
  /** Money at Amazon the order does not know, a placed order gone, or one left unfinished with money held. */
  lost: number;
  /** A second permission or charge, a second capture, more captured than the total. */
  duplicates: number;
  /** Workflow vs read model vs ledger differences, plus the reconciliation's own mismatches. */
  mismatches: number;
  /** Orders that ended before payment (the buyer gave up or was refused): no money moved. */
  abandoned: number;
  reconciliationMismatches: number;
  problems: string[];
}

const SETTLED = new Set(['Captured', 'Failed', 'Abandoned', 'Canceled', 'Refunded']);
const yen = (money: { amount: string } | null | undefined) => (money == null ? 0 : Number(money.amount));

async function opsGet(cluster: Cluster, path: string): Promise<{ status: number; body: unknown }> {
  const token = cluster.config.ops.credentials.find((c) => c.role === 'operator')?.token ?? '';
  const response = await fetch(`${cluster.apiUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

async function workflowView(cluster: Cluster, orderId: string): Promise<WorkflowView | null> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    try {
      const answer = await opsGet(cluster, `/ops/orders/${orderId}`);
      if (answer.status === 404) return null;
      if (answer.status === 200) return (answer.body as { order: WorkflowView }).order;
    } catch {
      // The API or Temporal is still coming back.
    }
    await sleep(1000);
  }
  throw new Error(`GET /ops/orders/${orderId} kept failing`);
}

/** Captures orders left Placed (ops would ship them) until every order is settled or the deadline. */
export async function settle(cluster: Cluster, orders: TrackedOrder[], deadline: number): Promise<number> {
  const token = cluster.config.ops.credentials.find((c) => c.role === 'operator')?.token ?? '';
  let last = Date.now();
  for (;;) {
    let open = 0;
    for (const order of orders) {
      const view = await workflowView(cluster, order.orderId).catch(() => null);
      if (view === null || SETTLED.has(view.status)) continue;
      // Not yet paid and the buyer has gone: nothing will move it before the 24-hour abandonment.
      if (
        ['CheckoutCreated', 'AddressSelected', 'ProcedureEntered', 'Confirmed'].includes(view.status) &&
        order.error !== null
      )
        continue;
      open += 1;
      if (view.status === 'Placed') {
        await fetch(`${cluster.apiUrl}/ops/orders/${order.orderId}/capture`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: '{}',
        }).catch(() => undefined);
      }
    }
    if (open === 0) return last;
    if (Date.now() > deadline) return last;
    await sleep(1000);
    last = Date.now();
  }
}

interface ReconciliationStatus {
  status: 'running' | 'completed' | 'failed';
  report?: { mismatches: { orderId: string; object: string; field: string }[] };
  message?: string;
}

/**
 * Starts the service's reconciliation (202 and a status URL) and polls the status until the run has
 * its report. A refused request or a failed run is tried again (a new run), up to 5 times.
 */
async function reconcile(
  cluster: Cluster,
): Promise<{ mismatches: { orderId: string; object: string; field: string }[] }> {
  const token = cluster.config.ops.credentials.find((c) => c.role === 'operator')?.token ?? '';
  const headers = { authorization: `Bearer ${token}` };
  const deadline = Date.now() + 120_000;
  let statusUrl: string | undefined;
  for (let failures = 0; ;) {
    try {
      if (statusUrl === undefined) {
        const started = await fetch(`${cluster.apiUrl}/ops/reconciliation/run`, {
          method: 'POST',
          headers,
          signal: AbortSignal.timeout(10_000),
        });
        if (started.status !== 202) throw new Error(`reconciliation: ${started.status} ${await started.text()}`);
        statusUrl = ((await started.json()) as { statusUrl: string }).statusUrl;
      }
      const response = await fetch(`${cluster.apiUrl}${statusUrl}`, { headers, signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`reconciliation status: ${response.status} ${await response.text()}`);
      const run = (await response.json()) as ReconciliationStatus;
      if (run.status === 'completed' && run.report !== undefined) return run.report;
      if (run.status === 'failed') {
        statusUrl = undefined;
        throw new Error(`reconciliation failed: ${run.message ?? ''}`);
      }
      if (Date.now() > deadline) throw new Error(`reconciliation still running after 120 s: ${statusUrl}`);
    } catch (error) {
      failures += 1;
      if (failures > 5 || Date.now() > deadline) throw error;
      await sleep(2000);
      continue;
    }
    await sleep(500);
  }
}

export async function verify(cluster: Cluster, orders: TrackedOrder[]): Promise<Verdict> {
  const problems: string[] = [];
  const report = await reconcile(cluster);
  const ours = new Set(orders.map((o) => o.orderId));
  const reconciliationMismatches = report.mismatches.filter((m) => ours.has(m.orderId));
  for (const m of reconciliationMismatches) problems.push(`reconciliation: ${m.orderId} ${m.object} ${m.field}`);

  const ledger = (await (await fetch(`${cluster.emulatorUrl}/__emulator/ledger`)).json()) as Ledger;
  const permissionsOf = new Map<string, LedgerPermission[]>();
  for (const permission of ledger.chargePermissions) {
    const ref = permission.merchantMetadata?.merchantReferenceId;
    if (ref == null) continue;
    permissionsOf.set(ref, [...(permissionsOf.get(ref) ?? []), permission]);
  }

  let completed = 0;
  let lost = 0;
  let duplicates = 0;
  let mismatches = reconciliationMismatches.length;
  let abandoned = 0;
  for (const order of orders) {
    const id = order.orderId;
    const view = await workflowView(cluster, id);
    const stored = await cluster.database.models.Order.findOne({ orderId: id }).lean();
    const permissions = permissionsOf.get(id) ?? [];
    const permissionIds = new Set(permissions.map((p) => p.chargePermissionId));
    const charges = ledger.charges.filter((c) => permissionIds.has(c.chargePermissionId));
    const live = charges.filter((c) => !['Declined', 'Canceled'].includes(c.statusDetails.state));
    const captured = charges.filter((c) => yen(c.captureAmount) > 0);
    const capturedSum = captured.reduce((sum, c) => sum + yen(c.captureAmount), 0);

    if (view === null) {
      if (live.length > 0 || order.toldPlaced) {
        lost += 1;
        problems.push(
          `lost: ${id} has no workflow/read model but ${live.length} live charge(s) at Amazon${order.toldPlaced ? ', and the buyer was told it was placed' : ''}`,
        );
      } else abandoned += 1;
      continue;
    }
    if (permissions.length > 1) {
      duplicates += 1;
      problems.push(`duplicate: ${id} has ${permissions.length} charge permissions`);
    }
    const known = new Set((view.payment?.charges ?? []).map((c) => c.chargeId));
    if (view.chargeId !== null) known.add(view.chargeId);
    const unknown = charges.filter((c) => !known.has(c.chargeId));
    if (unknown.length > 0) {
      if (['Placed', 'Captured', 'Refunded', 'Canceled'].includes(view.status)) {
        duplicates += 1;
        problems.push(
          `duplicate: ${id} has charge(s) at Amazon the order does not know: ${unknown.map((c) => `${c.chargeId} ${c.statusDetails.state}`).join(', ')}`,
        );
      } else if (unknown.some((c) => !['Declined', 'Canceled'].includes(c.statusDetails.state))) {
        lost += 1;
        problems.push(
          `lost: ${id} is ${view.status} but Amazon holds ${unknown.map((c) => `${c.chargeId} ${c.statusDetails.state}`).join(', ')}`,
        );
      }
    }
    if (captured.length > 1 || capturedSum > view.totals.total) {
      duplicates += 1;
      problems.push(
        `duplicate: ${id} captured ${captured.length} times, ¥${capturedSum} for a total of ¥${view.totals.total}`,
      );
    }
    const differ = (what: string, a: unknown, b: unknown) => {
      if (a !== b) {
        mismatches += 1;
        problems.push(`mismatch: ${id} ${what}: ${String(a)} ≠ ${String(b)}`);
      }
    };
    differ('read model status vs workflow', stored?.status ?? null, view.status);
    differ('read model version vs workflow', stored?.version ?? null, view.version);
    if (view.status === 'Captured') {
      differ('captured (workflow) vs Amazon', view.payment?.capturedAmount ?? 0, capturedSum);
      differ('captured vs order total', capturedSum, view.totals.total);
      const charge = charges.find((c) => c.chargeId === view.chargeId);
      differ(
        'charge amount (Amazon) vs order total',
        charge === undefined ? null : yen(charge.chargeAmount),
        view.totals.total,
      );
      completed += stored?.status === 'Captured' && capturedSum === view.totals.total ? 1 : 0;
    } else if (['Placed', 'Authorizing'].includes(view.status) || order.toldPlaced) {
      lost += 1;
      problems.push(
        `lost: ${id} ended ${view.status}${order.toldPlaced ? ' although the buyer was told it was placed' : ''} (not captured after recovery)`,
      );
    } else if (live.length > 0 && !['Captured', 'Placed'].includes(view.status)) {
      lost += 1;
      problems.push(`lost: ${id} is ${view.status} while Amazon holds a live charge`);
    } else {
      abandoned += 1;
      if (order.error !== null)
        problems.push(`unfinished (no money moved): ${id} ${view.status}: ${order.error.slice(0, 160)}`);
    }
  }
  return {
    orders: orders.length,
    completed,
    lost,
    duplicates,
    mismatches,
    abandoned,
    reconciliationMismatches: reconciliationMismatches.length,
    problems,
  };
}
