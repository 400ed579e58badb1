/**
 * The provisioned FerretDB is built with a patch (scripts/ferretdb/index-pushdown.patch) that lets its
 * SQLite backend find documents through the `_id` index and the collection's own indexes instead of
 * reading every row. A pushed-down condition must never change an answer, only how fast it comes:
 * random documents (strings with escapes and non-ASCII text, numbers, nulls, arrays, sub-documents,
 * missing fields) and random filters get the same answers from the patched server as from the same
 * server with pushdown turned off (`--test-disable-pushdown`, FerretDB's own reference path).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { mongo } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { freePort, startDatabase, type RunningService } from '../../scripts/services.js';
import { resolveTools } from '../../scripts/tools.js';

/** Test documents have string ids (the driver's default typing assumes ObjectIds). */
type Document = { _id: string; touched?: number } & Record<string, unknown>;
type Collection = mongo.Collection<Document>;
type Filter = mongo.Filter<Document>;

const tools = await resolveTools({ config: loadConfig({ NODE_ENV: 'test' }), childEnv: process.env, install: false });

const TEXTS = ['a', 'A', '', '<&>', 'say "hi"', 'back\\slash', '注文', '\u2028', '🍵', '[a]', '1'];
/** Few enough texts that filters often meet stored values, arrays included; the first ones most often. */
const text = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('a', '[a]', '注文') }, fc.constantFrom(...TEXTS));
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 1, arbitrary: fc.integer({ min: -2, max: 2 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.array(fc.oneof(text, fc.integer({ min: 0, max: 2 })), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.record({ x: text }) },
);
/** A field that may be missing. */
const field = fc.option(value, { nil: undefined, freq: 4 });
const document = fc.record({ _id: text, email: field, member: field, code: field, n: field });

type Fields = 'email' | 'member' | 'code';
const condition = fc.oneof(text, fc.record({ $in: fc.array(text, { minLength: 1, maxLength: 4 }) }));
const filter: fc.Arbitrary<Filter> = fc.oneof(
  fc.record({ _id: condition }),
  fc.record({ _id: text, n: fc.record({ $lt: fc.integer({ min: -2, max: 2 }) }) }),
  fc.constantFrom<Fields>('email', 'member', 'code').chain((name) => fc.record({ [name]: condition })),
  fc.record({ code: text, member: condition }),
  fc.record({ member: text, n: fc.oneof(text, fc.constant(null)) }),
  fc.record({ email: text }).map((query): Filter => ({ ...query, $or: [{ n: 1 }, { n: { $exists: false } }] })),
);

async function prepare(collection: Collection): Promise<void> {
  await collection.createIndex({ email: 1 }, { unique: true });
  await collection.createIndex({ member: 1 });
  await collection.createIndex({ code: 1, member: 1 });
}

/** Inserts one by one: both servers must also agree on which documents the unique indexes refuse. */
async function insertAll(collection: Collection, docs: Document[]): Promise<string[]> {
  const outcomes: string[] = [];
  for (const doc of docs) {
    try {
      await collection.insertOne({ ...doc });
      outcomes.push('ok');
    } catch (error) {
      outcomes.push(`refused ${(error as { code?: number }).code ?? '?'}`);
    }
  }
  return outcomes;
}

async function answers(collection: Collection, query: Filter) {
  const found = await collection.find(query).toArray();
  const ids = found.map((doc) => JSON.stringify(doc._id)).sort();
  const counted = await collection.countDocuments(query);
  const updated = await collection.updateMany(query, { $set: { touched: 1 } });
  return { ids, counted, matched: updated.matchedCount };
}

describe.skipIf(tools.database.kind !== 'ferretdb')('FerretDB index pushdown (the provisioned build)', () => {
  const servers: RunningService[] = [];
  const dirs: string[] = [];
  let patched: mongo.MongoClient;
  let reference: mongo.MongoClient;

  async function start(flags: string[]): Promise<mongo.MongoClient> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pushdown-'));
    dirs.push(dir);
    const server = await startDatabase({
      tool: tools.database,
      port: await freePort(),
      dataDir: dir,
      dbName: 'pushdown',
      ferretDbFlags: flags,
    });
    servers.push(server);
    return mongo.MongoClient.connect(server.address, { directConnection: true });
  }

  beforeAll(async () => {
    [patched, reference] = await Promise.all([start([]), start(['--test-disable-pushdown'])]);
  });

  afterAll(async () => {
    await Promise.all([patched?.close(), reference?.close()]);
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('answers every filter as FerretDB without pushdown does: find, count and update', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(document, { selector: (doc) => doc._id, maxLength: 25 }),
        fc.array(filter, { minLength: 1, maxLength: 8 }),
        async (docs, filters) => {
          run += 1;
          const name = `c${run}`;
          const [a, b] = [
            patched.db('pushdown').collection<Document>(name),
            reference.db('pushdown').collection<Document>(name),
          ];
          await Promise.all([prepare(a), prepare(b)]);
          const inserted = docs.map(
            (doc) => Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as Document,
          );
          expect(await insertAll(a, inserted)).toEqual(await insertAll(b, inserted));
          for (const query of filters)
            expect(await answers(a, query), JSON.stringify(query)).toEqual(await answers(b, query));
          await Promise.all([a.drop(), b.drop()]);
        },
      ),
      { numRuns: 60, seed: 20261201 },
    );
  });

  it('finds by _id, by an indexed field and by _id with more conditions through an index, not a scan', async () => {
    const collection = patched.db('pushdown').collection<Document>('plans');
    await prepare(collection);
    await collection.insertMany(
      Array.from({ length: 50 }, (_, i) => ({ _id: `k${i}`, email: `m${i}@x.jp`, member: `M${i % 5}`, n: i })),
    );
    for (const query of [
      { _id: 'k5' },
      { _id: 'k5', n: { $lt: 9 } },
      { _id: { $in: ['k5', 'k7'] } },
      { email: 'm5@x.jp' },
      { member: 'M1', n: { $gt: 3 } },
      { code: 'none', member: 'M1' },
    ]) {
      const explained = (await collection.find(query as Filter).explain()) as { queryPlanner?: { Plan?: string[] } };
      const plan = (explained.queryPlanner?.Plan ?? []).join('\n');
      expect(plan, JSON.stringify(query)).toContain('USING INDEX');
      expect(plan, JSON.stringify(query)).not.toMatch(/\bSCAN\b/);
    }
  });
});
