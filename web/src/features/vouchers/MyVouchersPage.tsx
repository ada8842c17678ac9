import { FormOutlined, GiftOutlined, SafetyCertificateOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Grid, Progress, Row, Skeleton, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Quota, VoucherUseHistory } from '../../api/vouchers';
import { useAuth } from '../../app/auth';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useMyQuotas, useMyVoucherUses } from './queries';
import { QuotaStatusTag, VoucherUseTag } from './tags';

const HOME_ZONE = 'Asia/Shanghai';

/** Used and reserved as shares of the cap, for a two-tone bar (used solid, reserved lighter). */
export function QuotaBar({ capFen, usedFen, reservedFen }: { capFen: number; usedFen: number; reservedFen: number }) {
  const pct = (fen: number) => (capFen > 0 ? Math.min(100, (fen * 100) / capFen) : 0);
  return (
    <Progress
      percent={pct(usedFen + reservedFen)}
      success={{ percent: pct(usedFen) }}
      showInfo={false}
      strokeColor="#faad14"
      className="quota-bar"
      aria-hidden
    />
  );
}

function QuotaCard({ q }: { q: Quota }) {
  const { t } = useTranslation();
  return (
    <Card
      className="section-card quota-card"
      data-testid="quota-card"
      data-quota-id={q.id}
      data-programme-id={q.programmeId}
      data-used-fen={q.usedFen}
      data-reserved-fen={q.reservedFen}
      data-available-fen={q.availableFen}
      title={
        <span className="quota-card__title">
          <GiftOutlined /> <span className="quota-card__name">{q.programmeName}</span>
        </span>
      }
      extra={<QuotaStatusTag status={q.status} />}
    >
      <div className="quota-card__figure">
        <span className="quota-card__label">{t('voucher.mine.available')}</span>
        <span className="quota-card__available" data-testid="quota-available">
          {formatFen(q.availableFen)}
        </span>
        <span className="quota-card__cap">
          / {t('voucher.mine.cap')} {formatFen(q.capFen)}
        </span>
      </div>
      <QuotaBar capFen={q.capFen} usedFen={q.usedFen} reservedFen={q.reservedFen} />
      <div className="quota-legend">
        <span className="quota-legend__item">
          <i className="quota-legend__dot quota-legend__dot--used" />
          {t('voucher.mine.used')}{' '}
          <strong data-testid="quota-used" data-fen={q.usedFen}>
            {formatFen(q.usedFen)}
          </strong>
        </span>
        <span className="quota-legend__item">
          <i className="quota-legend__dot quota-legend__dot--reserved" />
          {t('voucher.mine.reserved')}{' '}
          <strong data-testid="quota-reserved" data-fen={q.reservedFen}>
            {formatFen(q.reservedFen)}
          </strong>
        </span>
        <span className="quota-legend__item">
          <i className="quota-legend__dot" />
          {t('voucher.mine.available')} <strong>{formatFen(q.availableFen)}</strong>
        </span>
      </div>
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        className="quota-card__facts"
        items={[
          { key: 'cap', label: t('voucher.mine.cap'), children: formatFen(q.capFen) },
          { key: 'mode', label: t('voucher.mine.mode'), children: t(`voucher.settlementMode.${q.settlementMode}`) },
          { key: 'useBy', label: t('voucher.mine.useBy'), children: q.useBy },
          { key: 'claimBy', label: t('voucher.mine.claimBy'), children: q.claimBy },
        ]}
      />
    </Card>
  );
}

function UsesCard() {
  const { t, i18n } = useTranslation();
  const uses = useMyVoucherUses();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const items = [...(uses.data ?? [])].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  return (
    <Card className="section-card" title={t('voucher.mine.uses')} data-testid="voucher-uses-card">
      {uses.isError ? (
        <ErrorState error={uses.error} onRetry={() => void uses.refetch()} />
      ) : phone ? (
        <ul className="lab-list" data-testid="voucher-uses">
          {uses.isPending ? <Skeleton active paragraph={{ rows: 4 }} /> : null}
          {!uses.isPending && items.length === 0 ? <EmptyState title={t('voucher.mine.usesEmpty')} /> : null}
          {items.map((u) => (
            <li key={u.id} className="lab-list__item" data-booking-id={u.bookingId} data-status={u.status}>
              <div className="lab-list__main">
                <Link to={`/bookings/${u.bookingId}`} className="lab-list__name" data-testid="voucher-use-booking">
                  {u.instrumentName}
                </Link>
                <div className="lab-list__meta">
                  #{u.bookingId} · {u.providerName}
                </div>
                <div className="lab-list__meta">{formatDateTime(u.createdAt, HOME_ZONE, i18n.language)}</div>
              </div>
              <div className="ledger-item__aside">
                <VoucherUseTag status={u.status} />
                <strong className="money-cell">{formatFen(u.postedFen ?? u.reservedFen)}</strong>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <Table<VoucherUseHistory>
          rowKey="id"
          size="middle"
          loading={uses.isPending}
          dataSource={items}
          pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          scroll={{ x: 'max-content' }}
          data-testid="voucher-uses"
          onRow={(u) => ({ 'data-booking-id': u.bookingId, 'data-status': u.status }) as object}
          locale={{ emptyText: uses.isPending ? ' ' : <EmptyState title={t('voucher.mine.usesEmpty')} /> }}
          columns={[
            {
              key: 'booking',
              title: t('voucher.mine.booking'),
              render: (_, u) => (
                <Link to={`/bookings/${u.bookingId}`} data-testid="voucher-use-booking">
                  #{u.bookingId}
                </Link>
              ),
            },
            {
              key: 'instrument',
              title: t('voucher.mine.instrument'),
              render: (_, u) => (
                <div className="use-cell">
                  <span>{u.instrumentName}</span>
                  <Typography.Text type="secondary" className="small-text">
                    {u.providerName}
                  </Typography.Text>
                </div>
              ),
            },
            {
              key: 'status',
              title: t('voucher.mine.status'),
              render: (_, u) => <VoucherUseTag status={u.status} />,
            },
            {
              key: 'reserved',
              title: t('voucher.mine.reservedAmount'),
              align: 'right',
              render: (_, u) => formatFen(u.reservedFen),
            },
            {
              key: 'posted',
              title: t('voucher.mine.postedAmount'),
              align: 'right',
              render: (_, u) => (u.postedFen === null ? t('common.none') : formatFen(u.postedFen)),
            },
            {
              key: 'createdAt',
              title: t('voucher.mine.createdAt'),
              render: (_, u) => formatDateTime(u.createdAt, HOME_ZONE, i18n.language),
            },
          ]}
        />
      )}
    </Card>
  );
}

/** `/vouchers`: the enterprise's voucher quotas by programme, and what the vouchers paid for. */
export function MyVouchersPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const quotas = useMyQuotas();
  useDocumentTitle(t('voucher.mine.title'));
  const sorted = [...(quotas.data ?? [])].sort(
    (a, b) => Number(b.status === 'active') - Number(a.status === 'active') || b.useBy.localeCompare(a.useBy),
  );

  let body;
  if (quotas.isPending) {
    body = (
      <Row gutter={[16, 16]}>
        {[0, 1].map((i) => (
          <Col key={i} xs={24} lg={12}>
            <Card className="section-card">
              <Skeleton active paragraph={{ rows: 4 }} />
            </Card>
          </Col>
        ))}
      </Row>
    );
  } else if (quotas.isError) {
    body = <ErrorState error={quotas.error} onRetry={() => void quotas.refetch()} />;
  } else if (sorted.length === 0) {
    body = (
      <Card className="section-card">
        <EmptyState
          title={t('voucher.mine.empty')}
          hint={t('voucher.mine.emptyHint')}
          action={
            <Link to="/instruments">
              <Button type="primary" icon={<SearchOutlined />}>
                {t('voucher.mine.browse')}
              </Button>
            </Link>
          }
        />
      </Card>
    );
  } else {
    body = (
      <Row gutter={[16, 0]} data-testid="quota-cards">
        {sorted.map((q) => (
          <Col key={q.id} xs={24} lg={12}>
            <QuotaCard q={q} />
          </Col>
        ))}
      </Row>
    );
  }

  return (
    <div className="vouchers-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('voucher.mine.title')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {t('voucher.mine.subtitle', { org: user?.organisation.name ?? '' })}
          </Typography.Text>
        </div>
        <Space wrap>
          <Link to="/my/voucher-applications">
            <Button type="primary" icon={<FormOutlined />} data-testid="link-voucher-applications">
              {t('applications.nav.vouchers')}
            </Button>
          </Link>
          <Link to="/my/certification">
            <Button icon={<SafetyCertificateOutlined />} data-testid="link-certification">
              {t('applications.nav.certification')}
            </Button>
          </Link>
        </Space>
      </div>
      {body}
      <UsesCard />
    </div>
  );
}
