import { CalendarOutlined, EditOutlined, EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Grid, Input, Pagination, Select, Skeleton, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { SortOrder } from 'antd/es/table/interface';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  RUN_STATUSES,
  SHARING_MODES,
  type InstrumentSummary,
  type RunStatus,
  type SharingMode,
  type Sort,
} from '../../api/catalog';
import { useAuth } from '../../app/auth';
import { isEnglish } from '../../i18n';
import { useCursorPage } from '../../ui/cursorPages';
import { formatFenCompact } from '../../ui/money';
import { localName } from '../../ui/names';
import { FromPrice } from '../../ui/Price';
import { RowActions } from '../../ui/RowActions';
import { EmptyState, ErrorState } from '../../ui/states';
import { RunStatusTag, SharingModeTag } from '../../ui/tags';
import { tableChange, usePageReset } from '../../ui/listTable';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useInstitutions, useInstrumentSearch } from '../catalog/queries';
import { LabSubmissions, ReviewStatusTag, useLabListings } from '../listing/LabListings';

const PAGE_SIZE = 20;

/** The sortable columns and the API's sorts for each direction (the catalogue search sorts server-side). */
const SORTS: Record<string, { ascend: Sort; descend: Sort }> = {
  price: { ascend: 'price_asc', descend: 'price_desc' },
  value: { ascend: 'value_asc', descend: 'value_desc' },
};
const orderOf = (sort: Sort, key: string): SortOrder =>
  SORTS[key]?.ascend === sort ? 'ascend' : SORTS[key]?.descend === sort ? 'descend' : null;

/**
 * 我的仪器 (a lab's instruments; every institution's for platform admins): searched, filtered by run
 * status and sharing mode, sorted by price or value and paged on the server (the catalogue search API);
 * one primary action per row (edit), the rest in its menu.
 */
export function LabInstrumentsPage() {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const admin = user?.role === 'platform_admin';
  const screens = Grid.useBreakpoint();
  const compact = screens.md === false;
  const [institutionFilter, setInstitutionFilter] = useState<number | undefined>(undefined);
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<RunStatus | undefined>(undefined);
  const [sharingMode, setSharingMode] = useState<SharingMode | undefined>(undefined);
  const [sort, setSort] = useState<Sort>('newest');
  const { page, setPage, from1 } = usePageReset();
  const query = useDebounced(q.trim(), 300);
  const institutions = useInstitutions(undefined, admin);
  const institutionId = admin ? institutionFilter : user?.organisation.id;
  const params = useMemo(
    () => ({ institutionId, q: query || undefined, status, sharingMode, sort }),
    [institutionId, query, status, sharingMode, sort],
  );
  const list = useInstrumentSearch(params, { pageSize: PAGE_SIZE, keepPrevious: true });
  const current = useCursorPage(list, page);
  // Listing review (入网审核): the lab's own submissions and each published record's open change.
  const listings = useLabListings(user?.role === 'lab_manager');
  const [submissionId, setSubmissionId] = useState<number | null>(null);
  const title = admin ? t('lab.adminTitle') : t('lab.title');
  useDocumentTitle(title);

  const items = current.items;
  const total = list.data?.pages[0]?.total ?? null;
  const en = isEnglish(i18n.language);
  const busy = list.isPending || current.loading || (list.isFetching && !list.isFetchingNextPage);
  const onTableChange = tableChange({
    filter: (filters) => {
      setStatus((filters.status?.[0] as RunStatus | undefined) ?? undefined);
      setSharingMode((filters.sharing?.[0] as SharingMode | undefined) ?? undefined);
      setPage(1);
    },
    sort: { columns: SORTS, fallback: 'newest', set: from1(setSort) },
  });

  const moreItems = (r: InstrumentSummary) => [
    {
      key: 'schedule',
      icon: <CalendarOutlined />,
      label: (
        <Link to={`/lab/instruments/${r.id}/schedule`} data-testid="lab-schedule-link">
          {t('bookingSettings.open')}
        </Link>
      ),
    },
    {
      key: 'view',
      icon: <EyeOutlined />,
      label: <Link to={`/instruments/${r.id}`}>{t('common.view')}</Link>,
    },
  ];
  const editLink = (r: InstrumentSummary, button: 'link' | 'default') => (
    <Link to={`/lab/instruments/${r.id}/edit`} data-testid="lab-edit-link" data-id={r.id}>
      <Button
        type={button === 'link' ? 'link' : 'default'}
        size={button === 'link' ? 'small' : 'middle'}
        icon={<EditOutlined />}
      >
        {t('common.edit')}
      </Button>
    </Link>
  );

  const columns: ColumnsType<InstrumentSummary> = [
    {
      key: 'name',
      title: t('lab.columns.name'),
      ellipsis: true,
      render: (_, r) => (
        <div className="lab-name lab-name--fit">
          <Link to={`/instruments/${r.id}`} title={en && r.nameEn ? r.nameEn : r.nameZh}>
            {en && r.nameEn ? r.nameEn : r.nameZh}
          </Link>
          {(en ? r.nameZh : r.nameEn) ? (
            <Typography.Text type="secondary" className="small-text lab-name__sub" ellipsis>
              {en ? r.nameZh : r.nameEn}
            </Typography.Text>
          ) : null}
          {admin ? (
            <Typography.Text type="secondary" className="small-text lab-name__sub" ellipsis>
              {r.institution.name}
            </Typography.Text>
          ) : null}
        </div>
      ),
    },
    {
      key: 'model',
      title: t('lab.columns.model'),
      width: 140,
      ellipsis: true,
      render: (_, r) => r.model ?? t('common.none'),
      responsive: ['lg'],
    },
    {
      key: 'category',
      title: t('lab.columns.category'),
      width: 160,
      ellipsis: true,
      render: (_, r) => localName(r.category, i18n.language),
      responsive: ['xxl'],
    },
    {
      key: 'sharing',
      title: t('lab.columns.sharingMode'),
      width: 120,
      render: (_, r) => <SharingModeTag mode={r.sharingMode} />,
      responsive: ['md'],
      filters: SHARING_MODES.map((m) => ({ value: m, text: t(`sharingMode.${m}`) })),
      filterMultiple: false,
      filteredValue: sharingMode ? [sharingMode] : null,
    },
    {
      key: 'status',
      title: t('lab.columns.runStatus'),
      width: 120,
      render: (_, r) => <RunStatusTag status={r.runStatus} />,
      filters: RUN_STATUSES.map((s) => ({ value: s, text: t(`runStatus.${s}`) })),
      filterMultiple: false,
      filteredValue: status ? [status] : null,
    },
    ...(admin
      ? []
      : [
          {
            key: 'review',
            title: t('listing.lab.reviewStatus'),
            width: 120,
            render: (_: unknown, r: InstrumentSummary) => (
              <ReviewStatusTag change={listings.changes.get(r.id)} onOpen={setSubmissionId} />
            ),
          },
        ]),
    {
      key: 'price',
      title: t('lab.columns.price'),
      align: 'right',
      width: 150,
      render: (_, r) => <FromPrice price={r.listPrice} />,
      responsive: ['sm'],
      sorter: true,
      sortOrder: orderOf(sort, 'price'),
      sortDirections: ['ascend', 'descend'],
    },
    {
      key: 'value',
      title: t('lab.columns.value'),
      align: 'right',
      width: 120,
      render: (_, r) => formatFenCompact(r.originalValueFen, i18n.language),
      responsive: ['lg'],
      sorter: true,
      sortOrder: orderOf(sort, 'value'),
      sortDirections: ['descend', 'ascend'],
    },
    {
      key: 'actions',
      title: t('lab.columns.actions'),
      width: 116,
      fixed: 'right',
      render: (_, r) => <RowActions primary={editLink(r, 'link')} items={moreItems(r)} testId="lab-row-more" />,
    },
  ];

  const pager = (
    <Pagination
      current={page}
      pageSize={PAGE_SIZE}
      total={total ?? items.length}
      showSizeChanger={false}
      simple={compact}
      showTotal={compact ? undefined : (n) => t('work.table.total', { total: n.toLocaleString() })}
      onChange={setPage}
      hideOnSinglePage
      className="table-pager"
      data-testid="lab-pager"
    />
  );

  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {title}
          </Typography.Title>
          <Typography.Text type="secondary">
            {admin ? t('lab.adminSubtitle') : t('lab.subtitle', { org: user?.organisation.name ?? '' })}
            {total !== null ? ` · ${t('catalog.heroStats', { n: total.toLocaleString() })}` : ''}
          </Typography.Text>
        </div>
        <Link to="/lab/instruments/new">
          <Button type="primary" icon={<PlusOutlined />} data-testid="add-instrument">
            {t('lab.add')}
          </Button>
        </Link>
      </div>
      {!admin ? (
        <LabSubmissions items={listings.page.data?.items ?? []} openId={submissionId} onOpen={setSubmissionId} />
      ) : null}
      <Card className="section-card table-card">
        <div className="filter-bar" data-testid="lab-toolbar">
          <Input.Search
            allowClear
            placeholder={t('work.instruments.search')}
            value={q}
            onChange={(e) => from1(setQ)(e.target.value)}
            className="filter-bar__wide"
            aria-label={t('work.table.search')}
            data-testid="lab-search"
          />
          {admin ? (
            <Select<number>
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('lab.fields.institution')}
              value={institutionFilter}
              onChange={(v) => from1(setInstitutionFilter)(v ?? undefined)}
              loading={institutions.isPending}
              options={(institutions.data ?? []).map((i) => ({ value: i.id, label: i.name }))}
              className="filter-bar__wide"
            />
          ) : null}
          {compact ? (
            <>
              <Select<RunStatus>
                allowClear
                placeholder={t('work.instruments.anyStatus')}
                value={status}
                onChange={(v) => from1(setStatus)(v ?? undefined)}
                options={RUN_STATUSES.map((s) => ({ value: s, label: t(`runStatus.${s}`) }))}
                className="filter-bar__narrow"
              />
              <Select<Sort>
                value={sort}
                onChange={from1(setSort)}
                options={(['newest', 'price_asc', 'price_desc', 'value_desc', 'value_asc'] as const).map((s) => ({
                  value: s,
                  label: t(`catalog.sorts.${s}`),
                }))}
                className="filter-bar__narrow"
              />
            </>
          ) : null}
        </div>
        {list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : compact ? (
          <>
            <ul className="lab-list" data-testid="lab-instruments" data-busy={busy ? 'true' : 'false'}>
              {busy && !items.length ? <Skeleton active paragraph={{ rows: 6 }} /> : null}
              {!busy && items.length === 0 ? <EmptyState title={t('lab.empty')} /> : null}
              {items.map((r) => (
                <li key={r.id} className="lab-list__item ant-table-row">
                  <div className="lab-list__main">
                    <Link to={`/instruments/${r.id}`} className="lab-list__name">
                      {en && r.nameEn ? r.nameEn : r.nameZh}
                    </Link>
                    <div className="lab-list__meta">
                      {[r.model, admin ? r.institution.name : null].filter(Boolean).join(' · ')}
                    </div>
                    <div className="lab-list__tags">
                      <SharingModeTag mode={r.sharingMode} />
                      <RunStatusTag status={r.runStatus} />
                      {!admin ? <ReviewStatusTag change={listings.changes.get(r.id)} onOpen={setSubmissionId} /> : null}
                    </div>
                    <FromPrice price={r.listPrice} />
                  </div>
                  <Space orientation="vertical" size={4}>
                    <RowActions primary={editLink(r, 'default')} items={moreItems(r)} testId="lab-row-more" />
                  </Space>
                </li>
              ))}
            </ul>
            {pager}
          </>
        ) : (
          <>
            <Table<InstrumentSummary>
              rowKey="id"
              columns={columns}
              dataSource={items}
              loading={busy}
              pagination={false}
              size="middle"
              tableLayout="fixed"
              scroll={{ x: 860 }}
              onChange={onTableChange}
              data-testid="lab-instruments"
              data-busy={busy ? 'true' : 'false'}
              locale={{ emptyText: busy ? ' ' : <EmptyState title={t('lab.empty')} /> }}
            />
            {pager}
          </>
        )}
      </Card>
    </div>
  );
}
