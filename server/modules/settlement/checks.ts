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
import { finalShare } from '../vouchers/rules.ts';

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
  use: { postedFen: number | null; reservedFen: number; ratioPercent: number; settlementMode: 'deduct' | 'reimburse' };
  /** What the enterprise paid itself: captured on the card less refunds, or invoiced. */
  selfPaidFen: number;
  /** The ratio the programme's rules give today for this enterprise and provider. */
  ruleRatioPercent: number;
  /**
   * The published price per unit for this user type now, of the item the booking is priced by (the one it booked
   * while still on the card, else the first of the unit; null: the card has no item of the unit any more).
   */
  publishedUnitFen: number | null;
  programme: { startsOn: string; useBy: string; claimBy: string; province: string };
  providerProvince: string;
  justification: string | null;
  related: boolean;
  today: string;
  invoiceNo: string | null;
}

/** The unit a unit-priced line bills by. */
export type PriceUnit = 'hour' | 'sample';

/** What each check compared, by the variant of its sentence. Money in integer fen, dates `YYYY-MM-DD`. */
export interface CheckFacts {
  total_adds_up:
    | { variant: 'not_completed'; status: string }
    | { variant: 'adds_up' | 'differs'; totalFen: number; voucherFen: number; selfPayFen: number };
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
}

export type CheckName = keyof CheckFacts;

/** The nine checks, in the order a line shows them. */
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
] as const satisfies readonly CheckName[];

export type Check = { [N in CheckName]: { name: N; ok: boolean; facts: CheckFacts[N] } }[CheckName];

export function lineChecks(f: LineFacts): Check[] {
  const b = f.booking;
  const final = b.finalFen ?? 0;
  const voucherPart = f.use.settlementMode === 'deduct' ? f.voucherFen : 0;
  const checks: Check[] = [];

  const paid = voucherPart + f.selfPaidFen;
  checks.push({
    name: 'total_adds_up',
    ok: b.status === 'completed' && paid === final,
    facts:
      b.status !== 'completed'
        ? { variant: 'not_completed', status: b.status }
        : {
            variant: paid === final ? 'adds_up' : 'differs',
            totalFen: final,
            voucherFen: voucherPart,
            selfPayFen: f.selfPaidFen,
          },
  });

  const expected = finalShare(final, f.use.ratioPercent, f.use.reservedFen);
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
  return checks;
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
const UNIT: Record<PriceUnit, Said> = { hour: { zh: '小时', en: 'hour' }, sample: { zh: '样品', en: 'sample' } };
const unitOf = (unit: PriceUnit): Said => UNIT[unit] ?? UNIT.hour;

type Sentences = { [N in CheckName]: (f: CheckFacts[N]) => Said };

const SENTENCES: Sentences = {
  total_adds_up: (f) =>
    f.variant === 'not_completed'
      ? {
          zh: `预约状态为“${statusZh(f.status)}”，服务尚未完成`,
          en: `the booking is ${f.status.replace(/_/g, ' ')}, not completed`,
        }
      : {
          zh: `合计 ${yuan(f.totalFen)} ${eq(f.variant === 'adds_up')} 创新券 ${yuan(f.voucherFen)} + 自付 ${yuan(f.selfPayFen)}`,
          en: `total ${yuan(f.totalFen)} ${eq(f.variant === 'adds_up')} voucher ${yuan(f.voucherFen)} + self-pay ${yuan(f.selfPayFen)}`,
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
      zh: `申报 ${yuan(f.claimedFen)}，按规则应为 ${yuan(f.expectedFen)}（补贴比例 ${f.ratioPercent}%，现行政策比例 ${f.ruleRatioPercent}%，冻结额度 ${yuan(f.reservedFen)}）${posted.zh}`,
      en: `claimed ${yuan(f.claimedFen)}; the rules give ${yuan(f.expectedFen)} at ${f.ratioPercent}% (programme ratio now ${f.ruleRatioPercent}%, held ${yuan(f.reservedFen)})${posted.en}`,
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
};

/** What a check compared, as one sentence in the reader's language. */
export function describeCheck(check: Check, lang: Lang): string {
  const say = SENTENCES[check.name] as ((f: Check['facts']) => Said) | undefined;
  if (!say) return '';
  return say(check.facts)[lang === 'en' ? 'en' : 'zh'];
}
