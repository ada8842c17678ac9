/** SQL of service agreements: the facts an agreement states, and the stored agreement with its acceptance. */
import { eq } from 'drizzle-orm';
import { fromJson, type Queryable } from '../../../db/port.ts';
import { serviceAgreements, type PriceLine } from '../../../db/schema/index.ts';
import type {
  BookingMode,
  BookingStatus,
  FundingSource,
  PaymentMethod,
  SettlementMode,
} from '../../../db/schema/enums.ts';

export type AgreementRow = typeof serviceAgreements.$inferSelect;

export interface Party {
  id: number;
  name: string;
  creditCode: string | null;
  address: string | null;
  legalRepresentative: string | null;
  contactName: string | null;
  contactPhone: string | null;
  cityCode: string | null;
}

/** What a booking's agreement states: the parties, the service, the price and its split, the terms. */
export interface AgreementFacts {
  bookingId: number;
  status: BookingStatus;
  mode: BookingMode;
  startAt: number | null;
  endAt: number | null;
  sampleCount: number | null;
  wantedBy: number | null;
  purpose: string | null;
  quotedFen: number;
  priceLines: PriceLine[];
  paymentMethod: PaymentMethod | null;
  fundingSource: FundingSource | null;
  createdAt: number;
  requesterName: string;
  instrument: { name: string; assetNumber: string; model: string | null; timeZone: string };
  enterprise: Party;
  provider: Party;
  /** The instrument's terms; null where the lab kept the platform's defaults. */
  cancellationDeadlineHours: number | null;
  noShowChargePercent: number | null;
  /** The lab's own rules and notes on its rate card. */
  labRules: string | null;
  vouchers: {
    programmeName: string;
    reservedFen: number;
    ratioPercent: number;
    settlementMode: SettlementMode;
    status: string;
  }[];
}

const party = (prefix: string) =>
  ['id', 'name', 'credit_code', 'address', 'legal_representative', 'contact_name', 'contact_phone', 'city_code']
    .map((c) => `${prefix}.${c} AS "${prefix}_${c}"`)
    .join(', ');

const FACTS_SQL = `SELECT b.id, b.status, b.mode, b.start_at, b.end_at, b.sample_count, b.wanted_by, b.purpose,
       b.quoted_fen, b.price_lines, b.payment_method, b.funding_source, b.created_at,
       u.display_name AS requester_name, i.name_zh AS instrument_name, i.asset_number, i.model, i.time_zone,
       s.cancellation_deadline_hours, s.no_show_charge_percent, r.notes AS lab_rules,
       ${party('e')}, ${party('p')}
  FROM bookings b JOIN instruments i ON i.id = b.instrument_id JOIN users u ON u.id = b.requester_id
  JOIN organisations e ON e.id = b.requester_organisation_id JOIN organisations p ON p.id = b.institution_id
  LEFT JOIN instrument_schedules s ON s.instrument_id = b.instrument_id
  LEFT JOIN rate_cards r ON r.instrument_id = b.instrument_id
 WHERE b.id = ?`;

const VOUCHERS_SQL = `SELECT v.name AS "programmeName", u.reserved_fen AS "reservedFen", u.ratio_percent AS "ratioPercent",
       u.settlement_mode AS "settlementMode", u.status
  FROM voucher_uses u JOIN voucher_programmes v ON v.id = u.programme_id
 WHERE u.booking_id = ? AND u.status <> 'released'
 ORDER BY u.sequence, u.id`;

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

function partyOf(r: Record<string, unknown>, prefix: string): Party {
  const get = (c: string) => r[`${prefix}_${c}`];
  return {
    id: Number(get('id')),
    name: String(get('name')),
    creditCode: str(get('credit_code')),
    address: str(get('address')),
    legalRepresentative: str(get('legal_representative')),
    contactName: str(get('contact_name')),
    contactPhone: str(get('contact_phone')),
    cityCode: str(get('city_code')),
  };
}

export class AgreementsRepo {
  constructor(private readonly q: Queryable) {}

  with(q: Queryable): AgreementsRepo {
    return new AgreementsRepo(q);
  }

  async facts(bookingId: number): Promise<AgreementFacts | undefined> {
    const r = await this.q.get<Record<string, unknown>>(FACTS_SQL, [bookingId]);
    if (!r) return undefined;
    const vouchers = await this.q.all<AgreementFacts['vouchers'][number]>(VOUCHERS_SQL, [bookingId]);
    return {
      bookingId: Number(r.id),
      status: r.status as BookingStatus,
      mode: r.mode as BookingMode,
      startAt: n(r.start_at),
      endAt: n(r.end_at),
      sampleCount: n(r.sample_count),
      wantedBy: n(r.wanted_by),
      purpose: str(r.purpose),
      quotedFen: Number(r.quoted_fen),
      priceLines: fromJson<PriceLine[]>(r.price_lines) ?? [],
      paymentMethod: (r.payment_method as PaymentMethod | null) ?? null,
      fundingSource: (r.funding_source as FundingSource | null) ?? null,
      createdAt: Number(r.created_at),
      requesterName: String(r.requester_name),
      instrument: {
        name: String(r.instrument_name),
        assetNumber: String(r.asset_number),
        model: str(r.model),
        timeZone: String(r.time_zone),
      },
      enterprise: partyOf(r, 'e'),
      provider: partyOf(r, 'p'),
      cancellationDeadlineHours: n(r.cancellation_deadline_hours),
      noShowChargePercent: n(r.no_show_charge_percent),
      labRules: str(r.lab_rules),
      vouchers: vouchers.map((v) => ({
        ...v,
        reservedFen: Number(v.reservedFen),
        ratioPercent: Number(v.ratioPercent),
      })),
    };
  }

  /** Bookings confirmed since `since` (still approved) that have no agreement yet, oldest first. */
  async confirmedWithout(since: number, limit: number): Promise<number[]> {
    return (
      await this.q.all<{ id: number }>(
        `SELECT b.id FROM bookings b
          WHERE b.status = 'approved' AND b.updated_at >= ?
            AND NOT EXISTS (SELECT 1 FROM service_agreements a WHERE a.booking_id = b.id)
          ORDER BY b.updated_at, b.id LIMIT ?`,
        [since, limit],
      )
    ).map((r) => Number(r.id));
  }

  async ofBooking(bookingId: number): Promise<AgreementRow | undefined> {
    return this.q.orm.select().from(serviceAgreements).where(eq(serviceAgreements.bookingId, bookingId)).get();
  }

  /** The agreement of a booking, once: false when another request stored one first (the unique booking id). */
  async insert(row: typeof serviceAgreements.$inferInsert): Promise<boolean> {
    const inserted = await this.q.orm
      .insert(serviceAgreements)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: serviceAgreements.id })
      .all();
    return inserted.length > 0;
  }

  /** Records the acceptance, once: false when it was accepted already. */
  async accept(
    bookingId: number,
    set: { acceptedBy: number; acceptedAt: number; acceptedFrom: string | null; acceptedUserAgent: string | null },
  ): Promise<boolean> {
    const r = await this.q.run(
      `UPDATE service_agreements SET accepted_by = ?, accepted_at = ?, accepted_from = ?, accepted_user_agent = ?
        WHERE booking_id = ? AND accepted_at IS NULL`,
      [set.acceptedBy, set.acceptedAt, set.acceptedFrom, set.acceptedUserAgent, bookingId],
    );
    return r.changes === 1;
  }

  async userName(id: number): Promise<string | null> {
    return (await this.q.value<string>(`SELECT display_name FROM users WHERE id = ?`, [id])) ?? null;
  }
}
