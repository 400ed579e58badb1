/**
 * Replays the recorded histories of the order workflow's main paths against today's workflow code:
 * a change that is not deterministic for an order already running fails here (changes to shipped
 * workflows go behind patched(): README, "Changing workflow code"). Record new ones with
 * test/replay/record-histories.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../worker/worker.js';
import { testDataConverter } from '../support/servers.js';

const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir).filter((file) => file.endsWith('.json'));

describe('replay of recorded order histories', () => {
  it('every recorded history replays without nondeterminism (one workflow bundle for all)', async () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    const histories = files.map((file) => ({
      workflowId: file,
      history: JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as unknown,
    }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowsPath, dataConverter: testDataConverter },
      histories,
    )) {
      replayed += 1;
      if (result.error !== undefined) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
