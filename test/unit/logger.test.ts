import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../config/logger.js';

describe('structured logs', () => {
  it('print a failure logged under `error` (the Temporal SDK key) even when it holds a circular driver topology', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const log = createLogger(loadConfig({ LOG_LEVEL: 'info' }), 'worker', sink);
    const topology: Record<string, unknown> = { servers: new Map() };
    topology['self'] = topology;
    const error = Object.assign(new Error('Server selection timed out after 5000 ms'), {
      name: 'MongoServerSelectionError',
      code: 'ETIMEOUT',
      topology,
    });
    log.warn({ activityType: 'saveOrderView', attempt: 3, error }, 'Activity failed');
    const entry = JSON.parse(lines[0] ?? '{}') as { error?: Record<string, unknown> };
    expect(entry.error).toMatchObject({
      type: 'MongoServerSelectionError',
      message: 'Server selection timed out after 5000 ms',
      code: 'ETIMEOUT',
    });
    expect(entry.error?.['stack']).toEqual(expect.stringContaining('MongoServerSelectionError'));
    expect(entry.error).not.toHaveProperty('topology');
  });
});
