import { useTranslation } from 'react-i18next';
import type { PriceUnit } from '../api/catalog';
import { formatFen } from './money';

/** "¥450.00起/小时" for a list price, or "价格面议". */
export function FromPrice({ price }: { price: { fen: number; unit: PriceUnit } | null }) {
  const { t } = useTranslation();
  if (!price) return <span className="price price--none">{t('catalog.noPrice')}</span>;
  return (
    <span className="price">
      {t('catalog.fromPrice', { price: formatFen(price.fen), unit: t(`perUnit.${price.unit}`) })}
    </span>
  );
}
