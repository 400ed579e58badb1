import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/services.js';

describe('freePort', () => {
  it('hands out distinct, bindable ports below the kernel ephemeral range, so a restarted server gets its port back', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_768);
    }
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', () => resolve());
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
