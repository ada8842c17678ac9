/** SQL of bank transfers: payment notices, their receipts and returns, and the labs' transfer settings. */
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { fromJson, type Queryable } from '../../../db/port.ts';
import {
  organisations,
  paymentNotices,
  transferReceipts,
  type BankAccount,
  type PaymentNoticeStatus,
} from '../../../db/schema/index.ts';

export type NoticeRow = typeof paymentNotices.$inferSelect;
export type ReceiptRow = typeof transferReceipts.$inferSelect;

/** A lab's rules for transfers (organisation settings). */
export interface TransferSettings {
  bankAccount: BankAccount | null;
  transferDueDays: number;
  transferCancelUnpaid: boolean;
}

/** Who a list is for: one enterprise's notices, one provider's, or all (the finance desk). */
export type NoticeScope = { enterpriseId: number } | { providerId: number } | 'all';

/** What reconciliation compares for each receipt or return: the record and its ledger transfer. */
export interface ReceiptLedgerRow {
  receiptId: number;
  noticeId: number;
  bookingId: number;
  kind: 'receipt' | 'return';
  amountFen: number;
  /** The ledger transfer's amount; null when there is none. */
  ledgerFen: number | null;
}

/** A notice's received total against its receipts less its returns. */
export interface NoticeTotalRow {
  noticeId: number;
  bookingId: number;
  reference: string;
  receivedFen: number;
  receiptsFen: number;
  returnsFen: number;
}

/** The ledger transfer of a receipt or return: derived from its id, so it is written at most once. */
export const receiptTransferId = (r: Pick<ReceiptRow, 'id' | 'kind'>) => `tr:${r.id}:${r.kind}`;

const RECEIPT_LEDGER_SQL = `SELECT r.id AS "receiptId", r.notice_id AS "noticeId", n.booking_id AS "bookingId", r.kind,
    r.amount_fen AS "amountFen", t.amount_fen AS "ledgerFen"
  FROM transfer_receipts r JOIN payment_notices n ON n.id = r.notice_id
  LEFT JOIN ledger_transfers t ON t.id = 'tr:' || r.id || ':' || r.kind
  ORDER BY r.id`;

const NOTICE_TOTALS_SQL = `SELECT n.id AS "noticeId", n.booking_id AS "bookingId", n.reference, n.received_fen AS "receivedFen",
    COALESCE((SELECT SUM(r.amount_fen) FROM transfer_receipts r WHERE r.notice_id = n.id AND r.kind = 'receipt'), 0) AS "receiptsFen",
    COALESCE((SELECT SUM(r.amount_fen) FROM transfer_receipts r WHERE r.notice_id = n.id AND r.kind = 'return'), 0) AS "returnsFen"
  FROM payment_notices n ORDER BY n.id`;

const BANK_ACCOUNT_SQL = `SELECT bank_account FROM organisations WHERE id = ?`;

/** A lab's bank-transfer settings, as columns to select. */
const SETTINGS_COLUMNS = {
  bankAccount: organisations.bankAccount,
  transferDueDays: organisations.transferDueDays,
  transferCancelUnpaid: organisations.transferCancelUnpaid,
};

export class TransfersRepo {
  constructor(private readonly q: Queryable) {}

  with(q: Queryable): TransfersRepo {
    return new TransfersRepo(q);
  }

  async settings(organisationId: number): Promise<TransferSettings | undefined> {
    return this.q.orm.select(SETTINGS_COLUMNS).from(organisations).where(eq(organisations.id, organisationId)).get();
  }

  /** The lab's receiving account alone (checked at every bank-transfer booking): prepared SQL, no query builder. */
  async bankAccount(organisationId: number): Promise<BankAccount | null> {
    const value = await this.q.value<unknown>(BANK_ACCOUNT_SQL, [organisationId]);
    return value === undefined || value === null ? null : fromJson<BankAccount>(value);
  }

  /** The settings a notice is issued with, and the lab's name (its fallback payee, its notification). */
  async noticeSettings(organisationId: number): Promise<(TransferSettings & { name: string }) | undefined> {
    return this.q.orm
      .select({ name: organisations.name, ...SETTINGS_COLUMNS })
      .from(organisations)
      .where(eq(organisations.id, organisationId))
      .get();
  }

  async updateSettings(organisationId: number, set: TransferSettings, now: number): Promise<void> {
    await this.q.orm
      .update(organisations)
      .set({ ...set, updatedAt: now })
      .where(eq(organisations.id, organisationId))
      .run();
  }

  async organisationName(id: number): Promise<string> {
    return (
      (await this.q.orm.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, id)).get())
        ?.name ?? ''
    );
  }

  /** The new notice, or undefined when the booking has one already (its unique index). */
  async insertNoticeOnce(row: typeof paymentNotices.$inferInsert): Promise<NoticeRow | undefined> {
    return this.q.orm
      .insert(paymentNotices)
      .values(row)
      .onConflictDoNothing({ target: paymentNotices.bookingId })
      .returning()
      .get();
  }

  async updateNotice(id: number, set: Partial<NoticeRow>): Promise<void> {
    await this.q.orm.update(paymentNotices).set(set).where(eq(paymentNotices.id, id)).run();
  }

  async notice(id: number): Promise<NoticeRow | undefined> {
    return this.q.orm.select().from(paymentNotices).where(eq(paymentNotices.id, id)).get();
  }

  async noticeOfBooking(bookingId: number): Promise<NoticeRow | undefined> {
    return this.q.orm.select().from(paymentNotices).where(eq(paymentNotices.bookingId, bookingId)).get();
  }

  async noticeByReference(reference: string): Promise<NoticeRow | undefined> {
    return this.q.orm.select().from(paymentNotices).where(eq(paymentNotices.reference, reference)).get();
  }

  async notices(scope: NoticeScope, statuses?: readonly PaymentNoticeStatus[], limit = 200): Promise<NoticeRow[]> {
    const where: SQL[] = [];
    if (scope !== 'all') {
      where.push(
        'enterpriseId' in scope
          ? eq(paymentNotices.enterpriseId, scope.enterpriseId)
          : eq(paymentNotices.providerId, scope.providerId),
      );
    }
    if (statuses?.length) where.push(inArray(paymentNotices.status, [...statuses]));
    return this.q.orm
      .select()
      .from(paymentNotices)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(paymentNotices.createdAt), desc(paymentNotices.id))
      .limit(limit)
      .all();
  }

  /** Notices unpaid past their due date (`today` local): what the overdue job looks at. */
  async overdue(today: string): Promise<NoticeRow[]> {
    return this.q.orm
      .select()
      .from(paymentNotices)
      .where(
        and(inArray(paymentNotices.status, ['open', 'partly_paid', 'debt']), sql`${paymentNotices.dueOn} < ${today}`),
      )
      .orderBy(asc(paymentNotices.id))
      .all();
  }

  async receipts(noticeId: number): Promise<ReceiptRow[]> {
    return this.q.orm
      .select()
      .from(transferReceipts)
      .where(eq(transferReceipts.noticeId, noticeId))
      .orderBy(asc(transferReceipts.id))
      .all();
  }

  async receipt(id: number): Promise<ReceiptRow | undefined> {
    return this.q.orm.select().from(transferReceipts).where(eq(transferReceipts.id, id)).get();
  }

  async receiptByBankReference(kind: 'receipt' | 'return', bankReference: string): Promise<ReceiptRow | undefined> {
    return this.q.orm
      .select()
      .from(transferReceipts)
      .where(and(eq(transferReceipts.kind, kind), eq(transferReceipts.bankReference, bankReference)))
      .get();
  }

  async insertReceipt(row: typeof transferReceipts.$inferInsert): Promise<ReceiptRow> {
    return (await this.q.orm.insert(transferReceipts).values(row).returning().get())!;
  }

  async setProof(receiptId: number, documentId: number): Promise<void> {
    await this.q.orm
      .update(transferReceipts)
      .set({ proofDocumentId: documentId })
      .where(eq(transferReceipts.id, receiptId))
      .run();
  }

  async receiptLedger(): Promise<ReceiptLedgerRow[]> {
    return (await this.q.all<ReceiptLedgerRow>(RECEIPT_LEDGER_SQL)).map((r) => ({
      ...r,
      amountFen: Number(r.amountFen),
      ledgerFen: r.ledgerFen === null ? null : Number(r.ledgerFen),
    }));
  }

  async noticeTotals(): Promise<NoticeTotalRow[]> {
    return (await this.q.all<NoticeTotalRow>(NOTICE_TOTALS_SQL)).map((r) => ({
      ...r,
      receivedFen: Number(r.receivedFen),
      receiptsFen: Number(r.receiptsFen),
      returnsFen: Number(r.returnsFen),
    }));
  }
}
