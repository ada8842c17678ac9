import { CheckCircleOutlined, ReloadOutlined, SearchOutlined, WarningOutlined } from '@ant-design/icons';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Grid,
  Input,
  Pagination,
  Select,
  Skeleton,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  ACCOUNT_KINDS,
  ledgerApi,
  TRANSFER_STATES,
  type Account,
  type LedgerAccountKind,
  type Transfer,
  type TransferParams,
  type TransferState,
} from '../../api/ledger';
import { isProvinceFinance, useAuth } from '../../app/auth';
import { ledgerTransferCodes as TRANSFER_CODES } from '../../../../db/schema/enums.ts';
import { accountLabel, codeLabel } from '../../i18n/codes';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { formatDateTime, toIso, zonedInstant } from '../../ui/time';
import { useCursorPage } from '../../ui/cursorPages';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import '../../ui/tables.css';

const HOME_ZONE = 'Asia/Shanghai';
/** Transfers a page: a table page on a desktop, fewer cards on a phone (the page stays a few screens tall). */
const PAGE = 20;
const PHONE_PAGE = 10;
/** Accounts a page: the desktop table's, and the phone's cards. */
const ACCOUNTS_PAGE = 20;
const PHONE_ACCOUNTS_PAGE = 10;

const STATE_COLOR: Record<TransferState, string> = {
  posted: 'green',
  pending: 'gold',
  post_pending: 'blue',
  void_pending: 'default',
};

const ledgerKeys = {
  check: ['ledger', 'check'] as const,
  accounts: (params: { kind?: LedgerAccountKind; q?: string }) => ['ledger', 'accounts', params] as const,
  transfers: (params: TransferParams) => ['ledger', 'transfers', params] as const,
};

/** A page number that starts again at 1 whenever `key` (the search it pages) changes. */
function usePageOf(key: string): [number, (page: number) => void] {
  const [at, setAt] = useState({ key, page: 1 });
  return [at.key === key ? at.page : 1, (page: number) => setAt({ key, page })];
}

/** The result of re-deriving every balance from the transfers: balanced, or where it is not. */
function CheckBanner() {
  const { t } = useTranslation();
  const check = useQuery({ queryKey: ledgerKeys.check, queryFn: ({ signal }) => ledgerApi.check(signal) });
  const again = (
    <Button size="small" icon={<ReloadOutlined />} loading={check.isFetching} onClick={() => void check.refetch()}>
      {t('ledger.recheck')}
    </Button>
  );
  if (check.isPending) {
    return (
      <div className="ledger-check" data-testid="ledger-check" data-balanced="">
        <Skeleton.Input active block />
      </div>
    );
  }
  if (check.isError) {
    return (
      <Alert
        type="warning"
        showIcon
        className="ledger-check"
        data-testid="ledger-check"
        data-balanced=""
        title={t('ledger.checkFailed')}
        action={again}
      />
    );
  }
  const c = check.data;
  const totals = { debits: formatFen(c.debitsFen), credits: formatFen(c.creditsFen), n: c.accountsChecked };
  return c.balanced ? (
    <Alert
      type="success"
      showIcon
      icon={<CheckCircleOutlined />}
      className="ledger-check"
      data-testid="ledger-check"
      data-balanced="true"
      title={t('ledger.balanced', totals)}
      action={again}
    />
  ) : (
    <Alert
      type="error"
      showIcon
      icon={<WarningOutlined />}
      className="ledger-check"
      data-testid="ledger-check"
      data-balanced="false"
      title={t('ledger.unbalanced')}
      action={again}
      description={
        <>
          <div>{t('ledger.unbalancedTotals', totals)}</div>
          {c.mismatches.length ? <div>{t('ledger.mismatchCount', { n: c.mismatches.length })}</div> : null}
          {c.overdrawnAccounts ? <div>{t('ledger.overdrawn', { n: c.overdrawnAccounts })}</div> : null}
          <ul className="ledger-check__list">
            {c.mismatches.slice(0, 20).map((m) => (
              <li key={`${m.accountId}:${m.field}`}>
                {t('ledger.mismatch', {
                  code: m.code,
                  field: m.field,
                  cached: formatFen(m.cached),
                  derived: formatFen(m.derived),
                })}
              </li>
            ))}
          </ul>
        </>
      }
    />
  );
}

function Money({ fen, strong = false }: { fen: number; strong?: boolean }) {
  return (
    <span className={`money-cell${fen < 0 ? ' money-cell--negative' : ''}`} data-fen={fen}>
      {strong ? <strong>{formatFen(fen)}</strong> : formatFen(fen)}
    </span>
  );
}

function AccountsCard({ onShowTransfers, phone }: { onShowTransfers: (a: Account) => void; phone: boolean }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<LedgerAccountKind | undefined>(undefined);
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 300);
  const params = { kind, q: query || undefined };
  const list = useQuery({
    queryKey: ledgerKeys.accounts(params),
    queryFn: ({ signal }) => ledgerApi.accounts(params, signal),
    placeholderData: keepPreviousData,
  });
  const all = list.data ?? [];
  // The phone's cards are paged here too (the list is the whole scope's accounts, read in one answer).
  const [page, setPage] = usePageOf(`${kind ?? ''}|${query}`);
  const pageCount = Math.max(1, Math.ceil(all.length / PHONE_ACCOUNTS_PAGE));
  const shown = Math.min(page, pageCount);
  const items = phone ? all.slice((shown - 1) * PHONE_ACCOUNTS_PAGE, shown * PHONE_ACCOUNTS_PAGE) : all;
  return (
    <Card className="section-card" title={t('ledger.accounts')} data-testid="ledger-accounts-card">
      <div className="filter-bar">
        <Select<LedgerAccountKind>
          allowClear
          value={kind}
          onChange={(v) => setKind(v ?? undefined)}
          placeholder={t('ledger.allKinds')}
          options={ACCOUNT_KINDS.map((k) => ({ value: k, label: t(`ledger.kinds.${k}`) }))}
          className="filter-bar__wide"
          data-testid="account-kind"
        />
        <Input
          allowClear
          prefix={<SearchOutlined />}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('ledger.searchAccounts')}
          className="filter-bar__wide"
          data-testid="account-search"
        />
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : phone ? (
        <ul className="lab-list" data-testid="ledger-accounts">
          {list.isPending ? <Skeleton active paragraph={{ rows: 6 }} /> : null}
          {!list.isPending && items.length === 0 ? <EmptyState title={t('ledger.accountsEmpty')} /> : null}
          {items.map((a) => (
            <li key={a.id} className="lab-list__item ant-table-row ledger-item">
              <div className="lab-list__main">
                <div className="ledger-item__name" title={a.code}>
                  {accountLabel(t, a)}
                </div>
                <Button type="link" size="small" className="ledger-item__link" onClick={() => onShowTransfers(a)}>
                  {t('ledger.showTransfers')}
                </Button>
              </div>
              <div className="ledger-item__aside">
                <Money fen={a.balanceFen} strong />
                <span className="lab-list__meta">
                  {t('ledger.available')} {formatFen(a.availableFen)}
                </span>
              </div>
            </li>
          ))}
          {all.length > PHONE_ACCOUNTS_PAGE ? (
            <Pagination
              simple
              current={shown}
              pageSize={PHONE_ACCOUNTS_PAGE}
              total={all.length}
              showSizeChanger={false}
              onChange={setPage}
              className="table-pager"
              data-testid="accounts-pager"
            />
          ) : null}
        </ul>
      ) : (
        <Table<Account>
          rowKey="id"
          size="small"
          loading={list.isPending || list.isFetching}
          dataSource={items}
          pagination={items.length > ACCOUNTS_PAGE ? { pageSize: ACCOUNTS_PAGE, showSizeChanger: false } : false}
          scroll={{ x: 'max-content' }}
          data-testid="ledger-accounts"
          locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('ledger.accountsEmpty')} /> }}
          columns={[
            {
              key: 'account',
              title: t('ledger.account'),
              render: (_, a) => (
                <div className="lab-name ledger-name" title={a.code}>
                  <span>{accountLabel(t, a)}</span>
                </div>
              ),
            },
            {
              key: 'kind',
              title: t('ledger.kind'),
              responsive: ['md'],
              render: (_, a) => <Tag>{t(`ledger.kinds.${a.kind}`)}</Tag>,
            },
            {
              key: 'balance',
              title: t('ledger.balance'),
              align: 'right',
              render: (_, a) => <Money fen={a.balanceFen} strong />,
            },
            {
              key: 'available',
              title: t('ledger.available'),
              align: 'right',
              responsive: ['sm'],
              render: (_, a) => <Money fen={a.availableFen} />,
            },
            {
              key: 'debits',
              title: t('ledger.debitsPosted'),
              align: 'right',
              responsive: ['lg'],
              render: (_, a) => <Money fen={a.debitsPostedFen} />,
            },
            {
              key: 'credits',
              title: t('ledger.creditsPosted'),
              align: 'right',
              responsive: ['lg'],
              render: (_, a) => <Money fen={a.creditsPostedFen} />,
            },
            {
              key: 'pending',
              title: t('ledger.pending'),
              align: 'right',
              responsive: ['xxl'],
              render: (_, a) => (
                <span className="money-cell">
                  {formatFen(a.debitsPendingFen)} / {formatFen(a.creditsPendingFen)}
                </span>
              ),
            },
            {
              key: 'actions',
              title: '',
              render: (_, a) => (
                <Button type="link" size="small" onClick={() => onShowTransfers(a)} data-testid="show-transfers">
                  {t('ledger.showTransfers')}
                </Button>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}

type TransferFilters = {
  accountId?: number;
  booking: string;
  code: string;
  state?: TransferState;
  range: [Dayjs, Dayjs] | null;
};

function TransfersCard({
  filters,
  setFilters,
  phone,
}: {
  filters: TransferFilters;
  setFilters: (f: TransferFilters) => void;
  phone: boolean;
}) {
  const { t, i18n } = useTranslation();
  const accounts = useQuery({
    queryKey: ledgerKeys.accounts({}),
    queryFn: ({ signal }) => ledgerApi.accounts({}, signal),
  });
  const booking = useDebounced(filters.booking.trim(), 300);
  const code = useDebounced(filters.code.trim(), 300);
  const params = useMemo<TransferParams>(
    () => ({
      accountId: filters.accountId,
      bookingId: /^\d{1,12}$/.test(booking) ? Number(booking) : undefined,
      code: code || undefined,
      state: filters.state,
      from: filters.range ? toIso(zonedInstant(filters.range[0].format('YYYY-MM-DD'), '00:00', HOME_ZONE)) : undefined,
      to: filters.range ? toIso(zonedInstant(filters.range[1].format('YYYY-MM-DD'), '24:00', HOME_ZONE)) : undefined,
      limit: phone ? PHONE_PAGE : PAGE,
    }),
    [filters.accountId, filters.state, filters.range, booking, code, phone],
  );
  const pageSize = params.limit!;
  // Numbered pages over the server's cursor: a new search (or page size) starts again at its first page.
  const [page, setPage] = usePageOf(JSON.stringify(params));
  const list = useInfiniteQuery({
    queryKey: ledgerKeys.transfers(params),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => ledgerApi.transfers({ ...params, cursor: pageParam ?? undefined }, signal),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const current = useCursorPage(list, page);
  const items = current.items;
  const fetched = useMemo(() => list.data?.pages.reduce((n, p) => n + p.items.length, 0) ?? 0, [list.data]);
  // No total from the cursor: the pages fetched, and one more while the server has more.
  const known = fetched + (list.hasNextPage ? pageSize : 0);
  const filtered =
    filters.accountId !== undefined || !!booking || !!code || filters.state !== undefined || filters.range !== null;
  const account = (a: Transfer['debitAccount']) => (
    <div className="lab-name ledger-name" title={a.code}>
      <span>{accountLabel(t, a)}</span>
    </div>
  );

  return (
    <Card className="section-card" title={t('ledger.transfers')} data-testid="ledger-transfers-card">
      <div className="filter-bar">
        <Select<number>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          value={filters.accountId}
          onChange={(v) => setFilters({ ...filters, accountId: v ?? undefined })}
          placeholder={t('ledger.account')}
          loading={accounts.isPending}
          options={(accounts.data ?? []).map((a) => ({ value: a.id, label: accountLabel(t, a) }))}
          className="filter-bar__wide"
          data-testid="transfer-account"
        />
        <Input
          allowClear
          inputMode="numeric"
          value={filters.booking}
          onChange={(e) => setFilters({ ...filters, booking: e.target.value.replace(/[^\d]/g, '') })}
          placeholder={t('ledger.booking')}
          className="filter-bar__narrow"
          data-testid="transfer-booking"
        />
        <Select<string>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          value={filters.code || undefined}
          onChange={(v) => setFilters({ ...filters, code: v ?? '' })}
          placeholder={t('ledger.transferCode')}
          options={TRANSFER_CODES.map((c) => ({ value: c, label: codeLabel(t, 'ledgerTransferCodes', c) }))}
          className="filter-bar__wide"
          data-testid="transfer-code"
        />
        <Select<TransferState>
          allowClear
          value={filters.state}
          onChange={(v) => setFilters({ ...filters, state: v ?? undefined })}
          placeholder={t('ledger.allStates')}
          options={TRANSFER_STATES.map((s) => ({ value: s, label: t(`ledger.states.${s}`) }))}
          className="filter-bar__narrow"
          data-testid="transfer-state"
        />
        <DatePicker.RangePicker
          value={filters.range}
          onChange={(v) => setFilters({ ...filters, range: v && v[0] && v[1] ? [v[0], v[1]] : null })}
          className="filter-bar__wide"
          aria-label={t('ledger.dateRange')}
        />
        {filtered ? (
          <Button
            type="link"
            onClick={() => setFilters({ booking: '', code: '', range: null })}
            data-testid="transfer-clear"
          >
            {t('ledger.clearFilters')}
          </Button>
        ) : null}
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          {phone ? (
            <ul className="lab-list" data-testid="ledger-transfers" data-page={page}>
              {list.isPending ? <Skeleton active paragraph={{ rows: 6 }} /> : null}
              {!list.isPending && items.length === 0 ? <EmptyState title={t('ledger.transfersEmpty')} /> : null}
              {items.map((x) => (
                <li key={x.id} className="lab-list__item ant-table-row ledger-item">
                  <div className="lab-list__main">
                    <div>
                      {codeLabel(t, 'ledgerTransferCodes', x.code)}{' '}
                      <Tag color={STATE_COLOR[x.state]}>{t(`ledger.states.${x.state}`)}</Tag>
                    </div>
                    <div className="lab-list__meta">
                      {accountLabel(t, x.debitAccount)} → {accountLabel(t, x.creditAccount)}
                    </div>
                    <div className="lab-list__meta">
                      {formatDateTime(x.createdAt, HOME_ZONE, i18n.language)}
                      {x.bookingId !== null ? (
                        <>
                          {' · '}
                          <Link to={`/bookings/${x.bookingId}`}>#{x.bookingId}</Link>
                        </>
                      ) : null}
                    </div>
                  </div>
                  <div className="ledger-item__aside">
                    <Money fen={x.amountFen} strong />
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <Table<Transfer>
              rowKey="id"
              size="small"
              loading={list.isPending || current.loading || (list.isFetching && !list.isFetchingNextPage)}
              dataSource={items}
              pagination={false}
              scroll={{ x: 'max-content' }}
              data-testid="ledger-transfers"
              data-page={page}
              locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('ledger.transfersEmpty')} /> }}
              columns={[
                {
                  key: 'createdAt',
                  title: t('ledger.createdAt'),
                  render: (_, x) => (
                    <span className="nowrap">{formatDateTime(x.createdAt, HOME_ZONE, i18n.language)}</span>
                  ),
                },
                {
                  key: 'code',
                  title: t('ledger.transferCode'),
                  render: (_, x) => <span title={x.code}>{codeLabel(t, 'ledgerTransferCodes', x.code)}</span>,
                },
                {
                  key: 'amount',
                  title: t('ledger.amount'),
                  align: 'right',
                  render: (_, x) => <Money fen={x.amountFen} strong />,
                },
                {
                  key: 'state',
                  title: t('ledger.state'),
                  render: (_, x) => <Tag color={STATE_COLOR[x.state]}>{t(`ledger.states.${x.state}`)}</Tag>,
                },
                { key: 'debit', title: t('ledger.debit'), render: (_, x) => account(x.debitAccount) },
                { key: 'credit', title: t('ledger.credit'), render: (_, x) => account(x.creditAccount) },
                {
                  key: 'booking',
                  title: t('ledger.booking'),
                  render: (_, x) =>
                    x.bookingId !== null ? (
                      <Link to={`/bookings/${x.bookingId}`}>#{x.bookingId}</Link>
                    ) : (
                      t('common.none')
                    ),
                },
                {
                  key: 'ref',
                  title: t('ledger.processorRef'),
                  responsive: ['xxl'],
                  render: (_, x) => (x.processorRef ? <code>{x.processorRef}</code> : t('common.none')),
                },
                {
                  key: 'note',
                  title: t('ledger.note'),
                  responsive: ['xxl'],
                  render: (_, x) => x.note || t('common.none'),
                },
              ]}
            />
          )}
          <Pagination
            current={page}
            pageSize={pageSize}
            total={Math.max(known, page * pageSize)}
            showSizeChanger={false}
            simple={phone}
            onChange={setPage}
            hideOnSinglePage
            disabled={current.loading}
            className="table-pager"
            data-testid="transfers-pager"
          />
        </>
      )}
    </Card>
  );
}

/** `/ledger`: finance's view of the double-entry ledger: the balance check, accounts and transfers. */
export function LedgerPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<TransferFilters>({ booking: '', code: '', range: null });
  const transfersRef = useRef<HTMLDivElement>(null);
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const { user } = useAuth();
  // The whole book's check is the province's; a city's office reads its city's part.
  const province = isProvinceFinance(user);
  useDocumentTitle(t('ledger.title'));
  return (
    <div className="lab-page ledger-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('ledger.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('ledger.subtitle')}</Typography.Text>
        </div>
      </div>
      {province ? (
        <CheckBanner />
      ) : (
        <Alert
          type="info"
          showIcon
          className="ledger-check"
          data-testid="ledger-city-scope"
          title={t('ledger.cityScope', { office: user?.organisation.name ?? '' })}
        />
      )}
      <AccountsCard
        phone={phone}
        onShowTransfers={(a) => {
          setFilters({ booking: '', code: '', range: null, accountId: a.id });
          transfersRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
        }}
      />
      <div ref={transfersRef}>
        <TransfersCard filters={filters} setFilters={setFilters} phone={phone} />
      </div>
    </div>
  );
}
