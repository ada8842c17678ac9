import { EyeOutlined, LeftOutlined, RightOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Badge, Button, Card, DatePicker, Segmented, Select, Skeleton, Space, Tabs, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { Booking } from '../../api/booking';
import { useAuth } from '../../app/auth';
import { isEnglish } from '../../i18n';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { addDays, dayjs, inZone, mondayOf, todayIn, toIso, zonedInstant, zoneNote } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useInstrumentSearch } from '../catalog/queries';
import { LabBookingActions } from './BookingActions';
import { BookingTime } from './BookingDetailView';
import { BookingStatusTag } from './BookingStatusTag';
import { PaymentSummary } from './PaymentSummary';
import { useBookingList } from './queries';

/** The province's zone: the lab's day and week boundaries. */
const HOME_ZONE = 'Asia/Shanghai';

/** A sample job's samples as the lab needs them to receive the job: name, type, count, hazards, how they arrive. */
function SampleLine({ b }: { b: Booking }) {
  const { t } = useTranslation();
  const s = b.sample;
  if (!s) return null;
  const what = [
    s.name,
    s.type ? t(`booking.order.sample.types.${s.type}`) : null,
    b.sampleCount ? t('booking.fields.samples', { n: b.sampleCount }) : null,
  ].filter(Boolean);
  return (
    <div className="bk-item__sample" data-testid="lab-booking-sample">
      <span>
        <Typography.Text type="secondary">{t('booking.order.sample.title')}</Typography.Text>{' '}
        <span data-testid="lab-booking-sample-name">{what.join(' · ') || t('common.none')}</span>
      </span>
      {s.hazards ? (
        <span className="bk-item__hazards" data-testid="lab-booking-sample-hazards">
          <Typography.Text type="secondary">{t('booking.order.sample.hazards')}</Typography.Text>{' '}
          {s.hazards.map((h) => (
            <Tag key={h} color={h === 'none' ? 'default' : 'orange'}>
              {t(`booking.order.sample.hazardCodes.${h}`)}
            </Tag>
          ))}
        </span>
      ) : null}
      {s.delivery ? (
        <span data-testid="lab-booking-sample-delivery" data-delivery={s.delivery}>
          <Typography.Text type="secondary">{t('booking.order.sample.delivery')}</Typography.Text>{' '}
          {t(`booking.order.sample.deliveries.${s.delivery}`)}
        </span>
      ) : null}
    </div>
  );
}

function LabBookingRow({ b }: { b: Booking }) {
  const { t } = useTranslation();
  const price = b.finalPrice ?? b.price;
  return (
    <li className="bk-item" data-testid="lab-booking-row" data-booking-id={b.id} data-status={b.status}>
      <div className="bk-item__main">
        <Link to={`/bookings/${b.id}`} className="bk-item__title" data-testid="booking-link">
          {b.instrument.nameZh}
        </Link>
        <div className="bk-item__meta">
          <BookingTime booking={b} />
        </div>
        <div className="bk-item__meta">
          #{b.id} · {t(`booking.mode.${b.mode}`)}
          {b.sampleCount && !b.sample ? ` · ${t('booking.fields.samples', { n: b.sampleCount })}` : ''} ·{' '}
          {b.requester.name} · {b.requester.organisationName}
          {b.urgent ? (
            <Tag color="red" icon={<ThunderboltOutlined />} className="bk-urgent">
              {t('booking.fields.urgent')}
            </Tag>
          ) : null}
        </div>
        <SampleLine b={b} />
        {b.voucherUse || b.payment || b.paymentMethod ? (
          <div className="bk-item__meta">
            <PaymentSummary booking={b} compact />
          </div>
        ) : null}
        {b.purpose ? (
          <Typography.Paragraph type="secondary" className="small-text" ellipsis={{ rows: 1 }}>
            {b.purpose}
          </Typography.Paragraph>
        ) : null}
        <LabBookingActions booking={b} />
      </div>
      <div className="bk-item__aside">
        <BookingStatusTag status={b.status} />
        <span className="bk-item__price">{formatFen(price.totalFen)}</span>
        <Link to={`/bookings/${b.id}`}>
          <Button size="small" type="link" icon={<EyeOutlined />}>
            {t('common.view')}
          </Button>
        </Link>
      </div>
    </li>
  );
}

function Queue() {
  const { t } = useTranslation();
  const list = useBookingList({ status: 'requested', limit: 50 });
  const items = useMemo(
    () =>
      (list.data?.pages.flatMap((p) => p.items) ?? [])
        .filter((b) => b.status === 'requested')
        .sort((a, b) => Date.parse(a.start ?? a.createdAt) - Date.parse(b.start ?? b.createdAt)),
    [list.data],
  );
  if (list.isPending) return <Skeleton active paragraph={{ rows: 6 }} />;
  if (list.isError && !list.data) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <>
      {items.length === 0 ? (
        <EmptyState title={t('booking.lab.queueEmpty')} />
      ) : (
        <ul className="bk-list" data-testid="lab-queue">
          {items.map((b) => (
            <LabBookingRow key={b.id} b={b} />
          ))}
        </ul>
      )}
      {list.hasNextPage ? (
        <div className="results-more">
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      ) : null}
    </>
  );
}

function Schedule() {
  const { t, i18n } = useTranslation();
  const en = isEnglish(i18n.language);
  const { user } = useAuth();
  const [span, setSpan] = useState<'day' | 'week'>('week');
  const [anchor, setAnchor] = useState(todayIn(HOME_ZONE));
  const [instrumentId, setInstrumentId] = useState<number | undefined>(undefined);
  const admin = user?.role === 'platform_admin';
  const instruments = useInstrumentSearch(
    { institutionId: admin ? undefined : user?.organisation.id, sort: 'newest' },
    { pageSize: 100 },
  );
  const first = span === 'day' ? anchor : mondayOf(anchor);
  const days = span === 'day' ? 1 : 7;
  const from = toIso(zonedInstant(first, '00:00', HOME_ZONE));
  const to = toIso(zonedInstant(addDays(first, days), '00:00', HOME_ZONE));
  const list = useBookingList({ from, to, instrumentId, limit: 100 });
  const items = useMemo(
    () =>
      (list.data?.pages.flatMap((p) => p.items) ?? []).sort(
        (a, b) => Date.parse(a.start ?? a.end ?? a.createdAt) - Date.parse(b.start ?? b.end ?? b.createdAt),
      ),
    [list.data],
  );
  const byDay = useMemo(() => {
    const m = new Map<string, Booking[]>();
    for (const b of items) {
      const key = inZone(b.start ?? b.end ?? b.createdAt, HOME_ZONE).format('YYYY-MM-DD');
      m.set(key, [...(m.get(key) ?? []), b]);
    }
    return m;
  }, [items]);
  const dayTitle = (date: string) =>
    dayjs(date)
      .locale(en ? 'en' : 'zh-cn')
      .format(en ? 'dddd D MMM YYYY' : 'YYYY年M月D日 dddd');
  const note = zoneNote(HOME_ZONE);
  const label =
    span === 'day'
      ? dayTitle(first)
      : `${dayjs(first).format(en ? 'D MMM' : 'M月D日')} – ${dayjs(addDays(first, 6)).format(en ? 'D MMM YYYY' : 'M月D日')}`;

  return (
    <div data-testid="lab-schedule">
      <div className="bk-toolbar">
        <Segmented<'day' | 'week'>
          value={span}
          onChange={setSpan}
          options={[
            { value: 'day', label: t('booking.lab.day') },
            { value: 'week', label: t('booking.lab.week') },
          ]}
        />
        <Space.Compact>
          <Button
            icon={<LeftOutlined />}
            aria-label={t('booking.calendar.prevWeek')}
            onClick={() => setAnchor(addDays(anchor, -days))}
          />
          <Button onClick={() => setAnchor(todayIn(HOME_ZONE))}>{t('booking.lab.today')}</Button>
          <Button
            icon={<RightOutlined />}
            aria-label={t('booking.calendar.nextWeek')}
            onClick={() => setAnchor(addDays(anchor, days))}
            data-testid="schedule-next"
          />
        </Space.Compact>
        <DatePicker
          allowClear={false}
          value={dayjs(anchor)}
          onChange={(d) => d && setAnchor(d.format('YYYY-MM-DD'))}
          picker={span === 'week' ? 'week' : 'date'}
        />
        <Select<number>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('booking.lab.allInstruments')}
          value={instrumentId}
          onChange={(v) => setInstrumentId(v ?? undefined)}
          loading={instruments.isPending}
          options={(instruments.data?.pages.flatMap((p) => p.items) ?? []).map((i) => ({
            value: i.id,
            label: i.nameZh,
          }))}
          style={{ minWidth: 200, flex: '1 1 200px', maxWidth: 360 }}
        />
      </div>
      <Typography.Title level={5} data-testid="schedule-label">
        {label}
        {note ? (
          <Typography.Text type="secondary" className="small-text">
            {' '}
            ({note})
          </Typography.Text>
        ) : null}
      </Typography.Title>
      {list.isPending ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={t('booking.lab.scheduleEmpty')} />
      ) : (
        [...byDay.entries()].map(([date, rows]) => (
          <section key={date} className="bk-day" data-testid="schedule-day" data-date={date}>
            <div className="bk-day__head">
              {dayTitle(date)} <Badge count={rows.length} color="#0b4f9c" />
            </div>
            <ul className="bk-list">
              {rows.map((b) => (
                <LabBookingRow key={b.id} b={b} />
              ))}
            </ul>
          </section>
        ))
      )}
      {list.hasNextPage ? (
        <div className="results-more">
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}

export function LabBookingsPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'schedule' ? 'schedule' : 'queue';
  const queue = useBookingList({ status: 'requested', limit: 50 });
  const waiting = queue.data?.pages.flatMap((p) => p.items).filter((b) => b.status === 'requested').length;
  useDocumentTitle(t('booking.lab.title'));
  return (
    <div className="bookings-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('booking.lab.title')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {user?.role === 'platform_admin'
              ? t('booking.lab.adminSubtitle')
              : t('booking.lab.subtitle', { org: user?.organisation.name ?? '' })}
          </Typography.Text>
        </div>
      </div>
      <Card className="section-card">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'queue' ? {} : { tab: k }, { replace: true })}
          items={[
            {
              key: 'queue',
              label: (
                <Space size={6} data-testid="tab-queue">
                  {t('booking.lab.queue')}
                  {waiting !== undefined ? <Badge count={waiting} showZero color="#faad14" /> : null}
                </Space>
              ),
              children: <Queue />,
            },
            {
              key: 'schedule',
              label: <span data-testid="tab-schedule">{t('booking.lab.schedule')}</span>,
              children: <Schedule />,
            },
          ]}
        />
      </Card>
    </div>
  );
}
