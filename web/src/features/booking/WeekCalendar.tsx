import { LeftOutlined, ReloadOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, Button, Grid, Skeleton, Space, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Availability, Closure, Holiday, InstrumentSchedule } from '../../api/booking';
import { isEnglish } from '../../i18n';
import { ErrorState } from '../../ui/states';
import {
  addDays,
  dayjs,
  hhmmOf,
  minutesOf,
  mondayOf,
  todayIn,
  toIso,
  viewerZone,
  zonedInstant,
  zoneNote,
} from '../../ui/time';
import { useAvailability, useClosures, useHolidays } from './queries';

/** free: a booking can start here; short: free time, but too little from here for the shortest booking. */
export type CellState = 'free' | 'short' | 'busy' | 'closed' | 'unavailable' | 'off';

/** `pick`: the valid start (a slot of the server's) a free cell books from. */
type Cell = { start: number; end: number; state: CellState; label?: string; pick?: number };
type Day = { date: string; isoWeekday: number; holiday: Holiday | null; cells: Cell[] };

/** Grid rows are whole slots of at least half an hour. */
export function rowMinutesFor(slotMinutes: number): number {
  return slotMinutes >= 30 ? slotMinutes : Math.ceil(30 / slotMinutes) * slotMinutes;
}

const ms = (iso: string) => Date.parse(iso);
const overlaps = (a0: number, a1: number, b0: number, b1: number) => a0 < b1 && b0 < a1;

/** The hours the grid spans: earliest opening to latest closing in the week, on the row grid. */
function gridSpan(schedule: InstrumentSchedule, row: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const day of Object.values(schedule.weeklyHours)) {
    for (const [a, b] of day ?? []) {
      lo = Math.min(lo, minutesOf(a));
      hi = Math.max(hi, minutesOf(b));
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [8 * 60, 18 * 60];
  return [Math.floor(lo / row) * row, Math.ceil(hi / row) * row];
}

export function buildWeek(
  schedule: InstrumentSchedule,
  monday: string,
  availability: Availability | undefined,
  closures: Closure[],
  holidays: Holiday[],
): { days: Day[]; rows: number[]; row: number } {
  const zone = schedule.timeZone;
  const row = rowMinutesFor(schedule.slotMinutes);
  const [lo, hi] = gridSpan(schedule, row);
  const rows: number[] = [];
  for (let m = lo; m < hi; m += row) rows.push(m);
  const free = (availability?.free ?? []).map((i) => [ms(i.start), ms(i.end)] as const);
  // Only the server's slots are starts: free time that cannot take the minimum length is not offered.
  const starts = (availability?.slots ?? []).map((i) => ms(i.start)).sort((a, b) => a - b);
  const busy = (availability?.busy ?? []).map((i) => [ms(i.start), ms(i.end)] as const);
  const closed = closures.map((c) => [ms(c.start), ms(c.end), c.reason] as const);
  const holidayByDate = new Map(holidays.map((h) => [h.date, h]));
  const days: Day[] = [];
  for (let d = 0; d < 7; d++) {
    const date = addDays(monday, d);
    const isoWeekday = d + 1;
    const holiday = holidayByDate.get(date) ?? null;
    const hours = (schedule.weeklyHours[String(isoWeekday) as keyof typeof schedule.weeklyHours] ?? []).map(
      ([a, b]) => [minutesOf(a), minutesOf(b)] as const,
    );
    const holidayOff = schedule.observeHolidays && holiday?.kind === 'off';
    const cells = rows.map((m): Cell => {
      const start = zonedInstant(date, hhmmOf(m), zone).valueOf();
      const end = start + row * 60_000;
      const inHours = hours.some(([a, b]) => m >= a && m + row <= b);
      const closure = closed.find(([a, b]) => overlaps(start, end, a, b));
      if (closure) return { start, end, state: 'closed', label: closure[2] };
      if (busy.some(([a, b]) => overlaps(start, end, a, b))) return { start, end, state: 'busy' };
      const pick = starts.find((t) => start <= t && t < end);
      if (pick !== undefined) return { start, end, state: 'free', pick };
      if (free.some(([a, b]) => a < end && start < b)) return { start, end, state: 'short' };
      if (holidayOff || !inHours) return { start, end, state: 'off' };
      return { start, end, state: 'unavailable' };
    });
    days.push({ date, isoWeekday, holiday, cells });
  }
  return { days, rows, row };
}

const LEGEND: CellState[] = ['free', 'short', 'busy', 'closed', 'unavailable', 'off'];

export function WeekCalendar({
  schedule,
  interactive,
  onPick,
}: {
  schedule: InstrumentSchedule;
  /** Free cells are buttons; otherwise they are only shaded. */
  interactive: boolean;
  onPick: (startIso: string, availability: Availability) => void;
}) {
  const { t, i18n } = useTranslation();
  const en = isEnglish(i18n.language);
  const screens = Grid.useBreakpoint();
  const phone = screens.sm === false;
  const zone = schedule.timeZone;
  const thisMonday = mondayOf(todayIn(zone));
  const [monday, setMonday] = useState(thisMonday);
  const from = toIso(zonedInstant(monday, '00:00', zone));
  const to = toIso(zonedInstant(addDays(monday, 7), '00:00', zone));
  const duration = Math.max(schedule.minBookingMinutes, schedule.slotMinutes);
  const availability = useAvailability(schedule.instrumentId, from, to, duration);
  const closures = useClosures(schedule.instrumentId, from, to);
  const year = Number(monday.slice(0, 4));
  const lastYear = Number(addDays(monday, 6).slice(0, 4));
  const holidays = useHolidays(year);
  const holidaysNext = useHolidays(lastYear, lastYear !== year);
  const horizonMonday = mondayOf(addDays(todayIn(zone), schedule.horizonDays));

  const week = useMemo(
    () =>
      buildWeek(schedule, monday, availability.data, closures.data ?? [], [
        ...(holidays.data ?? []),
        ...(lastYear !== year ? (holidaysNext.data ?? []) : []),
      ]),
    [schedule, monday, availability.data, closures.data, holidays.data, holidaysNext.data, lastYear, year],
  );
  const today = todayIn(zone);
  const loading = availability.isPending;
  const stale = availability.isPlaceholderData || (availability.isFetching && !availability.isPending);
  const freeCount = week.days.reduce((n, d) => n + d.cells.filter((c) => c.state === 'free').length, 0);
  const note = zoneNote(zone, true);
  const differs = zone !== viewerZone();

  const weekLabel = (() => {
    const a = dayjs(monday);
    const b = dayjs(addDays(monday, 6));
    return en
      ? `${a.locale('en').format('D MMM')} – ${b.locale('en').format('D MMM YYYY')}`
      : `${a.format('YYYY年M月D日')} – ${b.format(a.year() === b.year() ? 'M月D日' : 'YYYY年M月D日')}`;
  })();

  const dayHead = (d: Day) => {
    const dd = dayjs(d.date).locale(en ? 'en' : 'zh-cn');
    const holidayName = d.holiday ? (en && d.holiday.nameEn ? d.holiday.nameEn : d.holiday.nameZh) : null;
    return (
      <div
        className={`wk-head${d.date === today ? ' wk-head--today' : ''}${d.holiday?.kind === 'off' ? ' wk-head--holiday' : ''}`}
        title={holidayName ?? undefined}
      >
        <span className="wk-head__dow">{phone ? dd.format('dd') : dd.format('ddd')}</span>
        <span className="wk-head__date">{phone ? dd.format('D') : dd.format(en ? 'D MMM' : 'M/D')}</span>
        {d.holiday ? (
          <span className="wk-head__holiday">
            {d.holiday.kind === 'off'
              ? phone
                ? t('booking.calendar.holidayShort')
                : holidayName
              : t('booking.calendar.workday')}
          </span>
        ) : null}
      </div>
    );
  };

  const cellLabel = (d: Day, c: Cell) =>
    `${dayjs(d.date)
      .locale(en ? 'en' : 'zh-cn')
      .format(en ? 'ddd D MMM' : 'M月D日 ddd')} ${dayjs(c.start)
      .tz(zone)
      .format('HH:mm')}–${dayjs(c.end).tz(zone).format('HH:mm')} · ${t(`booking.calendar.state.${c.state}`)}${
      c.label ? ` · ${c.label}` : ''
    }`;

  return (
    <div className="wk" data-testid="week-calendar" data-week={monday} data-busy={stale || loading ? 'true' : 'false'}>
      <div className="wk-toolbar">
        <Space size={4} wrap>
          <Button
            icon={<LeftOutlined />}
            onClick={() => setMonday(addDays(monday, -7))}
            disabled={monday <= thisMonday}
            aria-label={t('booking.calendar.prevWeek')}
            data-testid="week-prev"
          >
            {phone ? null : t('booking.calendar.prevWeek')}
          </Button>
          <Button onClick={() => setMonday(thisMonday)} disabled={monday === thisMonday} data-testid="week-today">
            {t('booking.calendar.thisWeek')}
          </Button>
          <Button
            icon={<RightOutlined />}
            iconPlacement="end"
            onClick={() => setMonday(addDays(monday, 7))}
            disabled={monday >= horizonMonday}
            aria-label={t('booking.calendar.nextWeek')}
            data-testid="week-next"
          >
            {phone ? null : t('booking.calendar.nextWeek')}
          </Button>
        </Space>
        <div className="wk-toolbar__label">
          <Typography.Text strong data-testid="week-label">
            {weekLabel}
          </Typography.Text>
          <Typography.Text type={differs ? 'warning' : 'secondary'} className="small-text" data-testid="week-zone">
            {t('booking.calendar.zone', { zone: note })}
          </Typography.Text>
        </div>
      </div>
      <div className="wk-legend" aria-hidden="true">
        {LEGEND.map((s) => (
          <span key={s} className="wk-legend__item">
            <span className={`wk-swatch wk-cell--${s}`} />
            {t(`booking.calendar.state.${s}`)}
          </span>
        ))}
      </div>
      {availability.isError && !availability.data ? (
        <ErrorState error={availability.error} onRetry={() => void availability.refetch()} />
      ) : loading ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <>
          <div
            className={`wk-grid${stale ? ' wk-grid--stale' : ''}`}
            role="grid"
            aria-label={t('booking.calendar.title')}
            style={{ gridTemplateColumns: `${phone ? 38 : 56}px repeat(7, minmax(0, 1fr))` }}
          >
            <div className="wk-corner" />
            {week.days.map((d) => (
              <div key={d.date} role="columnheader">
                {dayHead(d)}
              </div>
            ))}
            {week.rows.map((m, r) => (
              <div key={m} className="wk-row" role="row">
                <div className="wk-time" role="rowheader">
                  {m % 60 === 0 || week.row % 60 !== 0 ? hhmmOf(m) : ''}
                </div>
                {week.days.map((d) => {
                  const c = d.cells[r]!;
                  const label = cellLabel(d, c);
                  if (c.state === 'free' && interactive) {
                    const iso = toIso(dayjs(c.pick ?? c.start).tz(zone));
                    return (
                      <button
                        key={d.date}
                        type="button"
                        role="gridcell"
                        className="wk-cell wk-cell--free wk-cell--button"
                        aria-label={label}
                        title={label}
                        data-testid="slot-free"
                        data-start={iso}
                        onClick={() => availability.data && onPick(iso, availability.data)}
                      />
                    );
                  }
                  return (
                    <Tooltip key={d.date} title={c.label} mouseEnterDelay={0.3}>
                      <div
                        role="gridcell"
                        className={`wk-cell wk-cell--${c.state}`}
                        aria-label={label}
                        title={c.label ? undefined : label}
                        data-testid={`slot-${c.state}`}
                      />
                    </Tooltip>
                  );
                })}
              </div>
            ))}
          </div>
          {freeCount === 0 ? (
            <Alert
              className="wk-empty"
              type="info"
              showIcon
              data-testid="week-no-free"
              title={t('booking.calendar.noneFree')}
              action={
                monday < horizonMonday ? (
                  <Button size="small" onClick={() => setMonday(addDays(monday, 7))}>
                    {t('booking.calendar.nextWeek')}
                  </Button>
                ) : undefined
              }
            />
          ) : null}
          <div className="wk-foot">
            <Typography.Text type="secondary" className="small-text">
              {t('booking.calendar.rules', {
                slot: schedule.slotMinutes,
                min: schedule.minBookingMinutes,
                notice: Math.round(schedule.minNoticeMinutes / 60),
                horizon: schedule.horizonDays,
              })}
            </Typography.Text>
            <Button
              type="link"
              size="small"
              icon={<ReloadOutlined />}
              onClick={() => void availability.refetch()}
              loading={availability.isFetching}
            >
              {t('booking.calendar.refresh')}
            </Button>
          </div>
        </>
      )}
    </div>
  );
}
