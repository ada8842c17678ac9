/**
 * Training records (培训记录): the qualification to operate an instrument oneself, granted by the lab
 * to an e-mail address, and the check a self-operated booking must pass.
 */
import { DateTime } from 'luxon';
import { badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { maskEmail } from '../../shared/mask.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import type { BookingContext } from './context.ts';

/** Refuses a self-operated booking by someone without a valid training record for the instrument. */
export async function checkQualified(
  ctx: BookingContext,
  actor: Actor,
  instrumentId: number,
  zone: string,
): Promise<void> {
  const today = DateTime.fromMillis(ctx.clock.now(), { zone }).toISODate()!;
  if (await ctx.repo.validTraining(instrumentId, actor.userId, today)) return;
  const latest = await ctx.repo.latestTraining(instrumentId, actor.userId);
  const why = !latest
    ? 'self-operated use of this instrument needs a training record; ask the lab for training'
    : latest.revokedAt
      ? 'your training record for this instrument was revoked'
      : `your training record for this instrument expired on ${latest.expiresOn}`;
  throw badRequest(why, [{ path: 'body.mode', message: 'not_qualified' }]);
}

export class BookingTraining {
  constructor(private readonly ctx: BookingContext) {}

  /**
   * A lab sees the addresses it granted to, not the accounts behind them: the list (like the answer to a
   * grant) must not tell a lab which e-mail addresses have accounts. Admins and the holder see the name.
   */
  async trainingRecords(actor: Actor, instrumentId?: number) {
    const where =
      actor.role === 'platform_admin'
        ? { instrumentId }
        : actor.role === 'lab_manager'
          ? { institutionId: actor.organisationId, instrumentId }
          : { userId: actor.userId, instrumentId };
    const today = DateTime.fromMillis(this.ctx.clock.now(), { zone: 'Asia/Shanghai' }).toISODate()!;
    return (await this.ctx.repo.trainingRecords(where)).map(({ record, instrumentName, user }) => {
      const shown = user !== null && (actor.role === 'platform_admin' || user.id === actor.userId);
      return {
        id: record.id,
        instrumentId: record.instrumentId,
        instrumentName,
        // The lab sees the address masked (personal data in a list); admins and the holder whole.
        user: {
          id: shown ? user.id : null,
          name: shown ? user.displayName : null,
          email:
            actor.role === 'platform_admin' || user?.id === actor.userId
              ? record.userEmail
              : maskEmail(record.userEmail)!,
        },
        grantedAt: new Date(record.grantedAt).toISOString(),
        expiresOn: record.expiresOn,
        revokedAt: record.revokedAt === null ? null : new Date(record.revokedAt).toISOString(),
        valid: record.revokedAt === null && record.expiresOn >= today,
        note: record.note,
      };
    });
  }

  /**
   * Grants training to an e-mail address. Whether or not it has an account the answer is the same (a
   * lab must not learn who is registered): without one, the grant waits and applies to whoever signs
   * up with that address. (An account made between the look-up and the insert is matched by its
   * address, as a grant made before it would be.)
   */
  async grantTraining(
    actor: Actor,
    input: { instrumentId: number; userEmail: string; expiresOn: string; note?: string },
  ) {
    const { ctx } = this;
    const instrument = await ctx.instrumentOr400(input.instrumentId);
    if (!canManageInstitution(actor, instrument.institutionId)) throw forbidden('not your institution’s instrument');
    const today = DateTime.fromMillis(ctx.clock.now(), { zone: instrument.timeZone }).toISODate()!;
    if (input.expiresOn < today)
      throw badRequest('the expiry date is in the past', [{ path: 'body.expiresOn', message: 'in the past' }]);
    const row = await ctx.repo.insertTraining({
      instrumentId: instrument.id,
      userId: (await ctx.repo.userByEmail(input.userEmail))?.id ?? null,
      userEmail: input.userEmail,
      grantedBy: actor.userId,
      grantedAt: ctx.clock.now(),
      expiresOn: input.expiresOn,
      note: input.note ?? null,
    });
    return (await this.trainingRecords(actor, instrument.id)).find((r) => r.id === row.id)!;
  }

  async revokeTraining(actor: Actor, id: number) {
    const found = await this.ctx.repo.trainingRecord(id);
    if (!found || !canManageInstitution(actor, found.institutionId)) throw notFound('training record');
    // The update itself skips a record already revoked (by another request meanwhile too).
    if (found.record.revokedAt === null) await this.ctx.repo.revokeTraining(id, this.ctx.clock.now());
    return (await this.trainingRecords(actor, found.record.instrumentId)).find((r) => r.id === id)!;
  }
}
