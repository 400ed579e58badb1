/**
 * Member CSV export at scale (issue: members, L6): inserts N members (default 100,000) into a fresh
 * database on the provisioned server, streams the bulk export into a byte-counting sink, and prints
 * rows/s and memory. `npm run bench -- members-export [N]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { writeMembersCsv } from '../../api/ops/members-csv.js';
import { loadConfig } from '../../config/index.js';
import { connectDatabase } from '../../db/connection.js';
import { createMemberRepository } from '../../db/members.js';
import { freePort, startDatabase } from '../services.js';
import { resolveTools } from '../tools.js';
import { benchMember } from './preload.js';

export interface ExportBenchResult {
  members: number;
  database: string;
  insertSeconds: number;
  exportSeconds: number;
  rowsPerSecond: number;
  bytes: number;
  heapBeforeMiB: number;
  peakHeapMiB: number;
  peakRssMiB: number;
}

const MiB = 1024 * 1024;

export async function benchMembersExport(count: number): Promise<ExportBenchResult> {
  const config = loadConfig(process.env);
  const tools = await resolveTools({ config, childEnv: process.env });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'bench-export-'));
  const server = await startDatabase({
    tool: tools.database,
    port: await freePort(),
    dataDir: scratch,
    dbName: 'bench',
  });
  const database = await connectDatabase(server.address.replace(/\/[^/]*$/, '/bench_members_export'));
  try {
    const extraFields = config.members.extraFields;
    const insertStarted = performance.now();
    const batch = 2000;
    for (let offset = 0; offset < count; offset += batch) {
      const docs = Array.from({ length: Math.min(batch, count - offset) }, (_, i) => {
        const n = offset + i;
        return benchMember(n, `M${String(n).padStart(10, '0')}`, new Date(Date.UTC(2026, 0, 1) + n * 60_000));
      });
      await database.models.Member.collection.insertMany(docs, { ordered: false });
    }
    const insertSeconds = (performance.now() - insertStarted) / 1000;

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = heapBefore;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakHeap = Math.max(peakHeap, usage.heapUsed);
      peakRss = Math.max(peakRss, usage.rss);
    }, 20);
    let bytes = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    });
    const exportStarted = performance.now();
    await writeMembersCsv(createMemberRepository(database.models).cursor({}), extraFields, 'utf-8', sink);
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    clearInterval(sampler);
    return {
      members: count,
      database: tools.database.kind,
      insertSeconds: round(insertSeconds),
      exportSeconds: round(exportSeconds),
      rowsPerSecond: Math.round(count / exportSeconds),
      bytes,
      heapBeforeMiB: round(heapBefore / MiB),
      peakHeapMiB: round(peakHeap / MiB),
      peakRssMiB: round(peakRss / MiB),
    };
  } finally {
    await database.connection.dropDatabase().catch(() => undefined);
    await database.close();
    await server.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
