import express from 'express';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection.js';
import { auditTrail } from '../../api/ops/auth.js';
import { freePort } from '../../scripts/services.js';
import { listen } from '../support/api.js';

describe('ops audit trail when the database refuses the row', () => {
  it('answers anyway (the action has happened) and keeps the whole row in the error log', async () => {
    // A real mongoose model on a database that never answers: every write fails.
    const dead = openDatabase(`mongodb://127.0.0.1:${await freePort()}/none`, { serverSelectionTimeoutMS: 200 });
    const logged: Record<string, unknown>[] = [];
    const log = pino(
      { level: 'error' },
      { write: (line: string) => logged.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const app = express();
    app.use(auditTrail(dead.models, log), (_req, res) => {
      res.locals['opsUser'] = { name: 'night-shift', role: 'operator' };
      res.locals['audit'] = {
        action: 'order.capture',
        target: 'ORD-20260101-AAAAAAAA',
        before: { status: 'Placed' },
        after: { status: 'Captured' },
      };
      res.json({ ok: true });
    });
    const { url, server } = await listen(app);
    try {
      const response = await fetch(`${url}/ops/orders/ORD-20260101-AAAAAAAA/capture`, { method: 'POST' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
      expect(logged).toEqual([
        expect.objectContaining({
          msg: 'audit row not written to the database; kept in this log',
          audit: expect.objectContaining({
            actor: 'night-shift',
            action: 'order.capture',
            target: 'ORD-20260101-AAAAAAAA',
            status: 200,
            after: { status: 'Captured' },
          }),
        }),
      ]);
    } finally {
      server.close();
      await dead.close();
    }
  });
});
