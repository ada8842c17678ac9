/**
 * One testing need (/my/needs/:id for its enterprise, /lab/needs/:id for labs): the need, its
 * attachments and history; the enterprise sees the suggested instruments and compares the quotes; a
 * lab sees its own quotes (withdraw) and the quote form while it may quote.
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Descriptions, List, Popconfirm, Row, Skeleton, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError, problemText } from '../../api/client';
import { needsApi, type Need } from '../../api/needs';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState, NotFoundPage } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { CompareQuotes } from './CompareQuotes';
import { Attachments, budgetText, day, NeedHistory, NeedStatusTag, QuoteLines, QuoteStatusTag } from './NeedParts';
import { QuoteForm } from './QuoteForm';

function Suggestions({ need }: { need: Need }) {
  const { t } = useTranslation();
  const items = need.suggestions.filter((s) => s.instruments.length);
  if (!items.length) return <EmptyState title={t('needs.detail.noSuggestions')} />;
  return (
    <List
      size="small"
      data-testid="need-suggestions"
      dataSource={items}
      renderItem={(s) => (
        <List.Item>
          <Space direction="vertical" size={2}>
            <Space wrap>
              <Typography.Text strong>{s.institutionName}</Typography.Text>
              <Tag color={s.reason === 'invited' ? 'gold' : 'blue'}>{t(`needs.reason.${s.reason}`)}</Tag>
            </Space>
            <Space wrap size={[12, 2]}>
              {s.instruments.map((i) => (
                <Link key={i.id} to={`/instruments/${i.id}`} data-testid="suggested-instrument">
                  {i.nameZh}
                  {i.listPrice ? ` · ${formatFen(i.listPrice.fen)}/${t(`needs.unit.${i.listPrice.unit}`)}` : ''}
                </Link>
              ))}
            </Space>
          </Space>
        </List.Item>
      )}
    />
  );
}

function LabQuotes({ need }: { need: Need }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['needs', 'quotes', need.id],
    queryFn: ({ signal }) => needsApi.quotes(need.id, signal),
  });
  const withdraw = useMutation({
    mutationFn: (id: number) => needsApi.withdrawQuote(id),
    onSuccess: () => {
      message.success(t('needs.quoteForm.withdrawn'));
      void qc.invalidateQueries({ queryKey: ['needs'] });
    },
    onError: (e) => message.error(isApiError(e) ? problemText(e) : String(e)),
  });
  if (q.isPending) return <Skeleton active />;
  if (q.error) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data.length) return null;
  return (
    <List
      size="small"
      data-testid="lab-quotes"
      dataSource={q.data}
      renderItem={(quote) => (
        <List.Item
          data-testid="lab-quote"
          actions={
            quote.status === 'submitted'
              ? [
                  <Popconfirm key="w" title={t('needs.quoteForm.withdraw')} onConfirm={() => withdraw.mutate(quote.id)}>
                    <Button size="small" danger data-testid="withdraw-quote">
                      {t('needs.quoteForm.withdraw')}
                    </Button>
                  </Popconfirm>,
                ]
              : []
          }
        >
          <Space direction="vertical" size={2}>
            <Space wrap>
              <Typography.Text strong>{formatFen(quote.totalFen)}</Typography.Text>
              <QuoteStatusTag status={quote.status} />
              <Typography.Text type="secondary">{quote.instrument.nameZh}</Typography.Text>
            </Space>
            <QuoteLines quote={quote} />
            <Typography.Text type="secondary" className="small-text">
              {t('needs.fields.earliest')} {quote.earliestDate} · {t('needs.fields.validUntil')} {quote.validUntil}
            </Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  );
}

export function NeedPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const id = Number(useParams().id);
  const q = useQuery({ queryKey: ['needs', 'detail', id], queryFn: ({ signal }) => needsApi.get(id, signal) });
  useDocumentTitle(q.data?.title ?? t('needs.mine.title'));
  const withdraw = useMutation({
    mutationFn: () => needsApi.withdraw(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['needs'] }),
    onError: (e) => message.error(isApiError(e) ? problemText(e) : String(e)),
  });
  if (q.isPending)
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );
  if (isApiError(q.error) && q.error.status === 404) return <NotFoundPage text={t('needs.detail.notFound')} />;
  if (q.error) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const need = q.data;
  const back = need.own ? '/my/needs' : '/lab/needs';
  return (
    <Space direction="vertical" size="middle" className="full-width" data-testid="need-page" data-need-id={need.id}>
      <Card
        title={
          <Space wrap>
            <Link to={back} aria-label={t('needs.detail.back')}>
              <ArrowLeftOutlined />
            </Link>
            <span data-testid="need-title">{need.title}</span>
            <NeedStatusTag status={need.status} />
          </Space>
        }
        extra={
          need.own && need.status === 'open' ? (
            <Popconfirm title={t('needs.detail.withdrawConfirm')} onConfirm={() => withdraw.mutate()}>
              <Button danger size="small" loading={withdraw.isPending} data-testid="withdraw-need">
                {t('needs.detail.withdraw')}
              </Button>
            </Popconfirm>
          ) : null
        }
      >
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={[
            { key: 'enterprise', label: t('needs.fields.enterprise'), children: need.enterprise.name },
            { key: 'category', label: t('needs.fields.category'), children: need.category?.name ?? '—' },
            { key: 'sampleType', label: t('needs.fields.sampleType'), children: need.sampleType ?? '—' },
            { key: 'sampleCount', label: t('needs.fields.sampleCount'), children: need.sampleCount ?? '—' },
            { key: 'deadline', label: t('needs.fields.deadline'), children: need.deadline ?? '—' },
            { key: 'budget', label: t('needs.fields.budget'), children: budgetText(need) },
            { key: 'city', label: t('needs.fields.city'), children: need.city?.name ?? t('needs.form.cityAny') },
            {
              key: 'visibility',
              label: t('needs.fields.visibility'),
              children: t(`needs.visibility.${need.visibility}`),
            },
            { key: 'expires', label: t('needs.fields.expiresOn'), children: day(need.expiresAt) },
            {
              key: 'description',
              label: t('needs.fields.description'),
              span: 'filled',
              children: <Typography.Paragraph className="pre-wrap">{need.description}</Typography.Paragraph>,
            },
            {
              key: 'attachments',
              label: t('needs.detail.attachments'),
              span: 'filled',
              children: <Attachments need={need} />,
            },
          ]}
        />
        {need.bookingId ? (
          <Link to={`/bookings/${need.bookingId}`} data-testid="need-booking">
            {t('needs.detail.booked')} #{need.bookingId}
          </Link>
        ) : null}
      </Card>
      {need.own ? (
        <Card title={t('needs.detail.compare')} data-testid="compare-card">
          <CompareQuotes need={need} />
        </Card>
      ) : (
        <Card title={t('needs.quoteForm.title')} data-testid="quote-card">
          <LabQuotes need={need} />
          {need.canQuote ? (
            <QuoteForm need={need} />
          ) : (
            <Typography.Text type="secondary">{t('needs.quoteForm.cannotQuote')}</Typography.Text>
          )}
        </Card>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={17}>
          <Space direction="vertical" size="middle" className="full-width">
            <Card title={t('needs.detail.suggested')}>
              <Typography.Paragraph type="secondary" className="small-text">
                {t('needs.detail.suggestedHint')}
              </Typography.Paragraph>
              <Suggestions need={need} />
            </Card>
          </Space>
        </Col>
        <Col xs={24} xl={7}>
          <Card title={t('needs.detail.history')}>
            <NeedHistory need={need} />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
