/**
 * Service agreements (服务协议): drawn up as a PDF when a booking is confirmed (the lab approved it,
 * or it needed no approval) — by the job within its interval, or when first read, whichever comes
 * first — stored with the SHA-256 of its bytes, and accepted on the platform by
 * the enterprise that booked — who, when, from which address and browser, and which bytes (the hash
 * they accepted must be the stored one). Claim lines show it as evidence (settlement).
 *
 * Who may see one: the enterprise that booked, the provider's lab, finance offices whose scope covers
 * the enterprise, platform admins; anyone else is told there is no such booking.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, forbidden, notFound } from '../../shared/errors.ts';
import type { FileStorage } from '../../shared/files.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { canManageInstitution, financeScope, type Actor } from '../auth/actor.ts';
import { type AgreementFacts, type AgreementRow, AgreementsRepo } from './agreements.repo.ts';
import type { AgreementView } from './agreements.schemas.ts';
import { renderPdf } from '../documents/pdf-thread.ts';
import { agreementNumber } from './pdf.ts';

/** Booking statuses at or after confirmation: the agreement exists from then on. */
const CONFIRMED = new Set(['approved', 'in_progress', 'completed', 'no_show']);

export const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export class AgreementsService {
  private readonly repo: AgreementsRepo;

  constructor(
    private readonly db: Database,
    private readonly files: FileStorage,
    private readonly clock: Clock,
    private readonly audit?: AuditLog,
  ) {
    this.repo = new AgreementsRepo(db);
  }

  /**
   * Draws up and stores a confirmed booking's agreement, once (a second call, or one racing it, finds
   * the first). Outside any transaction: the PDF is made and stored, then its row inserted; the loser
   * of a race removes its file. Null when the booking is not confirmed (yet).
   */
  async produce(bookingId: number): Promise<AgreementRow | null> {
    const existing = await this.repo.ofBooking(bookingId);
    if (existing) return existing;
    const facts = await this.repo.facts(bookingId);
    if (!facts || !CONFIRMED.has(facts.status)) return null;
    const now = this.clock.now();
    const bytes = await renderPdf('serviceAgreement', facts, now);
    const storedName = await this.files.save('documents', `agreement-${bookingId}`, 'pdf', bytes);
    const inserted = await this.repo.insert({ bookingId, storedName, sha256: sha256Of(bytes), createdAt: now });
    if (!inserted) await this.files.remove(storedName);
    return (await this.repo.ofBooking(bookingId))!;
  }

  /**
   * The job (`service-agreements`): draws up the agreements of bookings confirmed in the last day,
   * a few per run (a PDF with its Chinese font subset takes a second or two of CPU, so not in the
   * request that confirms). Any other confirmed booking gets its agreement when it is first read.
   */
  async produceDue(limit = 5): Promise<number> {
    let made = 0;
    for (const id of await this.repo.confirmedWithout(this.clock.now() - 24 * 3600_000, limit)) {
      if (await this.produce(id)) made++;
    }
    return made;
  }

  /** The agreement of a booking the caller may see (drawn up now if its confirmation left none). */
  async get(actor: Actor, bookingId: number): Promise<AgreementView> {
    const { facts, row } = await this.visible(actor, bookingId);
    return this.view(actor, facts, row);
  }

  /** The PDF's bytes, as stored (their hash is the agreement's sha256). */
  async pdf(actor: Actor, bookingId: number): Promise<{ name: string; body: Buffer; sha256: string }> {
    const { facts, row } = await this.visible(actor, bookingId);
    const body = await this.files.read(row.storedName);
    if (!body) throw new AppError('not_found', 'the agreement file is missing from the file store');
    return { name: `服务协议-${agreementNumber(facts)}.pdf`, body, sha256: row.sha256 };
  }

  /**
   * The enterprise accepts the agreement: a user of the organisation that booked, naming the SHA-256
   * of the document they read (another hash: 409, nothing recorded). Recorded once.
   */
  async accept(
    actor: Actor,
    bookingId: number,
    sha256: string,
    client: { address: string | null; userAgent: string | null },
  ): Promise<AgreementView> {
    const { facts, row } = await this.visible(actor, bookingId);
    if (actor.organisationId !== facts.enterprise.id)
      throw forbidden('only the enterprise that booked accepts its service agreement');
    if (row.acceptedAt !== null)
      throw new AppError('conflict', 'the agreement was accepted already', {
        acceptedAt: new Date(row.acceptedAt).toISOString(),
      });
    if (sha256.toLowerCase() !== row.sha256)
      throw new AppError('conflict', 'the document accepted is not the stored agreement; download it again', {
        sha256: row.sha256,
      });
    const now = this.clock.now();
    const accepted = await this.db.write(async (tx) => {
      const ok = await this.repo.with(tx).accept(bookingId, {
        acceptedBy: actor.userId,
        acceptedAt: now,
        acceptedFrom: client.address,
        acceptedUserAgent: client.userAgent?.slice(0, 300) ?? null,
      });
      if (ok)
        await this.audit?.record(
          {
            action: 'agreement.accept',
            subject: { type: 'booking', id: bookingId },
            details: { sha256: row.sha256 },
          },
          tx,
        );
      return ok;
    });
    if (!accepted) throw new AppError('conflict', 'the agreement was accepted already');
    return this.view(actor, facts, (await this.repo.ofBooking(bookingId))!);
  }

  private async visible(actor: Actor, bookingId: number): Promise<{ facts: AgreementFacts; row: AgreementRow }> {
    const facts = await this.repo.facts(bookingId);
    if (!facts || !this.maySee(actor, facts)) throw notFound('booking');
    const row = (await this.repo.ofBooking(bookingId)) ?? (await this.produce(bookingId));
    if (!row) throw new AppError('not_found', 'the service agreement is drawn up when the booking is confirmed');
    return { facts, row };
  }

  private maySee(actor: Actor, f: AgreementFacts): boolean {
    if (actor.organisationId === f.enterprise.id) return true;
    if (canManageInstitution(actor, f.provider.id)) return true;
    const scope = financeScope(actor);
    if (!scope) return false;
    return scope.kind === 'province' || ('cityCode' in scope && scope.cityCode === f.enterprise.cityCode);
  }

  private async view(actor: Actor, f: AgreementFacts, row: AgreementRow): Promise<AgreementView> {
    return {
      bookingId: f.bookingId,
      number: agreementNumber(f),
      sha256: row.sha256,
      createdAt: new Date(row.createdAt).toISOString(),
      pdfUrl: `/api/v1/bookings/${f.bookingId}/agreement/pdf`,
      accepted:
        row.acceptedAt === null
          ? null
          : {
              by: { id: row.acceptedBy!, name: (await this.repo.userName(row.acceptedBy!)) ?? '' },
              at: new Date(row.acceptedAt).toISOString(),
              // Where from is shown to the parties and finance, not to anyone else (there is no one else).
              from: row.acceptedFrom,
            },
      canAccept: row.acceptedAt === null && actor.organisationId === f.enterprise.id,
    };
  }
}
