/**
 * What a reconciliation finding compared, said in Chinese or English: one table of sentences, one per
 * finding kind and variant. `describeFinding` says a new finding; `findingDetail` a stored one (one
 * stored before facts were kept shows its stored detail).
 */
import type { FindingKind, PaymentStatus } from '../../../db/schema/enums.ts';
import type { Lang } from '../../shared/lang.ts';
import { formatFen } from '../../shared/money.ts';
import type { BatchProblem, ChargeState, Finding, FindingFacts, QuotaProblem, VoucherProblem } from './reconcile.ts';

/** One sentence in both languages. */
interface Said {
  zh: string;
  en: string;
}

/** Money for a sentence (¥1,234.56); never throws on a value that is not whole fen. */
const yuan = (fen: number | null | undefined) =>
  typeof fen === 'number' && Number.isSafeInteger(fen) ? formatFen(fen) : '¥–';
/** A count or number that may be unknown. */
const n = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : '–');
/** An identifier as written after “#” or on its own. */
const id = (value: unknown) =>
  typeof value === 'number' || (typeof value === 'string' && value) ? String(value) : '–';

/** Payment statuses as a Chinese finance officer reads them (the SPA's payment.status words). */
const PAYMENT_STATUS_ZH: Record<PaymentStatus, string> = {
  saving_card: '保存银行卡中',
  scheduled: '待授权（卡已保存）',
  action_required: '待用户完成付款',
  authorising: '授权中',
  authorised: '已授权（冻结）',
  captured: '已扣款',
  partially_refunded: '部分退款',
  refunded: '已退款',
  released: '已释放',
  failed: '支付失败',
};
const paymentStatus = (status: string): Said => ({
  zh: (Object.hasOwn(PAYMENT_STATUS_ZH, status) && PAYMENT_STATUS_ZH[status as PaymentStatus]) || String(status),
  en: String(status).replace(/_/g, ' '),
});

/** What a charge the platform does not know of is, by its state at the processor. */
const CHARGE: Record<ChargeState, Said> = {
  authorised: { zh: '预授权', en: 'authorised' },
  captured: { zh: '扣款', en: 'captured' },
  released: { zh: '已释放的预授权', en: 'released' },
  failed: { zh: '失败的扣款', en: 'failed' },
};
const charge = (state: string): Said =>
  (Object.hasOwn(CHARGE, state) && CHARGE[state as ChargeState]) || { zh: '扣款', en: String(state) };

/** Batch statuses as the exports write them. */
const BATCH_STATUS_ZH: Record<string, string> = {
  draft: '草稿',
  submitted: '已提交',
  reviewed: '已审核',
  paid: '已兑付',
};
const batchStatus = (status: string): Said => ({
  zh: (Object.hasOwn(BATCH_STATUS_ZH, status) && BATCH_STATUS_ZH[status]) || String(status),
  en: String(status),
});

/** A list of problems, each said by its own sentence; null when any is not known. */
function sayAll<P extends { variant: string }>(problems: P[], say: (p: P) => Said | null): Said | null {
  if (!Array.isArray(problems) || !problems.length) return null;
  const said = problems.map((p) => (p && typeof p === 'object' ? say(p) : null));
  if (said.some((s) => s === null)) return null;
  return { zh: said.map((s) => s!.zh).join('；'), en: said.map((s) => s!.en).join('; ') };
}

const VOUCHER_PROBLEMS = (p: VoucherProblem): Said | null => {
  switch (p.variant) {
    case 'held_over_ratio':
      return {
        zh: `冻结 ${yuan(p.reservedFen)}，超过可补贴金额 ${yuan(p.eligibleFen)} 的 ${n(p.ratioPercent)}%`,
        en: `held ${yuan(p.reservedFen)}, more than ${n(p.ratioPercent)}% of ${yuan(p.eligibleFen)} allows`,
      };
    case 'ledger_hold':
      return {
        zh: `账本冻结 ${yuan(p.ledgerFen ?? 0)}，创新券使用记录冻结 ${yuan(p.useFen)}`,
        en: `the ledger holds ${yuan(p.ledgerFen ?? 0)}, the use ${yuan(p.useFen)}`,
      };
    case 'posted_vs_rules':
      return {
        zh: `核销 ${yuan(p.postedFen ?? 0)}，按规则应为 ${yuan(p.expectedFen)}`,
        en: `posted ${yuan(p.postedFen ?? 0)}, the rules give ${yuan(p.expectedFen)}`,
      };
    case 'ledger_post':
      return {
        zh: `账本核销 ${yuan(p.ledgerFen ?? 0)}，创新券使用记录核销 ${yuan(p.useFen ?? 0)}`,
        en: `the ledger posted ${yuan(p.ledgerFen ?? 0)}, the use ${yuan(p.useFen ?? 0)}`,
      };
    default:
      return null;
  }
};

const QUOTA_PROBLEMS = (p: QuotaProblem): Said | null => {
  switch (p.variant) {
    case 'grant':
      return {
        zh: `账本发放 ${yuan(p.grantedFen)}，额度上限 ${yuan(p.capFen)}`,
        en: `granted ${yuan(p.grantedFen)} in the ledger, cap ${yuan(p.capFen)}`,
      };
    case 'identity':
      return {
        zh: `发放 − 已使用 − 收回 = ${yuan(p.identityFen)}，可用 + 冻结 = ${yuan(p.outstandingFen)}`,
        en: `granted − consumed − given back = ${yuan(p.identityFen)}, outstanding ${yuan(p.outstandingFen)}`,
      };
    case 'consumed':
      return {
        zh: `账本已使用 ${yuan(p.ledgerFen)}，创新券使用记录核销 ${yuan(p.usesFen)}`,
        en: `the ledger consumed ${yuan(p.ledgerFen)}, the uses ${yuan(p.usesFen)}`,
      };
    case 'held':
      return {
        zh: `账本冻结 ${yuan(p.ledgerFen)}，创新券使用记录冻结 ${yuan(p.usesFen)}`,
        en: `the ledger holds ${yuan(p.ledgerFen)}, the uses ${yuan(p.usesFen)}`,
      };
    default:
      return null;
  }
};

const BATCH_PROBLEMS = (p: BatchProblem): Said | null => {
  switch (p.variant) {
    case 'paid':
      return {
        zh: `已兑付 ${yuan(p.paidFen ?? 0)}，审核通过的明细合计 ${yuan(p.approvedFen)}`,
        en: `paid ${yuan(p.paidFen ?? 0)}, approved lines ${yuan(p.approvedFen)}`,
      };
    case 'ledger_paid':
      return {
        zh: `账本兑付 ${yuan(p.ledgerFen)}，审核通过的明细合计 ${yuan(p.approvedFen)}`,
        en: `the ledger paid ${yuan(p.ledgerFen)}, approved lines ${yuan(p.approvedFen)}`,
      };
    case 'ledger_paid_unpaid': {
      const status = batchStatus(p.status);
      return {
        zh: `批次尚未兑付（${status.zh}），账本已兑付 ${yuan(p.ledgerFen)}`,
        en: `the ledger paid ${yuan(p.ledgerFen)} on an unpaid batch (${status.en})`,
      };
    }
    case 'lines':
      return {
        zh: `${n(p.count)} 条明细的申报金额与创新券核销金额不符`,
        en:
          p.count === 1
            ? '1 line claims another amount than its voucher use'
            : `${n(p.count)} lines claim another amount than their voucher use`,
      };
    default:
      return null;
  }
};

type Sentences = { [K in FindingKind]: (f: FindingFacts[K]) => Said | null };

const SENTENCES: Sentences = {
  processor_missing_in_ledger: (f) => {
    if (f.variant === 'unknown_charge') {
      const what = charge(f.state);
      return {
        zh: `支付机构有${what.zh} ${yuan(f.chargeFen)}（${id(f.chargeId)}），账本无记录`,
        en: `charge ${id(f.chargeId)} (${what.en}, ${yuan(f.chargeFen)}) has no payment on the platform`,
      };
    }
    if (f.variant === 'unknown_refund')
      return {
        zh: `预约 #${id(f.bookingId)}：支付机构已退款 ${yuan(f.processorFen)}，平台仅记录退款 ${yuan(f.platformFen)}`,
        en: `booking #${id(f.bookingId)}: the processor refunded ${yuan(f.processorFen)}, the platform knows ${yuan(f.platformFen)}`,
      };
    return null;
  },
  ledger_missing_at_processor: (f) => {
    if (f.variant === 'charge_missing')
      return {
        zh: `预约 #${id(f.bookingId)}：扣款 ${id(f.chargeId)} 在支付机构查无记录`,
        en: `booking #${id(f.bookingId)}: charge ${id(f.chargeId)} is not at the processor`,
      };
    if (f.variant === 'refund_missing')
      return {
        zh: `预约 #${id(f.bookingId)}：平台记录退款 ${yuan(f.platformFen)}，支付机构仅退款 ${yuan(f.processorFen)}`,
        en: `booking #${id(f.bookingId)}: refunds of ${yuan(f.platformFen)} here, ${yuan(f.processorFen)} at the processor`,
      };
    if (f.variant === 'transfer_without_charge') {
      const booking: Said =
        f.bookingId === null || f.bookingId === undefined
          ? { zh: ' ', en: '' }
          : { zh: `（预约 #${id(f.bookingId)}）`, en: ` (booking #${id(f.bookingId)})` };
      return {
        zh: `账本转账 ${id(f.transferId)}${booking.zh}记载的扣款 ${id(f.chargeId)} 在支付机构查无记录`,
        en: `ledger transfer ${id(f.transferId)}${booking.en} names charge ${id(f.chargeId)}, which the processor does not have`,
      };
    }
    return null;
  },
  amount_mismatch: (f) => {
    if (f.variant === 'authorised' || f.variant === 'captured') {
      const what: Said = f.variant === 'authorised' ? { zh: '授权', en: 'authorised' } : { zh: '扣款', en: 'captured' };
      return {
        zh: `预约 #${id(f.bookingId)} ${what.zh}金额不符：平台 ${yuan(f.platformFen)}，支付机构 ${yuan(f.processorFen)}`,
        en: `booking #${id(f.bookingId)}: ${what.en} ${yuan(f.platformFen)} here, ${yuan(f.processorFen)} at the processor`,
      };
    }
    if (f.variant === 'ledger')
      return {
        zh: `预约 #${id(f.bookingId)} 账本与支付记录不符：账本扣款 ${yuan(f.ledgerCapturedFen)}、退款 ${yuan(f.ledgerRefundedFen)}，支付记录扣款 ${yuan(f.capturedFen)}、退款 ${yuan(f.refundedFen)}`,
        en: `booking #${id(f.bookingId)}: the ledger holds ${yuan(f.ledgerCapturedFen)} captured and ${yuan(f.ledgerRefundedFen)} refunded; the payment ${yuan(f.capturedFen)} and ${yuan(f.refundedFen)}`,
      };
    return null;
  },
  status_mismatch: (f) => {
    if (f.variant !== 'status') return null;
    const platform = paymentStatus(f.platformStatus);
    const processor = paymentStatus(f.processorState);
    return {
      zh: `预约 #${id(f.bookingId)}：平台支付状态为“${platform.zh}”，支付机构为“${processor.zh}”（${id(f.chargeId)}）`,
      en: `booking #${id(f.bookingId)}: the platform says ${platform.en}, the processor ${processor.en} (${id(f.chargeId)})`,
    };
  },
  duplicate: (f) => {
    if (f.variant !== 'second_charge') return null;
    const what = charge(f.state);
    return {
      zh: `支付记录 #${id(f.paymentId)} 在支付机构另有一笔${what.zh} ${yuan(f.chargeFen)}（${id(f.chargeId)}），账本无记录`,
      en: `a second charge for payment #${id(f.paymentId)}: ${id(f.chargeId)} (${what.en}, ${yuan(f.chargeFen)})`,
    };
  },
  voucher_rule_broken: (f) => {
    const said = f.variant === 'use' ? sayAll(f.problems, VOUCHER_PROBLEMS) : null;
    return said && { zh: `预约 #${id(f.bookingId)}：${said.zh}`, en: `booking #${id(f.bookingId)}: ${said.en}` };
  },
  quota_identity_broken: (f) => (f.variant === 'quota' ? sayAll(f.problems, QUOTA_PROBLEMS) : null),
  batch_total_mismatch: (f) => (f.variant === 'batch' ? sayAll(f.problems, BATCH_PROBLEMS) : null),
  ledger_unbalanced: (f) => {
    if (f.variant !== 'totals') return null;
    const one = (count: number) => count === 1;
    const overdrawn: Said = f.overdrawnAccounts
      ? {
          zh: `；${n(f.overdrawnAccounts)} 个不可透支账户已透支`,
          en: one(f.overdrawnAccounts)
            ? '; 1 account that may not overdraw is overdrawn'
            : `; ${n(f.overdrawnAccounts)} accounts that may not overdraw are overdrawn`,
        }
      : { zh: '', en: '' };
    return {
      zh: `借方合计 ${yuan(f.debitsFen)}，贷方合计 ${yuan(f.creditsFen)}；${n(f.mismatchedAccounts)} 个账户的余额与转账记录不符${overdrawn.zh}`,
      en: `debits ${yuan(f.debitsFen)}, credits ${yuan(f.creditsFen)}; ${
        one(f.mismatchedAccounts)
          ? "1 account's cached balances differ"
          : `${n(f.mismatchedAccounts)} accounts' cached balances differ`
      } from their transfers${overdrawn.en}`,
    };
  },
  transfer_missing_in_ledger: (f) => {
    const what = transferKind(f.variant);
    return {
      zh: `预约 #${id(f.bookingId)} 的对公转账${what.zh}记录 #${id(f.receiptId)}（${yuan(f.amountFen)}）在账本中无对应转账`,
      en: `booking #${id(f.bookingId)}: bank-transfer ${what.en} #${id(f.receiptId)} (${yuan(f.amountFen)}) has no ledger transfer`,
    };
  },
  transfer_amount_mismatch: (f) => {
    const what = transferKind(f.variant);
    return {
      zh: `预约 #${id(f.bookingId)} 的对公转账${what.zh}记录 #${id(f.receiptId)} 金额 ${yuan(f.amountFen)}，账本记为 ${yuan(f.ledgerFen)}`,
      en: `booking #${id(f.bookingId)}: bank-transfer ${what.en} #${id(f.receiptId)} says ${yuan(f.amountFen)}, the ledger ${yuan(f.ledgerFen)}`,
    };
  },
  notice_total_mismatch: (f) =>
    f.variant !== 'notice'
      ? null
      : {
          zh: `付款通知书 ${id(f.reference)}（预约 #${id(f.bookingId)}）记载已到账 ${yuan(f.receivedFen)}，到账记录合计 ${yuan(f.receiptsFen)}、退回 ${yuan(f.returnsFen)}`,
          en: `payment notice ${id(f.reference)} (booking #${id(f.bookingId)}) says ${yuan(f.receivedFen)} received; its receipts total ${yuan(f.receiptsFen)}, returns ${yuan(f.returnsFen)}`,
        },
};

/** A receipt or a return of a bank transfer, in a sentence. */
const transferKind = (kind: string): Said =>
  kind === 'return' ? { zh: '退款', en: 'return' } : { zh: '到账', en: 'receipt' };

/** What a finding compared, as one sentence in the reader's language ('' for facts it cannot say). */
export function describeFinding(finding: Pick<Finding, 'kind' | 'facts'>, lang: Lang): string {
  const say = Object.hasOwn(SENTENCES, finding.kind)
    ? (SENTENCES[finding.kind] as (f: Finding['facts']) => Said | null)
    : undefined;
  if (!say || !finding.facts || typeof finding.facts !== 'object') return '';
  try {
    return say(finding.facts)?.[lang === 'en' ? 'en' : 'zh'] ?? '';
  } catch {
    return '';
  }
}

/**
 * A stored finding's detail in the reader's language: said from its facts, or, for a finding stored
 * before facts were kept (or with facts this version cannot say), the detail as it was stored.
 */
export function findingDetail(row: { kind: string; facts: unknown; detail: string }, lang: Lang): string {
  return describeFinding({ kind: row.kind, facts: row.facts } as Finding, lang) || row.detail;
}
