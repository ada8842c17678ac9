/**
 * What every checkout use case shares: its dependencies, the clock, the idempotency keys made from
 * local records, and the ledger accounts a booking's money moves between.
 */
import type { Database } from '../../../db/port.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { BookingRow } from '../booking/booking.repo.ts';
import type { BookingService } from '../booking/booking.service.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { PaymentRow, PaymentsRepo } from '../payments/payments.repo.ts';
import type { Charge, PaymentProvider } from '../payments/provider.ts';
import type { VouchersService } from '../vouchers/vouchers.service.ts';
import type { NoticeBook } from '../transfers/notices.ts';
import type { Notifier } from '../notifications/notifier.ts';

/** Test hook: throw from here to play a crash between a processor call and the local write. */
export interface CheckoutFaults {
  beforeProcessorCall?(step: 'authorise', paymentId: number): void;
  afterProcessorCall?(step: 'authorise' | 'capture' | 'release', paymentId: number): void;
}

export interface CheckoutDeps {
  /** The database the use cases' transactions run on (the other modules' calls join them). */
  db: Database;
  bookings: BookingService;
  vouchers: VouchersService;
  ledger: Ledger;
  payments: PaymentsRepo;
  provider: PaymentProvider;
  clock: Clock;
  currency?: string;
  faults?: CheckoutFaults;
  /** An authorisation nobody could confirm for this long is undone (default 10 minutes). */
  giveUpAfterMs?: number;
  /**
   * Bank transfer's payment notices (transfers/notices.ts), issued, amended and cancelled inside the
   * booking's transactions. Absent: a booking without a card token is billed on the lab's invoice.
   */
  transfers?: Pick<NoticeBook, 'payeeOf' | 'open' | 'amend' | 'cancel'>;
  /** The security audit log: money authorised, captured, released and refunded (absent in seeds). */
  audit?: AuditLog;
  /**
   * CARD_AUTHORISATION: `window` (default) authorises the card within the processor's window before
   * the service (card-window.ts); `confirmation` captures the self-pay share when the booking is confirmed.
   */
  cardAuthorisation?: CardAuthorisation;
  /** How many days before the service a saved card is authorised, and how old a hold may grow (default 6). */
  authorisationWindowDays?: number;
  /** Tells the enterprise when its card payment needs a new card (absent in seeds). */
  notifier?: Notifier;
}

export const cardAuthorisations = ['window', 'confirmation'] as const;
export type CardAuthorisation = (typeof cardAuthorisations)[number];

export class CheckoutContext {
  readonly currency: string;
  private installation: string | null = null;

  constructor(readonly deps: CheckoutDeps) {
    this.currency = deps.currency ?? 'cny';
  }

  get now(): number {
    return this.deps.clock.now();
  }

  /**
   * This installation's id, read once. Two first calls racing both read the same stored id (the
   * repository inserts it only into an empty table, one insert winning on either engine, and reads
   * it back), so the cache is safe.
   */
  async installationId(): Promise<string> {
    this.installation ??= await this.deps.payments.installationId(this.now);
    return this.installation;
  }

  /** Idempotency keys come from local records: this installation, the payment, the step. */
  async key(p: Pick<PaymentRow, 'id'>, step: string): Promise<string> {
    return `isp-${await this.installationId()}-pay-${p.id}-${step}`;
  }

  /** CARD_AUTHORISATION (default `window`). */
  get mode(): CardAuthorisation {
    return this.deps.cardAuthorisation ?? 'window';
  }

  /** The processor's authorisation window, kept inside its ~7 days (default 6 days). */
  get windowMs(): number {
    return (this.deps.authorisationWindowDays ?? 6) * 24 * 3600_000;
  }

  /**
   * The key step of the payment's current authorisation: the first is `authorise` (as always), a
   * renewal or a new card `authorise-<attempt>` (a declined key answers the same decline again).
   */
  authoriseStep(p: Pick<PaymentRow, 'attempt'>): string {
    return p.attempt ? `authorise-${p.attempt}` : 'authorise';
  }

  /** The ledger id of the payment's current card hold (pending): one per authorisation attempt. */
  holdId(p: Pick<PaymentRow, 'id' | 'attempt'>): string {
    return p.attempt ? `pay:${p.id}:authorise-${p.attempt}` : `pay:${p.id}:authorise`;
  }

  /** Whether a charge at the processor is this payment's (by the metadata we gave it). */
  ours(c: Charge, paymentId: number, installation: string): boolean {
    return c.metadata.payment_id === String(paymentId) && c.metadata.installation === installation;
  }

  /**
   * The accounts a booking's card and invoice money moves between, opened on first use. Inside the
   * caller's transaction; opened one after the other, in this order, as always.
   */
  async accounts(b: Pick<BookingRow, 'institutionId' | 'requesterOrganisationId'>, now: number) {
    const { ledger } = this.deps;
    const cash = await ledger.account(
      {
        code: `enterprise:${b.requesterOrganisationId}:cash`,
        kind: 'enterprise_cash',
        name: `用户单位 ${b.requesterOrganisationId} · 自付资金 self-pay`,
        organisationId: b.requesterOrganisationId,
      },
      now,
    );
    const fromProcessor = await ledger.account(
      {
        code: `provider:${b.institutionId}:receivable:processor`,
        kind: 'provider_receivable_processor',
        name: `服务单位 ${b.institutionId} · 应收支付机构 from processor`,
        organisationId: b.institutionId,
      },
      now,
    );
    const fromEnterprise = await ledger.account(
      {
        code: `provider:${b.institutionId}:receivable:enterprise`,
        kind: 'provider_receivable_enterprise',
        name: `服务单位 ${b.institutionId} · 应收用户（发票）from invoices`,
        organisationId: b.institutionId,
      },
      now,
    );
    const clearing = await ledger.account(
      { code: 'processor:clearing', kind: 'processor_clearing', name: '支付机构清算 processor clearing' },
      now,
    );
    const platform = await ledger.account({ code: 'platform', kind: 'platform', name: '平台 platform' }, now);
    return { cash, fromProcessor, fromEnterprise, clearing, platform };
  }
}
