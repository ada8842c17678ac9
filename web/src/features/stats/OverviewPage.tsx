import {
  BankOutlined,
  ClockCircleOutlined,
  ExperimentOutlined,
  GiftOutlined,
  StarOutlined,
  TeamOutlined,
  TrophyOutlined,
  CheckCircleOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import { Card, Col, Grid, Row, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { CityFigures, Overview, TopInstrument } from '../../api/stats';
import { isEnglish } from '../../i18n';
import { EChart } from '../../ui/EChart';
import { formatFen } from '../../ui/money';
import { localName } from '../../ui/names';
import { EmptyState, ErrorState } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { hoursBarChart, monthlyChart, monthsSoFar, STATS_COLORS, type PairRow } from './charts';
import { formatCount, formatHours, moneyHeadline, monthLabel } from './format';
import { ChartSkeleton, StatCard, StatCardsSkeleton, StatsBuilding, YearSelect } from './parts';
import { parseYear, useOverview, useStatsYears } from './queries';
import './stats.css';

function Headlines({ d }: { d: Overview }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const saved = moneyHeadline(d.totals.savedFen, lang);
  const income = moneyHeadline(d.totals.incomeFen, lang);
  const cities = d.byCity.filter((c) => c.instruments > 0).length;
  return (
    <div className="stat-grid" data-testid="overview-figures">
      <StatCard
        testId="kpi-instruments"
        raw={d.instruments}
        icon={<ExperimentOutlined />}
        label={t('stats.overview.kpi.instruments')}
        value={formatCount(d.instruments, lang)}
        unit={t('stats.units.instruments')}
        sub={t('stats.overview.kpi.instrumentsSub', { n: formatCount(d.sharedInstruments, lang) })}
      />
      <StatCard
        testId="kpi-institutions"
        raw={d.institutions}
        icon={<BankOutlined />}
        tone="#6f8fbf"
        label={t('stats.overview.kpi.institutions')}
        value={formatCount(d.institutions, lang)}
        unit={t('stats.units.institutions')}
        sub={t('stats.overview.kpi.institutionsSub', { n: cities })}
      />
      <StatCard
        testId="kpi-hours"
        raw={d.totals.usedHours}
        icon={<ClockCircleOutlined />}
        tone={STATS_COLORS.external}
        label={t('stats.overview.kpi.usedHours')}
        value={formatHours(d.totals.usedHours, lang)}
        unit={t('stats.units.hours')}
        sub={t('stats.overview.kpi.usedHoursSub', { n: formatHours(d.totals.externalHours, lang) })}
      />
      <StatCard
        testId="kpi-jobs"
        raw={d.totals.completed}
        icon={<CheckCircleOutlined />}
        tone={STATS_COLORS.jobs}
        label={t('stats.overview.kpi.jobs')}
        value={formatCount(d.totals.completed, lang)}
        unit={t('stats.units.jobs')}
        sub={t('stats.overview.kpi.jobsSub', { n: formatCount(d.totals.requests, lang) })}
      />
      <StatCard
        testId="kpi-enterprises"
        raw={d.totals.enterprisesServed}
        icon={<TeamOutlined />}
        tone="#8e44ad"
        label={t('stats.overview.kpi.enterprises')}
        value={formatCount(d.totals.enterprisesServed, lang)}
        unit={t('stats.units.enterprises')}
        sub={t('stats.overview.kpi.enterprisesSub')}
      />
      <StatCard
        testId="kpi-saved"
        raw={d.totals.savedFen}
        icon={<GiftOutlined />}
        tone="#d4380d"
        label={t('stats.overview.kpi.saved')}
        value={saved.value}
        unit={saved.unit}
        sub={t('stats.overview.kpi.savedSub', {
          granted: formatFen(d.vouchers.grantedFen),
          paid: formatFen(d.vouchers.paidFen),
        })}
      />
      <StatCard
        testId="kpi-income"
        raw={d.totals.incomeFen}
        icon={<WalletOutlined />}
        tone="#389e0d"
        label={t('stats.overview.kpi.income')}
        value={income.value}
        unit={income.unit}
        sub={t('stats.overview.kpi.incomeSub', {
          voucher: formatFen(d.totals.voucherIncomeFen),
          self: formatFen(d.totals.selfPayIncomeFen),
        })}
      />
      <StatCard
        testId="kpi-rating"
        raw={d.totals.averageRating}
        icon={<StarOutlined />}
        tone="#fa8c16"
        label={t('stats.overview.kpi.rating')}
        value={d.totals.averageRating === null ? '—' : d.totals.averageRating.toFixed(1)}
        unit={d.totals.averageRating === null ? undefined : '/ 5'}
        sub={d.totals.averageRating === null ? t('stats.noRating') : t('stats.overview.kpi.ratingSub')}
      />
    </div>
  );
}

function CityTable({ rows }: { rows: CityFigures[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <Table<CityFigures>
      rowKey="cityCode"
      size="small"
      dataSource={rows}
      pagination={false}
      data-testid="city-table"
      className="stats-table"
      columns={[
        {
          key: 'city',
          title: t('stats.overview.columns.city'),
          render: (_, c) => (
            <span data-testid="city-name">{localName({ name: c.cityName, nameEn: c.cityNameEn }, lang)}</span>
          ),
        },
        {
          key: 'instruments',
          title: t('stats.overview.columns.instruments'),
          align: 'right',
          render: (_, c) => formatCount(c.instruments, lang),
        },
        {
          key: 'hours',
          title: t('stats.overview.columns.usedHours'),
          align: 'right',
          render: (_, c) => formatHours(c.usedHours, lang),
        },
        {
          key: 'jobs',
          title: t('stats.overview.columns.jobs'),
          align: 'right',
          render: (_, c) => formatCount(c.completed, lang),
        },
      ]}
    />
  );
}

function TopList({ items }: { items: TopInstrument[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const en = isEnglish(lang);
  // Instruments without any service are no "most used" ones.
  const used = items.filter((i) => i.usedHours > 0 || i.jobs > 0).slice(0, 10);
  if (!used.length) return <EmptyState title={t('stats.overview.noTop')} />;
  return (
    <ol className="top-list" data-testid="top-instruments">
      {used.map((item, i) => (
        <li key={item.id} className="top-list__item" data-testid="top-instrument">
          <span className={`top-list__rank${i < 3 ? ' top-list__rank--podium' : ''}`} aria-hidden="true">
            {i + 1}
          </span>
          <div className="top-list__main">
            <Link to={`/instruments/${item.id}`} className="top-list__name">
              {en && item.nameEn ? item.nameEn : item.nameZh}
            </Link>
            <div className="top-list__meta">{item.institutionName}</div>
          </div>
          <div className="top-list__figures">
            <strong>{t('stats.hoursValue', { n: formatHours(item.usedHours, lang) })}</strong>
            <span>{t('stats.overview.topJobs', { n: formatCount(item.jobs, lang) })}</span>
          </div>
        </li>
      ))}
    </ol>
  );
}

/** `/overview`: the province's sharing at a glance (共享共用情况一网通览), for everyone. */
export function OverviewPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const [params, setParams] = useSearchParams();
  const year = parseYear(params.get('year'), useStatsYears());
  const query = useOverview(year);
  // While another year loads the previous one stays on screen, dimmed.
  const d = query.data;
  const stale = query.isPlaceholderData;
  useDocumentTitle(t('stats.overview.title'));

  const charts = useMemo(() => {
    if (!d) return null;
    const cityRows = [...d.byCity].sort(
      (a, b) => b.instruments - a.instruments || b.usedHours - a.usedHours || a.cityCode.localeCompare(b.cityCode),
    );
    const categoryRows = [...d.byCategory]
      .filter((c) => c.instruments > 0 || c.usedHours > 0)
      .sort((a, b) => b.instruments - a.instruments || b.usedHours - a.usedHours || a.code.localeCompare(b.code));
    const pairLabels = {
      count: t('stats.overview.instrumentCount'),
      hours: t('stats.overview.usedHours'),
      countUnit: t('stats.units.instruments'),
      hoursUnit: t('stats.units.hours'),
    };
    // The charts draw hours: their rows go by hours, most first.
    const byHours = (x: PairRow, y: PairRow) => y.hours - x.hours || y.count - x.count;
    const cityPairs: PairRow[] = cityRows
      .map((c) => ({
        name: localName({ name: c.cityName, nameEn: c.cityNameEn }, lang),
        count: c.instruments,
        hours: c.usedHours,
      }))
      .sort(byHours);
    const categoryPairs: PairRow[] = categoryRows
      .map((c) => ({
        name: localName(c, lang),
        count: c.instruments,
        hours: c.usedHours,
      }))
      .sort(byHours);
    // January to the current month: months still to come are not drawn (as zero or at all).
    const months = monthsSoFar(d.year, d.byMonth, Date.now());
    return {
      served: months.some((m) => m.usedHours > 0 || m.completed > 0),
      monthly: monthlyChart(
        months,
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
      ),
      monthlySummary: months
        .map(
          (m) =>
            `${monthLabel(m.month, lang)} ${formatHours(m.externalHours, lang)}/${formatHours(m.usedHours - m.externalHours, lang)}`,
        )
        .join(', '),
      cityRows,
      cityPairs,
      city: hoursBarChart(cityPairs, pairLabels, lang, phone),
      categoryPairs,
      category: hoursBarChart(categoryPairs, pairLabels, lang, phone),
    };
  }, [d, t, lang, phone]);

  const setYear = (y: number) => {
    const next = new URLSearchParams(params);
    next.set('year', String(y));
    setParams(next, { replace: true });
  };

  const monthlyHeight = phone ? 300 : 340;
  const cityHeight = Math.max(260, (charts?.cityPairs.length ?? 16) * 30 + 80);
  const categoryHeight = Math.max(260, (charts?.categoryPairs.length ?? 8) * 36 + 80);

  let body;
  if (query.isError && !d) {
    body = <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  } else {
    body = (
      <div className={stale ? 'stats-body stats-body--stale' : 'stats-body'}>
        {d?.building && !stale ? <StatsBuilding year={d.year} /> : null}
        {d ? <Headlines d={d} /> : <StatCardsSkeleton n={8} />}
        <Row gutter={[16, 0]}>
          <Col xs={24} xl={15}>
            <Card className="section-card" title={t('stats.overview.monthly')}>
              {!charts ? (
                <ChartSkeleton height={monthlyHeight} />
              ) : charts.served ? (
                <EChart
                  testId="chart-monthly"
                  height={monthlyHeight}
                  label={t('stats.overview.monthlyLabel', { summary: charts.monthlySummary })}
                  option={charts.monthly}
                />
              ) : (
                <div className="stats-empty" style={{ minHeight: monthlyHeight }} data-testid="monthly-empty">
                  <EmptyState title={t('stats.noService', { year })} hint={t('stats.noServiceHint')} />
                </div>
              )}
            </Card>
          </Col>
          <Col xs={24} xl={9}>
            <Card
              className="section-card"
              title={
                <span>
                  <TrophyOutlined className="section-card__icon" /> {t('stats.overview.top')}
                </span>
              }
            >
              {!d ? <ChartSkeleton height={monthlyHeight} /> : <TopList items={d.topInstruments} />}
            </Card>
          </Col>
        </Row>
        <Row gutter={[16, 0]}>
          <Col xs={24} xl={12}>
            <Card className="section-card" title={t('stats.overview.byCity')}>
              {!charts ? (
                <ChartSkeleton height={phone ? 420 : cityHeight} />
              ) : !charts.cityRows.length ? (
                <EmptyState title={t('stats.overview.noInstruments')} />
              ) : phone ? (
                <CityTable rows={charts.cityRows} />
              ) : (
                <EChart
                  testId="chart-city"
                  height={cityHeight}
                  label={t('stats.overview.byCityLabel', {
                    summary: charts.cityPairs.map((c) => `${c.name} ${c.count}/${c.hours}`).join(', '),
                  })}
                  option={charts.city}
                />
              )}
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card className="section-card" title={t('stats.overview.byCategory')}>
              {!charts ? (
                <ChartSkeleton height={categoryHeight} />
              ) : !charts.categoryPairs.length ? (
                <EmptyState title={t('stats.overview.noInstruments')} />
              ) : (
                <EChart
                  testId="chart-category"
                  height={categoryHeight}
                  label={t('stats.overview.byCategoryLabel', {
                    summary: charts.categoryPairs.map((c) => `${c.name} ${c.count}/${c.hours}`).join(', '),
                  })}
                  option={charts.category}
                />
              )}
            </Card>
          </Col>
        </Row>
      </div>
    );
  }

  return (
    <div
      className="stats-page overview-page"
      data-testid="overview"
      data-busy={query.isFetching ? 'true' : 'false'}
      data-year={d && !stale ? d.year : ''}
    >
      <section className="overview-hero">
        <div className="overview-hero__text">
          <h1 className="overview-hero__title">{t('stats.overview.title')}</h1>
          <p className="overview-hero__subtitle">{year ? t('stats.overview.subtitle', { year }) : '\u00a0'}</p>
        </div>
        <YearSelect value={year} onChange={setYear} />
      </section>
      {body}
      <Typography.Paragraph type="secondary" className="stats-note">
        {t('stats.overview.note')}
      </Typography.Paragraph>
    </div>
  );
}
