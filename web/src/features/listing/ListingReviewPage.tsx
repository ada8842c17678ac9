/**
 * 入网审核: the reviewers' queue the Ant Design Pro way — searched (instrument, asset number, institution),
 * filtered (status tabs, kind, city, one institution), sorted (submission time, institution) and paged by
 * number on the server; one primary action a row (审核 / 查看) and the rest in its menu; bulk approve —
 * and one submission's diff with the decisions.
 */
import { CheckOutlined, CloseOutlined, EyeOutlined, FilterOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Badge,
  Button,
  Card,
  Descriptions,
  Drawer,
  Grid,
  Input,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { SortOrder } from 'antd/es/table/interface';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { isApiError, problemText } from '../../api/client';
import {
  LISTING_KINDS,
  LISTING_STATUSES,
  listingApi,
  type ListingFilter,
  type ListingKind,
  type ListingSort,
  type ListingStatus,
  type ListingSubmission,
  type ListingSubmissionDetail,
} from '../../api/listing';
import { localName } from '../../ui/names';
import { RowActions } from '../../ui/RowActions';
import { EmptyState, ErrorState } from '../../ui/states';
import { tableChange, usePageReset } from '../../ui/listTable';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useCities } from '../catalog/queries';
import {
  FieldValue,
  fieldLabel,
  formatWhen,
  ListingHistory,
  ListingStatusTag,
  useListingChanged,
  useListingPage,
  useListingSubmission,
} from './parts';
import '../../ui/tables.css';

const PAGE_SIZE = 20;
const SORTS: ListingSort[] = ['submitted_asc', 'submitted_desc', 'institution_asc', 'institution_desc'];
/** The sortable columns and the API's order for each direction. */
const COLUMN_SORTS: Record<string, { ascend: ListingSort; descend: ListingSort }> = {
  institution: { ascend: 'institution_asc', descend: 'institution_desc' },
  submittedAt: { ascend: 'submitted_asc', descend: 'submitted_desc' },
};

export function ListingReviewPage() {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  useDocumentTitle(t('listing.title'));
  const compact = Grid.useBreakpoint().md === false;
  const [params, setParams] = useSearchParams();
  const [status, setStatus] = useState<ListingStatus | 'all'>('pending');
  const [kind, setKind] = useState<ListingKind | undefined>(undefined);
  const [city, setCity] = useState<string | undefined>(undefined);
  const [institution, setInstitution] = useState<{ id: number; name: string } | null>(null);
  const [sort, setSort] = useState<ListingSort | undefined>(undefined);
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const [selected, setSelected] = useState<number[]>([]);
  /** A changed filter, search or order starts again at the first page (and drops the selection). */
  const { page, setPage, from1 } = usePageReset(() => setSelected([]));
  const cities = useCities();
  const openId = params.get('submission') ? Number(params.get('submission')) : null;
  const open = (id: number | null) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (id === null) next.delete('submission');
      else next.set('submission', String(id));
      return next;
    });

  const filter: ListingFilter = useMemo(
    () => ({
      status: status === 'all' ? undefined : status,
      kind,
      city,
      institutionId: institution?.id,
      q: q || undefined,
      sort,
      page,
      pageSize: PAGE_SIZE,
    }),
    [status, kind, city, institution, q, sort, page],
  );
  const list = useListingPage(filter);
  const changed = useListingChanged();
  const busy = list.isPending || list.isFetching;

  const bulk = useMutation({
    mutationFn: (ids: number[]) => listingApi.bulkApprove(ids),
    onSuccess: (r) => {
      setSelected([]);
      changed();
      if (r.approved) void message.success(t('listing.bulkDone', { approved: r.approved }));
      const failed = r.results.filter((x) => !x.ok);
      if (failed.length)
        void message.warning(
          t('listing.bulkFailed', {
            failed: failed.length,
            detail: failed.map((f) => `#${f.id} ${f.error?.detail}`).join('；'),
          }),
        );
    },
    onError: (e) => void message.error(isApiError(e) ? problemText(e) : t('common.errorGeneric')),
  });
  const approveOne = useMutation({
    mutationFn: (r: ListingSubmission) => listingApi.approve(r.id),
    onSuccess: (d) => {
      setSelected((s) => s.filter((id) => id !== d.id));
      changed();
      void message.success(t('listing.row.approved', { name: d.nameZh }));
    },
    onError: (e) => void message.error(isApiError(e) ? problemText(e) : t('common.errorGeneric')),
  });

  if (list.error && isApiError(list.error) && list.error.status === 403)
    return (
      <div className="page">
        <Typography.Title level={3}>{t('listing.title')}</Typography.Title>
        <Alert type="info" showIcon message={t('listing.forbidden')} data-testid="listing-forbidden" />
      </div>
    );

  const counts = list.data?.counts;
  const tabs = [
    ...LISTING_STATUSES.filter((s) => s !== 'withdrawn').map((s) => ({
      key: s,
      label: (
        <span data-testid={`listing-tab-${s}`} data-count={counts?.[s]}>
          {t(`listing.statuses.${s}`)}{' '}
          {counts ? (
            <Badge
              count={counts[s]}
              showZero={s === 'pending'}
              overflowCount={9999}
              color={s === 'pending' ? 'blue' : 'gray'}
            />
          ) : null}
        </span>
      ),
    })),
    { key: 'all', label: <span data-testid="listing-tab-all">{t('listing.filters.all')}</span> },
  ];

  /** The column's order as the table shows it: the one asked, or the default (pending: oldest first). */
  const orderOf = (key: string): SortOrder => {
    const s = sort ?? (status === 'pending' ? 'submitted_asc' : undefined);
    return COLUMN_SORTS[key]?.ascend === s ? 'ascend' : COLUMN_SORTS[key]?.descend === s ? 'descend' : null;
  };
  const onTableChange = tableChange<ListingSort | undefined>({
    filter: (filters) => {
      from1(setKind)((filters.kind?.[0] as ListingKind | undefined) ?? undefined);
      setCity((filters.city?.[0] as string | undefined) ?? undefined);
    },
    sort: { columns: COLUMN_SORTS, fallback: undefined, set: from1(setSort) },
  });

  const cityOptions = (cities.data ?? []).map((c) => ({ value: c.code, label: localName(c, i18n.language) }));
  const rowItems = (r: ListingSubmission) => [
    ...(r.status === 'pending'
      ? [
          {
            key: 'approve',
            icon: <CheckOutlined />,
            label: <span data-testid="listing-row-approve">{t('listing.row.approve')}</span>,
            disabled: approveOne.isPending,
            onClick: () => approveOne.mutate(r),
          },
        ]
      : []),
    {
      key: 'institution',
      icon: <FilterOutlined />,
      label: <span data-testid="listing-row-institution">{t('listing.row.sameInstitution')}</span>,
      onClick: () => from1(setInstitution)({ id: r.institution.id, name: r.institution.name }),
    },
    ...(r.instrumentId !== null
      ? [
          {
            key: 'instrument',
            icon: <EyeOutlined />,
            label: <Link to={`/instruments/${r.instrumentId}`}>{t('listing.row.viewInstrument')}</Link>,
          },
        ]
      : []),
  ];

  const columns: ColumnsType<ListingSubmission> = [
    {
      key: 'name',
      title: t('listing.columns.name'),
      ellipsis: true,
      render: (_, r) => (
        <div className="lab-name lab-name--fit">
          <Typography.Link onClick={() => open(r.id)} data-testid="listing-open" title={r.nameZh}>
            {r.nameZh}
          </Typography.Link>
          <Typography.Text type="secondary" className="small-text" ellipsis>
            {r.assetNumber}
            {compact ? ` · ${r.institution.name}` : ''}
          </Typography.Text>
        </div>
      ),
    },
    {
      key: 'institution',
      title: t('listing.columns.institution'),
      width: 190,
      ellipsis: true,
      render: (_, r) => <span title={r.institution.name}>{r.institution.name}</span>,
      responsive: ['md'],
      sorter: true,
      sortOrder: orderOf('institution'),
      sortDirections: ['ascend', 'descend'],
    },
    {
      key: 'kind',
      title: t('listing.columns.kind'),
      width: 150,
      render: (_, r) => (
        <Space size={4} wrap>
          <span>{t(`listing.kinds.${r.kind}`)}</span>
          {r.source === 'import' ? (
            <Typography.Text type="secondary">· {t('listing.sources.import')}</Typography.Text>
          ) : null}
        </Space>
      ),
      responsive: ['sm'],
      filters: LISTING_KINDS.map((k) => ({ value: k, text: t(`listing.kinds.${k}`) })),
      filterMultiple: false,
      filteredValue: kind ? [kind] : null,
    },
    {
      key: 'city',
      title: t('listing.columns.city'),
      width: 100,
      ellipsis: true,
      render: (_, r) => r.city.name ?? r.city.code,
      responsive: ['lg'],
      filters: cityOptions.map((c) => ({ value: c.value, text: c.label })),
      filterMultiple: false,
      filterSearch: true,
      filteredValue: city ? [city] : null,
    },
    {
      key: 'submittedAt',
      title: t('listing.columns.submittedAt'),
      width: 170,
      render: (_, r) => <span className="nowrap">{formatWhen(r.submittedAt, i18n.language)}</span>,
      responsive: ['lg'],
      sorter: true,
      sortOrder: orderOf('submittedAt'),
      sortDirections: ['ascend', 'descend'],
    },
    {
      key: 'status',
      title: t('listing.columns.status'),
      width: 90,
      render: (_, r) => <ListingStatusTag status={r.status} />,
      responsive: ['sm'],
    },
    {
      key: 'actions',
      title: t('listing.columns.actions'),
      width: compact ? 92 : 104,
      fixed: compact ? undefined : 'right',
      render: (_, r) => (
        <RowActions
          primary={
            <Button type="link" size="small" onClick={() => open(r.id)} data-testid="listing-row-open">
              {r.status === 'pending' ? t('listing.open') : t('listing.view')}
            </Button>
          }
          items={rowItems(r)}
          testId="listing-row-more"
        />
      ),
    },
  ];

  return (
    <div className="page" data-testid="listing-review-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('listing.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('listing.subtitle')}</Typography.Text>
        </div>
      </div>
      <Card className="table-card">
        <Tabs
          activeKey={status}
          items={tabs}
          onChange={(k) => {
            setStatus(k as ListingStatus | 'all');
            setPage(1);
            setSelected([]);
          }}
        />
        <div className="filter-bar listing-filters">
          <Input.Search
            allowClear
            placeholder={t('listing.filters.search')}
            value={text}
            onChange={(e) => from1(setText)(e.target.value)}
            className="filter-bar__wide"
            aria-label={t('work.table.search')}
            data-testid="listing-search"
          />
          <Select
            allowClear
            placeholder={t('listing.filters.kind')}
            value={kind}
            onChange={(v) => from1(setKind)(v ?? undefined)}
            options={LISTING_KINDS.map((k) => ({ value: k, label: t(`listing.kinds.${k}`) }))}
            className="filter-bar__narrow"
            data-testid="listing-kind"
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder={t('listing.filters.city')}
            value={city}
            onChange={(v) => from1(setCity)(v ?? undefined)}
            options={cityOptions}
            className="filter-bar__narrow"
            data-testid="listing-city"
          />
          <Select<ListingSort | ''>
            value={sort ?? ''}
            onChange={(v) => from1(setSort)(v || undefined)}
            options={[
              { value: '', label: t('listing.sort.default') },
              ...SORTS.map((s) => ({ value: s, label: t(`listing.sort.${s}`) })),
            ]}
            className="filter-bar__narrow"
            aria-label={t('listing.sort.label')}
            popupMatchSelectWidth={false}
            data-testid="listing-sort"
          />
          {institution ? (
            <Tag
              closable
              closeIcon={<CloseOutlined />}
              onClose={() => from1(setInstitution)(null)}
              className="listing-institution-filter"
              data-testid="listing-institution-filter"
            >
              {t('listing.institutionFilter', { name: institution.name })}
            </Tag>
          ) : null}
          {status === 'pending' ? (
            <Button
              type="primary"
              disabled={!selected.length}
              loading={bulk.isPending}
              onClick={() => bulk.mutate(selected)}
              data-testid="listing-bulk-approve"
            >
              {t('listing.bulkApprove', { count: selected.length })}
            </Button>
          ) : null}
        </div>
        {list.error ? (
          <ErrorState
            error={list.error}
            onRetry={() => void list.refetch()}
            title={t('listing.loadFailed', { reason: '' })}
          />
        ) : (
          <Table<ListingSubmission>
            data-testid="listing-queue"
            data-busy={busy ? 'true' : 'false'}
            rowKey="id"
            size={compact ? 'small' : 'middle'}
            loading={busy}
            columns={columns}
            dataSource={list.data?.items ?? []}
            tableLayout="fixed"
            scroll={compact ? undefined : { x: 940 }}
            onChange={onTableChange}
            rowSelection={
              status === 'pending'
                ? {
                    selectedRowKeys: selected,
                    onChange: (keys) => setSelected(keys as number[]),
                    columnWidth: compact ? 36 : 48,
                  }
                : undefined
            }
            onRow={(r) => ({ 'data-testid': `listing-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
            locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('listing.empty')} /> }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: list.data?.total ?? 0,
              showSizeChanger: false,
              showTotal: compact ? undefined : (n) => t('work.table.total', { total: n.toLocaleString() }),
              simple: compact,
              onChange: (p) => {
                setPage(p);
                setSelected([]);
              },
              hideOnSinglePage: true,
              className: 'listing-pager',
            }}
          />
        )}
      </Card>
      <Drawer
        open={openId !== null}
        onClose={() => open(null)}
        size={compact ? undefined : 'large'}
        width={compact ? '100%' : 860}
        destroyOnHidden
        title={t('listing.title')}
      >
        {openId !== null ? <SubmissionReview id={openId} onDone={() => open(null)} /> : null}
      </Drawer>
    </div>
  );
}

function SubmissionReview({ id, onDone }: { id: number; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const one = useListingSubmission(id);
  const changed = useListingChanged();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const decide = useMutation({
    mutationFn: (action: 'approve' | 'return' | 'reject') => {
      const trimmed = Object.fromEntries(
        Object.entries(reasons)
          .map(([k, v]) => [k, v.trim()])
          .filter(([, v]) => v),
      );
      if (action === 'approve') return listingApi.approve(id, note.trim() || null);
      if (action === 'return') return listingApi.returnForChanges(id, trimmed, note.trim() || null);
      return listingApi.reject(id, note.trim());
    },
    onSuccess: (d: ListingSubmissionDetail) => {
      changed();
      void message.success(
        t(`listing.detail.${d.status === 'approved' ? 'approved' : d.status === 'returned' ? 'returned' : 'rejected'}`),
      );
      onDone();
    },
    onError: (e) => setProblem(isApiError(e) ? problemText(e) : t('common.errorGeneric')),
  });

  if (one.error) return <ErrorState error={one.error} onRetry={() => void one.refetch()} />;
  if (!one.data) return <Typography.Text type="secondary">…</Typography.Text>;
  const d = one.data;
  const isChange = d.kind === 'change';
  const hasReason = Object.values(reasons).some((v) => v.trim()) || note.trim().length > 0;

  const columns: ColumnsType<ListingSubmissionDetail['diff'][number]> = [
    { key: 'field', title: t('listing.detail.field'), render: (_, r) => fieldLabel(t, r.field), width: 130 },
    ...(isChange
      ? [
          {
            key: 'published',
            title: t('listing.detail.published'),
            render: (_: unknown, r: ListingSubmissionDetail['diff'][number]) => (
              <FieldValue field={r.field} value={r.published} />
            ),
          },
        ]
      : []),
    {
      key: 'proposed',
      title: t('listing.detail.proposed'),
      render: (_, r) => (
        <span className={isChange ? 'listing-proposed' : undefined}>
          <FieldValue field={r.field} value={r.proposed} />
        </span>
      ),
    },
    {
      key: 'reason',
      title: t('listing.detail.reason'),
      width: 220,
      render: (_, r) =>
        d.canReview ? (
          <Input
            size="small"
            placeholder={t('listing.detail.reasonPlaceholder')}
            value={reasons[r.field] ?? ''}
            onChange={(e) => setReasons((x) => ({ ...x, [r.field]: e.target.value }))}
            data-testid={`listing-reason-${r.field}`}
            maxLength={200}
          />
        ) : d.fieldReasons?.[r.field] ? (
          <Typography.Text type="warning">{d.fieldReasons[r.field]}</Typography.Text>
        ) : null,
    },
  ];

  return (
    <div data-testid="listing-detail">
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('listing.detail.title', { kind: t(`listing.kinds.${d.kind}`), name: d.nameZh })}
          </Typography.Title>
          <ListingStatusTag status={d.status} />
        </Space>
        <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
          <Descriptions.Item label={t('listing.columns.institution')}>{d.institution.name}</Descriptions.Item>
          <Descriptions.Item label={t('listing.columns.assetNumber')}>{d.assetNumber}</Descriptions.Item>
          <Descriptions.Item label={t('listing.columns.city')}>{d.city.name ?? d.city.code}</Descriptions.Item>
          <Descriptions.Item label={t('listing.filters.source')}>{t(`listing.sources.${d.source}`)}</Descriptions.Item>
          <Descriptions.Item label={t('listing.columns.submittedAt')}>
            {formatWhen(d.submittedAt, i18n.language)}
            {d.submittedBy ? ` · ${d.submittedBy}` : ''}
          </Descriptions.Item>
        </Descriptions>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {isChange ? t('listing.detail.diff') : t('listing.detail.record')}
        </Typography.Title>
        <Table
          data-testid="listing-diff"
          rowKey="field"
          size="small"
          pagination={false}
          columns={columns}
          dataSource={d.diff}
          scroll={{ x: 560 }}
        />
        {d.note && !d.canReview ? <Alert type="info" showIcon message={d.note} /> : null}
        {d.canReview ? (
          <>
            <Input.TextArea
              rows={2}
              maxLength={500}
              placeholder={t('listing.detail.notePlaceholder')}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              data-testid="listing-note"
            />
            {problem ? <Alert type="error" showIcon message={problem} /> : null}
            <Space wrap>
              <Button
                type="primary"
                loading={decide.isPending}
                onClick={() => decide.mutate('approve')}
                data-testid="listing-approve"
              >
                {t('listing.detail.approve')}
              </Button>
              <Button
                disabled={!hasReason}
                title={hasReason ? undefined : t('listing.detail.returnNeedsReason')}
                loading={decide.isPending}
                onClick={() => decide.mutate('return')}
                data-testid="listing-return"
              >
                {t('listing.detail.return')}
              </Button>
              <Button
                danger
                disabled={!note.trim()}
                title={note.trim() ? undefined : t('listing.detail.rejectNote')}
                loading={decide.isPending}
                onClick={() => decide.mutate('reject')}
                data-testid="listing-reject"
              >
                {t('listing.detail.reject')}
              </Button>
            </Space>
          </>
        ) : null}
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('listing.detail.history')}
        </Typography.Title>
        <ListingHistory history={d.history} />
      </Space>
    </div>
  );
}
