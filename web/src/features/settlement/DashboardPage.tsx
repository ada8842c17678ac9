import { AuditOutlined, CheckCircleOutlined, WarningOutlined } from '@ant-design/icons';
import { Button, Card, Col, Grid, Result, Row, Skeleton, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { MONEY_KINDS, type Dashboard, type MoneyByKind, type MoneyKind } from '../../api/settlement';
import { isProvinceFinance, useAuth } from '../../app/auth';
import { isEnglish } from '../../i18n';
import { EChart, type ChartOption } from '../../ui/EChart';
import { formatFen, formatFenCompact } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { HOME_ZONE, Money } from './BatchParts';
import { useDashboard } from './queries';
import { AgeTag, BatchStatusTag, RunStatusTag } from './tags';

const COLORS: Record<MoneyKind, string> = {
  grantedFen: '#0b4f9c',
  reservedFen: '#f5b324',
  usedFen: '#13a8a8',
  claimedFen: '#8e44ad',
  paidFen: '#389e0d',
};

type OpenBatch = Dashboard['openBatches'][number];

const grouped = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** Axis ticks in yuan, short: ¥5万 / ¥50k / ¥1,400. */
function axisYuan(yuan: number, lang: string): string {
  const abs = Math.abs(yuan);
  if (isEnglish(lang)) {
    if (abs >= 1e6) return `¥${grouped(yuan / 1e6)}M`;
    if (abs >= 1e4) return `¥${grouped(yuan / 1e3)}k`;
    return `¥${grouped(yuan)}`;
  }
  if (abs >= 1e8) return `¥${grouped(yuan / 1e8)}亿`;
  if (abs >= 1e4) return `¥${grouped(yuan / 1e4)}万`;
  return `¥${grouped(yuan)}`;
}

/** The stages a voucher use goes through, stacked from the finished (paid) to the newest (held). */
const STAGE_KINDS = ['paidFen', 'claimedFen', 'usedFen', 'reservedFen'] as const;
type StageKind = (typeof STAGE_KINDS)[number];

/** "2026-11": the current month in the platform's home zone (Asia/Shanghai, UTC+8 all year). */
const homeMonth = (now: number) => new Date(now + 8 * 3_600_000).toISOString().slice(0, 7);

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * Every month from the first with money to the current one (or the last with money, if later), each
 * once: a month without money is a zero, a month still to come is not there.
 */
export function continuousMonths(months: string[], now: number): string[] {
  if (!months.length) return [];
  const sorted = [...months].sort();
  const last = [sorted[sorted.length - 1]!, homeMonth(now)].sort()[1]!;
  const out: string[] = [];
  for (let m = sorted[0]!; m <= last && out.length < 240; m = nextMonth(m)) out.push(m);
  return out;
}

/** "2026-03" → "3月" / "Mar", with the year under the first month and under each January. */
function monthTick(month: string, index: number, lang: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const name = isEnglish(lang)
    ? new Date(Date.UTC(2000, m - 1, 1)).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })
    : `${m}月`;
  return index === 0 || m === 1 ? `${name}\n${isEnglish(lang) ? y : `${y}年`}` : name;
}

/**
 * Voucher money by stage on one axis: each use once, at the stage it has reached, so the bars stack to
 * all the money drawn on. Months (upright bars) or cities (lying down); across cities each bar ends
 * with what was drawn on out of the quota granted there (a figure, not a second scale).
 */
function stageChart(
  rows: MoneyByKind[],
  categories: string[],
  label: (k: MoneyKind) => string,
  lang: string,
  horizontal: boolean,
  phone: boolean,
): ChartOption {
  const valueAxis = {
    type: 'value' as const,
    axisLabel: { formatter: (v: number) => axisYuan(v, lang), fontSize: 11, hideOverlap: true },
    splitLine: { lineStyle: { color: '#eef0f4' } },
    splitNumber: phone ? 3 : 5,
  };
  const categoryAxis = {
    type: 'category' as const,
    data: categories,
    axisTick: { alignWithLabel: true },
    axisLabel: horizontal
      ? { fontSize: 12, interval: 0 }
      : {
          fontSize: phone ? 10 : 12,
          interval: 0,
          // A phone has no room for a year of months side by side: turned, each stays readable.
          rotate: phone ? 45 : 0,
          hideOverlap: true,
          formatter: (v: string, i: number) => monthTick(v, i, lang),
        },
  };
  const drawnOf = (r: MoneyByKind) => STAGE_KINDS.reduce((sum, k) => sum + r[k], 0);
  const top = STAGE_KINDS[STAGE_KINDS.length - 1]!;
  return {
    color: STAGE_KINDS.map((k) => COLORS[k]),
    grid: { left: 8, right: horizontal ? (phone ? 96 : 120) : 8, top: phone ? 60 : 40, bottom: 8, containLabel: true },
    legend: { top: 0, left: 'center', itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      confine: true,
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as {
          dataIndex: number;
          marker: string;
          seriesName: string;
          value: number;
        }[];
        const i = list[0]?.dataIndex ?? 0;
        const row = rows[i];
        return [
          `<strong>${categories[i] ?? ''}</strong>`,
          ...list.map((p) => `${p.marker}${p.seriesName}：${formatFen(Math.round(p.value * 100))}`),
          ...(horizontal && row ? [`${label('grantedFen')}：${formatFen(row.grantedFen)}`] : []),
        ].join('<br/>');
      },
    },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series: STAGE_KINDS.map((k: StageKind) => ({
      type: 'bar' as const,
      name: label(k),
      stack: 'stages',
      data: rows.map((r) => r[k] / 100),
      barMaxWidth: horizontal ? 16 : 28,
      emphasis: { focus: 'series' as const },
      // Each city's bar ends with its figures: drawn on / granted.
      ...(horizontal && k === top
        ? {
            label: {
              show: true,
              position: 'right' as const,
              fontSize: 11,
              color: '#5b6577',
              formatter: ({ dataIndex }: { dataIndex: number }) => {
                const row = rows[dataIndex];
                return row ? `${formatFenCompact(drawnOf(row), lang)} / ${formatFenCompact(row.grantedFen, lang)}` : '';
              },
            },
          }
        : {}),
    })),
  };
}

function Figures({ data }: { data: Dashboard }) {
  const { t, i18n } = useTranslation();
  const totals = Object.fromEntries(MONEY_KINDS.map((k) => [k, data.byMonth.reduce((s, m) => s + m[k], 0)])) as Record<
    MoneyKind,
    number
  >;
  return (
    <div className={`kpi-grid kpi-grid--${MONEY_KINDS.length}`} data-testid="dashboard-figures">
      {MONEY_KINDS.map((k) => (
        <div
          key={k}
          className="kpi"
          style={{ borderTopColor: COLORS[k] }}
          data-testid={`kpi-${k}`}
          data-fen={totals[k]}
        >
          <div className="kpi__label">{t(`dashboard.kinds.${k}`)}</div>
          <div className="kpi__value" title={formatFen(totals[k])}>
            {formatFenCompact(totals[k], i18n.language)}
          </div>
        </div>
      ))}
    </div>
  );
}

function LatestRun({ run }: { run: Dashboard['latestRun'] }) {
  const { t, i18n } = useTranslation();
  if (!run) {
    return (
      <EmptyState
        title={t('dashboard.noRun')}
        action={
          <Link to="/finance/reconciliation">
            <Button type="primary">{t('reconciliation.start')}</Button>
          </Link>
        }
      />
    );
  }
  const clean = run.status === 'clean' || (run.status === 'findings' && run.openFindings === 0);
  return (
    <div className="latest-run" data-testid="latest-run" data-status={run.status} data-run-id={run.id}>
      <Result
        status={clean ? 'success' : run.status === 'running' ? 'info' : 'warning'}
        icon={clean ? <CheckCircleOutlined /> : <WarningOutlined />}
        title={
          run.status === 'clean'
            ? t('reconciliation.clean')
            : run.status === 'findings'
              ? t('dashboard.openFindings', { n: run.openFindings })
              : t(`reconciliation.status.${run.status}`)
        }
        subTitle={
          <>
            <div>
              {t('reconciliation.runNo', { id: run.id })} · <RunStatusTag status={run.status} />
            </div>
            {run.finishedAt ? (
              <div>
                {t('reconciliation.finishedAt', { at: formatDateTime(run.finishedAt, HOME_ZONE, i18n.language) })}
              </div>
            ) : null}
          </>
        }
        extra={
          <Link to={`/finance/reconciliation/${run.id}`} data-testid="latest-run-link">
            <Button>{t('dashboard.viewRun')}</Button>
          </Link>
        }
      />
    </div>
  );
}

function OpenBatches({ items, phone }: { items: OpenBatch[]; phone: boolean }) {
  const { t } = useTranslation();
  const sorted = [...items].sort((a, b) => b.ageDays - a.ageDays || a.id - b.id);
  const empty = <EmptyState title={t('dashboard.noOpenBatches')} />;
  if (phone) {
    return (
      <ul className="lab-list" data-testid="open-batches">
        {!sorted.length ? empty : null}
        {sorted.map((b) => (
          <li key={b.id} className="lab-list__item ledger-item" data-testid="open-batch" data-batch-id={b.id}>
            <div className="lab-list__main">
              <Link to={`/finance/settlement/${b.id}`} className="lab-list__name">
                {t('settlement.batchTitle', { id: b.id, month: b.month })}
              </Link>
              <div className="lab-list__meta">{b.claimant}</div>
              <div className="lab-list__tags">
                <BatchStatusTag status={b.status} />
                <AgeTag days={b.ageDays} />
              </div>
            </div>
            <div className="ledger-item__aside">
              <Money fen={b.totalFen} strong />
            </div>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <Table<OpenBatch>
      rowKey="id"
      size="small"
      dataSource={sorted}
      pagination={sorted.length > 8 ? { pageSize: 8, showSizeChanger: false } : false}
      scroll={{ x: 'max-content' }}
      data-testid="open-batches"
      locale={{ emptyText: empty }}
      onRow={(b) => ({ 'data-testid': 'open-batch', 'data-batch-id': b.id }) as object}
      columns={[
        {
          key: 'batch',
          title: t('settlement.batch'),
          render: (_, b) => (
            <div className="lab-name">
              <Link to={`/finance/settlement/${b.id}`}>{t('settlement.batchTitle', { id: b.id, month: b.month })}</Link>
              <Typography.Text type="secondary" className="small-text">
                {b.claimant}
              </Typography.Text>
            </div>
          ),
        },
        { key: 'status', title: t('settlement.status'), render: (_, b) => <BatchStatusTag status={b.status} /> },
        {
          key: 'total',
          title: t('settlement.total'),
          align: 'right',
          render: (_, b) => <Money fen={b.totalFen} strong />,
        },
        { key: 'age', title: t('settlement.age'), render: (_, b) => <AgeTag days={b.ageDays} /> },
      ]}
    />
  );
}

/** `/finance/dashboard`: the finance officer's landing page: where the voucher money stands. */
export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const query = useDashboard();
  const d = query.data;
  // Reconciliation is the province's: a city's office has no run to show.
  const province = isProvinceFinance(useAuth().user);
  useDocumentTitle(t('dashboard.title'));
  const charts = useMemo(() => {
    if (!d) return null;
    const stageLabel = (k: MoneyKind) => t(`dashboard.stages.${k}`);
    const byMonth = new Map(d.stages.byMonth.map((m) => [m.month, m]));
    const months = continuousMonths(
      d.stages.byMonth.map((m) => m.month),
      Date.now(),
    );
    const zero = { grantedFen: 0, reservedFen: 0, usedFen: 0, claimedFen: 0, paidFen: 0 };
    const granted = d.byMonth.reduce((s, m) => s + m.grantedFen, 0);
    const drawn = d.stages.byMonth.reduce((s, m) => s + m.reservedFen + m.usedFen + m.claimedFen + m.paidFen, 0);
    return {
      months,
      granted,
      drawn,
      byMonth: stageChart(
        months.map((m) => byMonth.get(m) ?? zero),
        months,
        stageLabel,
        lang,
        false,
        phone,
      ),
      byCity: stageChart(
        d.stages.byCity,
        d.stages.byCity.map((c) => c.cityName),
        stageLabel,
        lang,
        true,
        phone,
      ),
    };
  }, [d, t, lang, phone]);
  const chartSkeleton = (h: number) => <Skeleton.Node active className="chart-skeleton" style={{ height: h }} />;

  let body;
  if (query.isError && !d) body = <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  else {
    const monthHeight = phone ? 300 : 340;
    const cityHeight = Math.max(220, (d?.stages.byCity.length ?? 1) * (phone ? 40 : 36) + 90);
    body = (
      <>
        {d ? <Figures data={d} /> : <Skeleton.Input active block className="kpi-skeleton" />}
        <Row gutter={[16, 0]}>
          <Col xs={24} xl={province ? 16 : 24}>
            <Card className="section-card" title={t('dashboard.byMonth')}>
              {!d ? (
                chartSkeleton(monthHeight)
              ) : charts!.months.length ? (
                <>
                  <Typography.Paragraph type="secondary" className="small-text" data-testid="stages-note">
                    {t('dashboard.stagesNote', {
                      drawn: formatFen(charts!.drawn),
                      granted: formatFen(charts!.granted),
                    })}
                  </Typography.Paragraph>
                  <EChart
                    testId="chart-by-month"
                    height={monthHeight}
                    label={t('dashboard.byMonthLabel', { months: charts!.months.join('、') })}
                    option={charts!.byMonth}
                  />
                </>
              ) : (
                <EmptyState title={t('dashboard.noMoney')} />
              )}
            </Card>
          </Col>
          {province ? (
            <Col xs={24} xl={8}>
              <Card className="section-card" title={t('dashboard.latestRun')}>
                {!d ? <Skeleton active paragraph={{ rows: 4 }} /> : <LatestRun run={d.latestRun} />}
              </Card>
            </Col>
          ) : null}
        </Row>
        <Row gutter={[16, 0]}>
          <Col xs={24} xl={10}>
            <Card className="section-card" title={t('dashboard.byCity')}>
              {!d ? (
                chartSkeleton(240)
              ) : d.stages.byCity.length ? (
                <>
                  <Typography.Paragraph type="secondary" className="small-text" data-testid="city-note">
                    {t('dashboard.byCityNote')}
                  </Typography.Paragraph>
                  <EChart
                    testId="chart-by-city"
                    height={cityHeight}
                    label={t('dashboard.byCityLabel', { cities: d.stages.byCity.map((c) => c.cityName).join('、') })}
                    option={charts!.byCity}
                  />
                </>
              ) : (
                <EmptyState title={t('dashboard.noMoney')} />
              )}
            </Card>
          </Col>
          <Col xs={24} xl={14}>
            <Card
              className="section-card"
              title={t('dashboard.openBatches')}
              extra={
                <Link to="/finance/settlement">
                  <Button type="link" size="small" icon={<AuditOutlined />}>
                    {t('nav.settlementReview')}
                  </Button>
                </Link>
              }
            >
              {!d ? <Skeleton active paragraph={{ rows: 4 }} /> : <OpenBatches items={d.openBatches} phone={phone} />}
            </Card>
          </Col>
        </Row>
      </>
    );
  }

  return (
    <div className="lab-page dashboard-page" data-testid="dashboard" data-busy={query.isFetching}>
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('dashboard.title')}
          </Typography.Title>
          <Typography.Text type="secondary" data-testid="dashboard-scope">
            {d?.scope
              ? t('dashboard.scopeCity', { city: d.scope.cityName })
              : d
                ? t('dashboard.scopeProvince')
                : '\u00a0'}
          </Typography.Text>
        </div>
      </div>
      {body}
    </div>
  );
}
