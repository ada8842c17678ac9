import {
  ClockCircleOutlined,
  CloseCircleOutlined,
  DashboardOutlined,
  DownloadOutlined,
  FileExcelOutlined,
  FileTextOutlined,
  GlobalOutlined,
  MoneyCollectOutlined,
  StarOutlined,
  StopOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Col, Grid, InputNumber, Row, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import {
  nationalReportUrl,
  type InstitutionStats,
  type InstrumentFigures,
  type NationalFormat,
  type NationalReport,
  type UnderusedItem,
} from '../../api/stats';
import { useAuth } from '../../app/auth';
import { EChart } from '../../ui/EChart';
import { formatFen, formatFenCompact } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useInstitutions } from '../catalog/queries';
import { monthlyChart, monthsSoFar, STATS_COLORS } from './charts';
import { formatCount, formatHours, formatPercent, minutesToHours, monthLabel } from './format';
import { ChartSkeleton, StatCard, StatCardsSkeleton, StatsBuilding, YearSelect } from './parts';
import { parseYear, useInstitutionStats, useStatsYears, useUnderused } from './queries';
import './stats.css';

function Totals({ d }: { d: InstitutionStats }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const f = d.totals;
  return (
    <div className="stat-grid" data-testid="lab-stats-figures">
      <StatCard
        testId="kpi-utilisation"
        raw={f.utilisation}
        icon={<DashboardOutlined />}
        label={t('stats.lab.kpi.utilisation')}
        value={formatPercent(f.utilisation, lang)}
        sub={t('stats.lab.kpi.utilisationSub', {
          used: formatHours(f.usedHours, lang),
          open: formatHours(f.openHours, lang),
        })}
      />
      <StatCard
        testId="kpi-external-share"
        raw={f.externalShare}
        icon={<GlobalOutlined />}
        tone={STATS_COLORS.external}
        label={t('stats.lab.kpi.externalShare')}
        value={formatPercent(f.externalShare, lang)}
        sub={t('stats.lab.kpi.externalShareSub', { n: formatHours(f.externalHours, lang) })}
      />
      <StatCard
        testId="kpi-income"
        raw={f.incomeFen}
        icon={<MoneyCollectOutlined />}
        tone="#d4380d"
        label={t('stats.lab.kpi.income')}
        value={formatFenCompact(f.incomeFen, lang)}
        sub={t('stats.lab.kpi.incomeSub', {
          voucher: formatFenCompact(f.voucherIncomeFen, lang),
          self: formatFenCompact(f.selfPayIncomeFen, lang),
        })}
      />
      <StatCard
        testId="kpi-enterprises"
        raw={f.enterprisesServed}
        icon={<TeamOutlined />}
        tone="#8e44ad"
        label={t('stats.lab.kpi.enterprises')}
        value={formatCount(f.enterprisesServed, lang)}
        unit={t('stats.units.enterprises')}
        sub={t('stats.lab.kpi.enterprisesSub', { n: formatCount(f.completed, lang) })}
      />
      <StatCard
        testId="kpi-rating"
        raw={f.averageRating}
        icon={<StarOutlined />}
        tone="#fa8c16"
        label={t('stats.lab.kpi.rating')}
        value={f.averageRating === null ? '—' : f.averageRating.toFixed(1)}
        unit={f.averageRating === null ? undefined : '/ 5'}
        sub={f.averageRating === null ? t('stats.noRating') : t('stats.overview.kpi.ratingSub')}
      />
      <StatCard
        testId="kpi-approval"
        raw={f.medianApprovalMinutes}
        icon={<ClockCircleOutlined />}
        tone={STATS_COLORS.jobs}
        label={t('stats.lab.kpi.approval')}
        value={f.medianApprovalMinutes === null ? '—' : formatHours(minutesToHours(f.medianApprovalMinutes), lang)}
        unit={f.medianApprovalMinutes === null ? undefined : t('stats.units.hours')}
        sub={f.medianApprovalMinutes === null ? t('stats.lab.kpi.approvalNone') : t('stats.lab.kpi.approvalSub')}
      />
      <StatCard
        testId="kpi-no-show"
        raw={f.noShowRate}
        icon={<StopOutlined />}
        tone="#cf1322"
        label={t('stats.lab.kpi.noShow')}
        value={formatPercent(f.noShowRate, lang)}
        sub={t('stats.lab.kpi.noShowSub')}
      />
      <StatCard
        testId="kpi-cancellation"
        raw={f.cancellationRate}
        icon={<CloseCircleOutlined />}
        tone="#8c8c8c"
        label={t('stats.lab.kpi.cancellation')}
        value={formatPercent(f.cancellationRate, lang)}
        sub={t('stats.lab.kpi.cancellationSub', { n: formatCount(f.requests, lang) })}
      />
    </div>
  );
}

function InstrumentTable({ rows, phone }: { rows: InstrumentFigures[]; phone: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const columns: ColumnsType<InstrumentFigures> = [
    {
      key: 'name',
      title: t('stats.lab.columns.name'),
      fixed: phone ? undefined : 'left',
      render: (_, r) => (
        <Link to={`/instruments/${r.instrumentId}`} className="stats-table__name">
          {r.nameZh}
        </Link>
      ),
    },
    {
      key: 'open',
      title: t('stats.lab.columns.openHours'),
      align: 'right',
      responsive: ['lg'],
      render: (_, r) => formatHours(r.openHours, lang),
    },
    {
      key: 'used',
      dataIndex: 'usedHours',
      title: t('stats.lab.columns.usedHours'),
      align: 'right',
      sorter: (a, b) => a.usedHours - b.usedHours,
      defaultSortOrder: 'descend',
      sortDirections: ['descend', 'ascend'],
      render: (_, r) => formatHours(r.usedHours, lang),
    },
    {
      key: 'external',
      title: t('stats.lab.columns.externalHours'),
      align: 'right',
      responsive: ['md'],
      render: (_, r) => formatHours(r.externalHours, lang),
    },
    {
      key: 'utilisation',
      dataIndex: 'utilisation',
      title: t('stats.lab.columns.utilisation'),
      align: 'right',
      sorter: (a, b) => a.utilisation - b.utilisation || a.usedHours - b.usedHours,
      sortDirections: ['descend', 'ascend'],
      render: (_, r) => formatPercent(r.utilisation, lang),
    },
    {
      key: 'income',
      dataIndex: 'incomeFen',
      title: t('stats.lab.columns.income'),
      align: 'right',
      sorter: (a, b) => a.incomeFen - b.incomeFen,
      sortDirections: ['descend', 'ascend'],
      render: (_, r) => (
        <div className="stats-table__money" data-testid="income-cell" data-fen={r.incomeFen}>
          <span>{formatFen(r.incomeFen)}</span>
          {r.incomeFen > 0 ? (
            <Typography.Text type="secondary" className="small-text">
              {t('stats.lab.incomeSplit', {
                voucher: formatFen(r.voucherIncomeFen),
                self: formatFen(r.selfPayIncomeFen),
              })}
            </Typography.Text>
          ) : null}
        </div>
      ),
    },
    {
      key: 'completed',
      title: t('stats.lab.columns.completed'),
      align: 'right',
      responsive: ['md'],
      render: (_, r) => formatCount(r.completed, lang),
    },
    {
      key: 'rating',
      title: t('stats.lab.columns.rating'),
      align: 'right',
      responsive: ['lg'],
      render: (_, r) => (r.averageRating === null ? '—' : r.averageRating.toFixed(1)),
    },
  ];
  return (
    <Table<InstrumentFigures>
      rowKey="instrumentId"
      size="small"
      columns={columns}
      dataSource={rows}
      pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false, size: 'small' } : false}
      scroll={{ x: 'max-content' }}
      className="stats-table"
      data-testid="instrument-stats"
      onRow={(r) => ({ 'data-testid': 'instrument-stats-row', 'data-id': r.instrumentId }) as object}
      locale={{ emptyText: <EmptyState title={t('stats.lab.noInstruments')} /> }}
      showSorterTooltip={false}
    />
  );
}

function UnderusedCard({ institutionId, year }: { institutionId: number; year: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [maxPercent, setMaxPercent] = useState<number>(10);
  const [minHours, setMinHours] = useState<number>(100);
  const thresholds = useDebounced({ maxPercent, minHours }, 400);
  const q = useMemo(
    () => ({
      year,
      institutionId,
      maxUtilisation: Math.round(thresholds.maxPercent * 10) / 1000,
      minHours: Math.round(thresholds.minHours),
    }),
    [year, institutionId, thresholds],
  );
  const query = useUnderused(q, true);
  const items = query.data?.items ?? [];
  const columns: ColumnsType<UnderusedItem> = [
    {
      key: 'name',
      title: t('stats.lab.columns.name'),
      render: (_, r) => (
        <Link to={`/instruments/${r.instrumentId}`} className="stats-table__name">
          {r.nameZh}
        </Link>
      ),
    },
    {
      key: 'open',
      title: t('stats.lab.columns.openHours'),
      align: 'right',
      responsive: ['sm'],
      render: (_, r) => formatHours(r.openHours, lang),
    },
    {
      key: 'used',
      title: t('stats.lab.columns.usedHours'),
      align: 'right',
      render: (_, r) => formatHours(r.usedHours, lang),
    },
    {
      key: 'utilisation',
      title: t('stats.lab.columns.utilisation'),
      align: 'right',
      render: (_, r) => formatPercent(r.utilisation, lang),
    },
  ];
  return (
    <Card
      className="section-card"
      title={t('stats.lab.underused')}
      data-testid="underused"
      extra={
        query.data ? (
          <Typography.Text type="secondary" data-testid="underused-count">
            {t('stats.lab.underusedCount', { n: items.length })}
          </Typography.Text>
        ) : null
      }
    >
      <Typography.Paragraph type="secondary" className="small-text">
        {t('stats.lab.underusedHint')}
      </Typography.Paragraph>
      <div className="underused-form">
        <label className="underused-form__field">
          <span>{t('stats.lab.maxUtilisation')}</span>
          <InputNumber<number>
            min={0}
            max={100}
            step={1}
            precision={1}
            value={maxPercent}
            onChange={(v) => setMaxPercent(v ?? 0)}
            suffix="%"
            style={{ width: 110 }}
            data-testid="underused-max-utilisation"
          />
        </label>
        <label className="underused-form__field">
          <span>{t('stats.lab.minHours')}</span>
          <InputNumber<number>
            min={0}
            max={99999}
            step={10}
            precision={0}
            value={minHours}
            onChange={(v) => setMinHours(v ?? 0)}
            suffix={t('stats.units.hours')}
            style={{ width: 130 }}
            data-testid="underused-min-hours"
          />
        </label>
      </div>
      {query.isError && !query.data ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Table<UnderusedItem>
          rowKey="instrumentId"
          size="small"
          columns={columns}
          dataSource={items}
          loading={query.isFetching}
          pagination={items.length > 10 ? { pageSize: 10, showSizeChanger: false, size: 'small' } : false}
          scroll={{ x: 'max-content' }}
          className="stats-table"
          onRow={() => ({ 'data-testid': 'underused-row' }) as object}
          locale={{ emptyText: query.isPending ? ' ' : <EmptyState title={t('stats.lab.underusedEmpty')} /> }}
        />
      )}
    </Card>
  );
}

function ExportsCard({ institutionId, year, allowed }: { institutionId: number; year: number; allowed: boolean }) {
  const { t } = useTranslation();
  const reports: [NationalReport, string][] = [
    ['instruments', t('stats.lab.instrumentRecords')],
    ['services', t('stats.lab.serviceRecords')],
  ];
  const formats: [NationalFormat, ReactNode][] = [
    ['csv', <FileTextOutlined key="i" />],
    ['xlsx', <FileExcelOutlined key="i" />],
  ];
  return (
    <Card
      className="section-card"
      title={
        <span>
          <DownloadOutlined className="section-card__icon" /> {t('stats.lab.exports')}
        </span>
      }
      data-testid="national-exports"
    >
      <Typography.Paragraph type="secondary" className="small-text">
        {t('stats.lab.exportsHint', { year })}
      </Typography.Paragraph>
      {allowed ? (
        <div className="export-list">
          {reports.map(([kind, label]) => (
            <div key={kind} className="export-list__row">
              <span className="export-list__label">{label}</span>
              <Space wrap size={8}>
                {formats.map(([format, icon]) => (
                  <Button
                    key={format}
                    href={nationalReportUrl(kind, institutionId, year, format)}
                    download
                    icon={icon}
                    data-testid={`export-${kind}-${format}`}
                  >
                    {format.toUpperCase()}
                  </Button>
                ))}
              </Space>
            </div>
          ))}
        </div>
      ) : (
        <Alert type="info" showIcon title={t('stats.lab.exportsNotYours')} />
      )}
    </Card>
  );
}

/** `/lab/stats`: an institution's sharing figures (仪器使用统计), and its national reporting exports. */
export function LabStatsPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { user } = useAuth();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const [params, setParams] = useSearchParams();
  const year = parseYear(params.get('year'), useStatsYears());
  const lab = user?.role === 'lab_manager';
  const picked = Number(params.get('institution'));
  const institutionId = lab ? user!.organisation.id : Number.isSafeInteger(picked) && picked > 0 ? picked : undefined;
  const institutions = useInstitutions(undefined, !lab);
  const query = useInstitutionStats(institutionId, year);
  const d = query.data;
  const canExport =
    user?.role === 'platform_admin' || (user?.role === 'lab_manager' && user.organisation.id === institutionId);
  useDocumentTitle(t('stats.lab.title'));

  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  const monthly = useMemo(
    () =>
      d
        ? monthlyChart(
            monthsSoFar(d.year, d.byMonth, Date.now()),
            {
              used: t('stats.overview.usedHours'),
              external: t('stats.overview.externalHours'),
              internal: t('stats.overview.internalHours'),
              jobs: t('stats.overview.completed'),
              hours: t('stats.units.hours'),
              jobsUnit: t('stats.units.jobs'),
            },
            lang,
            phone,
          )
        : null,
    [d, t, lang, phone],
  );
  const served = !!d && d.byMonth.some((m) => m.usedHours > 0 || m.completed > 0);
  const monthlyHeight = phone ? 280 : 320;
  const institutionName =
    d?.institution.name ??
    (lab ? user?.organisation.name : institutions.data?.find((i) => i.id === institutionId)?.name);

  let body;
  if (institutionId === undefined) {
    body = (
      <Card className="section-card">
        <EmptyState title={t('stats.lab.pickInstitution')} hint={t('stats.lab.pickHint')} />
      </Card>
    );
  } else if (query.isError && !d) {
    body = <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  } else if (year === undefined) {
    body = <StatCardsSkeleton n={8} />; // until the server has said which years it has
  } else {
    body = (
      <div className={query.isPlaceholderData ? 'stats-body stats-body--stale' : 'stats-body'}>
        {d?.building && !query.isPlaceholderData ? <StatsBuilding year={d.year} /> : null}
        {d ? <Totals d={d} /> : <StatCardsSkeleton n={8} />}
        <Card className="section-card" title={t('stats.lab.monthly')}>
          {!d || !monthly ? (
            <ChartSkeleton height={monthlyHeight} />
          ) : served ? (
            <EChart
              testId="chart-lab-monthly"
              height={monthlyHeight}
              label={t('stats.overview.monthlyLabel', {
                summary: d.byMonth
                  .map((m) => `${monthLabel(m.month, lang)} ${formatHours(m.usedHours, lang)}/${m.completed}`)
                  .join(', '),
              })}
              option={monthly}
            />
          ) : (
            <div className="stats-empty" style={{ minHeight: monthlyHeight }}>
              <EmptyState title={t('stats.noService', { year })} hint={t('stats.noServiceHint')} />
            </div>
          )}
        </Card>
        <Card
          className="section-card"
          title={t('stats.lab.instruments')}
          extra={
            d ? (
              <Typography.Text type="secondary">
                {t('stats.lab.instrumentCount', { n: d.instruments.length })}
              </Typography.Text>
            ) : null
          }
        >
          {!d ? <ChartSkeleton height={240} /> : <InstrumentTable rows={d.instruments} phone={phone} />}
        </Card>
        <Row gutter={[16, 0]}>
          <Col xs={24} xl={15}>
            <UnderusedCard institutionId={institutionId} year={year} />
          </Col>
          <Col xs={24} xl={9}>
            <ExportsCard institutionId={institutionId} year={year} allowed={canExport} />
          </Col>
        </Row>
      </div>
    );
  }

  return (
    <div
      className="lab-page stats-page lab-stats-page"
      data-testid="lab-stats"
      data-busy={query.isFetching ? 'true' : 'false'}
    >
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('stats.lab.title')}
          </Typography.Title>
          <Typography.Text type="secondary" data-testid="lab-stats-scope">
            {institutionName && year ? t('stats.lab.subtitle', { name: institutionName, year }) : '\u00a0'}
          </Typography.Text>
        </div>
        <div className="stats-toolbar">
          {lab ? null : (
            <Select<number>
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('stats.lab.pickInstitution')}
              value={institutionId}
              onChange={(v) => set({ institution: v === undefined ? undefined : String(v) })}
              allowClear
              loading={institutions.isPending}
              options={(institutions.data ?? []).map((i) => ({ value: i.id, label: i.name }))}
              className="stats-toolbar__institution"
              aria-label={t('stats.lab.pickInstitution')}
              data-testid="institution-select"
            />
          )}
          <YearSelect value={year} onChange={(y) => set({ year: String(y) })} />
        </div>
      </div>
      {body}
    </div>
  );
}
