/**
 * Creating a platform administrator outside the web (the first one of a production database has
 * nobody to invite them): the use case behind `npm run admin:create`.
 */
import { z } from 'zod';
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

export async function createPlatformAdmin(
  repo: AuthRepo,
  clock: Clock,
  input: z.output<typeof adminInput>,
): Promise<{ userId: number; email: string; organisationId: number; organisationCreated: boolean }> {
  const weak = passwordProblems(input.password, input.email);
  if (weak.length) throw badRequest(`the password is too weak: ${weak.join('; ')}`);
  if (repo.userByEmail(input.email)) throw new AppError('conflict', `${input.email} already has an account`);
  const passwordHash = await hashPassword(input.password);
  const now = clock.now();
  let organisation = repo.platformOrganisation();
  const organisationCreated = !organisation;
  organisation ??= repo.insertOrganisation({
    kind: 'platform',
    name: input.organisationName,
    certified: true,
    createdAt: now,
  });
  const user = repo.insertUser({
    email: input.email,
    passwordHash,
    displayName: input.displayName,
    role: 'platform_admin',
    organisationId: organisation.id,
    createdAt: now,
  });
  return { userId: user.id, email: user.email, organisationId: organisation.id, organisationCreated };
}
