/** The reviewers' queues: certification applications and voucher applications, by status, within the office's scope. */
import { Card, Grid, Input, Select, Skeleton, Space, Table, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  APPLICATION_STATUSES,
  type ApplicationStatus,
  type CertificationApplication,
  type VoucherApplication,
} from '../../api/applications';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { ApplicationStatusTag, HOME_ZONE } from './parts';
import { useCertificationApplications, useVoucherApplications } from './queries';

type Row = CertificationApplication | VoucherApplication;

function Filters({
  status,
  onStatus,
  q,
  onQ,
}: {
  status: ApplicationStatus | 'all';
  onStatus: (s: ApplicationStatus | 'all') => void;
  q: string;
  onQ: (q: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Space wrap className="filter-bar">
      <Select<ApplicationStatus | 'all'>
        value={status}
        onChange={onStatus}
        style={{ minWidth: 140 }}
        data-testid="status-filter"
        options={[
          { value: 'all', label: t('applications.common.allStatuses') },
          ...APPLICATION_STATUSES.map((s) => ({ value: s, label: t(`applications.status.${s}`) })),
        ]}
      />
      <Input.Search
        allowClear
        value={q}
        onChange={(e) => onQ(e.target.value)}
        placeholder={t('applications.common.search')}
        style={{ maxWidth: 260 }}
      />
    </Space>
  );
}

function Queue<T extends Row>({
  title,
  subtitle,
  list,
  link,
  what,
  extra,
  filters,
}: {
  title: string;
  subtitle: string;
  list: { data?: T[]; isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  link: (row: T) => string;
  what: (row: T) => ReactNode;
  extra: (row: T) => ReactNode;
  filters: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const phone = Grid.useBreakpoint().md === false;
  useDocumentTitle(title);
  const items = list.data ?? [];
  const empty = <EmptyState title={t('applications.review.empty')} />;
  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {title}
          </Typography.Title>
          <Typography.Text type="secondary">{subtitle}</Typography.Text>
        </div>
      </div>
      <Card className="section-card">
        {filters}
        {list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : phone ? (
          <ul className="lab-list" data-testid="application-queue">
            {list.isPending ? <Skeleton active paragraph={{ rows: 4 }} /> : null}
            {!list.isPending && !items.length ? empty : null}
            {items.map((a) => (
              <li key={a.id} className="lab-list__item" data-application-id={a.id} data-status={a.status}>
                <div className="lab-list__main">
                  <Link to={link(a)} className="lab-list__name">
                    {a.enterprise.name}
                  </Link>
                  <div className="lab-list__meta">{what(a)}</div>
                  <div className="lab-list__meta">
                    {formatDateTime(a.submittedAt, HOME_ZONE, i18n.language)} · {extra(a)}
                  </div>
                </div>
                <ApplicationStatusTag status={a.status} />
              </li>
            ))}
          </ul>
        ) : (
          <Table<T>
            rowKey="id"
            size="middle"
            loading={list.isPending}
            dataSource={items}
            pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            scroll={{ x: 'max-content' }}
            data-testid="application-queue"
            onRow={(a) => ({ 'data-application-id': a.id, 'data-status': a.status }) as object}
            locale={{ emptyText: list.isPending ? ' ' : empty }}
            columns={[
              {
                key: 'enterprise',
                title: t('applications.common.enterprise'),
                render: (_, a) => (
                  <div className="use-cell">
                    <Link to={link(a)}>{a.enterprise.name}</Link>
                    <Typography.Text type="secondary" className="small-text">
                      {a.enterprise.cityName ?? ''} {a.enterprise.creditCode ?? ''}
                    </Typography.Text>
                  </div>
                ),
              },
              { key: 'what', title: '', render: (_, a) => what(a) },
              { key: 'extra', title: '', render: (_, a) => extra(a) },
              {
                key: 'submitted',
                title: t('applications.common.submittedAt'),
                render: (_, a) => formatDateTime(a.submittedAt, HOME_ZONE, i18n.language),
              },
              {
                key: 'status',
                title: t('applications.common.status'),
                render: (_, a) => <ApplicationStatusTag status={a.status} />,
              },
              {
                key: 'open',
                title: '',
                render: (_, a) => (
                  <Link to={link(a)} data-testid="open-application">
                    {t('applications.common.open')}
                  </Link>
                ),
              },
            ]}
          />
        )}
      </Card>
    </div>
  );
}

function useFilters() {
  const [status, setStatus] = useState<ApplicationStatus | 'all'>('submitted');
  const [q, setQ] = useState('');
  const debounced = useDebounced(q.trim(), 300);
  const filter = { status: status === 'all' ? undefined : status, q: debounced || undefined };
  return { filter, node: <Filters status={status} onStatus={setStatus} q={q} onQ={setQ} /> };
}

/** `/finance/certification-applications` */
export function CertificationQueuePage() {
  const { t } = useTranslation();
  const { filter, node } = useFilters();
  const list = useCertificationApplications(filter);
  return (
    <Queue<CertificationApplication>
      title={t('applications.review.certTitle')}
      subtitle={t('applications.review.certSubtitle')}
      list={list}
      filters={node}
      link={(a) => `/finance/certification-applications/${a.id}`}
      what={(a) => `${t('applications.certification.registrationNo')} ${a.registrationNo}`}
      extra={(a) => `${t('applications.certification.registrationYear')} ${a.registrationYear}`}
    />
  );
}

/** `/finance/voucher-applications` */
export function VoucherQueuePage() {
  const { t } = useTranslation();
  const { filter, node } = useFilters();
  const list = useVoucherApplications(filter);
  return (
    <Queue<VoucherApplication>
      title={t('applications.review.voucherTitle')}
      subtitle={t('applications.review.voucherSubtitle')}
      list={list}
      filters={node}
      link={(a) => `/finance/voucher-applications/${a.id}`}
      what={(a) => a.programme.name}
      extra={(a) => (
        <span className="money-cell">
          {formatFen(a.amountFen)}
          {a.approvedFen !== null ? ` → ${formatFen(a.approvedFen)}` : ''}
        </span>
      )}
    />
  );
}
