/** The lab's side: the needs hall (需求大厅) with filters, and its own quotes (我的报价). */
import { useQuery } from '@tanstack/react-query';
import { Card, Input, List, Select, Skeleton, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { catalogApi } from '../../api/catalog';
import { needsApi, type NeedQuote } from '../../api/needs';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { NeedRow } from './MyNeedsPage';
import { day, QuoteStatusTag } from './NeedParts';

export function NeedsHallPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('needs.hall.title'));
  const [text, setText] = useState('');
  const [city, setCity] = useState<string | undefined>();
  const [mine, setMine] = useState(false);
  const qText = useDebounced(text.trim(), 300);
  const cities = useQuery({
    queryKey: ['cities'],
    queryFn: ({ signal }) => catalogApi.cities(signal),
    staleTime: 600_000,
  });
  const q = useQuery({
    queryKey: ['needs', 'list', 'hall', qText, city, mine],
    queryFn: ({ signal }) =>
      needsApi.list(
        { ...(qText ? { q: qText } : {}), ...(city ? { city } : {}), ...(mine ? { mine: 'true' } : {}) },
        signal,
      ),
  });
  return (
    <Card title={t('needs.hall.title')} data-testid="needs-hall">
      <Typography.Paragraph type="secondary">{t('needs.hall.intro')}</Typography.Paragraph>
      <Space wrap className="hall-filters">
        <Input.Search
          allowClear
          placeholder={t('needs.hall.search')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="hall-search"
        />
        <Select
          allowClear
          className="hall-city"
          placeholder={t('needs.fields.city')}
          value={city}
          onChange={setCity}
          options={(cities.data ?? []).map((c) => ({ value: c.code, label: c.name }))}
        />
        <Space>
          <Switch checked={mine} onChange={setMine} data-testid="hall-mine" />
          <span>{t('needs.hall.mineOnly')}</span>
        </Space>
      </Space>
      {q.isPending ? (
        <Skeleton active />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.length ? (
        <List dataSource={q.data} renderItem={(n) => <NeedRow need={n} to={`/lab/needs/${n.id}`} />} />
      ) : (
        <EmptyState title={t('needs.hall.empty')} />
      )}
    </Card>
  );
}

export function MyQuotesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('needs.myQuotes.title'));
  const q = useQuery({
    queryKey: ['needs', 'my-quotes'],
    queryFn: ({ signal }) => needsApi.myQuotes(undefined, signal),
  });
  return (
    <Card title={t('needs.myQuotes.title')} data-testid="my-quotes">
      <Typography.Paragraph type="secondary">{t('needs.myQuotes.intro')}</Typography.Paragraph>
      {q.isPending ? (
        <Skeleton active />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.length ? (
        <List<NeedQuote>
          dataSource={q.data}
          renderItem={(quote) => (
            <List.Item data-testid="my-quote" data-quote-id={quote.id}>
              <Space direction="vertical" size={2}>
                <Space wrap>
                  <Link to={`/lab/needs/${quote.needId}`}>{quote.needTitle}</Link>
                  <QuoteStatusTag status={quote.status} />
                </Space>
                <Typography.Text type="secondary" className="small-text">
                  {quote.instrument.nameZh} · {formatFen(quote.totalFen)} · {t('needs.fields.validUntil')}{' '}
                  {quote.validUntil}
                  {quote.decidedAt ? ` · ${day(quote.decidedAt)}` : ''}
                  {quote.bookingId ? ' · ' : ''}
                  {quote.bookingId ? <Link to={`/bookings/${quote.bookingId}`}>#{quote.bookingId}</Link> : null}
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      ) : (
        <EmptyState title={t('needs.myQuotes.empty')} />
      )}
    </Card>
  );
}
