import { CalendarOutlined, ClockCircleOutlined, SwapRightOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Space, Tag } from 'antd';
import { NativeSelect } from '../../ui/NativeSelect';
import type { Dayjs } from 'dayjs';
import { lazy, startTransition, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bookingApi, type AvailabilitySearchParams } from '../../api/booking';
import { EmptyState, ErrorState } from '../../ui/states';
import { addDays, dayjs, formatDateTime, todayIn, toIso, zonedInstant } from '../../ui/time';
import { InstrumentCard, InstrumentCardSkeleton } from '../catalog/InstrumentCard';
import type { RangeFieldProps } from './FreeTimeRange';
import { Text } from '../../ui/Text';

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

const RangeField = lazy(() => import('./FreeTimeRange'));

/**
 * The date picker (its panels and date maths, ~50 KB gzipped) is not part of the catalogue's first screen:
 * a look-alike stand-in shows the dates and fetches the picker when the visitor points at or clicks
 * (taps, or presses Enter on) it; a click opens the picker as soon as it arrives.
 */
function DeferredRange(props: Omit<RangeFieldProps, 'open' | 'onOpenChange'>) {
  const [wanted, setWanted] = useState(false);
  const [open, setOpen] = useState(false);
  // A transition: the stand-in stays on screen (and under the pointer) until the picker is ready, so
  // a click that lands meanwhile still reaches it (a fallback would remount the button mid-click).
  const load = () => startTransition(() => setWanted(true));
  const [from, to] = props.value ?? [null, null];
  const standIn = (
    <button
      type="button"
      className="range-stand-in"
      data-testid="free-range-stand-in"
      onPointerEnter={load}
      onClick={() => {
        load();
        setOpen(true);
      }}
    >
      <span className={from ? undefined : 'range-stand-in__placeholder'}>
        {from ? from.format('YYYY-MM-DD') : props.placeholder[0]}
      </span>
      <SwapRightOutlined className="range-stand-in__sep" />
      <span className={to ? undefined : 'range-stand-in__placeholder'}>
        {to ? to.format('YYYY-MM-DD') : props.placeholder[1]}
      </span>
      <CalendarOutlined className="range-stand-in__icon" />
    </button>
  );
  return (
    <Suspense fallback={standIn}>
      {wanted ? <RangeField {...props} open={open} onOpenChange={setOpen} /> : standIn}
    </Suspense>
  );
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
      <DeferredRange
        value={range}
        onChange={setRange}
        disabledDate={(d) => d.format('YYYY-MM-DD') < today || d.format('YYYY-MM-DD') > addDays(today, 366)}
        placeholder={[t('freeSearch.from'), t('freeSearch.to')]}
      />
      <NativeSelect<number>
        value={hours}
        onChange={(n) => setHours(n ?? 2)}
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
        <Text type="secondary">{t('freeSearch.total', { n: free.hours })}</Text>
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
