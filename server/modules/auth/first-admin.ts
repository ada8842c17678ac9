/**
 * Creating a platform administrator outside the web (the first one of a production database has
 * nobody to invite them): the use case behind `npm run admin:create`.
 */
import { z } from 'zod';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, badRequest } from '../../shared/errors.ts';
import type { AuthRepo } from './auth.repo.ts';
import { hashPassword, passwordProblems } from './password.ts';

const PLATFORM_NAME = '山东省大型科学仪器共享服务平台';

/** What `createPlatformAdmin` takes; its caller (the command line) parses with it. */
export const adminInput = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email().max(200)),
  displayName: z.string().trim().min(1).max(100),
  password: z.string().max(200),
  /** Name of the platform organisation, used only when the database has none yet. */
  organisationName: z.string().trim().min(2).max(200).default(PLATFORM_NAME),
});

/**
 * The e-mail is checked before the (slow) hash, so a taken one is refused at once; it is checked again,
 * with the platform organisation looked up and made, in the write transaction that creates the user,
 * so a server or a second command creating an account at the same time cannot slip in between.
 */
export async function createPlatformAdmin(
  db: Database,
  repo: AuthRepo,
  clock: Clock,
  input: z.output<typeof adminInput>,
): Promise<{ userId: number; email: string; organisationId: number; organisationCreated: boolean }> {
  const weak = passwordProblems(input.password, input.email);
  if (weak.length) throw badRequest(`the password is too weak: ${weak.join('; ')}`);
  const taken = () => new AppError('conflict', `${input.email} already has an account`);
  if (await repo.userByEmail(input.email)) throw taken();
  const passwordHash = await hashPassword(input.password);
  return db.write(async (tx) => {
    const r = repo.with(tx);
    if (await r.userByEmail(input.email)) throw taken();
    const now = clock.now();
    let organisation = await r.platformOrganisation();
    const organisationCreated = !organisation;
    organisation ??= await r.insertOrganisation({
      kind: 'platform',
      name: input.organisationName,
      certified: true,
      createdAt: now,
    });
    const user = await r.insertUser({
      email: input.email,
      passwordHash,
      displayName: input.displayName,
      role: 'platform_admin',
      organisationId: organisation.id,
      createdAt: now,
      emailVerifiedAt: now,
      passwordChangedAt: now,
      orgAdmin: true,
    });
    return { userId: user.id, email: user.email, organisationId: organisation.id, organisationCreated };
  });
}
