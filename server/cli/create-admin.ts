/**
 * Creates a platform administrator: `npm run admin:create -- --email <address> [--name <name>]`.
 *
 * The way to get the first administrator into a production database (which has no demo and no
 * default password). Works on an empty database: it migrates it first, and creates the platform
 * organisation when there is none. The password is asked for twice on a terminal (not echoed) or
 * read from the first line of standard input when that is a pipe — never taken from an argument,
 * where it would stay in the shell history and the process list.
 */
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { seedReference } from '../../db/seed/index.ts';
import { AuthRepo } from '../modules/auth/auth.repo.ts';
import { adminInput, createPlatformAdmin } from '../modules/auth/first-admin.ts';
import { systemClock } from '../shared/clock.ts';

const USAGE =
  'usage: npm run admin:create -- --email <address> [--name <display name>] [--organisation <platform name>]\n' +
  '  database: DATABASE_URL (PostgreSQL) or DATABASE_PATH (default ./data/app.db); password: asked for, or the first line of stdin';

/** One line from the terminal without echoing it. */
function askHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput.bind(rl);
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      // Echo the prompt and the line break, nothing typed.
      if (s.startsWith(question) || s === '\r\n' || s === '\n') write(s.startsWith(question) ? question : s);
    };
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}

async function firstLineOfStdin(): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const first = await askHidden('Password (10+ characters, three kinds, not the e-mail nor a common one): ');
  const again = await askHidden('Password again: ');
  if (first !== again) throw new Error('the two passwords differ');
  return first;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      organisation: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.email) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const password = await readPassword();
  const db = openDatabase(process.env.DATABASE_URL ?? process.env.DATABASE_PATH ?? './data/app.db');
  try {
    await migrateDatabase(db);
    await seedReference(db);
    const input = adminInput.safeParse({
      email: values.email,
      displayName: values.name ?? values.email.split('@')[0],
      password,
      organisationName: values.organisation,
    });
    if (!input.success)
      throw new Error(input.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
    const created = await createPlatformAdmin(db, new AuthRepo(db), systemClock, input.data);
    console.error(
      `created platform administrator ${created.email} (user ${created.userId}` +
        `${created.organisationCreated ? `, new platform organisation ${created.organisationId}` : ''}) in ${db.location}`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(`refused: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
