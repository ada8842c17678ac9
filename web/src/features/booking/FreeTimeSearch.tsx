import { ClockCircleOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, DatePicker, Select, Space, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bookingApi, type AvailabilitySearchParams } from '../../api/booking';
import { EmptyState, ErrorState } from '../../ui/states';
import { addDays, dayjs, formatDateTime, todayIn, toIso, zonedInstant } from '../../ui/time';
import { InstrumentCard, InstrumentCardSkeleton } from '../catalog/InstrumentCard';

/** Free-time search works on the province's calendar days. */
const ZONE = 'Asia/Shanghai';
const HOURS = [1, 2, 3, 4, 6, 8] as const;
export const FREE_KEYS = ['freeFrom', 'freeTo', 'freeHours'] as const;

export type FreeTime = { from: string; to: string; hours: number };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export function parseFreeTime(params: URLSearchParams): FreeTime | null {
  const from = params.get('freeFrom') ?? '';
  const to = params.get('freeTo') ?? '';
  const hours = Number(params.get('freeHours'));
  if (!DATE.test(from) || !DATE.test(to) || from > to || !Number.isInteger(hours) || hours < 1 || hours > 24) {
    return null;
  }
  return { from, to, hours };
}

/** "free between <from> and <to> for <n> hours": dates and length, applied to the URL by `onApply`. */
export function FreeTimeFilter({ value, onApply }: { value: FreeTime | null; onApply: (v: FreeTime | null) => void }) {
  const { t } = useTranslation();
  const today = todayIn(ZONE);
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(
    value ? [dayjs(value.from), dayjs(value.to)] : [dayjs(addDays(today, 1)), dayjs(addDays(today, 7))],
  );
  const [hours, setHours] = useState<number>(value?.hours ?? 2);
  return (
    <div className="free-search" data-testid="free-search">
      <span className="free-search__label">
        <ClockCircleOutlined /> {t('freeSearch.title')}
      </span>
      <DatePicker.RangePicker
        value={range}
        onChange={(r) => setRange(r && r[0] && r[1] ? [r[0], r[1]] : null)}
        disabledDate={(d) => d.format('YYYY-MM-DD') < today || d.format('YYYY-MM-DD') > addDays(today, 366)}
        placeholder={[t('freeSearch.from'), t('freeSearch.to')]}
        allowClear={false}
      />
      <Select<number>
        value={hours}
        onChange={setHours}
        aria-label={t('freeSearch.hours')}
        options={HOURS.map((n) => ({ value: n, label: t('freeSearch.hoursUnit', { n }) }))}
        style={{ width: 110 }}
      />
      <Space size={4}>
        <Button
          onClick={() =>
            range &&
            onApply({
              from: range[0].format('YYYY-MM-DD'),
              to: (range[1].diff(range[0], 'day') > 91 ? range[0].add(91, 'day') : range[1]).format('YYYY-MM-DD'),
              hours,
            })
          }
          disabled={!range}
          data-testid="free-apply"
        >
          {t('freeSearch.apply')}
        </Button>
        {value ? (
          <Button type="text" className="header-btn" onClick={() => onApply(null)}>
            {t('freeSearch.clear')}
          </Button>
        ) : null}
      </Space>
    </div>
  );
}

/** Instruments with a free slot of the wanted length, first slot first. */
export function FreeTimeResults({
  free,
  filters,
  compact,
  onClear,
}: {
  free: FreeTime;
  filters: Pick<AvailabilitySearchParams, 'q' | 'category' | 'city'>;
  compact: boolean;
  onClear: () => void;
}) {
  const { t, i18n } = useTranslation();
  const params: AvailabilitySearchParams = {
    from: toIso(zonedInstant(free.from, '00:00', ZONE)),
    to: toIso(zonedInstant(addDays(free.to, 1), '00:00', ZONE)),
    durationMinutes: free.hours * 60,
    ...filters,
    limit: 20,
  };
  const query = useInfiniteQuery({
    queryKey: ['availability', 'search', params],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      bookingApi.searchAvailability({ ...params, cursor: pageParam ?? undefined }, signal),
    getNextPageParam: (last) => last.nextCursor,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const chip = t('freeSearch.chip', { from: free.from, to: free.to, n: free.hours });
  return (
    <section className="catalog-results" data-testid="free-results">
      <div className="results-chips">
        <Tag closable onClose={onClear} color="green" icon={<ClockCircleOutlined />}>
          {chip}
        </Tag>
        <Typography.Text type="secondary">{t('freeSearch.total', { n: free.hours })}</Typography.Text>
      </div>
      <div className="results-list">
        {query.isPending ? (
          Array.from({ length: 4 }, (_, i) => <InstrumentCardSkeleton key={i} compact={compact} />)
        ) : query.isError && !query.data ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title={t('freeSearch.empty')} />
        ) : (
          items.map((it) => (
            <div key={it.instrument.id} className="free-result">
              <InstrumentCard item={it.instrument} compact={compact} />
              <div className="free-result__slot" data-testid="free-first-slot">
                <ClockCircleOutlined />{' '}
                {t('freeSearch.firstSlot', { time: formatDateTime(it.firstSlot.start, ZONE, i18n.language) })}
                {' · '}
                {t('freeSearch.slotCount', { n: it.slotCount })}
              </div>
            </div>
          ))
        )}
      </div>
      {query.hasNextPage ? (
        <div className="results-more">
          <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      ) : null}
    </section>
  );
}
