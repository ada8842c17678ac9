import { BankOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { Skeleton, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { InstrumentSummary } from '../../api/catalog';
import { isEnglish } from '../../i18n';
import { InstrumentThumb } from '../../ui/InstrumentThumb';
import { formatFenCompact } from '../../ui/money';
import { localName } from '../../ui/names';
import { FromPrice } from '../../ui/Price';
import { RunStatusTag, SharingModeTag } from '../../ui/tags';
import { Text } from '../../ui/Text';

export function InstrumentCard({ item, compact }: { item: InstrumentSummary; compact: boolean }) {
  const { t, i18n } = useTranslation();
  const en = isEnglish(i18n.language);
  const title = en && item.nameEn ? item.nameEn : item.nameZh;
  const subtitle = en ? (item.nameEn ? item.nameZh : null) : item.nameEn;
  const modelLine = [item.model, item.manufacturer].filter(Boolean).join(' · ');
  return (
    <article className="instrument-card" data-testid="instrument-card" data-id={item.id}>
      <Link to={`/instruments/${item.id}`} className="instrument-card__thumb" tabIndex={-1} aria-hidden="true">
        <InstrumentThumb src={item.photoUrl} alt={title} size={compact ? 64 : 96} />
      </Link>
      <div className="instrument-card__body">
        <h3 className="instrument-card__title">
          <Link to={`/instruments/${item.id}`} data-testid="instrument-card-link">
            {title}
          </Link>
        </h3>
        {subtitle ? <div className="instrument-card__subtitle">{subtitle}</div> : null}
        {modelLine ? <div className="instrument-card__model">{modelLine}</div> : null}
        <div className="instrument-card__meta">
          <span className="instrument-card__inst">
            <BankOutlined /> {item.institution.name}
          </span>
          <span className="instrument-card__city" data-testid="instrument-card-city">
            <EnvironmentOutlined /> {localName(item.city, i18n.language)}
          </span>
        </div>
        <div className="instrument-card__tags">
          <Tag variant="filled">{localName(item.category, i18n.language)}</Tag>
          <SharingModeTag mode={item.sharingMode} />
          <RunStatusTag status={item.runStatus} />
        </div>
      </div>
      <div className="instrument-card__aside">
        <div className="instrument-card__price" data-testid="instrument-card-price">
          <FromPrice price={item.listPrice} />
        </div>
        <Text type="secondary" className="instrument-card__value">
          {t('catalog.originalValue')} {formatFenCompact(item.originalValueFen, i18n.language)}
        </Text>
      </div>
    </article>
  );
}

export function InstrumentCardSkeleton({ compact }: { compact: boolean }) {
  return (
    <div
      className="instrument-card instrument-card--skeleton"
      aria-hidden="true"
      data-testid="instrument-card-skeleton"
    >
      <Skeleton.Node active style={{ width: compact ? 64 : 96, height: compact ? 64 : 96 }} />
      <div className="instrument-card__body">
        <Skeleton active title={{ width: '60%' }} paragraph={{ rows: 3, width: ['40%', '75%', '50%'] }} />
      </div>
    </div>
  );
}
