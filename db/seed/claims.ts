/**
 * The year's claims (兑付) on the usage history's voucher uses, so the finance dashboard tells the whole
 * money story: reserved → used → claimed → paid. Made through the real transfer and settlement services
 * at the dates they happened, so every ledger transfer is theirs (double-entry) and the reconciliation
 * finds what it finds in a real province:
 *
 * - the enterprises paid their own share of each voucher job by bank transfer against the job's payment
 *   notice (付款通知书), and the lab confirmed it (到账确认) a few days after the service;
 * - each lab claims a month's voucher uses early in the following month (one batch per provider,
 *   programme and month), with an invoice number per line; a few labs are late with a month;
 * - the enterprises' city offices review the lines (almost all approved, a few rejected), and the
 *   province's office (finance2@demo.test, who approved nothing) pays the reviewed batches later that month.
 *
 * As of the demo's "now" (end of October 2026): January–August paid, September's claims submitted and
 * under review (some reviewed, awaiting payment), October's uses not yet claimed. Not at the demo
 * accounts' own labs or enterprises (their claims tell the demo's stories, settlement.ts).
 * Deterministic for a given seed.
 */
import { DateTime } from 'luxon';
import type { Database } from '../port.ts';
import type { BankAccount } from '../schema/settlement.ts';
import type { Actor } from '../../server/modules/auth/actor.ts';
import { CatalogRepo } from '../../server/modules/catalog/catalog.repo.ts';
import { Ledger } from '../../server/modules/ledger/ledger.ts';
import { BatchClaims } from '../../server/modules/settlement/batches.ts';
import { officeOfLine, type SettlementContext } from '../../server/modules/settlement/context.ts';
import { BatchReview } from '../../server/modules/settlement/review.ts';
import type { BatchView } from '../../server/modules/settlement/settlement.schemas.ts';
import { SettlementRepo, type BatchRow } from '../../server/modules/settlement/settlement.repo.ts';
import { BatchReads } from '../../server/modules/settlement/views.ts';
import { TransfersContext } from '../../server/modules/transfers/context.ts';
import { NoticeBook } from '../../server/modules/transfers/notices.ts';
import { Receipts } from '../../server/modules/transfers/receipts.ts';
import { VouchersRepo } from '../../server/modules/vouchers/vouchers.repo.ts';
import { AppError } from '../../server/shared/errors.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { DEMO_ACCOUNTS, MORE_DEMO_ACCOUNTS } from './accounts.ts';
import { mobile, person } from './places.ts';
import { Rng } from './random.ts';

const ZONE = 'Asia/Shanghai';
/** Claims of months up to this one are paid; later months' are still under review (or not yet claimed). */
const LAST_PAID_MONTH = '2026-08';
/** The last month claimed: the demo's current month (October) is only used. */
const LAST_CLAIMED_MONTH = '2026-09';
/** Who pays the province's programme: an officer of the paying office who approved none of it (four-eyes). */
const PAYER_EMAIL = 'finance2@demo.test';

export interface ClaimHistoryResult {
  batches: number;
  paidBatches: number;
  paidFen: number;
  claimedFen: number;
}

interface UseRow {
  useId: number;
  bookingId: number;
  programmeId: number;
  providerId: number;
  enterpriseId: number;
  requesterId: number;
  postedFen: number;
  finalFen: number;
  startAt: number;
  endAt: number;
  postedAt: number;
}

/**
 * The settlement module's reads with the answer each change gives left out: the seed makes hundreds of
 * batches and reads the rows it needs itself (the checks each decision runs are the real ones).
 */
class SeedReads extends BatchReads {
  override view(_repo: SettlementRepo, b: BatchRow): Promise<BatchView> {
    return Promise.resolve({ id: b.id } as BatchView);
  }

  override viewOf(id: number): Promise<BatchView> {
    return Promise.resolve({ id } as BatchView);
  }
}

/** The programmes do not change while the seed claims: each is read once (the repository otherwise reads it per step). */
class SeedVouchersRepo extends VouchersRepo {
  private readonly cachedProgrammes = new Map<number, ReturnType<VouchersRepo['programme']>>();

  override programme(id: number): ReturnType<VouchersRepo['programme']> {
    if (!this.cachedProgrammes.has(id)) this.cachedProgrammes.set(id, super.programme(id));
    return this.cachedProgrammes.get(id)!;
  }
}

const ACTOR_SQL = `SELECT u.id AS "userId", u.role, u.organisation_id AS "organisationId", o.kind AS "organisationKind",
   o.city_code AS "cityCode"
 FROM users u JOIN organisations o ON o.id = u.organisation_id`;

export async function seedClaimHistory(db: Database, options: { seed: number }): Promise<ClaimHistoryResult> {
  const none = { batches: 0, paidBatches: 0, paidFen: 0, claimedFen: 0 };
  if (Number(await db.value('SELECT COUNT(*) FROM settlement_batches')) > 0) return none;
  const demoEmails = [...Object.values(DEMO_ACCOUNTS), ...MORE_DEMO_ACCOUNTS].map((a) => a.email.toLowerCase());
  const demoOrgs = new Set(
    await db.column<number>(
      `SELECT DISTINCT organisation_id FROM users WHERE email IN (${demoEmails.map(() => '?').join(', ')})`,
      demoEmails,
    ),
  );
  // The usage history's voucher jobs (deduct mode, settled offline so far: no payment method yet).
  const uses = (
    await db.all<UseRow>(
      `SELECT u.id AS "useId", u.booking_id AS "bookingId", u.programme_id AS "programmeId", u.provider_id AS "providerId",
         u.enterprise_id AS "enterpriseId", b.requester_id AS "requesterId", u.posted_fen AS "postedFen",
         b.final_fen AS "finalFen", b.start_at AS "startAt", b.end_at AS "endAt", u.updated_at AS "postedAt"
       FROM voucher_uses u JOIN bookings b ON b.id = u.booking_id JOIN voucher_programmes p ON p.id = u.programme_id
       WHERE u.status = 'posted' AND b.status = 'completed' AND b.payment_method IS NULL AND p.settlement_mode = 'deduct'
       ORDER BY u.updated_at, u.id`,
    )
  ).filter((u) => !demoOrgs.has(u.providerId) && !demoOrgs.has(u.enterpriseId));
  if (!uses.length) return none;
  const rng = Rng.stream(options.seed, 'claims');

  // ---- the people who act: a lab manager at each claiming lab, a finance officer at each city office ----
  const passwordHash = await db.value<string>('SELECT password_hash FROM users WHERE email = ?', [
    DEMO_ACCOUNTS.labManager.email,
  ]);
  const providers = [...new Set(uses.map((u) => u.providerId))].sort((a, b) => a - b);
  const offices = await db.column<number>(`SELECT id FROM organisations WHERE kind = 'finance_office' ORDER BY id`);
  const staffOf = new Map<number, Actor>();
  const actorOf = async (where: string, params: unknown[]) =>
    db.get<Actor>(`${ACTOR_SQL} WHERE ${where} ORDER BY u.id LIMIT 1`, params as never);
  await db.write(async () => {
    const add = async (orgId: number, role: 'lab_manager' | 'finance_officer', domain: string) => {
      const existing = await actorOf('u.organisation_id = ? AND u.role = ?', [orgId, role]);
      if (existing) return staffOf.set(orgId, existing);
      const p = person(rng);
      const createdAt = Number(await db.value('SELECT created_at FROM organisations WHERE id = ?', [orgId]));
      await db.run(
        `INSERT INTO users (email, password_hash, display_name, role, organisation_id, phone, created_at,
           email_verified_at, password_changed_at, org_admin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          `${role === 'lab_manager' ? 'gx' : 'cw'}.${p.pinyin}.${orgId}@${domain}.demo.test`,
          passwordHash,
          p.name,
          role,
          orgId,
          mobile(rng),
          createdAt,
          createdAt,
          createdAt,
          false,
        ],
      );
      staffOf.set(orgId, (await actorOf('u.organisation_id = ? AND u.role = ?', [orgId, role]))!);
    };
    for (const id of providers) {
      // The lab's mail domain, as its member's address has it.
      const email = await db.value<string>('SELECT email FROM users WHERE organisation_id = ? ORDER BY id LIMIT 1', [
        id,
      ]);
      await add(id, 'lab_manager', email?.split('@')[1]?.replace(/\.demo\.test$/, '') ?? 'lab');
    }
    for (const id of offices) await add(id, 'finance_officer', 'kjj');
  });
  const payer = await actorOf('u.email = ?', [PAYER_EMAIL]);

  const clock = fixedClock(0);
  const ledger = new Ledger(db);
  // The transfer and settlement use cases, as their services compose them (settlement.service.ts).
  const transfersCtx = new TransfersContext({ db, ledger, clock });
  const notices = new NoticeBook(transfersCtx);
  const receipts = new Receipts(transfersCtx);
  const repo = new SettlementRepo(db);
  const ctx: SettlementContext = {
    db,
    repo,
    vouchers: new SeedVouchersRepo(db),
    catalog: new CatalogRepo(db),
    ledger,
    clock,
  };
  const reads = new SeedReads(ctx);
  const claims = new BatchClaims(ctx, reads);
  const review = new BatchReview(ctx, reads);
  const linesOf = async (batchId: number) => {
    const b = (await repo.batch(batchId))!;
    return (await repo.lines(batchId)).map((l) => ({ ...l, office: officeOfLine(l, b) }));
  };
  const at = (iso: string, hour: number, minute = 0) =>
    DateTime.fromISO(iso, { zone: ZONE }).set({ hour, minute }).toMillis();
  const localDate = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE }).toISODate()!;

  const result = { ...none };
  // One transaction: thousands of small commits would each wait for the disk (the services' writes are its savepoints).
  await db.write(async () => {
    // ---- the self-pay shares: paid by bank transfer against the job's notice, confirmed by the lab ----
    const bookingIds = [...new Set(uses.map((u) => u.bookingId))];
    for (let i = 0; i < bookingIds.length; i += 500) {
      const part = bookingIds.slice(i, i + 500);
      await db.run(
        `UPDATE bookings SET payment_method = 'bank_transfer',
           report_url = 'https://reports.example.cn/2026/' || CAST(id AS TEXT) || '.pdf'
         WHERE id IN (${part.map(() => '?').join(', ')})`,
        part,
      );
    }
    const voucherOf = new Map<number, number>();
    for (const u of uses) voucherOf.set(u.bookingId, (voucherOf.get(u.bookingId) ?? 0) + u.postedFen);
    const seen = new Set<number>();
    for (const u of uses) {
      if (seen.has(u.bookingId)) continue;
      seen.add(u.bookingId);
      const lab = staffOf.get(u.providerId)!;
      const selfPay = u.finalFen - voucherOf.get(u.bookingId)!;
      clock.set(u.endAt);
      const notice = await notices.open(
        {
          id: u.bookingId,
          institutionId: u.providerId,
          requesterOrganisationId: u.enterpriseId,
          requesterId: u.requesterId,
          startAt: u.startAt,
        },
        selfPay,
        u.endAt,
      );
      if (selfPay <= 0) continue;
      // The money arrived within a few days of the service; the lab confirmed it on the day.
      clock.set(u.endAt + (1 + Math.floor(rng.next() * 4)) * 86_400_000);
      await receipts.record(lab, notice.id, 'receipt', {
        amountFen: selfPay,
        receivedOn: localDate(clock.now()),
        bankReference: `HIS${String(u.bookingId).padStart(9, '0')}`,
        note: '对公转账到账',
      });
    }

    // ---- the claims: one batch per lab, programme and month ----
    const groups = new Map<string, { providerId: number; programmeId: number; month: string }>();
    for (const u of uses) {
      const month = DateTime.fromMillis(u.postedAt, { zone: ZONE }).toFormat('yyyy-MM');
      if (month > LAST_CLAIMED_MONTH) continue;
      const key = `${month}:${u.providerId}:${u.programmeId}`;
      if (!groups.has(key)) groups.set(key, { providerId: u.providerId, programmeId: u.programmeId, month });
    }
    const ordered = [...groups.values()].sort(
      (a, b) => a.month.localeCompare(b.month) || a.providerId - b.providerId || a.programmeId - b.programmeId,
    );
    for (const g of ordered) {
      const paid = g.month <= LAST_PAID_MONTH;
      // A few labs are late with a month (its uses still only used).
      if (rng.chance(paid ? 0.06 : 0.12)) continue;
      const next = DateTime.fromISO(`${g.month}-01`, { zone: ZONE }).plus({ months: 1 });
      const lab = staffOf.get(g.providerId)!;
      clock.set(at(next.plus({ days: 2 + Math.floor(rng.next() * 8) }).toISODate()!, 9, Math.floor(rng.next() * 60)));
      const { id } = await claims.create(lab, { programmeId: g.programmeId, month: g.month });
      for (const line of await repo.lines(id))
        await claims.updateLine(lab, id, line.id, {
          invoiceNo: `2637${g.month.slice(2, 4)}${String(line.bookingId).padStart(10, '0')}`,
        });
      clock.advance(2 * 3600_000);
      const account = await db.value<string>('SELECT bank_account FROM organisations WHERE id = ?', [g.providerId]);
      await claims.submit(lab, id, JSON.parse(account!) as BankAccount);
      const lines = await linesOf(id);
      result.batches++;
      result.claimedFen += lines.reduce((s, l) => s + l.voucherFen, 0);
      // The city offices review within two weeks (September's: some still waiting at the demo's "now").
      if (!paid && rng.chance(0.45)) continue;
      clock.set(at(next.plus({ days: 12 + Math.floor(rng.next() * 5) }).toISODate()!, 10));
      for (const line of lines) {
        const office = staffOf.get(line.office)!;
        clock.advance(5 * 60_000);
        if (rng.chance(0.03)) {
          await review.decide(office, id, line.id, 'reject', { reason: '服务记录与发票内容不符' });
          continue;
        }
        try {
          await review.decide(office, id, line.id, 'approve', {});
        } catch (err) {
          // A check the office verified by hand (imported history): approved with its reason.
          if (!(err instanceof AppError) || err.code !== 'conflict') throw err;
          await review.decide(office, id, line.id, 'approve', { overrideReason: '历史订单，已人工核对原始凭证' });
        }
      }
      if (!paid || !payer) continue;
      if (!(await repo.lines(id)).some((l) => l.status === 'approved')) continue; // every line rejected
      clock.set(at(next.plus({ days: 20 + Math.floor(rng.next() * 6) }).toISODate()!, 15));
      await review.pay(payer, id, `鲁财国库支付${next.toFormat('yyyyMM')}${id}`);
      result.paidBatches++;
      result.paidFen += (await repo.batch(id))!.paidFen ?? 0;
    }
  });
  return result;
}
