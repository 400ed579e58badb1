/**
 * `npm run bench -- db-access [--sizes 1000,10000,100000] [--samples 30]`: what each hot-path database
 * access costs as the shop's data grows. For each size a fresh database on the provisioned server
 * (FerretDB unless MONGODB_URI points elsewhere) is filled with that many orders and members (the
 * preload of the orders bench), then every access the storefront, the worker and ops make per order
 * is timed (median and p95 of `--samples` calls), next to the candidate replacements keyed by `_id`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mongo } from 'mongoose';
import { loadConfig } from '../../config/index.js';
import { connectDatabase, type Database } from '../../db/connection.js';
import type { OrderDoc } from '../../db/models/order.js';
import { createOrderList, type OrderListCursor, type OrderListFilter } from '../../db/order-list.js';
import { freePort, startDatabase, type RunningService } from '../services.js';
import { resolveTools } from '../tools.js';
import { preloadShop } from './preload.js';

interface Access {
  name: string;
  /** Runs one access for the i-th sample (distinct keys, so no answer is cached by the server). */
  run(i: number): Promise<unknown>;
  /** The server's plan of the access's queries (FerretDB: the SQL, and which parts were pushed down). */
  explain?(): Promise<unknown>;
}

export interface AccessFigures {
  size: number;
  database: string;
  fillSeconds: number;
  /** Access name → [median ms, p95 ms]. */
  accesses: Record<string, [number, number]>;
}

const { Long } = mongo;

const SYNTHETIC_TEMPLATE: OrderDoc = {
  _id: 'AP00000000000000',
  orderId: 'AP00000000000000',
  version: 9,
  status: 'Captured',
  memberId: null,
  isGuest: true,
  chargePermissionId: 'P03-0000000-0000000',
  total: 3_200,
  createdAt: new Date(),
  updatedAt: new Date(),
  updatedDay: '2026-12-01',
  view: {
    items: [{ productId: 'tea-sencha', name: '静岡煎茶 100g', unitPrice: 1_200, quantity: 2 }],
    totals: { subtotal: 2_400, shipping: 800, total: 3_200, pointsDiscount: 0 },
    orderer: { name: '山田 太郎', email: 'taro@example.jp', postalCode: '1500041', address: '東京都渋谷区神南1-2-3' },
    payment: { amount: 3_200, capturedAmount: 3_200, refundedAmount: 0, charges: [], refunds: [] },
  },
};

function accesses(db: Database, size: number): Access[] {
  const { Order, Member, AmazonLink, CouponUse } = db.models;
  const keys = keyCollection(db);
  // Spread over the stored range, never the same key twice in a run.
  const n = (i: number) => Math.floor((i * 7_919 + 13) % size);
  const orderId = (i: number) => `${SYNTHETIC_TEMPLATE.orderId.slice(0, 2)}PRE${String(n(i)).padStart(9, '0')}`;
  const memberId = (i: number) => `PRE${String(n(i)).padStart(9, '0')}`;
  return [
    { name: 'order by _id (findOne)', run: (i) => Order.findOne({ _id: orderId(i) }).lean() },
    {
      name: 'read-model save: updateOne {_id, version $lt}',
      run: (i) => Order.updateOne({ _id: orderId(i), version: { $lt: 1_000 + i } }, { $set: { version: 1_000 + i } }),
    },
    {
      name: 'orders by _id $in (50 ids)',
      run: (i) => Order.find({ _id: { $in: Array.from({ length: 50 }, (_, k) => orderId(i * 50 + k)) } }).lean(),
    },
    {
      name: 'updateOne {_id} only',
      run: (i) => Order.updateOne({ _id: orderId(i) }, { $set: { updatedAt: new Date() } }),
    },
    {
      name: 'replaceOne {_id}',
      run: (i) =>
        Order.replaceOne({ _id: orderId(i) }, { ...SYNTHETIC_TEMPLATE, _id: orderId(i), orderId: orderId(i) }),
    },
    {
      name: 'insert a new order',
      run: () => {
        const id = `ZZ${randomUUID().slice(0, 14)}`;
        return Order.insertMany([{ ...SYNTHETIC_TEMPLATE, _id: id, orderId: id }], { lean: true });
      },
    },
    {
      name: "member's orders: find {memberId} sort limit 50",
      run: (i) =>
        Order.find({ memberId: memberId(i) })
          .sort({ createdAt: -1 })
          .limit(50)
          .lean(),
    },
    { name: 'member by memberId', run: (i) => Member.findOne({ memberId: memberId(i) }).lean() },
    { name: 'member by e-mail', run: (i) => Member.findOne({ email: `member${n(i)}@example.jp` }).lean() },
    {
      name: 'Amazon link by buyer id',
      run: (i) => AmazonLink.findOne({ buyerId: `amzn1.account.BENCH${n(i)}` }).lean(),
    },
    {
      name: 'coupon use by {code, memberId}',
      run: (i) => CouponUse.findOne({ code: 'WELCOME500', memberId: memberId(i) }).lean(),
    },
    {
      name: 'coupon use insert (unique index)',
      run: (i) =>
        CouponUse.collection.insertOne({
          code: `BENCH${i}`,
          memberId: memberId(i),
          orderId: orderId(i),
          usedAt: new Date(),
        }),
    },
    {
      name: 'key document by _id (candidate)',
      run: (i) => keys.findOne({ _id: `email:member${n(i)}@example.jp` }),
    },
    ...consoleListAccesses(db, size, n, memberId),
  ];
}

/** The preload spreads a year of orders up to now: the Japan-time day `daysAgo` days back. */
const tokyoDay = (daysAgo: number) =>
  new Date(Date.now() + 9 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);

const PAGE_SIZE = 50;

/** 受注一覧 (`GET /ops/orders`): the route's own code, one filter at a time and a few together. */
function consoleListAccesses(
  db: Database,
  size: number,
  n: (i: number) => number,
  memberId: (i: number) => string,
): Access[] {
  const { Order } = db.models;
  const orderList = createOrderList(db.models);
  // The order halfway down the list (the preload spreads orders evenly over a year up to now).
  const middle = async (): Promise<OrderListCursor> => {
    const id = `${SYNTHETIC_TEMPLATE.orderId.slice(0, 2)}PRE${String(Math.floor(size / 2)).padStart(9, '0')}`;
    const row = await Order.findOne({ _id: id }, { createdAt: 1 }).lean();
    return { createdAt: row?.createdAt ?? new Date(), orderId: id };
  };
  // The page (GET /ops/orders) and the count of the same filter (GET /ops/orders/count).
  const list = (name: string, filter: (i: number) => OrderListFilter): Access[] => [
    {
      name: `console list: ${name}`,
      run: (i) => orderList.list(filter(i), PAGE_SIZE),
      explain: () => explainEach(db, () => orderList.list(filter(0), PAGE_SIZE)),
    },
    {
      name: `console count: ${name}`,
      run: (i) => orderList.count(filter(i)),
      explain: () => explainEach(db, () => orderList.count(filter(0))),
    },
  ];
  return [
    ...list('no filter', () => ({})),
    {
      name: 'console list: no filter, halfway down (cursor)',
      run: async () => orderList.list({}, PAGE_SIZE, await middle()),
    },
    ...list('status Placed (5 %)', () => ({ status: 'Placed' })),
    ...list('status Captured (70 %)', () => ({ status: 'Captured' })),
    ...list('paymentMethod gift_card (4 %)', () => ({ paymentMethod: 'gift_card' })),
    ...list('memberId', (i) => ({ memberId: memberId(i) })),
    ...list('chargePermissionId', (i) => ({ chargePermissionId: `P03-PRE-${String(n(i)).padStart(9, '0')}` })),
    ...list('one day (from = to)', (i) => ({ from: tokyoDay(30 + (i % 300)), to: tokyoDay(30 + (i % 300)) })),
    ...list('31 days', (i) => ({ from: tokyoDay(60 + (i % 200)), to: tokyoDay(30 + (i % 200)) })),
    ...list('status Captured + paymentMethod card', () => ({ status: 'Captured', paymentMethod: 'card' })),
    ...list('status Placed + paymentMethod gift_card (0.2 %)', () => ({
      status: 'Placed',
      paymentMethod: 'gift_card',
    })),
    ...list('status Captured + 7 days', (i) => ({
      status: 'Captured',
      from: tokyoDay(36 + (i % 300)),
      to: tokyoDay(30 + (i % 300)),
    })),
    ...list('memberId + status Captured', (i) => ({ memberId: memberId(i), status: 'Captured' })),
  ];
}

/** Runs `access` once, recording its reads of `orders`, and answers the server's plan of each one. */
async function explainEach(db: Database, access: () => Promise<unknown>): Promise<unknown[]> {
  const seen: [method: string, filter: unknown, options: { sort?: unknown; limit?: number; skip?: number }][] = [];
  db.connection.set('debug', (collection: string, method: string, filter: unknown, options: object) => {
    if (collection === 'orders') seen.push([method, filter, options]);
  });
  try {
    await access();
  } finally {
    db.connection.set('debug', false);
  }
  const command = db.connection.db;
  return Promise.all(
    seen.map(async ([method, filter, options]) => {
      // Raw commands: FerretDB's explain takes skip and limit only as 64-bit integers.
      const explained =
        method === 'find'
          ? {
              find: 'orders',
              filter,
              ...(options.sort === undefined ? {} : { sort: options.sort }),
              ...(options.limit === undefined ? {} : { limit: Long.fromNumber(options.limit) }),
            }
          : { count: 'orders', query: filter };
      const plan = (await command?.command({ explain: explained })) as
        { queryPlanner?: { Plan?: string[] }; filterPushdown?: boolean } | undefined;
      return { method, filter, plan: plan?.queryPlanner?.Plan, filterPushdown: plan?.filterPushdown };
    }),
  );
}

/** A key document: a unique lookup turned into an `_id` lookup (the candidate design). */
const keyCollection = (db: Database) =>
  db.connection.getClient().db(db.connection.name).collection<{ _id: string; memberId: string }>('bench_keys');

const round = (v: number) => Math.round(v * 10) / 10;

/** `only`: run just the accesses whose name contains it (e.g. `console`). */
export async function benchDbAccess(sizes: number[], samples: number, only?: string): Promise<AccessFigures[]> {
  const config = loadConfig(process.env);
  const external = process.env['MONGODB_URI'];
  let server: RunningService | undefined;
  let scratch: string | undefined;
  let baseUri = external ?? '';
  let kind = 'MONGODB_URI';
  if (external === undefined || external === '') {
    const tools = await resolveTools({ config, childEnv: process.env });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'bench-db-access-'));
    server = await startDatabase({ tool: tools.database, port: await freePort(), dataDir: scratch, dbName: 'bench' });
    baseUri = server.address;
    kind = tools.database.kind;
  }
  const out: AccessFigures[] = [];
  try {
    for (const size of sizes) {
      const uri = baseUri.replace(/\/[^/?]*(\?|$)/, `/bench_access_${size}$1`);
      const db = await connectDatabase(uri);
      try {
        process.stderr.write(`db-access: filling ${size} orders and members …\n`);
        const fill = await preloadShop(db, size, SYNTHETIC_TEMPLATE);
        const keys = keyCollection(db);
        for (let offset = 0; offset < size; offset += 5_000)
          await keys.insertMany(
            Array.from({ length: Math.min(5_000, size - offset) }, (_, i) => ({
              _id: `email:member${offset + i}@example.jp`,
              memberId: `PRE${String(offset + i).padStart(9, '0')}`,
            })),
          );
        const figures: AccessFigures = { size, database: kind, fillSeconds: fill.seconds, accesses: {} };
        for (const access of accesses(db, size).filter((a) => only === undefined || a.name.includes(only))) {
          if (access.explain !== undefined)
            process.stderr.write(
              `db-access: ${size} ${access.name}: explain ${JSON.stringify(await access.explain())}\n`,
            );
          await access.run(samples + 1); // warm
          const times: number[] = [];
          for (let i = 0; i < samples; i += 1) {
            const t0 = performance.now();
            await access.run(i);
            times.push(performance.now() - t0);
          }
          times.sort((a, b) => a - b);
          figures.accesses[access.name] = [
            round(times[Math.floor(times.length / 2)] ?? Number.NaN),
            round(times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)] ?? Number.NaN),
          ];
          process.stderr.write(`db-access: ${size} ${access.name}: ${JSON.stringify(figures.accesses[access.name])}\n`);
        }
        out.push(figures);
      } finally {
        await db.connection.dropDatabase().catch(() => undefined);
        await db.close();
      }
    }
  } finally {
    await server?.stop();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
  return out;
}

export function dbAccessMarkdown(figures: AccessFigures[], command: string): string {
  const names = Object.keys(figures[0]?.accesses ?? {});
  const lines = [
    `Command: \`${command}\` (${figures[0]?.database ?? '?'}; median / p95 ms of each access)`,
    '',
    `| access | ${figures.map((f) => `${f.size.toLocaleString('en')} stored`).join(' | ')} |`,
    `|---|${figures.map(() => '---').join('|')}|`,
    ...names.map((name) => `| ${name} | ${figures.map((f) => (f.accesses[name] ?? []).join(' / ')).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}
