import { Grid, Segmented, Skeleton, Table, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { BATCH_STATUSES, type Batch, type BatchStatus } from '../../api/settlement';
import { EmptyState, ErrorState } from '../../ui/states';
import { Money } from './BatchParts';
import { useBatches } from './queries';
import { AgeTag, BatchStatusTag } from './tags';

type Filter = BatchStatus | 'all';
const isStatus = (s: string | null): s is BatchStatus => (BATCH_STATUSES as readonly (string | null)[]).includes(s);

/** Oldest first: the longest wait on top. */
const byAge = (a: Batch, b: Batch) => b.ageDays - a.ageDays || a.id - b.id;

/**
 * The batches the caller may see, by status (in the URL, `?status=`), oldest first. The claimant (a lab,
 * or an enterprise in reimburse mode) sees its claims (and whom they went to), finance the claims its
 * office reviews (and who made them).
 */
export function BatchList({
  viewer,
  basePath,
  defaultFilter,
  emptyAction,
  emptyHint,
}: {
  viewer: 'claimant' | 'finance';
  basePath: string;
  defaultFilter: Filter;
  emptyAction?: ReactNode;
  /** Under "no batches yet" for the claimant (default: how to make the first claim). */
  emptyHint?: string;
}) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const raw = params.get('status');
  const filter: Filter = raw === 'all' ? 'all' : isStatus(raw) ? raw : defaultFilter;
  const list = useBatches();
  const all = list.data ?? [];
  const items = (filter === 'all' ? all : all.filter((b) => b.status === filter)).sort(byAge);
  const count = (s: Filter) => (s === 'all' ? all.length : all.filter((b) => b.status === s).length);
  const order: BatchStatus[] = viewer === 'finance' ? ['submitted', 'reviewed', 'paid', 'draft'] : [...BATCH_STATUSES];
  const options = (viewer === 'claimant' ? ['all' as const, ...order] : [...order, 'all' as const]).map((s) => ({
    value: s,
    label: (
      <span data-testid={`batch-filter-${s}`}>
        {s === 'all' ? t('common.all') : t(`settlement.batchStatus.${s}`)}
        {list.data ? <span className="settle-count">{count(s)}</span> : null}
      </span>
    ),
  }));
  const empty = (
    <EmptyState
      title={filter === 'all' ? t('settlement.batchesEmpty') : t('settlement.batchesEmptyStatus')}
      hint={viewer === 'claimant' && filter === 'all' ? (emptyHint ?? t('settlement.batchesEmptyHint')) : undefined}
      action={filter === 'all' ? emptyAction : undefined}
    />
  );
  const party = (b: Batch) => (viewer === 'claimant' ? b.reviewOffice.name : b.claimant.name);

  return (
    <>
      <div className="filter-bar settle-filter">
        <Segmented<Filter>
          value={filter}
          onChange={(v) => setParams(v === defaultFilter ? {} : { status: v }, { replace: true })}
          options={options}
          data-testid="batch-filter"
        />
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : phone ? (
        <ul className="lab-list" data-testid="batches" data-busy={list.isFetching}>
          {list.isPending ? <Skeleton active paragraph={{ rows: 5 }} /> : null}
          {!list.isPending && items.length === 0 ? empty : null}
          {items.map((b) => (
            <li
              key={b.id}
              className="lab-list__item ant-table-row ledger-item"
              data-testid="batch-row"
              data-batch-id={b.id}
              data-status={b.status}
            >
              <div className="lab-list__main">
                <Link to={`${basePath}/${b.id}`} className="lab-list__name" data-testid="batch-link">
                  {t('settlement.batchTitle', { id: b.id, month: b.month })}
                </Link>
                <div className="lab-list__meta">{party(b)}</div>
                <div className="lab-list__meta">
                  {b.programmeName} · {t('settlement.lineCount', { n: b.lineCount })}
                </div>
                <div className="lab-list__tags">
                  <BatchStatusTag status={b.status} />
                  {b.status !== 'paid' ? <AgeTag days={b.ageDays} /> : null}
                </div>
              </div>
              <div className="ledger-item__aside">
                <Money fen={b.totalFen} strong />
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <Table<Batch>
          rowKey="id"
          size="middle"
          loading={list.isPending}
          dataSource={items}
          pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          scroll={{ x: 'max-content' }}
          data-testid="batches"
          data-busy={list.isFetching}
          locale={{ emptyText: list.isPending ? ' ' : empty }}
          onRow={(b) => ({ 'data-testid': 'batch-row', 'data-batch-id': b.id, 'data-status': b.status }) as object}
          columns={[
            {
              key: 'batch',
              title: t('settlement.batch'),
              render: (_, b) => (
                <div className="lab-name">
                  <Link to={`${basePath}/${b.id}`} data-testid="batch-link">
                    {t('settlement.batchTitle', { id: b.id, month: b.month })}
                  </Link>
                  <Typography.Text type="secondary" className="small-text">
                    {b.programmeName}
                  </Typography.Text>
                </div>
              ),
            },
            {
              key: 'party',
              title: viewer === 'claimant' ? t('settlement.reviewOffice') : t('settlement.claimant'),
              render: (_, b) => party(b),
            },
            { key: 'status', title: t('settlement.status'), render: (_, b) => <BatchStatusTag status={b.status} /> },
            {
              key: 'lines',
              title: t('settlement.lines'),
              align: 'right',
              responsive: ['lg'],
              render: (_, b) => b.lineCount,
            },
            {
              key: 'total',
              title: t('settlement.total'),
              align: 'right',
              render: (_, b) => <Money fen={b.totalFen} strong />,
            },
            {
              key: 'paid',
              title: t('settlement.paid'),
              align: 'right',
              responsive: ['xl'],
              render: (_, b) => (b.paidFen === null ? t('common.none') : <Money fen={b.paidFen} />),
            },
            {
              key: 'age',
              title: t('settlement.age'),
              render: (_, b) => (b.status === 'paid' ? t('common.none') : <AgeTag days={b.ageDays} />),
            },
          ]}
        />
      )}
    </>
  );
}
