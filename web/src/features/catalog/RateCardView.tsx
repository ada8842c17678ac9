import { QuestionCircleOutlined } from '@ant-design/icons';
import { Descriptions, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import type { InstrumentDetail, PriceUnit } from '../../api/catalog';
import { isEnglish } from '../../i18n';
import { formatFen } from '../../ui/money';
import { EmptyState } from '../../ui/states';

type Item = NonNullable<InstrumentDetail['rateCard']>['items'][number];

export function RateCardView({ rateCard, compact }: { rateCard: InstrumentDetail['rateCard']; compact: boolean }) {
  const { t, i18n } = useTranslation();
  if (!rateCard || rateCard.items.length === 0) {
    return <EmptyState title={t('detail.noRateCard')} />;
  }
  const unit = (u: PriceUnit) => t(`perUnit.${u}`);
  const money = (fen: number, u: PriceUnit) => (
    <span className="money">
      {formatFen(fen)}
      <span className="money__unit">{unit(u)}</span>
    </span>
  );
  const label = (r: Item) => {
    const en = isEnglish(i18n.language);
    return { main: en && r.labelEn ? r.labelEn : r.labelZh, sub: en ? (r.labelEn ? r.labelZh : null) : r.labelEn };
  };
  const columns: ColumnsType<Item> = [
    {
      key: 'label',
      title: t('detail.rateItem'),
      render: (_, r) => {
        const { main, sub } = label(r);
        return (
          <div>
            <div>{main}</div>
            {sub ? (
              <Typography.Text type="secondary" className="small-text">
                {sub}
              </Typography.Text>
            ) : null}
          </div>
        );
      },
    },
    { key: 'unit', title: t('detail.unit'), render: (_, r) => t(`priceUnit.${r.unit}`), width: 88 },
    {
      key: 'internal',
      title: t('userType.internal'),
      align: 'right',
      render: (_, r) => money(r.internalFen, r.unit),
    },
    {
      key: 'academic',
      title: t('userType.academic'),
      align: 'right',
      render: (_, r) => money(r.academicFen, r.unit),
    },
    {
      key: 'enterprise',
      title: t('userType.enterprise'),
      align: 'right',
      render: (_, r) => <strong data-testid="rate-enterprise">{money(r.enterpriseFen, r.unit)}</strong>,
    },
  ];
  const pct = (p: number) => (p > 0 ? t('detail.percentSurcharge', { percent: p }) : t('detail.noSurcharge'));
  return (
    <div data-testid="rate-card">
      {compact ? (
        <ul className="rate-list">
          {rateCard.items.map((r) => (
            <li key={r.id} className="rate-list__item">
              <div className="rate-list__head">
                <span className="rate-list__label">{label(r).main}</span>
                <span className="rate-list__unit">{t(`priceUnit.${r.unit}`)}</span>
              </div>
              {label(r).sub ? <div className="rate-list__sub">{label(r).sub}</div> : null}
              <dl className="rate-list__prices">
                <div>
                  <dt>{t('userType.internal')}</dt>
                  <dd>{money(r.internalFen, r.unit)}</dd>
                </div>
                <div>
                  <dt>{t('userType.academic')}</dt>
                  <dd>{money(r.academicFen, r.unit)}</dd>
                </div>
                <div>
                  <dt>{t('userType.enterprise')}</dt>
                  <dd>
                    <strong data-testid="rate-enterprise">{money(r.enterpriseFen, r.unit)}</strong>
                  </dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      ) : (
        <Table<Item>
          rowKey={(r) => r.id}
          columns={columns}
          dataSource={rateCard.items}
          pagination={false}
          size="middle"
          bordered
          className="rate-table"
        />
      )}
      <Descriptions
        className="rate-terms"
        size="small"
        column={{ xs: 1, sm: 2, md: 2, lg: 4, xl: 4, xxl: 4 }}
        items={[
          { key: 'setup', label: t('detail.setupFee'), children: formatFen(rateCard.setupFeeFen) },
          { key: 'min', label: t('detail.minimumCharge'), children: formatFen(rateCard.minimumChargeFen) },
          { key: 'urgent', label: t('detail.urgentSurcharge'), children: pct(rateCard.urgentSurchargePercent) },
          {
            key: 'off',
            label: (
              <Tooltip title={t('detail.offHoursDefinition')}>
                <span data-testid="off-hours-term">
                  {t('detail.offHoursSurcharge')} <QuestionCircleOutlined />
                </span>
              </Tooltip>
            ),
            children: pct(rateCard.offHoursSurchargePercent),
          },
          ...(rateCard.notes
            ? [{ key: 'notes', label: t('detail.rateNotes'), children: rateCard.notes, span: 'filled' as const }]
            : []),
        ]}
      />
    </div>
  );
}
