/**
 * The automatic checks finance staff run on each claim line (domain.md, "Checks finance staff
 * run"), pure: the facts of the line come in, the verdicts go out. A line with a failing check can
 * only be approved with an override that records who and why.
 *
 * A verdict carries what it compared (`facts`, with the `variant` of the sentence that applies);
 * `describeCheck` says it in Chinese or English from the one table of sentences below.
 */
import type { BookingStatus, PriceLine } from '../../../db/schema/index.ts';
import type { Lang } from '../../shared/lang.ts';
import { formatFen } from '../../shared/money.ts';
import type { EligibleParts } from '../../../db/schema/vouchers.ts';
import { postedShare } from '../vouchers/rules.ts';

export interface LineFacts {
  voucherFen: number;
  booking: {
    status: string;
    mode: 'machine_time' | 'sample';
    finalFen: number | null;
    finalLines: PriceLine[];
    bookedMinutes: number | null;
    actualMinutes: number | null;
    sampleCount: number | null;
    actualSamples: number | null;
    /** Local date of the service. */
    serviceDate: string;
    hasReport: boolean;
  };
  use: {
    postedFen: number | null;
    reservedFen: number;
    ratioPercent: number;
    settlementMode: 'deduct' | 'reimburse';
    /** The eligible parts it was planned with (null or absent: every part). */
    parts?: EligibleParts | null;
    /** Co-funded orders: what the uses before it posted (absent: none). */
    earlierPostedFen?: number;
  };
  /** Co-funded orders: the deduct-mode shares the order's other uses posted (absent: none). */
  otherVouchersFen?: number;
  /** How the enterprise's own share was paid, and the proof it arrived (transfers/evidence.ts). */
  selfPay: SelfPayEvidence;
  /** The ratio the rules in force at the order give for the enterprise's and provider's places then. */
  ruleRatioPercent: number;
  /**
   * The published price per unit for this user type when the order was made (its price snapshot); for orders
   * from before snapshots, today's card's, of the item the booking is priced by (null: no item of the unit any more).
   */
  publishedUnitFen: number | null;
  /** The dates of the rules version the use was planned with (claimBy: the later of that and today's). */
  programme: { startsOn: string; useBy: string; claimBy: string; province: string };
  providerProvince: string;
  justification: string | null;
  related: boolean;
  today: string;
  invoiceNo: string | null;
  /**
   * The invoice (发票) as the claimant uploaded it, and what the order billed the enterprise (the whole
   * final price: the invoice covers the service, voucher share included); absent: nothing uploaded.
   */
  agreement?: AgreementFacts;
  invoice?: {
    amountFen: number | null;
    buyer: string | null;
    hasFile: boolean;
    billedFen: number;
    enterpriseName: string;
  };
}

/**
 * The proof of the self-pay share: the card's charge (captured less refunded), the bank transfer's
 * payment notice with its receipts, or nothing (an invoice by the lab proves no money arrived).
 */
/** The booking's service agreement (agreements/evidence.ts); null or absent: none was drawn up. */
export type AgreementFacts = { sha256: string; acceptedAt: string | null; acceptedBy: { name: string } | null } | null;

export type SelfPayEvidence =
  | { method: 'card'; chargeId: string | null; capturedFen: number; refundedFen: number }
  | {
      method: 'bank_transfer';
      /** Null: the booking has no notice (it was never confirmed). */
      notice: { reference: string; status: string; amountFen: number; receivedFen: number } | null;
      receipts: TransferEvidence[];
    }
  | { method: 'invoice' }
  | { method: 'none' };

/** One receipt or return of a bank transfer, as the check shows it. */
export interface TransferEvidence {
  kind: 'receipt' | 'return';
  amountFen: number;
  receivedOn: string;
  bankReference: string;
}

/** The unit a unit-priced line bills by. */
export type PriceUnit = 'hour' | 'sample';

/** What each check compared, by the variant of its sentence. Money in integer fen, dates `YYYY-MM-DD`. */
export interface CheckFacts {
  /** The self-pay share received: by which method, with its evidence (the name is the check's first one). */
  total_adds_up:
    | { variant: 'not_completed'; status: string }
    | { variant: 'none_due'; totalFen: number; voucherFen: number }
    | {
        variant: 'card';
        received: boolean;
        totalFen: number;
        voucherFen: number;
        selfPayFen: number;
        chargeId: string | null;
        capturedFen: number;
        refundedFen: number;
      }
    | {
        variant: 'transfer';
        received: boolean;
        totalFen: number;
        voucherFen: number;
        selfPayFen: number;
        reference: string | null;
        noticeStatus: string | null;
        noticeFen: number;
        receivedFen: number;
        receipts: TransferEvidence[];
      }
    | { variant: 'invoice' | 'unpaid'; totalFen: number; voucherFen: number; selfPayFen: number };
  ratio_and_caps:
    | { variant: 'within'; ratioPercent: number; totalFen: number; reservedFen: number }
    | {
        variant: 'off';
        claimedFen: number;
        /** What the voucher use posted; null: not posted. */
        postedFen: number | null;
        expectedFen: number;
        ratioPercent: number;
        ruleRatioPercent: number;
        reservedFen: number;
      };
  published_price:
    | { variant: 'no_unit_line' }
    | { variant: 'unpublished'; unit: PriceUnit; unitFen: number }
    | { variant: 'matches' | 'differs'; unit: PriceUnit; unitFen: number; publishedFen: number };
  usage_matches:
    | { variant: 'machine_time'; actualMinutes: number | null; bookedMinutes: number | null; billedHours: number }
    | { variant: 'sample'; actualSamples: number | null; sentSamples: number | null; billedSamples: number };
  within_validity: { variant: 'inside' | 'outside'; serviceDate: string; startsOn: string; useBy: string };
  claim_window: { variant: 'open' | 'closed'; claimBy: string; today: string };
  no_related_party: { variant: 'unrelated' | 'related' };
  out_of_province_justified:
    | { variant: 'in_province' }
    | { variant: 'justified'; providerProvince: string; justification: string }
    | { variant: 'unjustified'; providerProvince: string };
  evidence: { variant: 'complete' | 'no_report'; invoiceNo: string } | { variant: 'no_invoice' | 'neither' };
  /** The service agreement accepted by the enterprise (who, when, the document's SHA-256). */
  agreement_accepted:
    | { variant: 'none' }
    | { variant: 'accepted'; sha256: string; acceptedAt: string; acceptedBy: string }
    | { variant: 'not_accepted'; sha256: string };
  invoice_matches:
    | { variant: 'not_uploaded' }
    | {
        variant: 'matches' | 'mismatch';
        invoiceNo: string | null;
        amountFen: number | null;
        billedFen: number;
        buyer: string | null;
        enterpriseName: string;
        /** Which parts disagree (mismatch). */
        numberOk: boolean;
        amountOk: boolean;
        buyerOk: boolean;
      };
}

export type CheckName = keyof CheckFacts;

/** The eleven checks, in the order a line shows them. */
export const CHECK_NAMES = [
  'total_adds_up',
  'ratio_and_caps',
  'published_price',
  'usage_matches',
  'within_validity',
  'claim_window',
  'no_related_party',
  'out_of_province_justified',
  'evidence',
  'invoice_matches',
  'agreement_accepted',
] as const satisfies readonly CheckName[];

export type Check = { [N in CheckName]: { name: N; ok: boolean; facts: CheckFacts[N] } }[CheckName];

export function lineChecks(f: LineFacts): Check[] {
  const b = f.booking;
  const final = b.finalFen ?? 0;
  const voucherPart = (f.use.settlementMode === 'deduct' ? f.voucherFen : 0) + (f.otherVouchersFen ?? 0);
  const checks: Check[] = [];

  const received = selfPayCheck(b.status, final, voucherPart, f.selfPay);
  checks.push({ name: 'total_adds_up', ok: received.ok, facts: received.facts });

  // The ratio of the final price's eligible parts (as planned), held to the reserve and what earlier co-funders left.
  const expected = postedShare(
    final,
    b.finalLines,
    f.use.parts ?? null,
    f.use.ratioPercent,
    f.use.reservedFen,
    f.use.earlierPostedFen ?? 0,
  );
  const ratioOk =
    f.voucherFen === f.use.postedFen &&
    f.voucherFen === expected &&
    f.use.ratioPercent === f.ruleRatioPercent &&
    f.voucherFen <= f.use.reservedFen;
  checks.push({
    name: 'ratio_and_caps',
    ok: ratioOk,
    facts: ratioOk
      ? { variant: 'within', ratioPercent: f.use.ratioPercent, totalFen: final, reservedFen: f.use.reservedFen }
      : {
          variant: 'off',
          claimedFen: f.voucherFen,
          postedFen: f.use.postedFen,
          expectedFen: expected,
          ratioPercent: f.use.ratioPercent,
          ruleRatioPercent: f.ruleRatioPercent,
          reservedFen: f.use.reservedFen,
        },
  });

  const unitLine = b.finalLines.find((l) => l.kind === 'machine_time' || l.kind === 'samples');
  const priceOk = !unitLine || (f.publishedUnitFen !== null && unitLine.unitFen === f.publishedUnitFen);
  const unit: PriceUnit = unitLine?.kind === 'samples' ? 'sample' : 'hour';
  checks.push({
    name: 'published_price',
    ok: priceOk,
    facts: !unitLine
      ? { variant: 'no_unit_line' }
      : f.publishedUnitFen === null
        ? { variant: 'unpublished', unit, unitFen: unitLine.unitFen }
        : {
            variant: priceOk ? 'matches' : 'differs',
            unit,
            unitFen: unitLine.unitFen,
            publishedFen: f.publishedUnitFen,
          },
  });

  if (b.mode === 'machine_time') {
    const billed = b.finalLines.find((l) => l.kind === 'machine_time')?.quantity ?? 0;
    checks.push({
      name: 'usage_matches',
      ok: b.actualMinutes !== null && billed * 60 >= b.actualMinutes && billed * 60 < b.actualMinutes + 60,
      facts: {
        variant: 'machine_time',
        actualMinutes: b.actualMinutes,
        bookedMinutes: b.bookedMinutes,
        billedHours: billed,
      },
    });
  } else {
    const billed = b.finalLines.find((l) => l.kind === 'samples')?.quantity ?? 0;
    checks.push({
      name: 'usage_matches',
      ok: b.actualSamples !== null && billed === b.actualSamples,
      facts: { variant: 'sample', actualSamples: b.actualSamples, sentSamples: b.sampleCount, billedSamples: billed },
    });
  }

  const inside = b.serviceDate >= f.programme.startsOn && b.serviceDate <= f.programme.useBy;
  checks.push({
    name: 'within_validity',
    ok: inside,
    facts: {
      variant: inside ? 'inside' : 'outside',
      serviceDate: b.serviceDate,
      startsOn: f.programme.startsOn,
      useBy: f.programme.useBy,
    },
  });
  const open = f.today <= f.programme.claimBy;
  checks.push({
    name: 'claim_window',
    ok: open,
    facts: { variant: open ? 'open' : 'closed', claimBy: f.programme.claimBy, today: f.today },
  });
  checks.push({
    name: 'no_related_party',
    ok: !f.related,
    facts: { variant: f.related ? 'related' : 'unrelated' },
  });
  const outside = f.providerProvince !== f.programme.province;
  const justification = f.justification?.trim() ?? '';
  checks.push({
    name: 'out_of_province_justified',
    ok: !outside || Boolean(justification),
    facts: !outside
      ? { variant: 'in_province' }
      : justification
        ? { variant: 'justified', providerProvince: f.providerProvince, justification }
        : { variant: 'unjustified', providerProvince: f.providerProvince },
  });
  checks.push({
    name: 'evidence',
    ok: Boolean(f.invoiceNo) && b.hasReport,
    facts: f.invoiceNo
      ? { variant: b.hasReport ? 'complete' : 'no_report', invoiceNo: f.invoiceNo }
      : { variant: b.hasReport ? 'no_invoice' : 'neither' },
  });
  checks.push(invoiceCheck(f));
  checks.push(agreementCheck(f.agreement ?? null));
  return checks;
}

/**
 * The service agreement accepted by the enterprise. An order confirmed before the platform drew up
 * agreements has none: not held against it (the line shows there is none).
 */
function agreementCheck(a: AgreementFacts): Check {
  if (!a) return { name: 'agreement_accepted', ok: true, facts: { variant: 'none' } };
  if (!a.acceptedAt)
    return { name: 'agreement_accepted', ok: false, facts: { variant: 'not_accepted', sha256: a.sha256 } };
  return {
    name: 'agreement_accepted',
    ok: true,
    facts: { variant: 'accepted', sha256: a.sha256, acceptedAt: a.acceptedAt, acceptedBy: a.acceptedBy?.name ?? '' },
  };
}

/** A buyer's name as written on invoices: no spaces, full-width brackets as half-width. */
const buyerKey = (name: string) => name.replace(/\s+/g, '').replace(/（/g, '(').replace(/）/g, ')');

/** The uploaded invoice against the order: its number given, amount = the final price, buyer = the enterprise. */
function invoiceCheck(f: LineFacts): Check {
  const inv = f.invoice;
  if (!inv || (!inv.hasFile && inv.amountFen === null && inv.buyer === null))
    return { name: 'invoice_matches', ok: true, facts: { variant: 'not_uploaded' } };
  const numberOk = Boolean(f.invoiceNo);
  const amountOk = inv.amountFen === inv.billedFen;
  const buyerOk = inv.buyer !== null && buyerKey(inv.buyer) === buyerKey(inv.enterpriseName);
  const ok = numberOk && amountOk && buyerOk && inv.hasFile;
  return {
    name: 'invoice_matches',
    ok,
    facts: {
      variant: ok ? 'matches' : 'mismatch',
      invoiceNo: f.invoiceNo,
      amountFen: inv.amountFen,
      billedFen: inv.billedFen,
      buyer: inv.buyer,
      enterpriseName: inv.enterpriseName,
      numberOk,
      amountOk,
      buyerOk,
    },
  };
}

/**
 * The voucher share is paid out only once the enterprise's own share has arrived: the card captured
 * (less refunds) exactly the self-pay share, or the transfer's notice asks for it and has it (paid,
 * or overpaid with the excess to return). An invoice of the lab's is no proof of payment.
 */
function selfPayCheck(
  status: string,
  totalFen: number,
  voucherFen: number,
  e: SelfPayEvidence,
): { ok: boolean; facts: CheckFacts['total_adds_up'] } {
  if (status !== 'completed') return { ok: false, facts: { variant: 'not_completed', status } };
  const selfPayFen = totalFen - voucherFen;
  const base = { totalFen, voucherFen, selfPayFen };
  if (e.method === 'card') {
    const ok = e.capturedFen - e.refundedFen === selfPayFen;
    return {
      ok,
      facts: {
        variant: 'card',
        received: ok,
        ...base,
        chargeId: e.chargeId,
        capturedFen: e.capturedFen,
        refundedFen: e.refundedFen,
      },
    };
  }
  if (e.method === 'bank_transfer') {
    const n = e.notice;
    // The notice asks for what the booking finally cost the enterprise (amended at completion, every
    // programme's share of a co-funded order deducted): paid, or overpaid with the excess to return.
    const ok = n !== null && (n.status === 'paid' || n.status === 'overpaid') && n.receivedFen >= n.amountFen;
    return {
      ok,
      facts: {
        variant: 'transfer',
        received: ok,
        ...base,
        reference: n?.reference ?? null,
        noticeStatus: n?.status ?? null,
        noticeFen: n?.amountFen ?? 0,
        receivedFen: n?.receivedFen ?? 0,
        receipts: e.receipts,
      },
    };
  }
  if (selfPayFen <= 0) return { ok: selfPayFen === 0, facts: { variant: 'none_due', totalFen, voucherFen } };
  return { ok: false, facts: { variant: e.method === 'invoice' ? 'invoice' : 'unpaid', ...base } };
}

// What the checks say, in Chinese and English

/** One sentence in both languages. */
interface Said {
  zh: string;
  en: string;
}

/** Money for a sentence (¥1,234.56); never throws on a value that is not whole fen. */
const yuan = (fen: number) => (Number.isSafeInteger(fen) ? formatFen(fen) : '¥–');
/** A count that may be unknown. */
const n = (value: number | null) => (value === null || !Number.isFinite(value) ? '–' : String(value));
const eq = (same: boolean) => (same ? '=' : '≠');
/** An ISO instant as the platform's local minute (Asia/Shanghai, UTC+8 all year). */
const localMinute = (iso: string) => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '–' : new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
};

/** Booking statuses as a Chinese finance officer reads them (the SPA's booking.status words). */
const BOOKING_STATUS_ZH: Record<BookingStatus, string> = {
  pending_payment: '待支付',
  requested: '待审核',
  approved: '已确认',
  in_progress: '使用中',
  completed: '已完成',
  rejected: '已驳回',
  cancelled: '已取消',
  no_show: '爽约',
  payment_failed: '支付失败',
};
const statusZh = (status: string) => BOOKING_STATUS_ZH[status as BookingStatus] ?? status;
/** Payment notice statuses (the SPA's transfer.status words). */
const NOTICE_STATUS_ZH: Record<string, string> = {
  open: '待付款',
  partly_paid: '部分到账',
  paid: '已付清',
  overpaid: '多付待退',
  cancelled: '已取消',
  debt: '逾期欠款',
};
const noticeStatusZh = (status: string | null) => (status && NOTICE_STATUS_ZH[status]) || '–';
const UNIT: Record<PriceUnit, Said> = { hour: { zh: '小时', en: 'hour' }, sample: { zh: '样品', en: 'sample' } };
const unitOf = (unit: PriceUnit): Said => UNIT[unit] ?? UNIT.hour;

type Sentences = { [N in CheckName]: (f: CheckFacts[N]) => Said };

const SENTENCES: Sentences = {
  total_adds_up: (f) => {
    if (f.variant === 'not_completed')
      return {
        zh: `预约状态为“${statusZh(f.status)}”，服务尚未完成`,
        en: `the booking is ${f.status.replace(/_/g, ' ')}, not completed`,
      };
    if (f.variant === 'none_due')
      return {
        zh: `合计 ${yuan(f.totalFen)} = 创新券 ${yuan(f.voucherFen)}，无自付部分`,
        en: `total ${yuan(f.totalFen)} = voucher ${yuan(f.voucherFen)}; nothing to pay itself`,
      };
    const split = {
      zh: `合计 ${yuan(f.totalFen)} = 创新券 ${yuan(f.voucherFen)} + 自付 ${yuan(f.selfPayFen)}`,
      en: `total ${yuan(f.totalFen)} = voucher ${yuan(f.voucherFen)} + self-pay ${yuan(f.selfPayFen)}`,
    };
    if (f.variant === 'card') {
      const charge = f.chargeId ?? '–';
      return f.received
        ? {
            zh: `${split.zh}；自付已由银行卡支付：扣款 ${charge} 实扣 ${yuan(f.capturedFen)}${f.refundedFen ? `，退款 ${yuan(f.refundedFen)}` : ''}`,
            en: `${split.en}; self-pay paid by card: charge ${charge} captured ${yuan(f.capturedFen)}${f.refundedFen ? `, refunded ${yuan(f.refundedFen)}` : ''}`,
          }
        : {
            zh: `${split.zh}；自付未足额到账：银行卡扣款 ${charge} 实扣 ${yuan(f.capturedFen)}，退款 ${yuan(f.refundedFen)}`,
            en: `${split.en}; self-pay not received in full: card charge ${charge} captured ${yuan(f.capturedFen)}, refunded ${yuan(f.refundedFen)}`,
          };
    }
    if (f.variant === 'transfer') {
      if (!f.reference)
        return {
          zh: `${split.zh}；自付应对公转账，尚无付款通知书`,
          en: `${split.en}; self-pay by bank transfer, but no payment notice was issued`,
        };
      const list = f.receipts.map((r) => ({
        zh: `${r.receivedOn} ${r.kind === 'return' ? '退回' : '到账'} ${yuan(r.amountFen)}（流水号 ${r.bankReference}）`,
        en: `${r.kind === 'return' ? 'returned' : 'received'} ${yuan(r.amountFen)} on ${r.receivedOn} (bank ref. ${r.bankReference})`,
      }));
      const receipts = list.length
        ? { zh: `：${list.map((r) => r.zh).join('；')}`, en: `: ${list.map((r) => r.en).join('; ')}` }
        : { zh: '', en: '' };
      return f.received
        ? {
            zh: `${split.zh}；自付已对公转账到账：付款通知书 ${f.reference}，到账 ${yuan(f.receivedFen)}${receipts.zh}`,
            en: `${split.en}; self-pay received by bank transfer: notice ${f.reference}, ${yuan(f.receivedFen)} received${receipts.en}`,
          }
        : {
            zh: `${split.zh}；自付未确认到账：付款通知书 ${f.reference}（${noticeStatusZh(f.noticeStatus)}）应付 ${yuan(f.noticeFen)}，已到账 ${yuan(f.receivedFen)}${receipts.zh}`,
            en: `${split.en}; self-pay not received: notice ${f.reference} (${(f.noticeStatus ?? '').replace(/_/g, ' ')}) asks ${yuan(f.noticeFen)}, ${yuan(f.receivedFen)} received${receipts.en}`,
          };
    }
    return f.variant === 'invoice'
      ? {
          zh: `${split.zh}；自付记为服务单位开票收取，无到账凭证`,
          en: `${split.en}; self-pay billed on the lab's invoice: no proof it was received`,
        }
      : { zh: `${split.zh}；自付无支付记录`, en: `${split.en}; no payment of the self-pay share` };
  },
  ratio_and_caps: (f) => {
    if (f.variant === 'within')
      return {
        zh: `服务金额 ${yuan(f.totalFen)} 的 ${f.ratioPercent}%，未超出按限额冻结的 ${yuan(f.reservedFen)}`,
        en: `${f.ratioPercent}% of ${yuan(f.totalFen)}, within the ${yuan(f.reservedFen)} held under the caps`,
      };
    const posted: Said =
      f.postedFen === null
        ? { zh: '；该笔创新券尚未核销', en: '; the voucher use is not posted' }
        : f.postedFen !== f.claimedFen
          ? { zh: `；已核销 ${yuan(f.postedFen)}`, en: `; posted ${yuan(f.postedFen)}` }
          : { zh: '', en: '' };
    return {
      zh: `申报 ${yuan(f.claimedFen)}，按规则应为 ${yuan(f.expectedFen)}（补贴比例 ${f.ratioPercent}%，下单时政策比例 ${f.ruleRatioPercent}%，冻结额度 ${yuan(f.reservedFen)}）${posted.zh}`,
      en: `claimed ${yuan(f.claimedFen)}; the rules give ${yuan(f.expectedFen)} at ${f.ratioPercent}% (programme ratio at the order ${f.ruleRatioPercent}%, held ${yuan(f.reservedFen)})${posted.en}`,
    };
  },
  published_price: (f) => {
    if (f.variant === 'no_unit_line') return { zh: '无按单价计费的项目', en: 'no unit-priced line' };
    const unit = unitOf(f.unit);
    if (f.variant === 'unpublished')
      return {
        zh: `单价 ${yuan(f.unitFen)}/${unit.zh}，该收费项目已不再公示`,
        en: `${yuan(f.unitFen)} per ${unit.en}; the item is no longer published`,
      };
    const same = eq(f.variant === 'matches');
    return {
      zh: `单价 ${yuan(f.unitFen)}/${unit.zh} ${same} 公示价 ${yuan(f.publishedFen)}`,
      en: `${yuan(f.unitFen)} per ${unit.en} ${same} published ${yuan(f.publishedFen)}`,
    };
  },
  usage_matches: (f) =>
    f.variant === 'machine_time'
      ? {
          zh: `实际上机 ${n(f.actualMinutes)} 分钟（预约 ${n(f.bookedMinutes)} 分钟），计费 ${n(f.billedHours)} 小时`,
          en: `used ${n(f.actualMinutes)} min of ${n(f.bookedMinutes)} booked; billed ${n(f.billedHours)} h`,
        }
      : {
          zh: `实测样品 ${n(f.actualSamples)} 个（送样 ${n(f.sentSamples)} 个），计费 ${n(f.billedSamples)} 个`,
          en: `${n(f.actualSamples)} samples tested of ${n(f.sentSamples)} sent; billed ${n(f.billedSamples)}`,
        },
  within_validity: (f) =>
    f.variant === 'inside'
      ? {
          zh: `服务日期 ${f.serviceDate}，创新券有效期 ${f.startsOn} 至 ${f.useBy}`,
          en: `service on ${f.serviceDate}; vouchers valid ${f.startsOn} – ${f.useBy}`,
        }
      : {
          zh: `服务日期 ${f.serviceDate} 不在创新券有效期 ${f.startsOn} 至 ${f.useBy} 内`,
          en: `service on ${f.serviceDate}, outside the vouchers' validity ${f.startsOn} – ${f.useBy}`,
        },
  claim_window: (f) =>
    f.variant === 'open'
      ? { zh: `申领截止 ${f.claimBy}`, en: `claims until ${f.claimBy}` }
      : {
          zh: `申领已于 ${f.claimBy} 截止（今天 ${f.today}）`,
          en: `claims closed on ${f.claimBy} (today ${f.today})`,
        },
  no_related_party: (f) =>
    f.variant === 'related'
      ? {
          zh: '用户单位与服务单位已申报为关联方',
          en: 'the enterprise and the provider are declared related parties',
        }
      : { zh: '未申报关联关系', en: 'no declared relation' },
  out_of_province_justified: (f) =>
    f.variant === 'in_province'
      ? { zh: '服务单位在省内', en: 'provider in the province' }
      : f.variant === 'justified'
        ? {
            zh: `服务单位位于${f.providerProvince || '省外'}，省外服务说明：${f.justification}`,
            en: `provider in ${f.providerProvince || 'another province'}: ${f.justification}`,
          }
        : {
            zh: `服务单位位于${f.providerProvince || '省外'}，未提供省外服务说明`,
            en: `provider in ${f.providerProvince || 'another province'}: no justification`,
          },
  evidence: (f) => {
    const invoice: Said =
      f.variant === 'complete' || f.variant === 'no_report'
        ? { zh: `发票号 ${f.invoiceNo}`, en: `invoice ${f.invoiceNo}` }
        : { zh: '未填发票号', en: 'no invoice number' };
    const report: Said =
      f.variant === 'complete' || f.variant === 'no_invoice'
        ? { zh: '已附检测报告', en: 'report attached' }
        : { zh: '未附检测报告', en: 'no report' };
    return { zh: `${invoice.zh}；${report.zh}`, en: `${invoice.en}; ${report.en}` };
  },
  agreement_accepted: (f) => {
    if (f.variant === 'none')
      return {
        zh: '无平台服务协议（订单确认早于服务协议）',
        en: 'no platform service agreement (confirmed before agreements)',
      };
    const hash = f.sha256.slice(0, 12);
    if (f.variant === 'not_accepted')
      return {
        zh: `服务协议（SHA-256 ${hash}…）尚未经用户单位接受`,
        en: `service agreement (SHA-256 ${hash}…) not yet accepted by the enterprise`,
      };
    const at = localMinute(f.acceptedAt);
    return {
      zh: `服务协议（SHA-256 ${hash}…）已由 ${f.acceptedBy} 于 ${at} 接受`,
      en: `service agreement (SHA-256 ${hash}…) accepted by ${f.acceptedBy} on ${at}`,
    };
  },
  invoice_matches: (f) => {
    if (f.variant === 'not_uploaded')
      return { zh: '未上传发票文件（仅核对发票号）', en: 'no invoice file uploaded (number only)' };
    if (f.variant === 'matches')
      return {
        zh: `发票 ${f.invoiceNo ?? ''}：金额 ${yuan(f.amountFen ?? 0)} = 订单金额，购买方为用户单位“${f.enterpriseName}”`,
        en: `invoice ${f.invoiceNo ?? ''}: amount ${yuan(f.amountFen ?? 0)} = the order's, buyer is the enterprise "${f.enterpriseName}"`,
      };
    const zh: string[] = [];
    const en: string[] = [];
    if (!f.numberOk) {
      zh.push('未填发票号');
      en.push('no invoice number');
    }
    if (!f.amountOk) {
      zh.push(`发票金额 ${f.amountFen === null ? '未填' : yuan(f.amountFen)} ≠ 订单金额 ${yuan(f.billedFen)}`);
      en.push(`amount ${f.amountFen === null ? 'not given' : yuan(f.amountFen)} ≠ the order's ${yuan(f.billedFen)}`);
    }
    if (!f.buyerOk) {
      zh.push(`购买方“${f.buyer ?? ''}”≠ 用户单位“${f.enterpriseName}”`);
      en.push(`buyer "${f.buyer ?? ''}" ≠ the enterprise "${f.enterpriseName}"`);
    }
    if (!zh.length) {
      zh.push('未上传发票文件');
      en.push('no invoice file uploaded');
    }
    return { zh: `发票与订单不符：${zh.join('；')}`, en: `the invoice does not match the order: ${en.join('; ')}` };
  },
};

/** What a check compared, as one sentence in the reader's language. */
export function describeCheck(check: Check, lang: Lang): string {
  const say = SENTENCES[check.name] as ((f: Check['facts']) => Said) | undefined;
  if (!say) return '';
  return say(check.facts)[lang === 'en' ? 'en' : 'zh'];
}
