/**
 * Staff sign-in (issue 16) through the real command, HTTP API and database: accounts made by
 * `npm run ops:user` (run as a child process), sign-in with a session cookie for /ops and /codec,
 * CSRF token on cookie-authenticated changes, roles, lock-out (with the API's clock moved, not slept),
 * the same answer for unknown logins, audit rows, the codec server's sign-in, bearer tokens unchanged.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffSignInFailedMessage, STAFF_MESSAGES } from '../../domain/messages.js';
import { opsAuthorization, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
let clockOffsetMs = 0;
const LOCKOUT_ATTEMPTS = 3;
const LOCKOUT_MINUTES = 15;
const HANAKO_PASSWORD = 'hanako-correct-horse-1';
const TARO_PASSWORD = 'taro-viewer-battery-2';

beforeAll(async () => {
  api = await startTestApi('staff_sign_in', {
    env: { STAFF_LOCKOUT_ATTEMPTS: String(LOCKOUT_ATTEMPTS), STAFF_LOCKOUT_MINUTES: String(LOCKOUT_MINUTES) },
    deps: { now: () => new Date(Date.now() + clockOffsetMs) },
  });
});
afterAll(async () => {
  await api?.close();
});

/** `npm run ops:user -- …` against the test database, the password (if any) on standard input. */
function opsUser(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { host, port, name } = api.database.connection;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/ops-user.ts', ...args], {
      env: { ...process.env, MONGODB_URI: `mongodb://${host}:${port}/${name}`, MONGODB_DB_NAME: name },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
  ms: number;
}

async function call(
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML pages: the text.
  }
  return { status: response.status, body, headers: response.headers, ms: performance.now() - started };
}

/** Signs in; answers the cookie to send (`ops.sid=…`) and the CSRF token. */
async function signIn(login: string, password: string) {
  const answer = await call('POST', '/ops/session', { body: { login, password } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const cookies = answer.headers.getSetCookie();
  return { cookie: (cookies[0] ?? '').split(';')[0] as string, csrfToken: answer.body.csrfToken as string, answer };
}

const refusedBody = {
  error: { code: 'sign_in_failed', message: staffSignInFailedMessage(LOCKOUT_ATTEMPTS, LOCKOUT_MINUTES) },
};

describe('staff accounts: npm run ops:user', () => {
  it('adds accounts with the password from standard input (never an argument), lists them, refuses bad input', async () => {
    const added = await opsUser(['add', 'Hanako', '--role', 'operator', '--name', '佐藤 花子'], `${HANAKO_PASSWORD}\n`);
    expect(added, added.stderr).toMatchObject({ code: 0, stdout: 'added hanako (operator)\n' });
    expect((await opsUser(['add', 'taro', '--role', 'viewer'], `${TARO_PASSWORD}\n`)).code).toBe(0);

    const stored = await api.database.models.Staff.findOne({ login: 'hanako' }).lean();
    expect(stored).toMatchObject({ name: '佐藤 花子', role: 'operator', disabled: false, failedAttempts: 0 });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored?.passwordHash).not.toContain(HANAKO_PASSWORD);

    const tooShort = await opsUser(['add', 'jiro', '--role', 'viewer'], 'short\n');
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toContain('12文字以上');
    const twice = await opsUser(['add', 'hanako', '--role', 'viewer'], `${HANAKO_PASSWORD}\n`);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('exists already');
    expect((await opsUser(['add', 'jiro', '--role', 'admin'], `${TARO_PASSWORD}\n`)).code).toBe(2);
    expect(await api.database.models.Staff.countDocuments({})).toBe(2);

    const listed = await opsUser(['list']);
    expect(listed.stdout).toMatch(/^hanako\toperator\tactive\t佐藤 花子\t/m);
    expect(listed.stdout).toMatch(/^taro\tviewer\tactive\ttaro\t/m);
  });
});

describe('staff sign-in', () => {
  it('signs in: one session cookie for /ops and /codec (HttpOnly, SameSite=Strict), who am I, an audit row', async () => {
    const { answer, cookie, csrfToken } = await signIn('HANAKO ', HANAKO_PASSWORD);
    expect(answer.body).toEqual({
      staff: { login: 'hanako', name: '佐藤 花子', role: 'operator' },
      csrfToken: expect.stringMatching(/^[\w-]{40,}$/),
      expiresAt: expect.any(String),
    });
    const cookies = answer.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    const paths = cookies.map((line) => /Path=([^;]+)/.exec(line)?.[1]).sort();
    expect(paths).toEqual(['/codec', '/ops']);
    for (const line of cookies) {
      expect(line).toMatch(/^ops\.sid=s%3A/);
      expect(line).toMatch(/HttpOnly/);
      expect(line).toMatch(/SameSite=Strict/);
      expect(line.split(';')[0]).toBe(cookie);
    }
    // Never the shop's session cookie, never on the shop's paths.
    expect(cookies.join()).not.toContain('shop.sid');

    const whoami = await call('GET', '/ops/session', { cookie });
    expect(whoami.status).toBe(200);
    expect(whoami.body).toMatchObject({ staff: { login: 'hanako', role: 'operator' }, csrfToken });
    expect((await call('GET', '/ops/session')).body).toEqual({
      error: { code: 'not_signed_in', message: STAFF_MESSAGES.notSignedIn },
    });

    const row = await api.database.models.Audit.findOne({ action: 'staff.sign_in', actor: 'hanako' }).lean();
    expect(row).toMatchObject({ status: 200, role: 'operator', via: 'staff', path: '/ops/session' });
    expect(await api.database.models.Staff.findOne({ login: 'hanako' }).lean()).toMatchObject({
      lastSignInAt: expect.any(Date),
    });
  });

  it('reads the ops API with the cookie; a change needs the CSRF token (403 without, audited), then passes', async () => {
    const { cookie, csrfToken } = await signIn('hanako', HANAKO_PASSWORD);
    const listed = await call('GET', '/ops/orders?pageSize=5', { cookie });
    expect(listed.status).toBe(200);
    const read = await api.database.models.Audit.findOne({ actor: 'hanako', path: '/ops/orders' }).lean();
    expect(read).toMatchObject({ status: 200, role: 'operator', via: 'staff' });

    const withoutToken = await call('POST', '/ops/reconciliation/run', { cookie });
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.body).toEqual({
      error: { code: 'csrf_token_invalid', message: STAFF_MESSAGES.csrfTokenInvalid },
    });
    const wrongToken = await call('POST', '/ops/reconciliation/run', {
      cookie,
      headers: { 'x-csrf-token': `${csrfToken.slice(0, -2)}xx` },
    });
    expect(wrongToken.status).toBe(403);
    expect(
      await api.database.models.Audit.countDocuments({ actor: 'hanako', path: '/ops/reconciliation/run', status: 403 }),
    ).toBe(2);

    const accepted = await call('POST', '/ops/reconciliation/run', { cookie, headers: { 'x-csrf-token': csrfToken } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    expect(
      await api.database.models.Audit.findOne({ actor: 'hanako', path: '/ops/reconciliation/run', status: 202 }).lean(),
    ).toMatchObject({ role: 'operator', via: 'staff' });
  });

  it('a viewer reads but is refused an operator action, CSRF token or not', async () => {
    const { cookie, csrfToken } = await signIn('taro', TARO_PASSWORD);
    expect((await call('GET', '/ops/members', { cookie })).status).toBe(200);
    const refused = await call('POST', '/ops/reconciliation/run', { cookie, headers: { 'x-csrf-token': csrfToken } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
  });

  it('an unknown login gets the same answer as a wrong password, after similar work', async () => {
    const wrong: Answer[] = [];
    const unknown: Answer[] = [];
    for (let i = 0; i < 2; i += 1) {
      wrong.push(await call('POST', '/ops/session', { body: { login: 'taro', password: 'not-his-password-1' } }));
      unknown.push(await call('POST', '/ops/session', { body: { login: 'nobody', password: 'not-his-password-1' } }));
    }
    for (const answer of [...wrong, ...unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(refusedBody);
      expect(answer.headers.getSetCookie()).toEqual([]);
    }
    // A login of only white space (form feed, spaces) is just another unknown login, not a 400.
    for (const login of ['\f', '   ']) {
      const answer = await call('POST', '/ops/session', { body: { login, password: 'not-his-password-1' } });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(refusedBody);
    }
    // Both verify one Argon2 hash (a decoy for the unknown login): neither is the fast one. Without
    // the decoy the unknown login skips the hash, most of a sign-in's work; a busy machine slows either.
    const fastest = (answers: Answer[]) => Math.min(...answers.map((a) => a.ms));
    expect(fastest(unknown)).toBeGreaterThan(fastest(wrong) / 5);
    const reasons = await api.database.models.Audit.find({ action: 'staff.sign_in_failed' }).lean();
    expect(reasons.map((row) => [row.actor, (row.after as { reason: string }).reason])).toEqual(
      expect.arrayContaining([
        ['taro', 'wrong_password'],
        ['nobody', 'unknown_login'],
      ]),
    );
    // Two failures, then a right password: the count starts again.
    await signIn('taro', TARO_PASSWORD);
    expect(await api.database.models.Staff.findOne({ login: 'taro' }).lean()).toMatchObject({ failedAttempts: 0 });
  });

  it(`locks an account after ${LOCKOUT_ATTEMPTS} wrong passwords for ${LOCKOUT_MINUTES} minutes: the right one is refused alike until then`, async () => {
    expect((await opsUser(['add', 'jiro', '--role', 'viewer'], 'jiro-password-long-3\n')).code).toBe(0);
    for (let i = 0; i < LOCKOUT_ATTEMPTS; i += 1) {
      const answer = await call('POST', '/ops/session', { body: { login: 'jiro', password: `wrong-password-${i}` } });
      expect(answer.body).toEqual(refusedBody);
    }
    const locked = await api.database.models.Staff.findOne({ login: 'jiro' }).lean();
    expect(locked?.lockedUntil?.getTime()).toBeGreaterThan(Date.now() + (LOCKOUT_MINUTES - 1) * 60_000);
    expect(await api.database.models.Audit.findOne({ action: 'staff.locked_out', actor: 'jiro' }).lean()).toMatchObject(
      {
        after: { attempts: LOCKOUT_ATTEMPTS },
      },
    );
    expect((await opsUser(['list'])).stdout).toMatch(/^jiro\tviewer\tlocked until /m);

    const whileLocked = await call('POST', '/ops/session', {
      body: { login: 'jiro', password: 'jiro-password-long-3' },
    });
    expect(whileLocked.status).toBe(401);
    expect(whileLocked.body).toEqual(refusedBody);
    expect(
      await api.database.models.Audit.findOne({ action: 'staff.sign_in_failed', 'after.reason': 'locked' }).lean(),
    ).toMatchObject({ actor: 'jiro' });

    clockOffsetMs = (LOCKOUT_MINUTES + 1) * 60_000;
    try {
      await signIn('jiro', 'jiro-password-long-3');
    } finally {
      clockOffsetMs = 0;
    }
    expect(await api.database.models.Staff.findOne({ login: 'jiro' }).lean()).toMatchObject({
      failedAttempts: 0,
      lockedUntil: null,
    });
  });

  it('signs out with the CSRF token: both cookies cleared, the session gone (a copied cookie no longer works)', async () => {
    const { cookie, csrfToken } = await signIn('hanako', HANAKO_PASSWORD);
    expect((await call('DELETE', '/ops/session', { cookie })).status).toBe(403);
    const out = await call('DELETE', '/ops/session', { cookie, headers: { 'x-csrf-token': csrfToken } });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ signedOut: true });
    const cleared = out.headers.getSetCookie();
    expect(cleared.map((line) => /Path=([^;]+)/.exec(line)?.[1]).sort()).toEqual(['/codec', '/ops']);
    for (const line of cleared) expect(line).toMatch(/^ops\.sid=;.*Expires=Thu, 01 Jan 1970/);
    expect((await call('GET', '/ops/orders', { cookie })).status).toBe(401);
    // Signing out again, or without ever signing in: nobody to sign out (found by the outside fuzzer).
    expect((await call('DELETE', '/ops/session', { cookie, headers: { 'x-csrf-token': csrfToken } })).status).toBe(401);
    expect((await call('DELETE', '/ops/session', {})).status).toBe(401);
    // A method the sign-in page does not take is a 405, not a request to sign in.
    const put = await call('PUT', '/ops/login', {});
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD');
    expect(await api.database.models.Audit.findOne({ action: 'staff.sign_out', actor: 'hanako' }).lean()).toMatchObject(
      {
        status: 200,
      },
    );
  });

  it('disabling an account (npm run ops:user -- disable) ends its sessions at once', async () => {
    const { cookie } = await signIn('taro', TARO_PASSWORD);
    const disabled = await opsUser(['disable', 'taro']);
    expect(disabled.stdout).toMatch(/^taro disabled; [1-9]\d* session\(s\) ended/);
    expect((await call('GET', '/ops/orders', { cookie })).status).toBe(401);
    expect((await call('POST', '/ops/session', { body: { login: 'taro', password: TARO_PASSWORD } })).body).toEqual(
      refusedBody,
    );
    expect((await opsUser(['enable', 'taro'])).code).toBe(0);
    await signIn('taro', TARO_PASSWORD);
  });

  it('the login page is served in Japanese with the storefront look', async () => {
    const page = await call('GET', '/ops/login');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).toContain('スタッフサインイン');
    expect(page.body).toContain('/assets/style.css');
    expect((await call('GET', '/assets/js/pages/ops-login.js')).status).toBe(200);
  });
});

describe('the codec server takes the staff sign-in', () => {
  const decode = (cookie: string) =>
    call('POST', '/codec/decode', {
      body: { payloads: [] },
      cookie,
      headers: { origin: 'http://127.0.0.1:8233', 'x-namespace': api.config.temporal.namespace },
    });
  const codecLogin = (login: string, password: string) =>
    fetch(`${api.url}/codec/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login, password }),
    });

  it('signs in with login and password at /codec/login; a wrong password gets no cookie', async () => {
    const refused = await codecLogin('taro', 'not-his-password-1');
    expect(refused.status).toBe(401);
    expect(refused.headers.getSetCookie()).toEqual([]);

    const ok = await codecLogin('taro', TARO_PASSWORD);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Signed in as taro');
    const cookie = (ok.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
    expect((await decode(cookie)).status).toBe(200);
    expect(await api.database.models.Audit.findOne({ action: 'codec.decode', actor: 'taro' }).lean()).toMatchObject({
      status: 200,
      role: 'viewer',
      via: 'staff',
    });
    // Already signed in: the page says who instead of asking again.
    expect((await call('GET', '/codec/login', { cookie })).body).toContain('Signed in as taro');
    expect((await call('GET', '/codec/login')).body).toContain('name="password"');
    expect((await decode(`${cookie.slice(0, -3)}xyz`)).status).toBe(401);
  });

  it('the sign-in at /ops/session opens the codec server too (the same session)', async () => {
    const { cookie } = await signIn('hanako', HANAKO_PASSWORD);
    expect((await decode(cookie)).status).toBe(200);
  });
});

describe('bearer tokens stay for machines', () => {
  it('reads and acts with a bearer token, no CSRF token needed, audited as before', async () => {
    expect((await call('GET', '/ops/orders', { headers: opsAuthorization(api.config, 'viewer') })).status).toBe(200);
    const acted = await call('POST', '/ops/reconciliation/run', { headers: opsAuthorization(api.config, 'operator') });
    expect(acted.status).toBe(202);
    const row = await api.database.models.Audit.findOne({ actor: 'ops', path: '/ops/reconciliation/run' }).lean();
    expect(row).toMatchObject({ status: 202, via: 'token' });
    expect(
      (await call('GET', '/ops/orders', { headers: { authorization: 'Bearer not-a-real-token-at-all' } })).status,
    ).toBe(401);
  });
});
