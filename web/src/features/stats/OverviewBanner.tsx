import { BarChartOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatCount, formatHours, moneyHeadline } from './format';
import { useOverview, useStatsYears } from './queries';
import './stats.css';

/** A line of headline figures on the catalogue, leading to the sharing overview. */
export function OverviewBanner() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { data: d } = useOverview(useStatsYears()?.[0]);
  const saved = d ? moneyHeadline(d.totals.savedFen, lang) : null;
  // The line keeps its height while loading (no jump); a failure just leaves the link.
  return (
    <Link to="/overview" className="overview-banner" data-testid="overview-banner">
      <BarChartOutlined className="overview-banner__icon" aria-hidden="true" />
      <span className="overview-banner__text">
        {d && saved ? (
          <>
            <span className="overview-banner__title">{t('stats.banner.title', { year: d.year })}</span>
            <span className="overview-banner__figures">
              {t('stats.banner.figures', {
                instruments: formatCount(d.sharedInstruments, lang),
                institutions: formatCount(d.institutions, lang),
                hours: formatHours(d.totals.usedHours, lang),
                jobs: formatCount(d.totals.completed, lang),
                enterprises: formatCount(d.totals.enterprisesServed, lang),
                saved: `${saved.value}${saved.unit}`,
              })}
            </span>
          </>
        ) : (
          <span className="overview-banner__title">{t('stats.overview.title')}</span>
        )}
      </span>
      <span className="overview-banner__more">
        {t('stats.banner.more')} <RightOutlined />
      </span>
    </Link>
  );
}
