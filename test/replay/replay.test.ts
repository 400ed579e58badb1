/**
 * Replays the recorded histories of the order workflow's main paths against today's workflow code:
 * a change that is not deterministic for an order already running fails here (DESIGN.md: changes
 * to shipped workflows go behind patched()).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../worker/worker.js';

const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir).filter((file) => file.endsWith('.json'));

describe('replay of recorded order histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as unknown;
    await Worker.runReplayHistory({ workflowsPath }, history as Parameters<typeof Worker.runReplayHistory>[1], `replay-${file}`);
  });
});
