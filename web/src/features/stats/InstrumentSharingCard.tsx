import { Card, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatCount, formatHours, formatPercent } from './format';
import { useInstrumentStats } from './queries';
import './stats.css';

/** "共享使用情况": the instrument's figures of the current year, on its detail page. */
export function InstrumentSharingCard({ instrumentId }: { instrumentId: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const query = useInstrumentStats(instrumentId);
  const d = query.data;
  // The card is extra information: when the figures cannot be had it stays out of the way.
  if (query.isError) return null;
  const f = d?.totals;
  const items: [string, string, string][] = f
    ? [
        ['used', t('stats.card.usedHours'), t('stats.hoursValue', { n: formatHours(f.usedHours, lang) })],
        ['external', t('stats.card.externalShare'), formatPercent(f.externalShare, lang)],
        ['jobs', t('stats.card.jobs'), formatCount(f.completed, lang)],
        [
          'rating',
          t('stats.card.rating'),
          f.averageRating === null ? t('stats.noRating') : `${f.averageRating.toFixed(1)} / 5`,
        ],
      ]
    : [];
  return (
    <Card
      title={d ? t('stats.card.title', { year: d.year }) : t('stats.card.titleNoYear')}
      className="section-card"
      data-testid="sharing-card"
      extra={<Link to="/overview">{t('stats.card.more')}</Link>}
    >
      {!f ? (
        <Skeleton active title={false} paragraph={{ rows: 2 }} />
      ) : (
        <dl className="sharing-figures">
          {items.map(([key, label, value]) => (
            <div key={key} className="sharing-figures__item" data-testid={`sharing-${key}`}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </Card>
  );
}
