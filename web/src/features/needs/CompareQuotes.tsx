/**
 * The enterprise's quote comparison (报价比较): each quote's price, the voucher share and self-pay the
 * checkout would give today, the earliest date, the lab's rating and validity, sortable; accepting one
 * opens the booking drawer of the normal checkout with the quote (BookingDrawer `fromQuote`).
 */
import { CheckOutlined, StarFilled } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Grid, Popconfirm, Skeleton, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { bookingApi } from '../../api/booking';
import { isApiError, problemText } from '../../api/client';
import { needsApi, type ComparedQuote, type Need } from '../../api/needs';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { BookingDrawer, type BookingDrawerTarget } from '../booking/BookingDrawer';
import { useSchedule } from '../booking/queries';
import { useInstrument } from '../catalog/queries';
import { QuoteLines, QuoteStatusTag } from './NeedParts';

/** The booking drawer of an accepted quote: its instrument, schedule and (machine time) first free slot. */
function QuoteCheckout({ quote, onClose }: { quote: ComparedQuote; onClose: () => void }) {
  const instrument = useInstrument(quote.instrument.id);
  const schedule = useSchedule(quote.instrument.id);
  const hours = quote.lines[0]!.unit === 'hour';
  const minutes = Math.round(quote.lines.reduce((s, l) => s + l.quantity, 0) * 60);
  const from = `${quote.earliestDate > new Date().toISOString().slice(0, 10) ? quote.earliestDate : new Date().toISOString().slice(0, 10)}T00:00:00+08:00`;
  const to = new Date(Date.parse(from) + 21 * 86_400_000).toISOString();
  const availability = useQuery({
    queryKey: ['availability', quote.instrument.id, from, minutes],
    queryFn: ({ signal }) => bookingApi.availability(quote.instrument.id, from, to, minutes, signal),
    enabled: hours,
  });
  if (!instrument.data || !schedule.data || (hours && !availability.data)) return null;
  const target: BookingDrawerTarget = hours
    ? { startIso: availability.data!.slots[0]?.start ?? null, availability: availability.data!, mode: 'machine_time' }
    : { startIso: null, availability: null, mode: 'sample' };
  return (
    <BookingDrawer
      open
      onClose={onClose}
      instrument={instrument.data}
      schedule={schedule.data}
      target={target}
      fromQuote={{ quoteId: quote.id, sampleCount: hours ? undefined : quote.lines[0]!.quantity }}
    />
  );
}

export function CompareQuotes({ need }: { need: Need }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [booking, setBooking] = useState<ComparedQuote | null>(null);
  // Pinned first and last columns only where there is room for them beside the scrolling ones.
  const wide = Grid.useBreakpoint().md !== false;
  const q = useQuery({
    queryKey: ['needs', 'comparison', need.id],
    queryFn: ({ signal }) => needsApi.compare(need.id, signal),
  });
  const accept = useMutation({
    mutationFn: (quote: ComparedQuote) => needsApi.accept(quote.id).then(() => quote),
    onSuccess: (quote) => {
      message.success(t('needs.detail.accepted'));
      void qc.invalidateQueries({ queryKey: ['needs'] });
      setBooking({ ...quote, status: 'accepted' });
    },
    onError: (e) => message.error(isApiError(e) ? problemText(e) : String(e)),
  });
  if (q.isPending) return <Skeleton active />;
  if (q.error) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data.items.length)
    return <EmptyState title={t('needs.detail.noQuotes')} hint={t('needs.detail.noQuotesHint')} />;
  const cheapest = Math.min(...q.data.items.map((i) => i.split.selfPayFen));
  return (
    <>
      <Typography.Paragraph type="secondary" className="small-text">
        {t('needs.detail.compareHint')}
      </Typography.Paragraph>
      <Table<ComparedQuote>
        rowKey="id"
        size="small"
        pagination={false}
        scroll={{ x: 1150 }}
        dataSource={q.data.items}
        data-testid="quote-comparison"
        onRow={(r) => ({ 'data-testid': 'compare-row', 'data-quote-id': r.id }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            key: 'institution',
            title: t('needs.fields.institution'),
            fixed: wide ? 'left' : undefined,
            width: 180,
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{r.institution.name}</Typography.Text>
                <Typography.Text type="secondary" className="small-text">
                  {r.instrument.nameZh}
                  {r.city ? ` · ${r.city.name}` : ''}
                </Typography.Text>
              </Space>
            ),
          },
          {
            key: 'total',
            title: t('needs.fields.total'),
            width: 110,
            sorter: (a, b) => a.totalFen - b.totalFen,
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <span data-testid="compare-total">{formatFen(r.totalFen)}</span>
                {r.negotiated ? (
                  <Typography.Text type="secondary" className="small-text">
                    {t('needs.fields.negotiated')}
                  </Typography.Text>
                ) : null}
              </Space>
            ),
          },
          {
            key: 'voucher',
            title: t('needs.fields.voucher'),
            width: 110,
            sorter: (a, b) => a.split.voucherFen - b.split.voucherFen,
            render: (_, r) => <span data-testid="compare-voucher">{formatFen(r.split.voucherFen)}</span>,
          },
          {
            key: 'selfPay',
            title: t('needs.fields.selfPay'),
            width: 100,
            defaultSortOrder: 'ascend',
            sorter: (a, b) => a.split.selfPayFen - b.split.selfPayFen,
            render: (_, r) => (
              <Typography.Text strong={r.split.selfPayFen === cheapest} data-testid="compare-self-pay">
                {formatFen(r.split.selfPayFen)}
              </Typography.Text>
            ),
          },
          {
            key: 'earliest',
            title: t('needs.fields.earliest'),
            width: 120,
            sorter: (a, b) => a.earliestDate.localeCompare(b.earliestDate),
            dataIndex: 'earliestDate',
          },
          {
            key: 'rating',
            title: t('needs.fields.rating'),
            width: 110,
            sorter: (a, b) => (a.rating ?? 0) - (b.rating ?? 0),
            render: (_, r) =>
              r.rating === null ? (
                <Typography.Text type="secondary">{t('needs.detail.ratingNone')}</Typography.Text>
              ) : (
                <Space direction="vertical" size={0}>
                  <span>
                    <StarFilled className="rating-star" /> {r.rating.toFixed(1)}
                  </span>
                  <Typography.Text type="secondary" className="small-text">
                    {t('needs.detail.ratingCount', { n: r.ratingCount })}
                  </Typography.Text>
                </Space>
              ),
          },
          {
            key: 'valid',
            title: t('needs.fields.validUntil'),
            width: 120,
            sorter: (a, b) => a.validUntil.localeCompare(b.validUntil),
            dataIndex: 'validUntil',
          },
          {
            key: 'lines',
            title: t('needs.fields.lines'),
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <QuoteLines quote={r} />
                {r.note ? (
                  <Typography.Text type="secondary" className="small-text">
                    {r.note}
                  </Typography.Text>
                ) : null}
              </Space>
            ),
          },
          {
            key: 'action',
            title: t('needs.fields.status'),
            fixed: wide ? 'right' : undefined,
            width: 130,
            render: (_, r) =>
              r.acceptable ? (
                <Popconfirm title={t('needs.detail.acceptConfirm')} onConfirm={() => accept.mutate(r)}>
                  <Button
                    type="primary"
                    size="small"
                    icon={<CheckOutlined />}
                    loading={accept.isPending && accept.variables?.id === r.id}
                    data-testid="accept-quote"
                  >
                    {t('needs.detail.accept')}
                  </Button>
                </Popconfirm>
              ) : r.status === 'accepted' && r.bookingId ? (
                <Link to={`/bookings/${r.bookingId}`} data-testid="quote-booking">
                  {t('needs.detail.booked')}
                </Link>
              ) : r.status === 'accepted' ? (
                <Button size="small" type="primary" onClick={() => setBooking(r)} data-testid="book-quote">
                  {t('needs.detail.book')}
                </Button>
              ) : (
                <QuoteStatusTag status={r.status} />
              ),
          },
        ]}
      />
      {booking ? (
        <QuoteCheckout
          quote={booking}
          onClose={() => {
            setBooking(null);
            void qc.invalidateQueries({ queryKey: ['needs'] });
          }}
        />
      ) : null}
    </>
  );
}
