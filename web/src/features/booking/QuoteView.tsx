import { Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PriceLine } from '../../api/booking';
import { isEnglish } from '../../i18n';
import { formatFen } from '../../ui/money';

const NO_QUANTITY = new Set<PriceLine['kind']>(['urgent_surcharge', 'minimum_charge', 'no_show_fee', 'waived']);
/** Lines whose stored (Chinese) label only names their kind: other languages show the kind's own name. */
const KIND_LABELLED = new Set<PriceLine['kind']>([
  'machine_time',
  'samples',
  'setup_fee',
  'minimum_charge',
  'urgent_surcharge',
  'off_hours_surcharge',
]);
const fmtQty = (q: number) => (Number.isInteger(q) ? String(q) : q.toFixed(2).replace(/\.?0+$/, ''));

/** Price lines and the total; `testId` names the total for tests. */
export function PriceLines({
  price,
  loading = false,
  testId = 'price-total',
  totalLabel,
}: {
  price: { totalFen: number; lines: PriceLine[] } | null | undefined;
  loading?: boolean;
  testId?: string;
  totalLabel?: string;
}) {
  const { t, i18n } = useTranslation();
  const english = isEnglish(i18n.language);
  if (!price) return loading ? <Skeleton active paragraph={{ rows: 2 }} title={false} /> : null;
  return (
    <div className={`price-lines${loading ? ' price-lines--stale' : ''}`} data-testid="price-lines">
      {price.lines.map((l, i) => (
        <div key={`${l.kind}-${i}`} className="price-lines__row">
          <span className="price-lines__label">
            {english && KIND_LABELLED.has(l.kind)
              ? t(`booking.lineKind.${l.kind}`)
              : l.label || t(`booking.lineKind.${l.kind}`)}
            {NO_QUANTITY.has(l.kind) ? null : (
              <Typography.Text type="secondary" className="small-text">
                {' '}
                {fmtQty(l.quantity)} × {formatFen(l.unitFen)}
              </Typography.Text>
            )}
          </span>
          <span className="price-lines__amount">{formatFen(l.amountFen)}</span>
        </div>
      ))}
      <div className="price-lines__row price-lines__total">
        <span>{totalLabel ?? t('booking.total')}</span>
        <span className="price-lines__amount" data-testid={testId} data-fen={price.totalFen}>
          {formatFen(price.totalFen)}
        </span>
      </div>
    </div>
  );
}
