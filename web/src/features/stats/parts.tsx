import { LoadingOutlined } from '@ant-design/icons';
import { Alert, Segmented, Skeleton } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isEnglish } from '../../i18n';
import { useStatsYears } from './queries';

/** One headline figure: a label, a big number with its unit, a line of context. */
export function StatCard({
  icon,
  label,
  value,
  unit,
  sub,
  testId,
  raw,
  tone = '#0b4f9c',
}: {
  icon?: ReactNode;
  label: string;
  value: string;
  unit?: string;
  sub?: ReactNode;
  testId?: string;
  /** The number behind the text, for tests and tools. */
  raw?: number | null;
  tone?: string;
}) {
  return (
    <div className="stat-card" style={{ borderTopColor: tone }} data-testid={testId} data-value={raw ?? ''}>
      <div className="stat-card__label">
        {icon ? (
          <span className="stat-card__icon" style={{ color: tone }} aria-hidden="true">
            {icon}
          </span>
        ) : null}
        {label}
      </div>
      <div className="stat-card__value">
        <span className="stat-card__number" data-testid={testId ? `${testId}-value` : undefined}>
          {value}
        </span>
        {unit ? <span className="stat-card__unit">{unit}</span> : null}
      </div>
      {sub ? <div className="stat-card__sub">{sub}</div> : null}
    </div>
  );
}

/** Placeholders of the same size as the cards, so nothing jumps when the figures arrive. */
export function StatCardsSkeleton({ n }: { n: number }) {
  return (
    <div className="stat-grid" aria-busy="true">
      {Array.from({ length: n }, (_, i) => (
        <div key={i} className="stat-card stat-card--skeleton">
          <Skeleton active title={false} paragraph={{ rows: 3, width: ['50%', '70%', '60%'] }} />
        </div>
      ))}
    </div>
  );
}

export function ChartSkeleton({ height }: { height: number }) {
  return <Skeleton.Node active className="chart-skeleton stats-chart-skeleton" style={{ height }} />;
}

/** The year of the figures: 2026 / 2025 … — the years the server offers. */
export function YearSelect({ value, onChange }: { value: number | undefined; onChange: (year: number) => void }) {
  const { t, i18n } = useTranslation();
  const years = useStatsYears() ?? (value === undefined ? [] : [value]);
  return (
    <Segmented<number>
      value={value}
      onChange={onChange}
      options={years.map((y) => ({
        value: y,
        label: <span data-testid={`year-${y}`}>{isEnglish(i18n.language) ? String(y) : `${y}年`}</span>,
      }))}
      aria-label={t('stats.year')}
      data-testid="year-select"
      className="year-select"
    />
  );
}

/** The year's figures are still being built on the server: shown with what exists, completed by themselves. */
export function StatsBuilding({ year }: { year: number }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="info"
      showIcon
      icon={<LoadingOutlined />}
      className="stats-building"
      data-testid="stats-building"
      title={t('stats.building', { year })}
    />
  );
}
