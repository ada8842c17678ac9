import { GiftOutlined } from '@ant-design/icons';
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PriceSplit } from '../../api/booking';
import type { SettlementMode } from '../../api/vouchers';
import { formatFen } from '../../ui/money';

export type SplitVoucher = {
  programmeName?: string | null;
  ratioPercent: number;
  settlementMode: SettlementMode;
  claimableFen?: number;
};

/** One programme's share of a co-funded order (the province's first). */
export type SplitShare = {
  programmeId: number;
  programmeName?: string | null;
  ratioPercent: number;
  settlementMode: SettlementMode;
  voucherFen: number;
  limitedBy?: PriceSplit['limitedBy'];
};

/** Why the voucher share is what it is, in words. */
export function useLimitedByText() {
  const { t } = useTranslation();
  return (limitedBy: PriceSplit['limitedBy'], ratio: number | null) =>
    limitedBy ? t(`voucher.limitedBy.${limitedBy}`, { ratio: ratio ?? '' }) : null;
}

/**
 * The voucher split under a price: the voucher's share (programme, ratio, what limited it) and the
 * enterprise's own share. Nothing when no voucher is in play.
 */
export function SplitLines({
  price,
  voucher,
  loading = false,
  showTotal = false,
  shares,
}: {
  price: PriceSplit | null | undefined;
  voucher: SplitVoucher | null | undefined;
  loading?: boolean;
  /** Co-funded orders: each programme's share in funding order (one row each when there are several). */
  shares?: SplitShare[] | null;
  /** Repeat the order total as the first row (when no price lines are shown above). */
  showTotal?: boolean;
}) {
  const { t } = useTranslation();
  const limitedByText = useLimitedByText();
  if (!price) return null;
  const voucherFen = price.voucherFen ?? 0;
  const selfPayFen = price.selfPayFen ?? price.totalFen;
  if (!voucher && voucherFen === 0) return null;
  const reason = limitedByText(price.limitedBy ?? null, voucher?.ratioPercent ?? null);
  const reimburse = voucher?.settlementMode === 'reimburse';
  return (
    <div
      className={`split-lines${loading ? ' price-lines--stale' : ''}`}
      data-testid="voucher-split"
      data-voucher-fen={voucherFen}
      data-self-pay-fen={selfPayFen}
    >
      {showTotal ? (
        <div className="price-lines__row">
          <span>{t('voucher.split.total')}</span>
          <span className="price-lines__amount" data-testid="split-total" data-fen={price.totalFen}>
            {formatFen(price.totalFen)}
          </span>
        </div>
      ) : null}
      {shares && shares.length > 1 ? (
        shares.map((s, i) => {
          const why = limitedByText(s.limitedBy ?? null, s.ratioPercent);
          return (
            <div
              key={s.programmeId}
              className="price-lines__row split-lines__voucher"
              data-testid="split-share"
              data-programme-id={s.programmeId}
              data-fen={s.voucherFen}
            >
              <span className="split-lines__label">
                <span>
                  <GiftOutlined /> {t('rules.coFunding.share', { n: i + 1 })}
                </span>
                <Typography.Text type="secondary" className="small-text split-lines__sub">
                  {t('voucher.split.programme', {
                    name: s.programmeName ?? `#${s.programmeId}`,
                    ratio: s.ratioPercent,
                  })}
                </Typography.Text>
                {why ? (
                  <Typography.Text type="secondary" className="small-text split-lines__sub">
                    {why}
                  </Typography.Text>
                ) : null}
              </span>
              <span className="price-lines__amount">
                {s.settlementMode === 'reimburse' ? formatFen(s.voucherFen) : `−${formatFen(s.voucherFen)}`}
              </span>
            </div>
          );
        })
      ) : (
        <div className="price-lines__row split-lines__voucher">
          <span className="split-lines__label">
            <span>
              <GiftOutlined /> {reimburse ? t('voucher.split.claimable') : t('voucher.split.voucher')}
            </span>
            {voucher ? (
              <Typography.Text type="secondary" className="small-text split-lines__sub">
                {voucher.programmeName
                  ? t('voucher.split.programme', { name: voucher.programmeName, ratio: voucher.ratioPercent })
                  : t('voucher.mine.ratio', { ratio: voucher.ratioPercent })}
              </Typography.Text>
            ) : null}
            {reason ? (
              <Typography.Text
                type="secondary"
                className="small-text split-lines__sub"
                data-testid="split-limited-by"
                data-limit={price.limitedBy ?? ''}
              >
                {reason}
              </Typography.Text>
            ) : null}
          </span>
          <span className="price-lines__amount" data-testid="split-voucher" data-fen={voucherFen}>
            {reimburse ? formatFen(voucher?.claimableFen ?? voucherFen) : `−${formatFen(voucherFen)}`}
          </span>
        </div>
      )}
      <div className="price-lines__row split-lines__self">
        <span>{t('voucher.split.selfPay')}</span>
        <span className="price-lines__amount" data-testid="split-self-pay" data-fen={selfPayFen}>
          {formatFen(selfPayFen)}
        </span>
      </div>
    </div>
  );
}
