/**
 * Bank transfer (对公转账) as a way to pay the self-pay share: the payment notice a confirmed booking
 * gets (notices.ts, driven by checkout), the receipts and returns the lab records (receipts.ts), the
 * overdue rule (overdue.ts), the notice as a PDF (pdf.ts), and the lab's settings. This class is the
 * module's face: it checks who may call, against the caller's organisation, and answers views.
 */
import type { Actor } from '../auth/actor.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { renderPdf } from '../documents/pdf-thread.ts';
import { normaliseReference, localDate, OPEN_NOTICE_STATUSES } from './rules.ts';
import { canRecordReceipts, canSeeNotice, receivableNotice, TransfersContext, visibleNotice, ZONE } from './context.ts';
import type { TransfersDeps } from './context.ts';
import { NoticeBook } from './notices.ts';
import { Overdue } from './overdue.ts';
import { Receipts } from './receipts.ts';
import type { NoticeView } from './transfers.schemas.ts';
import type { NoticeRow, NoticeScope, TransferSettings, TransfersRepo } from './transfers.repo.ts';

/** The largest proof file (a scanned bank slip is well under this). */
export const PROOF_MAX_BYTES = 10 * 1024 * 1024;

export class TransfersService {
  private readonly ctx: TransfersContext;
  /** What checkout calls inside a booking's transactions (issue, amend, cancel the notice). */
  readonly notices: NoticeBook;
  private readonly receipts: Receipts;
  private readonly overdueRule: Overdue;

  constructor(deps: TransfersDeps) {
    this.ctx = new TransfersContext(deps);
    this.notices = new NoticeBook(this.ctx);
    this.receipts = new Receipts(this.ctx);
    this.overdueRule = new Overdue(this.ctx);
  }

  get repo(): TransfersRepo {
    return this.ctx.repo;
  }

  async list(actor: Actor, q: { status?: NoticeView['status'] | 'active'; reference?: string }): Promise<NoticeView[]> {
    let scope: NoticeScope;
    if (actor.role === 'platform_admin' || (actor.role === 'finance_officer' && actor.organisationKind === 'platform'))
      scope = 'all';
    else if (actor.role === 'lab_manager') scope = { providerId: actor.organisationId };
    else if (actor.role === 'researcher') scope = { enterpriseId: actor.organisationId };
    else throw new AppError('forbidden', 'payment notices are seen by the enterprise, the lab and the finance desk');
    return this.ctx.deps.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      let rows: NoticeRow[];
      if (q.reference !== undefined) {
        const ref = normaliseReference(q.reference);
        const one = ref ? await repo.noticeByReference(ref) : undefined;
        rows = one && canSeeNotice(actor, one) ? [one] : [];
      } else {
        rows = await repo.notices(
          scope,
          q.status === 'active' ? OPEN_NOTICE_STATUSES : q.status ? [q.status] : undefined,
        );
      }
      const views: NoticeView[] = [];
      for (const n of rows) views.push(await this.view(repo, actor, n));
      return views;
    });
  }

  get(actor: Actor, id: number): Promise<NoticeView> {
    return this.ctx.deps.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      return this.view(repo, actor, await visibleNotice(repo, actor, id));
    });
  }

  /** The notice of a booking (404: none, or not the caller's to see). */
  ofBooking(actor: Actor, bookingId: number): Promise<NoticeView> {
    return this.ctx.deps.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const n = await repo.noticeOfBooking(bookingId);
      if (!n || !canSeeNotice(actor, n)) throw notFound('payment notice');
      return this.view(repo, actor, n);
    });
  }

  async pdf(actor: Actor, id: number): Promise<{ name: string; body: Buffer }> {
    const view = await this.get(actor, id);
    return { name: `付款通知书-${view.reference}.pdf`, body: await renderPdf('paymentNotice', view) };
  }

  async recordReceipt(
    actor: Actor,
    id: number,
    input: { amountFen: number; receivedOn: string; bankReference: string; note?: string },
  ): Promise<NoticeView> {
    await this.receipts.record(actor, id, 'receipt', input);
    return this.get(actor, id);
  }

  async recordReturn(
    actor: Actor,
    id: number,
    input: { amountFen: number; returnedOn: string; bankReference: string; note?: string },
  ): Promise<NoticeView> {
    await this.receipts.record(actor, id, 'return', { ...input, receivedOn: input.returnedOn });
    return this.get(actor, id);
  }

  /** Before a proof's bytes are read: the caller records receipts of this notice, and the receipt is its. */
  async checkProofUpload(actor: Actor, id: number, receiptId: number): Promise<void> {
    const n = await receivableNotice(this.ctx.repo, actor, id);
    const r = await this.ctx.repo.receipt(receiptId);
    if (!r || r.noticeId !== n.id) throw notFound('receipt');
  }

  async attachProof(
    actor: Actor,
    id: number,
    receiptId: number,
    file: { name: string; bytes: Buffer },
  ): Promise<NoticeView> {
    const { documents, audit } = this.ctx.deps;
    if (!documents) throw new AppError('unavailable', 'no document store');
    await this.checkProofUpload(actor, id, receiptId);
    const n = (await this.ctx.repo.notice(id))!;
    const doc = await documents.save(
      { type: 'transfer_receipt', id: receiptId, organisationId: n.providerId },
      { kind: 'other', fileName: file.name, bytes: file.bytes, uploadedBy: actor.userId },
    );
    // A new proof replaces the old (the store marks the receipt's earlier one removed).
    await this.ctx.repo.setProof(receiptId, doc.id);
    await audit?.record({
      action: 'payment.transfer_proof',
      actor,
      subject: { type: 'booking', id: n.bookingId },
      details: { noticeId: n.id, receiptId, documentId: doc.id, fileName: doc.fileName },
    });
    return this.get(actor, id);
  }

  async proof(actor: Actor, id: number, receiptId: number): Promise<{ path: string; name: string; type: string }> {
    const { documents } = this.ctx.deps;
    const n = await visibleNotice(this.ctx.repo, actor, id);
    const r = await this.ctx.repo.receipt(receiptId);
    if (!r || r.noticeId !== n.id || !r.proofDocumentId || !documents) throw notFound('proof');
    return documents.file(await documents.get({ type: 'transfer_receipt', id: receiptId }, r.proofDocumentId));
  }

  /** The lab's transfer settings (its own organisation). */
  async settings(actor: Actor): Promise<TransferSettings> {
    if (actor.role !== 'lab_manager' || actor.organisationKind !== 'institution')
      throw new AppError('forbidden', 'transfer settings are a lab’s');
    return (await this.ctx.repo.settings(actor.organisationId))!;
  }

  async updateSettings(actor: Actor, input: TransferSettings): Promise<TransferSettings> {
    if (actor.role !== 'lab_manager' || actor.organisationKind !== 'institution')
      throw new AppError('forbidden', 'transfer settings are a lab’s');
    const bankAccount = input.bankAccount && {
      ...input.bankAccount,
      accountNo: input.bankAccount.accountNo.replace(/\s+/g, ' ').trim(),
    };
    await this.ctx.deps.db.write(async (tx) => {
      await this.ctx.repo.with(tx).updateSettings(actor.organisationId, { ...input, bankAccount }, this.ctx.now);
      await this.ctx.deps.audit?.record(
        {
          action: 'payment.transfer_settings',
          actor,
          subject: { type: 'organisation', id: actor.organisationId },
          details: {
            transferDueDays: input.transferDueDays,
            transferCancelUnpaid: input.transferCancelUnpaid,
            bankAccount: bankAccount ? `${bankAccount.bankName} ${bankAccount.accountNo}` : null,
          },
        },
        tx,
      );
    });
    return this.settings(actor);
  }

  /** The overdue rule over every notice (the `transfer-due` job). */
  overdue() {
    return this.overdueRule.run();
  }

  private async view(repo: TransfersRepo, actor: Actor, n: NoticeRow): Promise<NoticeView> {
    const { db } = this.ctx.deps;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const receipts = await repo.receipts(n.id);
    const names = new Map<number, string>();
    for (const r of receipts)
      if (r.recordedBy !== null && !names.has(r.recordedBy))
        names.set(
          r.recordedBy,
          (await db.value<string>(`SELECT display_name FROM users WHERE id = ?`, [r.recordedBy])) ?? '',
        );
    const instrumentName =
      (await db.value<string>(
        `SELECT i.name_zh FROM bookings b JOIN instruments i ON i.id = b.instrument_id WHERE b.id = ?`,
        [n.bookingId],
      )) ?? null;
    const excess = n.status === 'cancelled' ? n.receivedFen : Math.max(0, n.receivedFen - n.amountFen);
    const base = `/api/v1/payment-notices/${n.id}`;
    return {
      id: n.id,
      bookingId: n.bookingId,
      reference: n.reference,
      status: n.status,
      amountFen: n.amountFen,
      receivedFen: n.receivedFen,
      outstandingFen: n.status === 'cancelled' ? 0 : Math.max(0, n.amountFen - n.receivedFen),
      excessFen: excess,
      dueOn: n.dueOn,
      overdue: ['open', 'partly_paid', 'debt'].includes(n.status) && n.dueOn < localDate(this.ctx.now, ZONE),
      payee: n.payee,
      provider: { id: n.providerId, name: await repo.organisationName(n.providerId) },
      enterprise: { id: n.enterpriseId, name: await repo.organisationName(n.enterpriseId) },
      instrumentName,
      createdAt: new Date(n.createdAt).toISOString(),
      remindedAt: iso(n.remindedAt),
      closedAt: iso(n.closedAt),
      receipts: await Promise.all(
        receipts.map(async (r) => ({
          id: r.id,
          kind: r.kind,
          amountFen: r.amountFen,
          receivedOn: r.receivedOn,
          bankReference: r.bankReference,
          note: r.note,
          proof: r.proofDocumentId
            ? {
                fileName:
                  (await db.value<string>(`SELECT file_name FROM documents WHERE id = ?`, [r.proofDocumentId])) ??
                  'proof',
                url: `${base}/receipts/${r.id}/proof`,
              }
            : null,
          recordedBy: r.recordedBy === null ? null : (names.get(r.recordedBy) ?? null),
          recordedAt: new Date(r.recordedAt).toISOString(),
        })),
      ),
      pdfUrl: `${base}/pdf`,
      canRecord: canRecordReceipts(actor, n),
    };
  }
}
