import { CopyOutlined, LinkOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Badge, Button, Card, Input, Popconfirm, Skeleton, Space, Tabs, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { bookingApi, type Booking, type BookingStatus } from '../../api/booking';
import { useAuth } from '../../app/auth';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { dayjs } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { BookingTime } from './BookingDetailView';
import { BookingStatusTag } from './BookingStatusTag';
import { PaymentSummary } from './PaymentSummary';
import { useBookingList } from './queries';

const TABS = {
  upcoming: ['pending_payment', 'requested', 'approved', 'in_progress'],
  past: ['completed', 'no_show'],
  cancelled: ['cancelled', 'rejected'],
} as const satisfies Record<string, readonly BookingStatus[]>;
type TabKey = keyof typeof TABS;

const startOf = (b: Booking) => Date.parse(b.start ?? b.end ?? b.createdAt);

export function BookingRow({ b, to }: { b: Booking; to: string }) {
  const { t } = useTranslation();
  const price = b.finalPrice ?? b.price;
  return (
    <li className="bk-item" data-testid="booking-row" data-booking-id={b.id} data-status={b.status}>
      <div className="bk-item__main">
        <Link to={to} className="bk-item__title" data-testid="booking-link">
          {b.instrument.nameZh}
        </Link>
        <div className="bk-item__meta">
          <BookingTime booking={b} />
        </div>
        <div className="bk-item__meta">
          #{b.id} · {t(`booking.mode.${b.mode}`)}
          {b.sampleCount ? ` · ${t('booking.fields.samples', { n: b.sampleCount })}` : ''} ·{' '}
          {b.instrument.institutionName}
        </div>
        {b.voucherUse || b.payment || b.paymentMethod ? (
          <div className="bk-item__meta">
            <PaymentSummary booking={b} compact />
          </div>
        ) : null}
      </div>
      <div className="bk-item__aside">
        <BookingStatusTag status={b.status} />
        <span className="bk-item__price" data-testid="booking-price">
          {formatFen(price.totalFen)}
        </span>
        {b.status === 'completed' && b.rating === null ? (
          <Link to={to}>
            <Button size="small" type="primary" ghost>
              {t('booking.mine.rateNow')}
            </Button>
          </Link>
        ) : null}
      </div>
    </li>
  );
}

function CalendarFeed() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const feed = useQuery({ queryKey: ['me', 'calendar'], queryFn: ({ signal }) => bookingApi.myCalendar(signal) });
  // Only a hash is kept on the server: the address is on screen once, right after it is made.
  const [url, setUrl] = useState('');
  const make = useMutation({
    mutationFn: bookingApi.newCalendar,
    onSuccess: (r) => {
      setUrl(new URL(r.url, window.location.origin).toString());
      qc.setQueryData(['me', 'calendar'], { createdAt: r.createdAt });
    },
    onError: () => void message.error(t('booking.mine.feedFailed')),
  });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      void message.success(t('booking.mine.feedCopied'));
    } catch {
      (document.getElementById('calendar-feed-url') as HTMLInputElement | null)?.select();
    }
  };
  const createdAt = feed.data?.createdAt ?? null;
  return (
    <Card
      className="section-card"
      title={
        <span>
          <LinkOutlined /> {t('booking.mine.feed')}
        </span>
      }
      data-testid="calendar-feed"
    >
      <Typography.Paragraph type="secondary">{t('booking.mine.feedHint')}</Typography.Paragraph>
      {feed.isPending ? (
        <Skeleton.Input active block />
      ) : feed.isError ? (
        <Typography.Text type="warning">{t('booking.mine.feedFailed')}</Typography.Text>
      ) : url ? (
        <>
          <div className="bk-feed">
            <Input
              id="calendar-feed-url"
              readOnly
              value={url}
              className="bk-feed__url"
              onFocus={(e) => e.target.select()}
              data-testid="calendar-feed-url"
            />
            <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="calendar-feed-copy">
              {t('booking.mine.feedCopy')}
            </Button>
          </div>
          <Typography.Paragraph type="warning" className="small-text" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('booking.mine.feedOnce')}
          </Typography.Paragraph>
        </>
      ) : createdAt ? (
        <div className="bk-feed">
          <Typography.Text type="secondary" data-testid="calendar-feed-since">
            {t('booking.mine.feedSince', { date: dayjs(createdAt).format('YYYY-MM-DD HH:mm') })}
          </Typography.Text>
          <Popconfirm
            title={t('booking.mine.feedRotateConfirm')}
            onConfirm={() => make.mutate()}
            okButtonProps={{ danger: true }}
          >
            <Button icon={<ReloadOutlined />} loading={make.isPending} data-testid="calendar-feed-rotate">
              {t('booking.mine.feedRotate')}
            </Button>
          </Popconfirm>
        </div>
      ) : (
        <Button
          type="primary"
          ghost
          icon={<LinkOutlined />}
          loading={make.isPending}
          onClick={() => make.mutate()}
          data-testid="calendar-feed-create"
        >
          {t('booking.mine.feedCreate')}
        </Button>
      )}
    </Card>
  );
}

export function MyBookingsPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const tab: TabKey = (Object.keys(TABS) as TabKey[]).find((k) => k === params.get('tab')) ?? 'upcoming';
  const list = useBookingList({ limit: 100 });
  useDocumentTitle(t('booking.mine.title'));

  const all = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const groups = useMemo(() => {
    const by = (k: TabKey) => all.filter((b) => (TABS[k] as readonly BookingStatus[]).includes(b.status));
    return {
      upcoming: by('upcoming').sort((a, b) => startOf(a) - startOf(b)),
      past: by('past').sort((a, b) => startOf(b) - startOf(a)),
      cancelled: by('cancelled').sort((a, b) => startOf(b) - startOf(a)),
    };
  }, [all]);
  const empty: Record<TabKey, string> = {
    upcoming: t('booking.mine.emptyUpcoming'),
    past: t('booking.mine.emptyPast'),
    cancelled: t('booking.mine.emptyCancelled'),
  };

  const body = (k: TabKey) => {
    if (list.isPending) return <Skeleton active paragraph={{ rows: 6 }} />;
    if (list.isError && !list.data) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
    const rows = groups[k];
    if (rows.length === 0) {
      return (
        <EmptyState
          title={empty[k]}
          action={
            <Link to="/instruments">
              <Button type="primary" icon={<SearchOutlined />}>
                {t('booking.mine.browse')}
              </Button>
            </Link>
          }
        />
      );
    }
    return (
      <ul className="bk-list" data-testid={`bookings-${k}`}>
        {rows.map((b) => (
          <BookingRow key={b.id} b={b} to={`/bookings/${b.id}`} />
        ))}
      </ul>
    );
  };

  return (
    <div className="bookings-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('booking.mine.title')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {t('booking.mine.subtitle', { org: user?.organisation.name ?? '' })}
          </Typography.Text>
        </div>
      </div>
      <Card className="section-card">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'upcoming' ? {} : { tab: k }, { replace: true })}
          items={(Object.keys(TABS) as TabKey[]).map((k) => ({
            key: k,
            label: (
              <Space size={6} data-testid={`tab-${k}`}>
                {t(`booking.mine.tabs.${k}`)}
                {list.data ? (
                  <Badge count={groups[k].length} showZero color={k === 'upcoming' ? '#0b4f9c' : '#bfbfbf'} />
                ) : null}
              </Space>
            ),
            children: body(k),
          }))}
        />
        {list.hasNextPage ? (
          <div className="results-more">
            <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </div>
        ) : null}
      </Card>
      <CalendarFeed />
    </div>
  );
}
