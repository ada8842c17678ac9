/**
 * The automatic checks finance staff run on each claim line (domain.md, "Checks finance staff
 * run"), pure: the facts of the line come in, the verdicts go out. A line with a failing check can
 * only be approved with an override that records who and why.
 */
import type { PriceLine } from '../../../db/schema/index.ts';
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
  /** The published price per unit for this user type now (null: no such item any more). */
  publishedUnitFen: number | null;
  programme: { startsOn: string; useBy: string; claimBy: string; province: string };
  providerProvince: string;
  justification: string | null;
  related: boolean;
  today: string;
  invoiceNo: string | null;
}

export interface Check {
  name:
    | 'total_adds_up'
    | 'ratio_and_caps'
    | 'published_price'
    | 'usage_matches'
    | 'within_validity'
    | 'claim_window'
    | 'no_related_party'
    | 'out_of_province_justified'
    | 'evidence';
  ok: boolean;
  detail: string;
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export function lineChecks(f: LineFacts): Check[] {
  const b = f.booking;
  const final = b.finalFen ?? 0;
  const voucherPart = f.use.settlementMode === 'deduct' ? f.voucherFen : 0;
  const checks: Check[] = [];

  const paid = voucherPart + f.selfPaidFen;
  checks.push({
    name: 'total_adds_up',
    ok: b.status === 'completed' && paid === final,
    detail:
      b.status !== 'completed'
        ? `the booking is ${b.status}, not completed`
        : `total ${yuan(final)} ${paid === final ? '=' : '≠'} voucher ${yuan(voucherPart)} + self-pay ${yuan(f.selfPaidFen)}`,
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
    detail: ratioOk
      ? `${f.use.ratioPercent}% of ${yuan(final)}, within the ${yuan(f.use.reservedFen)} held under the caps`
      : `claimed ${yuan(f.voucherFen)}; the rules give ${yuan(expected)} at ${f.use.ratioPercent}% (programme ratio now ${f.ruleRatioPercent}%, held ${yuan(f.use.reservedFen)})`,
  });

  const unitLine = b.finalLines.find((l) => l.kind === 'machine_time' || l.kind === 'samples');
  const priceOk = !unitLine || (f.publishedUnitFen !== null && unitLine.unitFen === f.publishedUnitFen);
  checks.push({
    name: 'published_price',
    ok: priceOk,
    detail: !unitLine
      ? 'no unit-priced line'
      : f.publishedUnitFen === null
        ? `${yuan(unitLine.unitFen)} per unit; the item is no longer published`
        : `${yuan(unitLine.unitFen)} per unit ${priceOk ? '=' : '≠'} published ${yuan(f.publishedUnitFen)}`,
  });

  let usageOk: boolean;
  let usageDetail: string;
  if (b.mode === 'machine_time') {
    const billed = b.finalLines.find((l) => l.kind === 'machine_time')?.quantity ?? 0;
    usageOk = b.actualMinutes !== null && billed * 60 >= b.actualMinutes && billed * 60 < b.actualMinutes + 60;
    usageDetail = `used ${b.actualMinutes ?? '–'} min of ${b.bookedMinutes ?? '–'} booked; billed ${billed} h`;
  } else {
    const billed = b.finalLines.find((l) => l.kind === 'samples')?.quantity ?? 0;
    usageOk = b.actualSamples !== null && billed === b.actualSamples;
    usageDetail = `${b.actualSamples ?? '–'} samples tested of ${b.sampleCount ?? '–'} sent; billed ${billed}`;
  }
  checks.push({ name: 'usage_matches', ok: usageOk, detail: usageDetail });

  const inside = b.serviceDate >= f.programme.startsOn && b.serviceDate <= f.programme.useBy;
  checks.push({
    name: 'within_validity',
    ok: inside,
    detail: `service on ${b.serviceDate}; vouchers valid ${f.programme.startsOn} – ${f.programme.useBy}`,
  });
  checks.push({
    name: 'claim_window',
    ok: f.today <= f.programme.claimBy,
    detail: `claims until ${f.programme.claimBy}`,
  });
  checks.push({
    name: 'no_related_party',
    ok: !f.related,
    detail: f.related ? 'the enterprise and the provider are declared related parties' : 'no declared relation',
  });
  const outside = f.providerProvince !== f.programme.province;
  checks.push({
    name: 'out_of_province_justified',
    ok: !outside || Boolean(f.justification?.trim()),
    detail: outside
      ? `provider in ${f.providerProvince}: ${f.justification ?? 'no justification'}`
      : 'provider in the province',
  });
  checks.push({
    name: 'evidence',
    ok: Boolean(f.invoiceNo) && b.hasReport,
    detail: [
      f.invoiceNo ? `invoice ${f.invoiceNo}` : 'no invoice number',
      b.hasReport ? 'report attached' : 'no report',
    ].join('; '),
  });
  return checks;
}
