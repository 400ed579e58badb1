/**
 * `npm run ops:user -- <command>`: the shop's staff accounts (sign-in to the ops console and the
 * codec server; api/ops/staff.ts), in the configured database (MONGODB_URI / MONGODB_DB_NAME).
 *
 *   add <login> --role operator|viewer [--name "表示名"]   create (asks for the password)
 *   list                                                  every account, its role and state
 *   set-role <login> operator|viewer
 *   reset-password <login>                                new password; unlocks, ends its sessions
 *   disable <login> | enable <login>                      disabling ends its sessions at once
 *   unlock <login>                                        lift a lock-out before it runs out
 *
 * The password is never an argument (shell history, `ps`): at a terminal it is asked twice without
 * echo; otherwise the first line of standard input is taken, for scripts:
 * `printf '%s\n' "$PASSWORD" | npm run ops:user -- add alice --role operator`.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { hashPassword } from '../api/members/passwords.js';
import { addStaffAccount, endStaffSessions } from '../api/ops/staff.js';
import { loadConfig } from '../config/index.js';
import { connectDatabase, type Database } from '../db/connection.js';
import { staffLoginSchema, staffPasswordSchema, staffRoleSchema } from '../domain/staff.js';

const USAGE = `usage: npm run ops:user -- add <login> --role operator|viewer [--name NAME]
       npm run ops:user -- list
       npm run ops:user -- set-role <login> operator|viewer
       npm run ops:user -- reset-password <login>
       npm run ops:user -- disable <login> | enable <login> | unlock <login>
The password is read from the terminal (twice, not shown) or from the first line of standard input.`;

class UsageError extends Error {}

/** One line typed at the terminal without echo (raw mode: no character reaches the screen). */
function askHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          input.off('data', onData);
          input.setRawMode(false);
          input.pause();
          process.stderr.write('\n');
          resolve(typed);
          return;
        }
        if (char === '\u0003') {
          input.setRawMode(false);
          reject(new UsageError('cancelled'));
          return;
        }
        typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
      }
    };
    input.on('data', onData);
  });
}

async function firstLineOfStdin(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

async function readPassword(): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await askHidden('password: ');
    if ((await askHidden('again: ')) !== password) throw new UsageError('the two passwords differ');
  } else {
    password = await firstLineOfStdin();
  }
  const checked = staffPasswordSchema.safeParse(password);
  if (!checked.success) throw new UsageError(checked.error.issues[0]?.message ?? 'invalid password');
  return checked.data;
}

function loginOf(value: string | undefined): string {
  const checked = staffLoginSchema.safeParse(value ?? '');
  if (!checked.success) throw new UsageError(checked.error.issues[0]?.message ?? 'invalid login');
  return checked.data;
}

function roleOf(value: string | undefined) {
  const checked = staffRoleSchema.safeParse(value);
  if (!checked.success) throw new UsageError('role: operator or viewer');
  return checked.data;
}

async function mustChange(database: Database, login: string, update: object): Promise<void> {
  const result = await database.models.Staff.updateOne({ login }, update);
  if (result.matchedCount === 0) throw new UsageError(`no staff account ${login}`);
}

async function run(database: Database, args: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' } },
  });
  const [command, first, second] = positionals;
  const now = new Date();
  const { Staff } = database.models;
  switch (command) {
    case 'add': {
      const login = loginOf(first);
      const role = roleOf(values.role);
      if ((await Staff.exists({ login })) !== null) throw new UsageError(`staff account ${login} exists already`);
      await addStaffAccount(database, {
        login,
        name: values.name?.trim() || login,
        role,
        password: await readPassword(),
      });
      return `added ${login} (${role})`;
    }
    case 'list': {
      const staff = await Staff.find({}).sort({ login: 1 }).lean();
      if (staff.length === 0) return 'no staff accounts (add one: npm run ops:user -- add <login> --role operator)';
      return staff
        .map((s) => {
          const state = s.disabled
            ? 'disabled'
            : s.lockedUntil !== null && s.lockedUntil > now
              ? `locked until ${s.lockedUntil.toISOString()}`
              : 'active';
          const last = s.lastSignInAt?.toISOString() ?? 'never';
          return `${s.login}\t${s.role}\t${state}\t${s.name}\tcreated ${s.createdAt.toISOString()}\tlast sign-in ${last}`;
        })
        .join('\n');
    }
    case 'set-role': {
      const login = loginOf(first);
      const role = roleOf(second ?? values.role);
      await mustChange(database, login, { $set: { role } });
      return `${login} is now ${role}`;
    }
    case 'reset-password': {
      const login = loginOf(first);
      if ((await Staff.exists({ login })) === null) throw new UsageError(`no staff account ${login}`);
      const passwordHash = await hashPassword(await readPassword());
      await mustChange(database, login, {
        $set: { passwordHash, passwordChangedAt: now, failedAttempts: 0, lockedUntil: null },
      });
      const ended = await endStaffSessions(database, login);
      return `password of ${login} reset; ${ended} session(s) ended`;
    }
    case 'disable': {
      const login = loginOf(first);
      await mustChange(database, login, { $set: { disabled: true } });
      const ended = await endStaffSessions(database, login);
      return `${login} disabled; ${ended} session(s) ended`;
    }
    case 'enable': {
      const login = loginOf(first);
      await mustChange(database, login, { $set: { disabled: false } });
      return `${login} enabled`;
    }
    case 'unlock': {
      const login = loginOf(first);
      await mustChange(database, login, { $set: { failedAttempts: 0, lockedUntil: null } });
      return `${login} unlocked`;
    }
    default:
      throw new UsageError(command === undefined ? 'no command' : `unknown command ${command}`);
  }
}

const config = loadConfig(process.env);
const database = await connectDatabase(config.mongo.uri, { dbName: config.mongo.dbName });
try {
  console.log(await run(database, process.argv.slice(2)));
} catch (error) {
  if (!(error instanceof UsageError || (error as Error).name === 'TypeError')) throw error;
  console.error(`ops:user: ${(error as Error).message}\n${USAGE}`);
  process.exitCode = 2;
} finally {
  await database.close();
}
