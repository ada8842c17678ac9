/**
 * Money recorded against a payment notice (到账确认): a receipt (money arrived, perhaps part of it,
 * perhaps too much) or a return (an excess, or the money of a cancelled booking, given back). Each
 * is one write transaction: the record, its ledger transfer (id derived from the record's), the
 * notice's received total and status, the audit entry and the enterprise's notification.
 *
 * Ledger: a receipt moves the amount from the enterprise's self-pay account to the provider's
 * account of transfers received (what the card's authorise-and-capture does through the processor);
 * a return moves it back.
 */
import { DateTime } from 'luxon';
import { constraintErrorOf } from '../../../db/port.ts';
import { AppError, badRequest } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { LINKS } from '../notifications/links.ts';
import { receivableNotice, ZONE, type TransfersContext } from './context.ts';
import { localDate, noticeStatus } from './rules.ts';
import { receiptTransferId, type ReceiptRow } from './transfers.repo.ts';

export interface ReceiptInput {
  amountFen: number;
  /** Local date the money arrived (receipt) or left (return). */
  receivedOn: string;
  bankReference: string;
  note?: string;
}

export class Receipts {
  constructor(private readonly ctx: TransfersContext) {}

  async record(actor: Actor, noticeId: number, kind: 'receipt' | 'return', input: ReceiptInput): Promise<ReceiptRow> {
    const { db, ledger, audit, notifier } = this.ctx.deps;
    const now = this.ctx.now;
    const dateField = kind === 'receipt' ? 'body.receivedOn' : 'body.returnedOn';
    const on = DateTime.fromISO(input.receivedOn, { zone: ZONE });
    if (!on.isValid || on.toISODate() !== input.receivedOn)
      throw badRequest('not a date', [{ path: dateField, message: 'a date YYYY-MM-DD' }]);
    if (input.receivedOn > localDate(now, ZONE))
      throw badRequest('the date is in the future', [{ path: dateField, message: 'after today' }]);
    try {
      return await db.write(async (tx) => {
        const repo = this.ctx.repo.with(tx);
        const n = await receivableNotice(repo, actor, noticeId);
        if (input.receivedOn < localDate(n.createdAt, ZONE))
          throw badRequest('the date is before the notice was issued', [
            { path: dateField, message: `before ${localDate(n.createdAt, ZONE)}` },
          ]);
        if (await repo.receiptByBankReference(kind, input.bankReference))
          throw new AppError('conflict', `the bank reference ${input.bankReference} is already recorded`, {
            reason: 'duplicate_bank_reference',
          });
        if (kind === 'return') {
          // Only what was paid beyond what is owed (all of it, for a cancelled booking) goes back.
          const excess = n.status === 'cancelled' ? n.receivedFen : n.receivedFen - n.amountFen;
          if (input.amountFen > excess)
            throw badRequest(
              excess > 0 ? `at most ${excess} fen can be returned` : 'nothing was paid beyond what is owed',
              [{ path: 'body.amountFen', message: `more than the excess ${Math.max(0, excess)}` }],
            );
        }
        const receipt = await repo.insertReceipt({
          noticeId: n.id,
          kind,
          amountFen: input.amountFen,
          receivedOn: input.receivedOn,
          bankReference: input.bankReference,
          note: input.note ?? null,
          recordedBy: actor.userId,
          recordedAt: now,
        });
        const a = await this.ctx.accounts(n, now);
        await ledger.create(
          {
            id: receiptTransferId(receipt),
            debit: kind === 'receipt' ? a.cash.id : a.received.id,
            credit: kind === 'receipt' ? a.received.id : a.cash.id,
            amountFen: input.amountFen,
            code: kind === 'receipt' ? 'transfer_receipt' : 'transfer_return',
            bookingId: n.bookingId,
            note: `${n.reference} · ${input.bankReference}`,
          },
          now,
        );
        const receivedFen = n.receivedFen + (kind === 'receipt' ? input.amountFen : -input.amountFen);
        const status = noticeStatus(n.amountFen, receivedFen, n.status);
        await repo.updateNotice(n.id, {
          receivedFen,
          status,
          closedAt: status === 'paid' || status === 'cancelled' ? (n.closedAt ?? now) : null,
          updatedAt: now,
        });
        await audit?.record(
          {
            action: kind === 'receipt' ? 'payment.transfer_receipt' : 'payment.transfer_return',
            actor,
            subject: { type: 'booking', id: n.bookingId },
            details: {
              noticeId: n.id,
              reference: n.reference,
              amountFen: input.amountFen,
              on: input.receivedOn,
              bankReference: input.bankReference,
              receivedFen,
              status,
            },
          },
          tx,
        );
        if (kind === 'receipt') {
          const requester = await tx.value<number>(`SELECT requester_id FROM bookings WHERE id = ?`, [n.bookingId]);
          if (requester !== undefined)
            await notifier?.notify(
              {
                type: 'transfer_received',
                to: [{ userId: Number(requester) }],
                data: {
                  noticeId: n.id,
                  bookingId: n.bookingId,
                  reference: n.reference,
                  amountFen: n.amountFen,
                  dueOn: n.dueOn,
                  providerName: await repo.organisationName(n.providerId),
                  receivedFen,
                  receiptFen: input.amountFen,
                },
                link: LINKS.booking(n.bookingId),
                key: `transfer_received:receipt:${receipt.id}`,
              },
              now,
            );
        }
        return receipt;
      });
    } catch (err) {
      // Two recordings of one bank reference at once: the unique index refuses the second.
      if (constraintErrorOf(err)?.kind === 'unique')
        throw new AppError('conflict', `the bank reference ${input.bankReference} is already recorded`, {
          reason: 'duplicate_bank_reference',
        });
      throw err;
    }
  }
}
