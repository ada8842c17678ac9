/**
 * A booking's payment notice (付款通知书) through its life, as checkout's hooks drive it inside the
 * booking's own transactions: issued when the booking is confirmed (at the request when the lab
 * needs no approval, else at approval), its amount brought to the final self-pay share at completion
 * (or to the no-show fee), and cancelled with the booking.
 */
import type { BankAccount } from '../../../db/schema/index.ts';
import { LINKS } from '../notifications/links.ts';
import type { TransfersContext } from './context.ts';
import { ZONE } from './context.ts';
import { dueOn, noticeStatus, referenceOf } from './rules.ts';
import type { NoticeRow } from './transfers.repo.ts';

/** What a notice is issued from: the booking (its ids and start). */
export interface NoticeBooking {
  id: number;
  institutionId: number;
  requesterOrganisationId: number;
  requesterId: number;
  startAt: number | null;
}

/** What checkout calls (checkout/context.ts `TransferHooks`); each joins the caller's transaction. */
export class NoticeBook {
  constructor(private readonly ctx: TransfersContext) {}

  /** The provider's receiving account; null: it has none (checkout then refuses bank transfer). */
  async payeeOf(providerId: number): Promise<BankAccount | null> {
    return this.ctx.repo.bankAccount(providerId);
  }

  /**
   * Issues the notice of a confirmed booking (once: a second call finds it). Three statements in
   * all — the lab's settings and name, the insert, the event the enterprise is told of after commit —
   * as it runs inside every bank-transfer booking's write.
   */
  async open(b: NoticeBooking, amountFen: number, now: number): Promise<NoticeRow> {
    const { repo } = this.ctx;
    const provider = (await repo.noticeSettings(b.institutionId))!;
    // Checked at checkout; a lab that removed its account since still gets a notice the enterprise can
    // act on once the lab sets it again — the payee is what the PDF shows, so it is never empty.
    const payee = provider.bankAccount ?? {
      bankName: '（服务单位尚未登记收款账户）',
      accountName: provider.name,
      accountNo: '—',
    };
    const notice = await repo.insertNoticeOnce({
      bookingId: b.id,
      providerId: b.institutionId,
      enterpriseId: b.requesterOrganisationId,
      reference: referenceOf(b.id),
      payee,
      amountFen,
      receivedFen: 0,
      dueOn: dueOn(now, provider.transferDueDays, b.startAt, ZONE),
      status: amountFen === 0 ? 'paid' : 'open',
      createdAt: now,
      updatedAt: now,
    });
    if (!notice) return (await repo.noticeOfBooking(b.id))!; // issued before: told then
    await this.ctx.deps.notifier?.notifyLater(
      {
        type: 'payment_notice_issued',
        to: [{ userId: b.requesterId }],
        data: {
          noticeId: notice.id,
          bookingId: b.id,
          reference: notice.reference,
          amountFen,
          dueOn: notice.dueOn,
          providerName: provider.name,
        },
        link: LINKS.booking(b.id),
        key: `payment_notice_issued:notice:${notice.id}`,
      },
      now,
    );
    return notice;
  }

  /** The amount becomes what the booking finally costs the enterprise (completion, no-show). */
  async amend(bookingId: number, amountFen: number, now: number): Promise<void> {
    const { repo } = this.ctx;
    const n = await repo.noticeOfBooking(bookingId);
    if (!n || n.status === 'cancelled') return;
    const status = noticeStatus(amountFen, n.receivedFen, n.status);
    await repo.updateNotice(n.id, {
      amountFen,
      status,
      closedAt: status === 'paid' ? (n.closedAt ?? now) : null,
      updatedAt: now,
    });
  }

  /** The booking was cancelled or rejected: nothing more is owed (money received is given back by a return). */
  async cancel(bookingId: number, now: number): Promise<void> {
    const { repo } = this.ctx;
    const n = await repo.noticeOfBooking(bookingId);
    if (!n || n.status === 'cancelled') return;
    await repo.updateNotice(n.id, { status: 'cancelled', closedAt: now, updatedAt: now });
  }
}
