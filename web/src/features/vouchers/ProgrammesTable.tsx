/**
 * The list of `/admin/programmes`: the voucher programmes with their rules, budgets and status. There
 * are few programmes (one or two a year per issuer), all read at once: the search, the filters, the
 * sort and the pages are the browser's.
 */
import { EditOutlined, SearchOutlined, WalletOutlined } from '@ant-design/icons';
import type { UseQueryResult } from '@tanstack/react-query';
import { Button, Card, Input, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Programme, ProgrammeStatus } from '../../api/vouchers';
import { formatFen, formatFenCompact } from '../../ui/money';
import { localName } from '../../ui/names';
import { RowActions } from '../../ui/RowActions';
import { tableChange, usePageReset } from '../../ui/listTable';
import { EmptyState, ErrorState } from '../../ui/states';
import { useCities } from '../catalog/queries';
import { IssueModeTag } from '../applications/IssueModeFields';
import { QuotaBar } from './MyVouchersPage';
import { ProgrammeStatusTag } from './tags';

/**
 * A budget and how much of it is used, reserved and still free. Another city's programme comes
 * without its figures (a city's finance office reads its terms only): the cell says so.
 */
export function BudgetCell({ p }: { p: Programme }) {
  const { t, i18n } = useTranslation();
  const money = (fen: number) => formatFenCompact(fen, i18n.language);
  const { budgetFen, budgetUsedFen, budgetReservedFen, budgetAvailableFen } = p;
  if (budgetFen === null || budgetUsedFen === null || budgetReservedFen === null || budgetAvailableFen === null)
    return (
      <Typography.Text type="secondary" className="small-text" data-testid="programme-budget-hidden">
        {t('programmes.budgetHidden')}
      </Typography.Text>
    );
  return (
    <div className="budget-cell" data-testid="programme-budget" data-available-fen={budgetAvailableFen}>
      <div className="money-cell">{money(budgetFen)}</div>
      <QuotaBar capFen={budgetFen} usedFen={budgetUsedFen} reservedFen={budgetReservedFen} />
      <div className="budget-cell__legend">
        {t('programmes.budgetUsed', { amount: money(budgetUsedFen) })} ·{' '}
        {t('programmes.budgetReserved', { amount: money(budgetReservedFen) })} ·{' '}
        {t('programmes.budgetAvailable', { amount: money(budgetAvailableFen) })}
      </div>
    </div>
  );
}

const PAGE_SIZE = 20;
const STATUSES: ProgrammeStatus[] = ['open', 'upcoming', 'claims_only', 'closed'];
type ProgrammeSort = 'year' | 'name' | 'available';
/** Code-point order, as the server's lists sort names. */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const COMPARE: Record<ProgrammeSort, (a: Programme, b: Programme) => number> = {
  year: (a, b) => b.year - a.year || byCodePoint(a.name, b.name) || a.id - b.id,
  name: (a, b) => byCodePoint(a.name, b.name) || a.id - b.id,
  available: (a, b) => (b.budgetAvailableFen ?? -1) - (a.budgetAvailableFen ?? -1) || a.id - b.id,
};

export function ProgrammesTable({
  list,
  phone,
  onEdit,
}: {
  list: UseQueryResult<Programme[]>;
  phone: boolean;
  onEdit: (p: Programme) => void;
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const cities = useCities();
  const [q, setQ] = useState('');
  const [year, setYear] = useState(0);
  const [status, setStatus] = useState<ProgrammeStatus | ''>('');
  const [sort, setSort] = useState<ProgrammeSort>('year');
  const { page, setPage, from1 } = usePageReset();
  const all = useMemo(() => list.data ?? [], [list.data]);
  const years = [...new Set(all.map((p) => p.year))].sort((a, b) => b - a);
  const items = useMemo(() => {
    const text = q.trim().toLowerCase();
    return all
      .filter((p) => !text || p.name.toLowerCase().includes(text))
      .filter((p) => !year || p.year === year)
      .filter((p) => !status || p.status === status)
      .sort(COMPARE[sort]);
  }, [all, q, year, status, sort]);
  const cityName = (code: string | null) => {
    const c = code ? cities.data?.find((x) => x.code === code) : undefined;
    return c ? localName(c, i18n.language) : code;
  };
  const money = (fen: number) => formatFenCompact(fen, i18n.language);
  const onTableChange = tableChange({
    filter: (filters) =>
      from1(setStatus)(((filters.status?.[0] as ProgrammeStatus | undefined) ?? '') as ProgrammeStatus | ''),
    sort: {
      columns: {
        programme: { ascend: 'name', descend: 'name' },
        budget: { ascend: 'available', descend: 'available' },
      },
      fallback: 'year',
      set: from1(setSort),
    },
  });
  const ratio = (p: Programme) =>
    Object.keys(p.ratioRules.byCity).length
      ? t('programmes.ratioSummary', { base: p.ratioRules.basePercent, n: Object.keys(p.ratioRules.byCity).length })
      : t('programmes.ratioBase', { base: p.ratioRules.basePercent });
  const quotasOf = (p: Programme) => void navigate(`/admin/quotas?programme=${p.id}`);
  const actions = (p: Programme) => (
    <RowActions
      primary={
        <Button type="link" size="small" icon={<EditOutlined />} onClick={() => onEdit(p)} data-testid="edit-programme">
          {t('common.edit')}
        </Button>
      }
      items={[
        {
          key: 'quotas',
          icon: <WalletOutlined />,
          label: t('voucherAdmin.programmes.quotas'),
          onClick: () => quotasOf(p),
        },
      ]}
      testId="programme-more"
    />
  );
  const pagination = {
    current: page,
    pageSize: PAGE_SIZE,
    total: items.length,
    showSizeChanger: false,
    showTotal: (n: number) => t('work.table.total', { total: n.toLocaleString() }),
    onChange: setPage,
    hideOnSinglePage: true,
  };

  return (
    <Card className="section-card table-card">
      <div className="filter-bar">
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('voucherAdmin.programmes.search')}
          value={q}
          onChange={(e) => from1(setQ)(e.target.value)}
          className="filter-bar__wide"
          data-testid="programme-search"
        />
        <Select<number>
          value={year}
          onChange={from1(setYear)}
          className="filter-bar__narrow"
          data-testid="programme-year"
          options={[
            { value: 0, label: t('voucherAdmin.programmes.allYears') },
            ...years.map((y) => ({ value: y, label: String(y) })),
          ]}
        />
        <Select<ProgrammeStatus | ''>
          value={status}
          onChange={from1(setStatus)}
          className="filter-bar__narrow"
          data-testid="programme-status"
          options={[
            { value: '', label: t('voucherAdmin.programmes.allStatuses') },
            ...STATUSES.map((k) => ({ value: k, label: t(`voucher.programmeStatus.${k}`) })),
          ]}
        />
        <Select<ProgrammeSort>
          value={sort}
          onChange={from1(setSort)}
          className="filter-bar__narrow"
          aria-label={t('catalog.sort')}
          data-testid="programme-sort"
          options={(['year', 'name', 'available'] as const).map((v) => ({
            value: v,
            label: t(`voucherAdmin.programmes.sort.${v}`),
          }))}
        />
      </div>
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : phone ? (
        <ul className="lab-list" data-testid="programmes" data-total={items.length}>
          {list.isPending ? <Skeleton active paragraph={{ rows: 4 }} /> : null}
          {!list.isPending && items.length === 0 ? <EmptyState title={t('programmes.empty')} /> : null}
          {items.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((p) => (
            <li key={p.id} className="lab-list__item ant-table-row programme-item">
              <div className="lab-list__main">
                <div className="lab-list__name">{p.name}</div>
                <div className="lab-list__meta">
                  {p.year} · {p.issuerCityCode ? cityName(p.issuerCityCode) : p.province} ·{' '}
                  {t(`voucher.settlementModeShort.${p.settlementMode}`)} · {p.startsOn} – {p.useBy}
                </div>
                <div className="lab-list__tags">
                  <ProgrammeStatusTag status={p.status} />
                  <IssueModeTag p={p} />
                  <Tag>{ratio(p)}</Tag>
                </div>
                <BudgetCell p={p} />
              </div>
              {actions(p)}
            </li>
          ))}
        </ul>
      ) : (
        <Table<Programme>
          rowKey="id"
          size="middle"
          loading={list.isPending}
          dataSource={items}
          tableLayout="fixed"
          scroll={{ x: 980 }}
          onChange={onTableChange}
          data-testid="programmes"
          data-total={items.length}
          locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('programmes.empty')} /> }}
          pagination={pagination}
          columns={[
            {
              key: 'programme',
              title: t('programmes.columns.programme'),
              ellipsis: true,
              sorter: true,
              sortOrder: sort === 'name' ? 'ascend' : null,
              sortDirections: ['ascend'],
              render: (_, p) => (
                <div className="lab-name lab-name--fit">
                  <Typography.Text strong ellipsis title={p.name}>
                    {p.name}
                  </Typography.Text>
                  <Typography.Text type="secondary" className="small-text" ellipsis>
                    {p.year} · {p.issuerCityCode ? cityName(p.issuerCityCode) : p.province} ·{' '}
                    {t(`voucher.settlementModeShort.${p.settlementMode}`)}
                  </Typography.Text>
                  {p.quotaCount !== null ? (
                    <Typography.Text type="secondary" className="small-text">
                      {t('programmes.quotaCount', { n: p.quotaCount })}
                    </Typography.Text>
                  ) : null}
                </div>
              ),
            },
            {
              key: 'rules',
              title: t('programmes.columns.ratio'),
              width: 200,
              render: (_, p) => (
                <div className="use-cell">
                  <Typography.Text ellipsis>{ratio(p)}</Typography.Text>
                  {p.ratioRules.sameCityTopUpPercent ? (
                    <Typography.Text type="secondary" className="small-text">
                      {t('programmes.topUpSummary', { n: p.ratioRules.sameCityTopUpPercent })}
                    </Typography.Text>
                  ) : null}
                  <Typography.Text type="secondary" className="small-text" ellipsis>
                    {t('programmes.capSummary', { enterprise: money(p.enterpriseYearCapFen) })}
                    {p.orderCapFen ? ` · ${t('programmes.orderCapSummary', { amount: formatFen(p.orderCapFen) })}` : ''}
                  </Typography.Text>
                </div>
              ),
            },
            {
              key: 'budget',
              title: t('programmes.columns.budget'),
              width: 230,
              sorter: true,
              sortOrder: sort === 'available' ? 'descend' : null,
              sortDirections: ['descend'],
              render: (_, p) => <BudgetCell p={p} />,
            },
            {
              key: 'period',
              title: t('programmes.period'),
              width: 190,
              responsive: ['xl'],
              render: (_, p) => (
                <div className="use-cell nowrap">
                  <span>
                    {p.startsOn} – {p.useBy}
                  </span>
                  <Typography.Text type="secondary" className="small-text">
                    {t('programmes.claimBy')} {p.claimBy}
                  </Typography.Text>
                </div>
              ),
            },
            {
              key: 'status',
              title: t('programmes.columns.status'),
              width: 130,
              filters: STATUSES.map((k) => ({ value: k, text: t(`voucher.programmeStatus.${k}`) })),
              filterMultiple: false,
              filteredValue: status ? [status] : null,
              render: (_, p) => (
                <Space size={4} wrap>
                  <ProgrammeStatusTag status={p.status} />
                  <IssueModeTag p={p} />
                  {p.allowOutOfProvince ? <Tag>{t('programmes.outOfProvinceTag')}</Tag> : null}
                </Space>
              ),
            },
            {
              key: 'actions',
              title: t('voucherAdmin.actions'),
              width: 110,
              fixed: 'right',
              render: (_, p) => actions(p),
            },
          ]}
        />
      )}
    </Card>
  );
}
