import { CheckCircleOutlined, ClockCircleOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Grid,
  Input,
  InputNumber,
  Result,
  Segmented,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  bookingApi,
  newIdempotencyKey,
  type Availability,
  type Booking,
  type BookingMode,
  type InstrumentSchedule,
  type QuoteRequest,
} from '../../api/booking';
import type { InstrumentDetail } from '../../api/catalog';
import { isApiError } from '../../api/client';
import { isEnglish } from '../../i18n';
import { dayjs, formatDuration, formatRange, inZone, todayIn, toIso, zonedInstant, zoneNote } from '../../ui/time';
import { BookingStatusTag } from './BookingStatusTag';
import { PriceLines } from './QuoteView';

/** The value `ms` milliseconds after it last changed. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

type FreeRange = { start: number; end: number };

/** Grid start times (ms) on the picked day where the shortest booking fits into free time. */
function startOptions(free: FreeRange[], day: string, zone: string, schedule: InstrumentSchedule): number[] {
  const step = schedule.slotMinutes * 60_000;
  const need = schedule.minBookingMinutes * 60_000;
  const dayStart = zonedInstant(day, '00:00', zone).valueOf();
  const dayEnd = dayStart + 24 * 3600_000;
  const out: number[] = [];
  for (const f of free) {
    if (f.end <= dayStart || f.start >= dayEnd) continue;
    let t = dayStart + Math.ceil((Math.max(f.start, dayStart) - dayStart) / step) * step;
    for (; t + need <= f.end && t < dayEnd; t += step) out.push(t);
  }
  return out;
}

function durationOptions(free: FreeRange[], start: number, schedule: InstrumentSchedule): number[] {
  const range = free.find((f) => f.start <= start && start < f.end);
  if (!range) return [];
  const room = Math.floor((range.end - start) / 60_000);
  const max = Math.min(schedule.maxBookingMinutes, room);
  const first = Math.ceil(schedule.minBookingMinutes / schedule.slotMinutes) * schedule.slotMinutes;
  const out: number[] = [];
  for (let d = first; d <= max; d += schedule.slotMinutes) out.push(d);
  return out;
}

type Values = {
  mode: BookingMode;
  start?: number;
  duration?: number;
  sampleCount?: number;
  wantedBy?: Dayjs | null;
  rateItemId?: number;
  purpose?: string;
  urgent: boolean;
};

export type BookingDrawerTarget = { startIso: string | null; availability: Availability | null; mode: BookingMode };

export function BookingDrawer({
  open,
  onClose,
  instrument,
  schedule,
  target,
}: {
  open: boolean;
  onClose: () => void;
  instrument: InstrumentDetail;
  schedule: InstrumentSchedule;
  target: BookingDrawerTarget;
}) {
  const { t, i18n } = useTranslation();
  const en = isEnglish(i18n.language);
  const screens = Grid.useBreakpoint();
  const phone = screens.sm === false;
  const qc = useQueryClient();
  const zone = schedule.timeZone;
  const [form] = Form.useForm<Values>();
  const [created, setCreated] = useState<Booking | null>(null);
  const idempotencyKey = useRef<string | null>(null);

  const free = useMemo<FreeRange[]>(
    () => (target.availability?.free ?? []).map((f) => ({ start: Date.parse(f.start), end: Date.parse(f.end) })),
    [target.availability],
  );
  const pickedStart = target.startIso ? Date.parse(target.startIso) : undefined;
  const day = target.startIso ? inZone(target.startIso, zone).format('YYYY-MM-DD') : todayIn(zone);
  const starts = useMemo(() => startOptions(free, day, zone, schedule), [free, day, zone, schedule]);

  const values = Form.useWatch([], form) as Values | undefined;
  const mode = values?.mode ?? target.mode;
  const start = values?.start ?? pickedStart;
  const durations = useMemo(
    () => (start === undefined ? [] : durationOptions(free, start, schedule)),
    [free, start, schedule],
  );

  const rateItems = (instrument.rateCard?.items ?? []).filter(
    (i) => i.unit === (mode === 'sample' ? 'sample' : 'hour'),
  );
  const modes = (['machine_time', 'sample'] as const).filter((m) =>
    m === 'machine_time' ? schedule.machineTimeEnabled : schedule.sampleEnabled,
  );

  // A fresh form for each opening.
  useEffect(() => {
    if (!open) return;
    setCreated(null);
    idempotencyKey.current = null;
    form.resetFields();
    form.setFieldsValue({
      mode: target.mode,
      start: pickedStart,
      duration: pickedStart !== undefined ? durationOptions(free, pickedStart, schedule)[0] : undefined,
      sampleCount: 1,
      urgent: false,
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, target]);

  const request = useMemo((): QuoteRequest | null => {
    if (!values) return null;
    const base = {
      instrumentId: instrument.id,
      urgent: !!values.urgent,
      ...(values.rateItemId ? { rateItemId: values.rateItemId } : {}),
    };
    if (mode === 'machine_time') {
      if (values.start === undefined || !values.duration) return null;
      return {
        ...base,
        mode,
        start: toIso(dayjs(values.start).tz(zone)),
        end: toIso(dayjs(values.start + values.duration * 60_000).tz(zone)),
      };
    }
    if (!values.sampleCount || values.sampleCount < 1) return null;
    return {
      ...base,
      mode,
      sampleCount: values.sampleCount,
      ...(values.wantedBy
        ? { end: toIso(zonedInstant(values.wantedBy.format('YYYY-MM-DD'), '23:59', zone).add(59, 'second')) }
        : {}),
    };
  }, [values, mode, instrument.id, zone]);
  const debounced = useDebounced(request, 350);
  const quote = useQuery({
    queryKey: ['quote', debounced],
    queryFn: ({ signal }) => bookingApi.quote(debounced!, signal),
    enabled: open && !!debounced && !created,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 60_000,
  });
  const quoting = quote.isFetching || JSON.stringify(request) !== JSON.stringify(debounced);

  const submit = useMutation({
    mutationFn: () => {
      if (!request) throw new Error('incomplete');
      idempotencyKey.current ??= newIdempotencyKey();
      const purpose = values?.purpose?.trim();
      return bookingApi.create(
        { ...request, urgent: !!request.urgent, ...(purpose ? { purpose } : {}) },
        idempotencyKey.current,
      );
    },
    onSuccess: (b) => {
      setCreated(b);
      void qc.invalidateQueries({ queryKey: ['availability', instrument.id] });
      void qc.invalidateQueries({ queryKey: ['bookings'] });
    },
    onError: (e) => {
      // A different answer next time: let the next submit be a new request.
      idempotencyKey.current = null;
      if (isApiError(e) && e.code === 'conflict') {
        void qc.invalidateQueries({ queryKey: ['availability', instrument.id] });
      }
    },
  });

  const onFinish = () => submit.mutate();
  const submitError = submit.error;
  const name = en && instrument.nameEn ? instrument.nameEn : instrument.nameZh;
  const note = zoneNote(zone);

  const body = created ? (
    <Result
      status={created.status === 'approved' ? 'success' : 'info'}
      icon={created.status === 'approved' ? <CheckCircleOutlined /> : <ClockCircleOutlined />}
      title={created.status === 'approved' ? t('booking.form.confirmed') : t('booking.form.requested')}
      subTitle={created.status === 'approved' ? t('booking.form.confirmedHint') : t('booking.form.requestedHint')}
      data-testid="booking-confirmation"
      data-booking-id={created.id}
      data-status={created.status}
      extra={[
        <Link key="view" to={`/bookings/${created.id}`}>
          <Button type="primary" data-testid="view-booking">
            {t('booking.form.viewBooking')}
          </Button>
        </Link>,
        <Button key="close" onClick={onClose}>
          {t('booking.form.close')}
        </Button>,
      ]}
    >
      <Descriptions
        column={1}
        size="small"
        items={[
          { key: 'no', label: t('booking.fields.number'), children: `#${created.id}` },
          { key: 'status', label: t('booking.fields.status'), children: <BookingStatusTag status={created.status} /> },
          {
            key: 'time',
            label: created.mode === 'sample' ? t('booking.fields.wantedBy') : t('booking.fields.time'),
            children:
              created.start && created.end
                ? formatRange(created.start, created.end, created.timeZone, i18n.language)
                : created.end
                  ? inZone(created.end, created.timeZone).format('YYYY-MM-DD')
                  : t('common.none'),
          },
          { key: 'price', label: t('booking.fields.quoted'), children: <PriceLines price={created.price} /> },
        ]}
      />
    </Result>
  ) : (
    <Form<Values>
      form={form}
      layout="vertical"
      onFinish={onFinish}
      requiredMark={false}
      data-testid="booking-form"
      initialValues={{ mode: target.mode, urgent: false, sampleCount: 1 }}
    >
      <div className="bk-instrument">
        <Typography.Text strong>{name}</Typography.Text>
        <Typography.Text type="secondary" className="small-text">
          {instrument.institution.name}
          {note ? ` · ${t('booking.calendar.zone', { zone: note })}` : ''}
        </Typography.Text>
      </div>
      {modes.length > 1 ? (
        <Form.Item name="mode" label={t('booking.fields.mode')}>
          <Segmented<BookingMode>
            block
            options={modes.map((m) => ({ value: m, label: t(`booking.mode.${m}`) }))}
            data-testid="booking-mode"
          />
        </Form.Item>
      ) : (
        <Form.Item name="mode" hidden>
          <Input />
        </Form.Item>
      )}
      {mode === 'machine_time' ? (
        <>
          {start === undefined ? (
            <Alert type="info" showIcon title={t('booking.form.pickSlot')} className="bk-alert" />
          ) : null}
          <div className="bk-row">
            <Form.Item
              name="start"
              label={t('booking.fields.start')}
              rules={[{ required: true, message: t('booking.form.pickSlot') }]}
              className="bk-row__grow"
            >
              <Select<number>
                data-testid="booking-start"
                disabled={starts.length === 0}
                options={starts.map((s) => ({
                  value: s,
                  label: `${inZone(s, zone)
                    .locale(en ? 'en' : 'zh-cn')
                    .format(en ? 'ddd D MMM' : 'M月D日 ddd')} ${inZone(s, zone).format('HH:mm')}`,
                }))}
                onChange={(s) => form.setFieldValue('duration', durationOptions(free, s, schedule)[0])}
              />
            </Form.Item>
            <Form.Item
              name="duration"
              label={t('booking.fields.duration')}
              rules={[{ required: true, message: t('booking.form.durationRequired') }]}
              className="bk-row__grow"
            >
              <Select<number>
                data-testid="booking-duration"
                options={durations.map((d) => ({ value: d, label: formatDuration(d, i18n.language) }))}
              />
            </Form.Item>
          </div>
          {values?.start !== undefined && values.duration ? (
            <div className="bk-range" data-testid="booking-range">
              {formatRange(
                toIso(inZone(values.start, zone)),
                toIso(inZone(values.start + values.duration * 60_000, zone)),
                zone,
                i18n.language,
              )}
            </div>
          ) : null}
        </>
      ) : (
        <div className="bk-row">
          <Form.Item
            name="sampleCount"
            label={t('booking.fields.sampleCount')}
            rules={[{ required: true, message: t('booking.form.sampleCountRequired') }]}
            className="bk-row__grow"
          >
            <InputNumber<number>
              min={1}
              max={10_000}
              precision={0}
              className="full-width"
              data-testid="booking-samples"
            />
          </Form.Item>
          <Form.Item name="wantedBy" label={t('booking.fields.wantedBy')} className="bk-row__grow">
            <DatePicker
              className="full-width"
              disabledDate={(d) => d.format('YYYY-MM-DD') <= todayIn(zone)}
              data-testid="booking-wanted-by"
            />
          </Form.Item>
        </div>
      )}
      {rateItems.length > 1 ? (
        <Form.Item name="rateItemId" label={t('booking.fields.rateItem')}>
          <Select<number>
            allowClear
            placeholder={t('booking.form.rateItemDefault')}
            options={rateItems.map((r) => ({ value: r.id, label: en && r.labelEn ? r.labelEn : r.labelZh }))}
          />
        </Form.Item>
      ) : null}
      <Form.Item
        name="purpose"
        label={t('booking.fields.purpose')}
        rules={[{ max: 500, message: t('booking.form.purposeTooLong') }]}
      >
        <Input.TextArea
          rows={3}
          maxLength={500}
          showCount
          placeholder={t('booking.form.purposePlaceholder')}
          data-testid="booking-purpose"
        />
      </Form.Item>
      <Form.Item
        name="urgent"
        label={t('booking.fields.urgent')}
        valuePropName="checked"
        extra={t('booking.form.urgentHint')}
      >
        <Switch data-testid="booking-urgent" />
      </Form.Item>
      <div className="bk-quote" data-testid="booking-quote" data-busy={quoting ? 'true' : 'false'}>
        <div className="bk-quote__head">
          <Typography.Text strong>{t('booking.form.quote')}</Typography.Text>
          {quote.data ? (
            <Typography.Text type="secondary" className="small-text">
              {t('booking.form.quoteFor', { type: t(`userType.${quote.data.userType}`) })}
            </Typography.Text>
          ) : null}
        </div>
        {!request ? (
          <Typography.Text type="secondary">{t('booking.form.quoteIncomplete')}</Typography.Text>
        ) : quote.isError && !quoting ? (
          <Alert
            type="warning"
            showIcon
            title={t('booking.form.quoteFailed')}
            description={isApiError(quote.error) ? quote.error.detail : undefined}
            data-testid="quote-error"
          />
        ) : (
          <PriceLines price={quote.data?.price} loading={quoting} testId="quote-total" />
        )}
        <Typography.Text type="secondary" className="small-text">
          {t('booking.form.quoteNote')}
        </Typography.Text>
      </div>
      {submitError ? (
        <Alert
          type="error"
          showIcon
          className="bk-alert"
          data-testid="booking-error"
          title={
            isApiError(submitError) && submitError.code === 'conflict'
              ? t('booking.form.conflict')
              : t('booking.form.failed')
          }
          description={
            isApiError(submitError) && submitError.code !== 'conflict'
              ? [submitError.detail, ...submitError.errors.map((e) => e.message)].filter(Boolean).join('；')
              : isApiError(submitError)
                ? t('booking.form.conflictHint')
                : undefined
          }
        />
      ) : null}
      <Typography.Paragraph type="secondary" className="small-text bk-fineprint">
        {schedule.approvalRequired ? t('booking.form.needsApproval') : t('booking.form.instant')}{' '}
        {t('booking.form.cancelRule', { hours: schedule.cancellationDeadlineHours })}
      </Typography.Paragraph>
    </Form>
  );

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={created ? t('booking.form.doneTitle') : t('booking.form.title')}
      size={phone ? '100%' : 480}
      destroyOnHidden
      data-testid="booking-drawer"
      footer={
        created ? null : (
          <Space className="bk-actions">
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              onClick={() => form.submit()}
              loading={submit.isPending}
              disabled={!request}
              data-testid="booking-submit"
            >
              {schedule.approvalRequired ? t('booking.form.submitRequest') : t('booking.form.submitBook')}
            </Button>
          </Space>
        )
      }
    >
      {body}
    </Drawer>
  );
}
