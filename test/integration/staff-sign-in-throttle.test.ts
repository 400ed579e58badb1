/**
 * Staff sign-in failures counted per client address, whatever the login (one password tried on many
 * accounts locks none of them): past STAFF_SIGN_IN_FAILURES_PER_IP within STAFF_LOCKOUT_MINUTES, the
 * address's sign-ins at /ops/session and /codec/login answer 429 — the right password too — while
 * successful sign-ins never count. The counts live in the database store, as in production.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffSignInsThrottledMessage } from '../../domain/messages.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { addStaff } from '../support/staff.js';

const FAILURES = 4;
const WINDOW_MINUTES = 15;
const HANAKO = { login: 'hanako', name: '運用 花子', role: 'operator', password: 'hanako-correct-horse-1' } as const;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('staff_sign_in_throttle', {
    env: {
      STAFF_SIGN_IN_FAILURES_PER_IP: String(FAILURES),
      STAFF_LOCKOUT_MINUTES: String(WINDOW_MINUTES),
      API_RATE_LIMIT_STORE: 'database',
    },
  });
  await addStaff(api.database, HANAKO);
});
afterAll(async () => {
  await api?.close();
});

const signIn = (login: string, password: string) =>
  fetch(`${api.url}/ops/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });

describe('staff sign-in failures per address', () => {
  it(`after ${FAILURES} failed sign-ins (any logins) the address is refused with 429 until the window ends; successful ones never count`, async () => {
    // More successful sign-ins than the limit: none of them counts.
    for (let i = 0; i < FAILURES + 2; i += 1) expect((await signIn(HANAKO.login, HANAKO.password)).status).toBe(200);

    // One password tried on several accounts: each refused as usual, none of them locked.
    for (let i = 0; i < FAILURES; i += 1) expect((await signIn(`staff${i}`, 'spring-2026-password')).status).toBe(401);
    expect(await api.database.models.Staff.findOne({ login: HANAKO.login }).lean()).toMatchObject({
      failedAttempts: 0,
      lockedUntil: null,
    });

    // Now the address waits, with the right password too, at both sign-in doors.
    const throttled = await signIn(HANAKO.login, HANAKO.password);
    expect(throttled.status).toBe(429);
    expect(await throttled.json()).toEqual({
      error: { code: 'sign_in_throttled', message: staffSignInsThrottledMessage(WINDOW_MINUTES) },
    });
    expect(throttled.headers.getSetCookie()).toEqual([]);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    const codec = await fetch(`${api.url}/codec/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login: HANAKO.login, password: HANAKO.password }).toString(),
    });
    expect(codec.status).toBe(429);
    expect(await api.database.models.Audit.find({ action: 'staff.sign_in_failed', status: 429 }).lean()).toMatchObject([
      { actor: HANAKO.login, after: { reason: 'address_throttled' } },
      { actor: HANAKO.login, after: { reason: 'address_throttled' } },
    ]);

    // The count is in the shared store (every API replica sees it), apart from the storefront's.
    const counts = await api.database.connection.db
      ?.collection('rate_limits')
      .find({ key: { $regex: '^staff-sign-in' } })
      .toArray();
    expect(counts?.length).toBe(1);

    // The storefront is not affected.
    expect((await fetch(`${api.url}/api/products`)).status).toBe(200);
  });
});
