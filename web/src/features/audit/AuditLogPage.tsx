import {
  EyeOutlined,
  FileExcelOutlined,
  FileTextOutlined,
  FilterOutlined,
  LinkOutlined,
  SearchOutlined,
} from '@ant-design/icons';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Grid,
  Input,
  Pagination,
  Select,
  Skeleton,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState, type HTMLAttributes, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  AUDIT_ACTIONS,
  AUDIT_AREAS,
  AUDIT_OUTCOMES,
  auditApi,
  type AuditArea,
  type AuditEntry,
  type AuditFilter,
  type AuditOutcome,
  type ExportFormat,
} from '../../api/audit';
import { isApiError, problemText } from '../../api/client';
import { isEnglish } from '../../i18n';
import { zh as texts } from '../../i18n/parts/audit';
import { useCursorPage } from '../../ui/cursorPages';
import { RowActions } from '../../ui/RowActions';
import { EmptyState, ErrorState } from '../../ui/states';
import { inZone, zoneNote } from '../../ui/time';
import { tableChange, usePageReset } from '../../ui/listTable';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import '../../ui/tables.css';
import './audit.css';

const HOME_ZONE = 'Asia/Shanghai';
const PAGE = 20;
type Order = 'desc' | 'asc';

const OUTCOME_COLOR: Record<AuditOutcome, string> = { success: 'green', failure: 'red', denied: 'orange' };

type SubjectType = keyof typeof texts.subjectTypes;
const isKnownSubject = (type: string): type is SubjectType => Object.hasOwn(texts.subjectTypes, type);

/** Where a subject of an entry can be seen in the SPA, if anywhere. */
function subjectLink(type: string, id: string): string | null {
  switch (type) {
    case 'booking':
      return `/bookings/${id}`;
    case 'settlement_batch':
      return `/finance/settlement/${id}`;
    case 'reconciliation_run':
      return `/finance/reconciliation/${id}`;
    case 'instrument':
      return `/instruments/${id}`;
    default:
      return null;
  }
}

type Filters = {
  range: [Dayjs, Dayjs] | null;
  action?: string;
  outcome?: AuditOutcome;
  actor: string;
  address: string;
  /** Free text (e-mail, organisation, action or its label, subject id, address). */
  text: string;
  /** One subject's entries (from a row's menu). */
  subject?: { type: string; id: string };
};
const NO_FILTERS: Filters = { range: null, actor: '', address: '', text: '' };

function useLabels() {
  const { t, i18n } = useTranslation();
  const lang = isEnglish(i18n.language) ? 'en' : 'zh';
  return {
    lang,
    action: (action: string) => AUDIT_ACTIONS[action]?.[lang] ?? action,
    area: (area: string) => (Object.hasOwn(AUDIT_AREAS, area) ? AUDIT_AREAS[area as AuditArea][lang] : area),
    subject: (type: string) => (isKnownSubject(type) ? t(`audit.subjectTypes.${type}`) : type),
    time: (iso: string) => inZone(iso, HOME_ZONE).format('YYYY-MM-DD HH:mm:ss'),
  };
}

function OutcomeTag({ outcome }: { outcome: AuditOutcome }) {
  const { t } = useTranslation();
  return (
    <Tag color={OUTCOME_COLOR[outcome]} data-outcome={outcome}>
      {t(`audit.outcomes.${outcome}`)}
    </Tag>
  );
}

function Subject({ entry }: { entry: AuditEntry }) {
  const labels = useLabels();
  if (!entry.subject) return <span className="audit-muted">—</span>;
  const { type, id } = entry.subject;
  const to = subjectLink(type, id);
  const text = `${labels.subject(type)} ${type === 'holiday' ? id : `#${id}`}`;
  return to ? <Link to={to}>{text}</Link> : <span>{text}</span>;
}

function Who({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  if (!entry.actor) return <span className="audit-muted">{t('audit.system')}</span>;
  return (
    <span className="audit-who">
      <span className="audit-who__email">{entry.actor.email ?? `#${entry.actor.userId}`}</span>
      {entry.actor.userId !== null ? <span className="audit-muted small-text">ID {entry.actor.userId}</span> : null}
    </span>
  );
}

/** What else was recorded: the browser and the details, as they were written. */
function Details({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const hasDetails = Object.keys(entry.details).length > 0;
  return (
    <div className="audit-details" data-testid="audit-details">
      <dl>
        <dt>{t('audit.userAgent')}</dt>
        <dd>{entry.userAgent ?? '—'}</dd>
        <dt>{t('audit.details')}</dt>
        <dd>
          {hasDetails ? (
            <pre className="audit-details__json">{JSON.stringify(entry.details, null, 2)}</pre>
          ) : (
            t('audit.noDetails')
          )}
        </dd>
      </dl>
    </div>
  );
}

/** One entry, everything recorded: who, when, from where, what, on what, and the details as written. */
function EntryDrawer({ entry, onClose }: { entry: AuditEntry | null; onClose: () => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const phone = Grid.useBreakpoint().md === false;
  return (
    <Drawer
      open={entry !== null}
      onClose={onClose}
      title={entry ? t('audit.entryTitle', { id: entry.id }) : ''}
      size={phone ? undefined : 560}
      width={phone ? '100%' : undefined}
      destroyOnHidden
    >
      {entry ? (
        <div data-testid="audit-entry">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('audit.time')}>
              {labels.time(entry.at)} <span className="audit-muted small-text">({t('audit.zoneNote')})</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.action')}>
              <span className="audit-action">
                <span>{labels.action(entry.action)}</span>
                <code className="small-text">{entry.action}</code>
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.outcome')}>
              <OutcomeTag outcome={entry.outcome} />
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.who')}>
              <Who entry={entry} />
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.organisation')}>
              {entry.actor?.organisationName ?? <span className="audit-muted">—</span>}
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.subject')}>
              <Subject entry={entry} />
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.clientAddress')}>
              {entry.clientAddress ? <code>{entry.clientAddress}</code> : <span className="audit-muted">—</span>}
            </Descriptions.Item>
          </Descriptions>
          <div className="audit-entry-details">
            <Details entry={entry} />
          </div>
        </div>
      ) : null}
    </Drawer>
  );
}

/** `/admin/audit-log`: the security audit log for platform admins — search, read, export. */
export function AuditLogPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const labels = useLabels();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const [filters, setFiltersNow] = useState<Filters>(NO_FILTERS);
  const [order, setOrderNow] = useState<Order>('desc');
  const { page, setPage, from1 } = usePageReset();
  const [shown, setShown] = useState<AuditEntry | null>(null);
  useDocumentTitle(t('audit.title'));
  /** A changed filter or order starts again at the first page. */
  const setFilters = from1(setFiltersNow);
  const setOrder = from1(setOrderNow);

  const actor = useDebounced(filters.actor.trim(), 300);
  const address = useDebounced(filters.address.trim(), 300);
  const text = useDebounced(filters.text.trim(), 300);
  const filter = useMemo<AuditFilter>(
    () => ({
      from: filters.range ? filters.range[0].format('YYYY-MM-DD') : undefined,
      to: filters.range ? filters.range[1].format('YYYY-MM-DD') : undefined,
      action: filters.action,
      outcome: filters.outcome,
      actor: actor || undefined,
      // Only what could be (the beginning of) an address; anything else would be refused.
      address: /^[0-9A-Fa-f:.]{1,45}$/.test(address) ? address : undefined,
      q: text ? text.slice(0, 100) : undefined,
      subjectType: filters.subject?.type,
      subjectId: filters.subject?.id,
    }),
    [filters.range, filters.action, filters.outcome, filters.subject, actor, address, text],
  );
  const list = useInfiniteQuery({
    queryKey: ['audit', 'log', filter, order],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      auditApi.list({ ...filter, order, limit: PAGE, cursor: pageParam ?? undefined }, signal),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const current = useCursorPage(list, page);
  const recorded = useQuery({ queryKey: ['audit', 'actions'], queryFn: ({ signal }) => auditApi.actions(signal) });
  const items = current.items;
  const busy = list.isPending || current.loading || (list.isFetching && !list.isFetchingNextPage);
  // Numbered pages over the cursor: the pages read so far, and one more while the log goes on.
  const pages = list.data?.pages ?? [];
  const known = list.hasNextPage
    ? (pages.length + 1) * PAGE
    : Math.max(0, pages.length - 1) * PAGE + (pages.at(-1)?.items.length ?? 0);
  const filtered =
    filters.range !== null ||
    filters.action !== undefined ||
    filters.outcome !== undefined ||
    filters.subject !== undefined ||
    !!filters.actor ||
    !!filters.address ||
    !!filters.text;

  const exporting = useMutation({
    mutationFn: (format: ExportFormat) => auditApi.download(filter, format),
    onSuccess: () => void message.success(t('audit.exported')),
    onError: (e) =>
      void message.error(
        t('audit.exportFailed', { reason: isApiError(e) ? problemText(e) : t('common.errorGeneric') }),
      ),
  });

  // Areas first (all of an area's actions), then each action: those known and those the log holds.
  const actionOptions = useMemo(() => {
    const actions = [...new Set([...Object.keys(AUDIT_ACTIONS), ...(recorded.data ?? [])])].sort();
    return [
      {
        label: t('audit.categories'),
        title: 'areas',
        options: Object.keys(AUDIT_AREAS).map((area) => ({
          value: `${area}.`,
          label: t('audit.allCategory', { area: labels.area(area) }),
        })),
      },
      {
        label: t('audit.actions'),
        title: 'actions',
        options: actions.map((a) => ({ value: a, label: `${labels.action(a)} · ${a}` })),
      },
    ];
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the labels change with the language only
  }, [recorded.data, labels.lang, t]);

  const note = zoneNote(HOME_ZONE);
  const empty = <EmptyState title={t('audit.empty')} hint={filtered ? t('audit.emptyHint') : undefined} />;

  /** A row's one action (its details) and the rest: narrow the log to its user, address, action or subject. */
  const rowActions = (e: AuditEntry, button: 'link' | 'default') => {
    const to = e.subject ? subjectLink(e.subject.type, e.subject.id) : null;
    const who = e.actor ? (e.actor.userId !== null ? String(e.actor.userId) : e.actor.email) : null;
    const item = (key: string, icon: ReactNode, label: string, onClick: () => void) => ({
      key,
      icon,
      label: <span data-testid={`audit-row-${key}`}>{label}</span>,
      onClick,
    });
    return (
      <RowActions
        primary={
          <Button
            type={button === 'link' ? 'link' : 'default'}
            size="small"
            icon={button === 'link' ? undefined : <EyeOutlined />}
            onClick={() => setShown(e)}
            data-testid="audit-open"
          >
            {t('audit.row.details')}
          </Button>
        }
        items={[
          ...(who
            ? [
                item('actor', <FilterOutlined />, t('audit.row.sameActor'), () =>
                  setFilters({ ...filters, actor: who }),
                ),
              ]
            : []),
          item('action', <FilterOutlined />, t('audit.row.sameAction'), () =>
            setFilters({ ...filters, action: e.action }),
          ),
          ...(e.clientAddress
            ? [
                item('address', <FilterOutlined />, t('audit.row.sameAddress'), () =>
                  setFilters({ ...filters, address: e.clientAddress! }),
                ),
              ]
            : []),
          ...(e.subject
            ? [
                item('subject', <FilterOutlined />, t('audit.row.sameSubject'), () =>
                  setFilters({ ...filters, subject: e.subject! }),
                ),
              ]
            : []),
          ...(to
            ? [
                {
                  key: 'open',
                  icon: <LinkOutlined />,
                  label: (
                    <Link to={to} data-testid="audit-row-open">
                      {t('audit.row.openSubject')}
                    </Link>
                  ),
                },
              ]
            : []),
        ]}
        testId="audit-row-more"
      />
    );
  };

  // The time column (the one sortable) toggles newest / oldest first (no unsorted state: the log always has an order).
  const onTableChange = tableChange({ sort: { columns: { at: { ascend: 'asc' } }, fallback: 'desc', set: setOrder } });

  const pager = (
    <Pagination
      current={page}
      pageSize={PAGE}
      total={known}
      showSizeChanger={false}
      simple={phone}
      onChange={setPage}
      hideOnSinglePage
      className="table-pager"
      data-testid="audit-pager"
    />
  );

  return (
    <div className="lab-page audit-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('audit.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('audit.subtitle')}</Typography.Text>
        </div>
        <div className="audit-export">
          <Tooltip title={t('audit.exportHint')}>
            <Button
              icon={<FileTextOutlined />}
              loading={exporting.isPending && exporting.variables === 'csv'}
              onClick={() => exporting.mutate('csv')}
              data-testid="audit-export-csv"
            >
              {t('audit.exportCsv')}
            </Button>
          </Tooltip>
          <Tooltip title={t('audit.exportHint')}>
            <Button
              icon={<FileExcelOutlined />}
              loading={exporting.isPending && exporting.variables === 'xlsx'}
              onClick={() => exporting.mutate('xlsx')}
              data-testid="audit-export-xlsx"
            >
              {t('audit.exportXlsx')}
            </Button>
          </Tooltip>
        </div>
      </div>
      <Card className="section-card table-card" data-testid="audit-card">
        <div className="filter-bar">
          <Input
            allowClear
            prefix={<SearchOutlined />}
            value={filters.text}
            onChange={(e) => setFilters({ ...filters, text: e.target.value })}
            placeholder={t('audit.search')}
            aria-label={t('work.table.search')}
            maxLength={100}
            className="filter-bar__wide audit-search"
            data-testid="audit-search"
          />
          <DatePicker.RangePicker
            value={filters.range}
            onChange={(v) => setFilters({ ...filters, range: v && v[0] && v[1] ? [v[0], v[1]] : null })}
            className="filter-bar__wide"
            aria-label={t('audit.range')}
            data-testid="audit-range"
          />
          <Select<string>
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            value={filters.action}
            onChange={(v) => setFilters({ ...filters, action: v ?? undefined })}
            placeholder={t('audit.category')}
            options={actionOptions}
            className="filter-bar__wide"
            popupMatchSelectWidth={false}
            data-testid="audit-action"
          />
          <Select<AuditOutcome>
            allowClear
            value={filters.outcome}
            onChange={(v) => setFilters({ ...filters, outcome: v ?? undefined })}
            placeholder={t('audit.allOutcomes')}
            options={AUDIT_OUTCOMES.map((o) => ({ value: o, label: t(`audit.outcomes.${o}`) }))}
            className="filter-bar__narrow"
            data-testid="audit-outcome"
          />
          <Input
            allowClear
            value={filters.actor}
            onChange={(e) => setFilters({ ...filters, actor: e.target.value })}
            placeholder={t('audit.actor')}
            maxLength={120}
            className="filter-bar__narrow"
            data-testid="audit-actor"
          />
          <Input
            allowClear
            value={filters.address}
            onChange={(e) => setFilters({ ...filters, address: e.target.value })}
            placeholder={t('audit.address')}
            maxLength={45}
            className="filter-bar__narrow"
            data-testid="audit-address"
          />
          {phone ? (
            <Select<Order>
              value={order}
              onChange={setOrder}
              options={(['desc', 'asc'] as const).map((o) => ({ value: o, label: t(`audit.order.${o}`) }))}
              className="filter-bar__narrow"
              aria-label={t('audit.time')}
              data-testid="audit-order"
            />
          ) : null}
          {filters.subject ? (
            <Tag
              closable
              onClose={() => setFilters({ ...filters, subject: undefined })}
              data-testid="audit-subject-filter"
            >
              {t('audit.subjectFilter', {
                subject: `${labels.subject(filters.subject.type)} #${filters.subject.id}`,
              })}
            </Tag>
          ) : null}
          {filtered ? (
            <Button type="link" onClick={() => setFilters(NO_FILTERS)} data-testid="audit-clear">
              {t('audit.clear')}
            </Button>
          ) : null}
        </div>
        <Typography.Text type="secondary" className="small-text audit-zone">
          {t('audit.zoneNote')}
          {note ? ` · ${note}` : ''}
        </Typography.Text>
        {list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : phone ? (
          <ul className="lab-list" data-testid="audit-log" data-busy={busy ? 'true' : 'false'}>
            {busy && !items.length ? <Skeleton active paragraph={{ rows: 8 }} /> : null}
            {!busy && items.length === 0 ? empty : null}
            {items.map((e) => (
              <li
                key={e.id}
                className="lab-list__item audit-item"
                data-testid="audit-row"
                data-action={e.action}
                data-at={e.at}
              >
                <div className="lab-list__main audit-item__main">
                  <div className="audit-item__head">
                    <span className="lab-list__name">{labels.action(e.action)}</span>
                    <OutcomeTag outcome={e.outcome} />
                  </div>
                  <div className="lab-list__meta">
                    {labels.time(e.at)} · {e.actor ? (e.actor.email ?? `ID ${e.actor.userId}`) : t('audit.system')}
                  </div>
                  <div className="lab-list__meta">
                    {e.actor?.organisationName ?? ''}
                    {e.clientAddress ? ` · ${e.clientAddress}` : ''}
                  </div>
                  {e.subject ? (
                    <div className="lab-list__meta">
                      <Subject entry={e} />
                    </div>
                  ) : null}
                </div>
                {rowActions(e, 'default')}
              </li>
            ))}
          </ul>
        ) : (
          <Table<AuditEntry>
            rowKey="id"
            size="small"
            loading={busy}
            dataSource={items}
            pagination={false}
            tableLayout="fixed"
            scroll={{ x: 1060 }}
            onChange={onTableChange}
            data-testid="audit-log"
            data-busy={busy ? 'true' : 'false'}
            onRow={(e) =>
              ({ 'data-testid': 'audit-row', 'data-action': e.action, 'data-at': e.at }) as HTMLAttributes<HTMLElement>
            }
            locale={{ emptyText: busy ? ' ' : empty }}
            columns={[
              {
                key: 'at',
                title: t('audit.time'),
                width: 168,
                sorter: true,
                sortOrder: order === 'asc' ? 'ascend' : 'descend',
                sortDirections: ['descend', 'ascend'],
                render: (_, e) => (
                  <span className="nowrap" title={e.at}>
                    {labels.time(e.at)}
                  </span>
                ),
              },
              { key: 'who', title: t('audit.who'), ellipsis: true, render: (_, e) => <Who entry={e} /> },
              {
                key: 'organisation',
                title: t('audit.organisation'),
                width: 170,
                ellipsis: true,
                responsive: ['lg'],
                render: (_, e) =>
                  e.actor?.organisationName ? (
                    <span title={e.actor.organisationName}>{e.actor.organisationName}</span>
                  ) : (
                    <span className="audit-muted">—</span>
                  ),
              },
              {
                key: 'action',
                title: t('audit.action'),
                width: 190,
                ellipsis: true,
                render: (_, e) => (
                  <span className="audit-action" title={`${labels.action(e.action)} · ${e.action}`}>
                    <span className="audit-ellipsis">{labels.action(e.action)}</span>
                    <code className="small-text audit-ellipsis">{e.action}</code>
                  </span>
                ),
              },
              {
                key: 'outcome',
                title: t('audit.outcome'),
                width: 76,
                render: (_, e) => <OutcomeTag outcome={e.outcome} />,
              },
              {
                key: 'subject',
                title: t('audit.subject'),
                width: 150,
                ellipsis: true,
                render: (_, e) => <Subject entry={e} />,
              },
              {
                key: 'address',
                title: t('audit.clientAddress'),
                width: 140,
                ellipsis: true,
                responsive: ['xl'],
                render: (_, e) =>
                  e.clientAddress ? (
                    <code title={e.clientAddress}>{e.clientAddress}</code>
                  ) : (
                    <span className="audit-muted">—</span>
                  ),
              },
              {
                key: 'actions',
                title: t('lab.columns.actions'),
                width: 96,
                fixed: 'right',
                render: (_, e) => rowActions(e, 'link'),
              },
            ]}
          />
        )}
        {pager}
      </Card>
      <EntryDrawer entry={shown} onClose={() => setShown(null)} />
    </div>
  );
}
