/**
 * The reviewers' tables: certification applications and voucher applications within the office's
 * scope, searched (enterprise name, credit code, registration number), filtered (status, city,
 * programme), sorted (submitted time, enterprise, amount) and paged by number on the server. One
 * primary action a row (review or open), the rest in its menu; cards at phone width.
 */
import { CopyOutlined, FilterOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Card, Grid, Input, Pagination, Select, Skeleton, Table, Typography } from 'antd';
import type { MenuProps, TableColumnsType } from 'antd';
import type { SortOrder } from 'antd/es/table/interface';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import {
  APPLICATION_STATUSES,
  type ApplicationStatus,
  type CertificationApplication,
  type QueueFilter,
  type QueueSort,
  type VoucherApplication,
} from '../../api/applications';
import { formatFen } from '../../ui/money';
import { RowActions } from '../../ui/RowActions';
import { EmptyState, ErrorState } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { tableChange, usePageReset } from '../../ui/listTable';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useCounties } from '../organisations/queries';
import { useProgrammes } from '../vouchers/queries';
import { ApplicationStatusTag, HOME_ZONE } from './parts';
import { useCertificationQueue, useVoucherQueue } from './queries';
import '../../ui/tables.css';

const PAGE_SIZE = 20;
type Row = CertificationApplication | VoucherApplication;
type Kind = 'certification' | 'voucher';

/** The table's state: what the server is asked for (the search debounced), and its setters. */
function useQueueState() {
  const [status, setStatus] = useState<ApplicationStatus | undefined>('submitted');
  const [city, setCity] = useState<string | undefined>();
  const [programmeId, setProgrammeId] = useState<number | undefined>();
  const [sort, setSort] = useState<QueueSort>('newest');
  const [q, setQ] = useState('');
  const { page, setPage, from1 } = usePageReset();
  const debounced = useDebounced(q.trim(), 300);
  const filter: QueueFilter = {
    status,
    city,
    programmeId,
    q: debounced || undefined,
    sort,
    offset: (page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  };
  return {
    filter,
    status,
    city,
    programmeId,
    sort,
    q,
    page,
    setStatus: from1(setStatus),
    setCity: from1(setCity),
    setProgrammeId: from1(setProgrammeId),
    setSort: from1(setSort),
    setQ: from1(setQ),
    setPage,
  };
}
type QueueState = ReturnType<typeof useQueueState>;

const SORTS: Record<Kind, QueueSort[]> = {
  certification: ['newest', 'oldest', 'enterprise'],
  voucher: ['newest', 'oldest', 'enterprise', 'amount_desc', 'amount_asc'],
};

/** The sort a column's header asks for, by its key and direction. */
const COLUMN_SORTS: Record<string, Partial<Record<'ascend' | 'descend', QueueSort>>> = {
  submitted: { descend: 'newest', ascend: 'oldest' },
  enterprise: { ascend: 'enterprise' },
  amount: { descend: 'amount_desc', ascend: 'amount_asc' },
};
const orderOf = (sort: QueueSort, key: string): SortOrder => {
  const found = Object.entries(COLUMN_SORTS[key] ?? {}).find(([, s]) => s === sort);
  return (found?.[0] as SortOrder | undefined) ?? null;
};

function useOptions(kind: Kind) {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const counties = useCounties();
  const programmes = useProgrammes(kind === 'voucher');
  return {
    statuses: APPLICATION_STATUSES.map((s) => ({ value: s, label: t(`applications.status.${s}`) })),
    cities: (counties.data ?? []).map((c) => ({ value: c.code, label: en && c.nameEn ? c.nameEn : c.name })),
    programmes: (programmes.data ?? []).map((p) => ({ value: p.id, label: en && p.nameEn ? p.nameEn : p.name })),
  };
}

function Toolbar({ kind, s, compact }: { kind: Kind; s: QueueState; compact: boolean }) {
  const { t } = useTranslation();
  const options = useOptions(kind);
  return (
    <div className="filter-bar" data-testid="application-toolbar">
      <Input.Search
        allowClear
        value={s.q}
        onChange={(e) => s.setQ(e.target.value)}
        placeholder={t(
          kind === 'certification' ? 'applications.review.searchCert' : 'applications.review.searchVoucher',
        )}
        aria-label={t('work.table.search')}
        className="filter-bar__wide"
        data-testid="application-search"
      />
      {compact ? (
        <>
          <Select<ApplicationStatus>
            allowClear
            value={s.status}
            onChange={(v) => s.setStatus(v ?? undefined)}
            placeholder={t('applications.common.allStatuses')}
            className="filter-bar__narrow"
            data-testid="status-filter"
            options={options.statuses}
          />
          <Select<string>
            allowClear
            value={s.city}
            onChange={(v) => s.setCity(v ?? undefined)}
            placeholder={t('applications.review.allCities')}
            className="filter-bar__narrow"
            data-testid="city-filter"
            options={options.cities}
          />
          {kind === 'voucher' ? (
            <Select<number>
              allowClear
              value={s.programmeId}
              onChange={(v) => s.setProgrammeId(v ?? undefined)}
              placeholder={t('applications.review.allProgrammes')}
              className="filter-bar__wide"
              data-testid="programme-filter"
              options={options.programmes}
            />
          ) : null}
          <Select<QueueSort>
            value={s.sort}
            onChange={s.setSort}
            aria-label={t('catalog.sort')}
            className="filter-bar__narrow"
            data-testid="application-sort"
            options={SORTS[kind].map((v) => ({ value: v, label: t(`applications.review.sort.${v}`) }))}
          />
        </>
      ) : null}
    </div>
  );
}

function Queue<T extends Row>({
  kind,
  title,
  subtitle,
  s,
  list,
  link,
  columns,
  meta,
  more,
}: {
  kind: Kind;
  title: string;
  subtitle: string;
  s: QueueState;
  list: {
    data?: { items: T[]; total: number };
    isPending: boolean;
    isFetching: boolean;
    isError: boolean;
    error: unknown;
    refetch: () => unknown;
  };
  link: (row: T) => string;
  /** The columns between the enterprise and the submitted time. */
  columns: TableColumnsType<T>;
  /** What a phone's card says under the enterprise. */
  meta: (row: T) => ReactNode;
  /** The row menu's entries besides the common ones. */
  more: (row: T) => NonNullable<MenuProps['items']>;
}) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const compact = Grid.useBreakpoint().md === false;
  const options = useOptions(kind);
  useDocumentTitle(title);
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const busy = list.isPending || list.isFetching;
  const empty = <EmptyState title={t('applications.review.empty')} />;

  /** Review (when the caller may decide now) or open: a link in the table, a button on a card. */
  const primary = (a: T, type: 'link' | 'default') => {
    const label = a.mayReview ? t('applications.review.review') : t('applications.common.open');
    return type === 'link' ? (
      <Link to={link(a)} data-testid="open-application" className="row-actions__primary">
        {label}
      </Link>
    ) : (
      <Button
        size="small"
        type={a.mayReview ? 'primary' : 'default'}
        onClick={() => void navigate(link(a))}
        data-testid="open-application"
      >
        {label}
      </Button>
    );
  };
  const menu = (a: T): NonNullable<MenuProps['items']> => [
    {
      key: 'enterprise',
      icon: <FilterOutlined />,
      label: t('applications.review.sameEnterprise'),
      onClick: () => s.setQ(a.enterprise.creditCode ?? a.enterprise.name),
    },
    ...more(a),
    ...(a.enterprise.creditCode
      ? [
          {
            key: 'copy',
            icon: <CopyOutlined />,
            label: t('applications.review.copyCode'),
            onClick: () =>
              void navigator.clipboard
                ?.writeText(a.enterprise.creditCode ?? '')
                .then(() => message.success(t('applications.review.copied'))),
          },
        ]
      : []),
  ];
  const actions = (a: T, type: 'link' | 'default') => (
    <RowActions primary={primary(a, type)} items={menu(a)} testId="application-more" />
  );

  const onTableChange = tableChange({
    filter: (filters) => {
      s.setStatus((filters.status?.[0] as ApplicationStatus | undefined) ?? undefined);
      s.setCity((filters.city?.[0] as string | undefined) ?? undefined);
      if (kind === 'voucher') s.setProgrammeId((filters.programme?.[0] as number | undefined) ?? undefined);
    },
    sort: { columns: COLUMN_SORTS, fallback: 'newest', set: s.setSort },
  });

  const allColumns: TableColumnsType<T> = [
    {
      key: 'enterprise',
      title: t('applications.common.enterprise'),
      ellipsis: true,
      sorter: true,
      sortOrder: orderOf(s.sort, 'enterprise'),
      sortDirections: ['ascend'],
      render: (_, a) => (
        <div className="lab-name lab-name--fit">
          <Link to={link(a)} title={a.enterprise.name}>
            {a.enterprise.name}
          </Link>
          <Typography.Text type="secondary" className="small-text nowrap">
            {a.enterprise.creditCode ?? ''}
          </Typography.Text>
        </div>
      ),
    },
    {
      key: 'city',
      title: t('applications.common.city'),
      width: 100,
      ellipsis: true,
      responsive: ['lg'],
      filters: options.cities.map((c) => ({ value: c.value, text: c.label })),
      filterMultiple: false,
      filteredValue: s.city ? [s.city] : null,
      render: (_, a) => a.enterprise.cityName ?? '—',
    },
    ...columns,
    {
      key: 'submitted',
      title: t('applications.common.submittedAt'),
      width: 170,
      responsive: ['md'],
      sorter: true,
      sortOrder: orderOf(s.sort, 'submitted'),
      sortDirections: ['descend', 'ascend'],
      render: (_, a) => formatDateTime(a.submittedAt, HOME_ZONE, i18n.language),
    },
    {
      key: 'status',
      title: t('applications.common.status'),
      width: 110,
      filters: options.statuses.map((o) => ({ value: o.value, text: o.label })),
      filterMultiple: false,
      filteredValue: s.status ? [s.status] : null,
      render: (_, a) => <ApplicationStatusTag status={a.status} />,
    },
    {
      key: 'actions',
      title: t('lab.columns.actions'),
      width: 110,
      fixed: 'right',
      render: (_, a) => actions(a, 'link'),
    },
  ];

  const pager = (
    <Pagination
      current={s.page}
      pageSize={PAGE_SIZE}
      total={total}
      showSizeChanger={false}
      simple={compact}
      showTotal={compact ? undefined : (n) => t('work.table.total', { total: n.toLocaleString() })}
      onChange={s.setPage}
      hideOnSinglePage
      className="table-pager"
      data-testid="application-pager"
    />
  );

  return (
    <div className="lab-page" data-testid={`${kind}-queue-page`}>
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {title}
          </Typography.Title>
          <Typography.Text type="secondary">
            {subtitle}
            {list.data ? ` · ${t('work.table.total', { total: total.toLocaleString() })}` : ''}
          </Typography.Text>
        </div>
      </div>
      <Card className="section-card table-card">
        <Toolbar kind={kind} s={s} compact={compact} />
        {list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : compact ? (
          <>
            <ul className="lab-list" data-testid="application-queue" data-busy={busy ? 'true' : 'false'}>
              {busy && !items.length ? <Skeleton active paragraph={{ rows: 4 }} /> : null}
              {!busy && !items.length ? empty : null}
              {items.map((a) => (
                <li key={a.id} className="lab-list__item" data-application-id={a.id} data-status={a.status}>
                  <div className="lab-list__main">
                    <Link to={link(a)} className="lab-list__name">
                      {a.enterprise.name}
                    </Link>
                    <div className="lab-list__meta">{meta(a)}</div>
                    <div className="lab-list__meta">
                      {formatDateTime(a.submittedAt, HOME_ZONE, i18n.language)}
                      {a.enterprise.cityName ? ` · ${a.enterprise.cityName}` : ''}
                    </div>
                    <div className="lab-list__tags">
                      <ApplicationStatusTag status={a.status} />
                    </div>
                  </div>
                  {actions(a, 'default')}
                </li>
              ))}
            </ul>
            {pager}
          </>
        ) : (
          <>
            <Table<T>
              rowKey="id"
              size="middle"
              loading={busy}
              dataSource={items}
              pagination={false}
              tableLayout="fixed"
              scroll={{ x: 880 }}
              onChange={onTableChange}
              data-testid="application-queue"
              data-busy={busy ? 'true' : 'false'}
              onRow={(a) => ({ 'data-application-id': a.id, 'data-status': a.status }) as object}
              locale={{ emptyText: busy ? ' ' : empty }}
              columns={allColumns}
            />
            {pager}
          </>
        )}
      </Card>
    </div>
  );
}

/** `/finance/certification-applications` */
export function CertificationQueuePage() {
  const { t } = useTranslation();
  const s = useQueueState();
  const list = useCertificationQueue({ ...s.filter, programmeId: undefined });
  return (
    <Queue<CertificationApplication>
      kind="certification"
      title={t('applications.review.certTitle')}
      subtitle={t('applications.review.certSubtitle')}
      s={s}
      list={list}
      link={(a) => `/finance/certification-applications/${a.id}`}
      meta={(a) => `${t('applications.certification.registrationNo')} ${a.registrationNo} · ${a.registrationYear}`}
      more={() => []}
      columns={[
        {
          key: 'registration',
          title: t('applications.review.registration'),
          width: 220,
          ellipsis: true,
          responsive: ['xl'],
          render: (_, a) => (
            <div className="lab-name lab-name--fit">
              <span className="nowrap">{a.registrationNo}</span>
              <Typography.Text type="secondary" className="small-text">
                {t('applications.certification.registrationYear')} {a.registrationYear}
              </Typography.Text>
            </div>
          ),
        },
      ]}
    />
  );
}

/** `/finance/voucher-applications` */
export function VoucherQueuePage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const s = useQueueState();
  const list = useVoucherQueue(s.filter);
  const options = useOptions('voucher');
  const amount = (a: VoucherApplication) => (
    <span className="money-cell">
      {formatFen(a.amountFen)}
      {a.approvedFen !== null ? ` → ${formatFen(a.approvedFen)}` : ''}
    </span>
  );
  const programmeName = (a: VoucherApplication) => (en && a.programme.nameEn ? a.programme.nameEn : a.programme.name);
  return (
    <Queue<VoucherApplication>
      kind="voucher"
      title={t('applications.review.voucherTitle')}
      subtitle={t('applications.review.voucherSubtitle')}
      s={s}
      list={list}
      link={(a) => `/finance/voucher-applications/${a.id}`}
      meta={(a) => (
        <>
          {programmeName(a)} · {amount(a)}
        </>
      )}
      more={(a) => [
        {
          key: 'programme',
          icon: <FilterOutlined />,
          label: t('applications.review.sameProgramme'),
          onClick: () => s.setProgrammeId(a.programme.id),
        },
      ]}
      columns={[
        {
          key: 'programme',
          title: t('applications.review.programme'),
          width: 180,
          ellipsis: true,
          responsive: ['lg'],
          filters: options.programmes.map((p) => ({ value: p.value, text: p.label })),
          filterMultiple: false,
          filteredValue: s.programmeId ? [s.programmeId] : null,
          render: (_, a) => <span title={programmeName(a)}>{programmeName(a)}</span>,
        },
        {
          key: 'amount',
          title: t('applications.review.amount'),
          width: 150,
          align: 'right',
          sorter: true,
          sortOrder: orderOf(s.sort, 'amount'),
          sortDirections: ['descend', 'ascend'],
          render: (_, a) => amount(a),
        },
      ]}
    />
  );
}
