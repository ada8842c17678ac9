/** 入网审核: the reviewers' queue (filters, counts, bulk approve) and one submission's diff with the decisions. */
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
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { isApiError, problemText } from '../../api/client';
import {
  LISTING_KINDS,
  LISTING_STATUSES,
  listingApi,
  type ListingFilter,
  type ListingKind,
  type ListingStatus,
  type ListingSubmission,
  type ListingSubmissionDetail,
} from '../../api/listing';
import { localName } from '../../ui/names';
import { EmptyState, ErrorState } from '../../ui/states';
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

const PAGE_SIZE = 20;

export function ListingReviewPage() {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  useDocumentTitle(t('listing.title'));
  const compact = Grid.useBreakpoint().md === false;
  const [params, setParams] = useSearchParams();
  const [status, setStatus] = useState<ListingStatus | 'all'>('pending');
  const [kind, setKind] = useState<ListingKind | undefined>(undefined);
  const [city, setCity] = useState<string | undefined>(undefined);
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<number[]>([]);
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
    () => ({ status: status === 'all' ? undefined : status, kind, city, q: q || undefined, page, pageSize: PAGE_SIZE }),
    [status, kind, city, q, page],
  );
  const list = useListingPage(filter);
  const changed = useListingChanged();

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
        <span data-testid={`listing-tab-${s}`}>
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

  const columns: ColumnsType<ListingSubmission> = [
    {
      key: 'name',
      title: t('listing.columns.name'),
      render: (_, r) => (
        <div>
          <Typography.Link onClick={() => open(r.id)} data-testid="listing-open">
            {r.nameZh}
          </Typography.Link>
          <div className="small-text">
            <Typography.Text type="secondary">
              {r.assetNumber}
              {compact ? ` · ${r.institution.name}` : ''}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    {
      key: 'institution',
      title: t('listing.columns.institution'),
      render: (_, r) => r.institution.name,
      responsive: ['md'],
    },
    {
      key: 'kind',
      title: t('listing.columns.kind'),
      render: (_, r) => (
        <Space size={4} wrap>
          <span>{t(`listing.kinds.${r.kind}`)}</span>
          {r.source === 'import' ? (
            <Typography.Text type="secondary">· {t('listing.sources.import')}</Typography.Text>
          ) : null}
        </Space>
      ),
      responsive: ['sm'],
    },
    { key: 'city', title: t('listing.columns.city'), render: (_, r) => r.city.name ?? r.city.code, responsive: ['lg'] },
    {
      key: 'submittedAt',
      title: t('listing.columns.submittedAt'),
      render: (_, r) => formatWhen(r.submittedAt, i18n.language),
      responsive: ['lg'],
    },
    { key: 'status', title: t('listing.columns.status'), render: (_, r) => <ListingStatusTag status={r.status} /> },
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
      <Card>
        <Tabs
          activeKey={status}
          items={tabs}
          onChange={(k) => {
            setStatus(k as ListingStatus | 'all');
            setPage(1);
            setSelected([]);
          }}
        />
        <Space wrap className="listing-filters" style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            placeholder={t('listing.filters.search')}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setPage(1);
            }}
            style={{ width: compact ? '100%' : 260 }}
            data-testid="listing-search"
          />
          <Select
            allowClear
            placeholder={t('listing.filters.kind')}
            value={kind}
            onChange={(v) => {
              setKind(v);
              setPage(1);
            }}
            options={LISTING_KINDS.map((k) => ({ value: k, label: t(`listing.kinds.${k}`) }))}
            style={{ width: 150 }}
            data-testid="listing-kind"
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder={t('listing.filters.city')}
            value={city}
            onChange={(v) => {
              setCity(v);
              setPage(1);
            }}
            options={(cities.data ?? []).map((c) => ({ value: c.code, label: localName(c, i18n.language) }))}
            style={{ width: 140 }}
            data-testid="listing-city"
          />
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
        </Space>
        {list.error ? (
          <ErrorState
            error={list.error}
            onRetry={() => void list.refetch()}
            title={t('listing.loadFailed', { reason: '' })}
          />
        ) : (
          <Table<ListingSubmission>
            data-testid="listing-queue"
            rowKey="id"
            size={compact ? 'small' : 'middle'}
            loading={list.isLoading}
            columns={columns}
            dataSource={list.data?.items ?? []}
            rowSelection={
              status === 'pending'
                ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]) }
                : undefined
            }
            onRow={(r) => ({ 'data-testid': `listing-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
            locale={{ emptyText: <EmptyState title={t('listing.empty')} /> }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: list.data?.total ?? 0,
              showSizeChanger: false,
              onChange: setPage,
              size: 'small',
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
