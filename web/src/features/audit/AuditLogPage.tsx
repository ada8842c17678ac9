import { DownOutlined, FileExcelOutlined, FileTextOutlined, RightOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  DatePicker,
  Grid,
  Input,
  Select,
  Skeleton,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState, type HTMLAttributes } from 'react';
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
import { EmptyState, ErrorState } from '../../ui/states';
import { inZone, zoneNote } from '../../ui/time';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import './audit.css';

const HOME_ZONE = 'Asia/Shanghai';
const PAGE = 50;

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
};
const NO_FILTERS: Filters = { range: null, actor: '', address: '' };

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

/** `/admin/audit-log`: the security audit log for platform admins — search, read, export. */
export function AuditLogPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const labels = useLabels();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [open, setOpen] = useState<Set<number>>(new Set());
  useDocumentTitle(t('audit.title'));

  const actor = useDebounced(filters.actor.trim(), 300);
  const address = useDebounced(filters.address.trim(), 300);
  const filter = useMemo<AuditFilter>(
    () => ({
      from: filters.range ? filters.range[0].format('YYYY-MM-DD') : undefined,
      to: filters.range ? filters.range[1].format('YYYY-MM-DD') : undefined,
      action: filters.action,
      outcome: filters.outcome,
      actor: actor || undefined,
      // Only what could be (the beginning of) an address; anything else would be refused.
      address: /^[0-9A-Fa-f:.]{1,45}$/.test(address) ? address : undefined,
    }),
    [filters.range, filters.action, filters.outcome, actor, address],
  );
  const list = useInfiniteQuery({
    queryKey: ['audit', 'log', filter],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      auditApi.list({ ...filter, limit: PAGE, cursor: pageParam ?? undefined }, signal),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const recorded = useQuery({ queryKey: ['audit', 'actions'], queryFn: ({ signal }) => auditApi.actions(signal) });
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const filtered =
    filters.range !== null ||
    filters.action !== undefined ||
    filters.outcome !== undefined ||
    !!filters.actor ||
    !!filters.address;

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

  const toggle = (id: number) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const note = zoneNote(HOME_ZONE);
  const empty = <EmptyState title={t('audit.empty')} hint={filtered ? t('audit.emptyHint') : undefined} />;

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
      <Card className="section-card" data-testid="audit-card">
        <div className="filter-bar">
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
            prefix={<SearchOutlined />}
            value={filters.actor}
            onChange={(e) => setFilters({ ...filters, actor: e.target.value })}
            placeholder={t('audit.actor')}
            maxLength={120}
            className="filter-bar__wide"
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
          <ul className="lab-list" data-testid="audit-log">
            {list.isPending ? <Skeleton active paragraph={{ rows: 8 }} /> : null}
            {!list.isPending && items.length === 0 ? empty : null}
            {items.map((e) => (
              <li key={e.id} className="lab-list__item audit-item" data-testid="audit-row" data-action={e.action}>
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
                  <Button
                    type="link"
                    size="small"
                    className="audit-item__toggle"
                    icon={open.has(e.id) ? <DownOutlined /> : <RightOutlined />}
                    onClick={() => toggle(e.id)}
                    aria-expanded={open.has(e.id)}
                  >
                    {open.has(e.id) ? t('audit.hideDetails') : t('audit.showDetails')}
                  </Button>
                  {open.has(e.id) ? <Details entry={e} /> : null}
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <Table<AuditEntry>
            rowKey="id"
            size="small"
            loading={list.isPending || (list.isFetching && !list.isFetchingNextPage)}
            dataSource={items}
            pagination={false}
            scroll={{ x: 'max-content' }}
            data-testid="audit-log"
            onRow={(e) => ({ 'data-testid': 'audit-row', 'data-action': e.action }) as HTMLAttributes<HTMLElement>}
            locale={{ emptyText: list.isPending ? ' ' : empty }}
            expandable={{
              expandedRowRender: (e) => <Details entry={e} />,
              expandedRowKeys: [...open],
              onExpand: (_, e) => toggle(e.id),
            }}
            columns={[
              {
                key: 'at',
                title: t('audit.time'),
                render: (_, e) => (
                  <span className="nowrap" title={e.at}>
                    {labels.time(e.at)}
                  </span>
                ),
              },
              { key: 'who', title: t('audit.who'), render: (_, e) => <Who entry={e} /> },
              {
                key: 'organisation',
                title: t('audit.organisation'),
                responsive: ['lg'],
                render: (_, e) => e.actor?.organisationName ?? <span className="audit-muted">—</span>,
              },
              {
                key: 'action',
                title: t('audit.action'),
                render: (_, e) => (
                  <span className="audit-action">
                    <span>{labels.action(e.action)}</span>
                    <code className="small-text">{e.action}</code>
                  </span>
                ),
              },
              { key: 'outcome', title: t('audit.outcome'), render: (_, e) => <OutcomeTag outcome={e.outcome} /> },
              { key: 'subject', title: t('audit.subject'), render: (_, e) => <Subject entry={e} /> },
              {
                key: 'address',
                title: t('audit.clientAddress'),
                responsive: ['md'],
                render: (_, e) =>
                  e.clientAddress ? <code>{e.clientAddress}</code> : <span className="audit-muted">—</span>,
              },
            ]}
          />
        )}
        <div className="results-more">
          {list.data && items.length ? (
            <Typography.Text type="secondary">{t('audit.loaded', { n: items.length })}</Typography.Text>
          ) : null}
          {list.hasNextPage ? (
            <Button
              onClick={() => void list.fetchNextPage()}
              loading={list.isFetchingNextPage}
              data-testid="audit-more"
            >
              {t('common.loadMore')}
            </Button>
          ) : null}
        </div>
      </Card>
    </div>
  );
}
