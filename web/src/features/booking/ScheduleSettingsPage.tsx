import {
  ArrowLeftOutlined,
  CopyOutlined,
  DeleteOutlined,
  MinusCircleOutlined,
  PlusOutlined,
  SaveOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  DatePicker,
  Dropdown,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Row,
  Select,
  Skeleton,
  Space,
  Switch,
  Table,
  TimePicker,
  Typography,
} from 'antd';
import type { Rule } from 'antd/es/form';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { bookingApi, type Closure, type InstrumentSchedule, type Schedule } from '../../api/booking';
import { isApiError } from '../../api/client';
import { ErrorState, ForbiddenPage, NotFoundPage } from '../../ui/states';
import { addDays, dayjs, formatDateTime, todayIn, toIso, zonedInstant } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useInstrument } from '../catalog/queries';
import { ZoneSelect } from './ZoneSelect';
import './scheduleSettings.css';
import { useSchedule } from './queries';

const DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
type DayKey = (typeof DAYS)[number];
type Range = [Dayjs, Dayjs];
/** Lengths people think of in hours are edited in hours; the API keeps minutes (converted at the form's edge). */
const HOUR_FIELDS = {
  minBookingHours: 'minBookingMinutes',
  maxBookingHours: 'maxBookingMinutes',
  minNoticeHours: 'minNoticeMinutes',
} as const;
type HourField = keyof typeof HOUR_FIELDS;
type Values = Omit<Schedule, 'weeklyHours' | (typeof HOUR_FIELDS)[HourField]> & {
  weeklyHours: Record<DayKey, Range[]>;
} & Record<HourField, number>;

/** Whole minutes of a length in hours, or null when it does not come to whole minutes. */
const hoursToMinutes = (hours: number): number | null => {
  const m = hours * 60;
  return Math.abs(m - Math.round(m)) < 1e-6 ? Math.round(m) : null;
};
const minutesToHours = (minutes: number): number => Math.round((minutes / 60) * 1000) / 1000;
const WEEKDAYS: DayKey[] = ['1', '2', '3', '4', '5'];

const toRange = ([a, b]: [string, string]): Range => [dayjs(`2000-01-01 ${a}`), dayjs(`2000-01-01 ${b}`)];
const fromRange = ([a, b]: Range): [string, string] => [a.format('HH:mm'), b.format('HH:mm')];

function toValues(s: InstrumentSchedule): Values {
  const { instrumentId: _id, weeklyHours, minBookingMinutes, maxBookingMinutes, minNoticeMinutes, ...rest } = s;
  return {
    ...rest,
    minBookingHours: minutesToHours(minBookingMinutes),
    maxBookingHours: minutesToHours(maxBookingMinutes),
    minNoticeHours: minutesToHours(minNoticeMinutes),
    weeklyHours: Object.fromEntries(DAYS.map((d) => [d, (weeklyHours[d] ?? []).map(toRange)])) as Values['weeklyHours'],
  };
}

function toSchedule(v: Values): Schedule {
  const weeklyHours: Schedule['weeklyHours'] = {};
  for (const d of DAYS) {
    const ranges = (v.weeklyHours[d] ?? []).filter((r): r is Range => !!r?.[0] && !!r?.[1]).map(fromRange);
    if (ranges.length) weeklyHours[d] = ranges.sort((a, b) => a[0].localeCompare(b[0]));
  }
  const { minBookingHours, maxBookingHours, minNoticeHours, ...rest } = v;
  return {
    ...rest,
    minBookingMinutes: hoursToMinutes(minBookingHours) ?? Math.round(minBookingHours * 60),
    maxBookingMinutes: hoursToMinutes(maxBookingHours) ?? Math.round(maxBookingHours * 60),
    minNoticeMinutes: hoursToMinutes(minNoticeHours) ?? Math.round(minNoticeHours * 60),
    weeklyHours,
  };
}

const SLOT_OPTIONS = [5, 10, 15, 20, 30, 60] as const;

function ClosuresCard({ instrumentId, zone }: { instrumentId: number; zone: string }) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ range: [Dayjs, Dayjs]; reason: string }>();
  /** Whole days (from the first day's start to the last day's end) or from a start time to an end time. */
  const [wholeDays, setWholeDays] = useState(false);
  const from = toIso(zonedInstant(addDays(todayIn(zone), -7), '00:00', zone));
  const to = toIso(zonedInstant(addDays(todayIn(zone), 84), '00:00', zone));
  const list = useQuery({
    queryKey: ['closures', instrumentId, 'settings', from],
    queryFn: ({ signal }) => bookingApi.closures(instrumentId, from, to, signal),
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['closures', instrumentId] });
    void qc.invalidateQueries({ queryKey: ['availability', instrumentId] });
  };
  const add = useMutation({
    mutationFn: (v: { range: [Dayjs, Dayjs]; reason: string }) =>
      bookingApi.addClosure(instrumentId, {
        // The picker's wall time is the instrument's local time; whole days end at the next day's start.
        start: toIso(
          zonedInstant(v.range[0].format('YYYY-MM-DD'), wholeDays ? '00:00' : v.range[0].format('HH:mm'), zone),
        ),
        end: toIso(
          wholeDays
            ? zonedInstant(addDays(v.range[1].format('YYYY-MM-DD'), 1), '00:00', zone)
            : zonedInstant(v.range[1].format('YYYY-MM-DD'), v.range[1].format('HH:mm'), zone),
        ),
        reason: v.reason.trim(),
      }),
    onSuccess: () => {
      form.resetFields();
      refresh();
      void message.success(t('bookingSettings.closureAdded'));
    },
    onError: (e) => void message.error(isApiError(e) ? e.detail : t('booking.actions.failed')),
  });
  const remove = useMutation({
    mutationFn: (id: number) => bookingApi.deleteClosure(instrumentId, id),
    onSuccess: () => {
      refresh();
      void message.success(t('bookingSettings.closureDeleted'));
    },
    onError: (e) => void message.error(isApiError(e) ? e.detail : t('booking.actions.failed')),
  });
  return (
    <Card
      className="section-card"
      title={t('bookingSettings.closures')}
      data-testid="closures-card"
      style={{ marginTop: 16 }}
    >
      <Typography.Paragraph type="secondary">{t('bookingSettings.closuresHint')}</Typography.Paragraph>
      <Form form={form} layout="inline" onFinish={(v) => add.mutate(v)} className="closure-form">
        <Form.Item className="closure-form__whole">
          <Space size={6}>
            <Switch
              size="small"
              checked={wholeDays}
              onChange={(on) => {
                setWholeDays(on);
                form.resetFields(['range']);
              }}
              data-testid="closure-whole-days"
            />
            {t('work.schedule.closureWholeDay')}
          </Space>
        </Form.Item>
        <Form.Item
          name="range"
          rules={[
            { required: true, message: t('bookingSettings.rangeRequired') },
            {
              validator: async (_, r: [Dayjs, Dayjs] | undefined) => {
                if (r?.[0] && r[1] && !wholeDays && !r[1].isAfter(r[0]))
                  throw new Error(t('work.schedule.closureOrder'));
              },
            },
          ]}
          className="closure-form__range"
        >
          {wholeDays ? (
            <DatePicker.RangePicker
              format="YYYY-MM-DD"
              className="full-width"
              aria-label={t('bookingSettings.closureRange')}
              data-testid="closure-range"
            />
          ) : (
            <DatePicker.RangePicker
              showTime={{ format: 'HH:mm', minuteStep: 15 }}
              format="YYYY-MM-DD HH:mm"
              className="full-width"
              placeholder={[t('work.schedule.closureStart'), t('work.schedule.closureEnd')]}
              aria-label={t('bookingSettings.closureRange')}
              data-testid="closure-range"
            />
          )}
        </Form.Item>
        <Form.Item
          name="reason"
          rules={[{ required: true, whitespace: true, message: t('bookingSettings.reasonRequired') }]}
          className="closure-form__reason"
        >
          <Input placeholder={t('bookingSettings.closureReason')} maxLength={200} />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" icon={<PlusOutlined />} loading={add.isPending}>
            {t('bookingSettings.addClosure')}
          </Button>
        </Form.Item>
      </Form>
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Closure>
          rowKey="id"
          size="small"
          loading={list.isPending}
          dataSource={list.data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('bookingSettings.noClosures') }}
          columns={[
            {
              key: 'range',
              title: t('bookingSettings.closureRange'),
              render: (_, c) =>
                `${formatDateTime(c.start, zone, i18n.language)} – ${formatDateTime(c.end, zone, i18n.language)}`,
            },
            { key: 'reason', title: t('bookingSettings.closureReason'), dataIndex: 'reason' },
            {
              key: 'actions',
              title: '',
              width: 90,
              render: (_, c) => (
                <Popconfirm
                  title={t('bookingSettings.deleteClosureConfirm')}
                  onConfirm={() => remove.mutate(c.id)}
                  okButtonProps={{ danger: true }}
                >
                  <Button type="link" danger size="small" icon={<DeleteOutlined />}>
                    {t('bookingSettings.deleteClosure')}
                  </Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}

function ScheduleForm({ instrumentId, schedule }: { instrumentId: number; schedule: InstrumentSchedule }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const initialValues = useMemo(() => toValues(schedule), [schedule]);
  const save = useMutation({
    mutationFn: (v: Values) => bookingApi.saveSchedule(instrumentId, toSchedule(v)),
    onSuccess: (s) => {
      qc.setQueryData(['schedule', instrumentId], s);
      void qc.invalidateQueries({ queryKey: ['availability', instrumentId] });
      void message.success(t('bookingSettings.saved'));
    },
  });
  const dayLabel = (d: DayKey) => t(`bookingSettings.weekday.d${d}`);
  /** "Copy to every weekday / every day": the day's intervals replace the others' (each a copy). */
  const copyHours = (from: DayKey, to: DayKey[]) => {
    const ranges = ((form.getFieldValue(['weeklyHours', from]) ?? []) as (Range | undefined)[]).filter(
      (r): r is Range => !!r?.[0] && !!r?.[1],
    );
    for (const d of to) {
      if (d !== from)
        form.setFieldValue(
          ['weeklyHours', d],
          ranges.map(([a, b]) => [a.clone(), b.clone()] as Range),
        );
    }
    void form.validateFields(to.map((d) => ['weeklyHours', d]));
    void message.success(
      t('work.schedule.copied', {
        day: dayLabel(from),
        target: to.length === DAYS.length ? t('work.schedule.allDays') : t('work.schedule.weekdays'),
      }),
    );
  };
  const minutes = (
    name: keyof Schedule,
    max: number,
    min = 0,
    unit = t('bookingSettings.minutes'),
    more: { extra?: string; testId?: string } = {},
  ) => (
    <Form.Item
      name={name}
      label={t(`bookingSettings.${name}` as 'bookingSettings.horizonDays')}
      extra={more.extra}
      rules={[{ required: true }]}
    >
      <InputNumber<number>
        min={min}
        max={max}
        precision={0}
        className="full-width"
        suffix={unit}
        data-testid={more.testId}
      />
    </Form.Item>
  );
  /** A length edited in hours (decimals allowed), checked to come to whole minutes within the API's bounds. */
  const hours = (name: HourField, minMinutes: number, maxMinutes: number, testId: string, more: Rule[] = []) => (
    <Form.Item
      name={name}
      label={t(`bookingSettings.${HOUR_FIELDS[name]}` as 'bookingSettings.minBookingMinutes')}
      extra={t('work.schedule.hoursHint')}
      dependencies={name === 'maxBookingHours' ? ['minBookingHours'] : undefined}
      rules={[
        { required: true },
        {
          validator: async (_, v: number | null | undefined) => {
            if (v === null || v === undefined) return;
            const m = hoursToMinutes(v);
            if (m === null) throw new Error(t('work.schedule.wholeMinutes'));
            if (m < minMinutes || m > maxMinutes)
              throw new Error(
                t('work.schedule.hoursRange', {
                  min: minutesToHours(minMinutes),
                  max: minutesToHours(maxMinutes),
                }),
              );
          },
        },
        ...more,
      ]}
    >
      <InputNumber<number>
        min={0}
        max={maxMinutes / 60}
        step={1}
        className="full-width"
        suffix={t('work.schedule.hoursUnit')}
        data-testid={testId}
      />
    </Form.Item>
  );
  const toggle = (name: keyof Schedule) => (
    <Form.Item
      name={name}
      valuePropName="checked"
      label={t(`bookingSettings.${name}` as 'bookingSettings.approvalRequired')}
      className="settings-switch"
    >
      <Switch />
    </Form.Item>
  );

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={initialValues}
      onFinish={(v) => save.mutate(v)}
      data-testid="schedule-form"
    >
      <Card className="section-card" title={t('bookingSettings.hours')}>
        <Typography.Paragraph type="secondary">{t('bookingSettings.hoursHint')}</Typography.Paragraph>
        {DAYS.map((d) => (
          <div key={d} className="hours-row" data-testid={`hours-row-${d}`}>
            <div className="hours-row__day">
              {dayLabel(d)}
              <Dropdown
                trigger={['click']}
                menu={{
                  items: [
                    { key: 'weekdays', label: t('work.schedule.copyToAll') },
                    { key: 'all', label: t('work.schedule.copyToAllWeek') },
                  ],
                  onClick: ({ key }) => copyHours(d, key === 'all' ? [...DAYS] : WEEKDAYS),
                }}
              >
                <Button
                  type="link"
                  size="small"
                  icon={<CopyOutlined />}
                  className="hours-row__copy"
                  aria-label={t('work.schedule.copyHint', { day: dayLabel(d) })}
                  title={t('work.schedule.copyHint', { day: dayLabel(d) })}
                  data-testid={`copy-hours-${d}`}
                />
              </Dropdown>
            </div>
            <Form.List
              name={['weeklyHours', d]}
              rules={[
                {
                  validator: async (_, ranges: (Range | undefined)[] | undefined) => {
                    const r = (ranges ?? []).filter((x): x is Range => !!x?.[0] && !!x?.[1]).map(fromRange);
                    r.sort((a, b) => a[0].localeCompare(b[0]));
                    if (r.some(([a, b], i) => a >= b || (i > 0 && a < r[i - 1]![1]))) {
                      throw new Error(t('bookingSettings.overlap', { day: dayLabel(d) }));
                    }
                  },
                },
              ]}
            >
              {(fields, { add, remove }, { errors }) => (
                <div className="hours-row__list">
                  {fields.length === 0 ? (
                    <Typography.Text type="secondary" className="hours-row__closed">
                      {t('bookingSettings.closedDay')}
                    </Typography.Text>
                  ) : null}
                  {fields.map((f) => (
                    <Space key={f.key} size={4} className="hours-row__item">
                      <Form.Item name={f.name} noStyle rules={[{ required: true, message: '' }]}>
                        <TimePicker.RangePicker format="HH:mm" minuteStep={5} allowClear={false} order />
                      </Form.Item>
                      <Button
                        type="text"
                        icon={<MinusCircleOutlined />}
                        onClick={() => remove(f.name)}
                        aria-label={t('lab.removeRateItem')}
                      />
                    </Space>
                  ))}
                  <Button
                    type="dashed"
                    size="small"
                    icon={<PlusOutlined />}
                    onClick={() => add([dayjs('2000-01-01 09:00'), dayjs('2000-01-01 12:00')])}
                  >
                    {t('bookingSettings.addInterval')}
                  </Button>
                  <Form.ErrorList errors={errors} />
                </div>
              )}
            </Form.List>
          </div>
        ))}
      </Card>
      <Card className="section-card" title={t('bookingSettings.rules')}>
        <Row gutter={16}>
          <Col xs={24} sm={12} lg={8}>
            <Form.Item
              name="timeZone"
              label={t('bookingSettings.timeZone')}
              rules={[{ required: true, message: t('work.schedule.zoneInvalid') }]}
            >
              <ZoneSelect />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} lg={8}>
            <Form.Item name="slotMinutes" label={t('bookingSettings.slotMinutes')}>
              <Select
                options={SLOT_OPTIONS.map((m) => ({ value: m, label: `${m} ${t('bookingSettings.minutes')}` }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} lg={8}>
            {hours('minBookingHours', 5, 24 * 60, 'min-booking-hours')}
          </Col>
          <Col xs={24} sm={12} lg={8}>
            {hours('maxBookingHours', 5, 7 * 24 * 60, 'max-booking-hours', [
              ({ getFieldValue }) => ({
                validator: async (_, v: number) => {
                  if (v < getFieldValue('minBookingHours')) throw new Error(t('bookingSettings.minMax'));
                },
              }),
            ])}
          </Col>
          <Col xs={24} sm={12} lg={8}>
            {hours('minNoticeHours', 0, 30 * 24 * 60, 'min-notice-hours')}
          </Col>
          <Col xs={24} sm={12} lg={8}>
            {minutes('horizonDays', 366, 1, t('bookingSettings.days'))}
          </Col>
          <Col xs={24} sm={12} lg={8}>
            {minutes('setupBufferMinutes', 240)}
          </Col>
          <Col xs={24} sm={12} lg={8}>
            {minutes('cleanupBufferMinutes', 240)}
          </Col>
          <Col xs={24} sm={12} lg={8}>
            {minutes('cancellationDeadlineHours', 24 * 30, 0, t('bookingSettings.hoursUnit'))}
          </Col>
          <Col xs={24} sm={12} lg={8}>
            {minutes('checkInOpensMinutes', 24 * 60, 0, undefined, {
              extra: t('bookingSettings.checkInOpensHint'),
              testId: 'check-in-opens',
            })}
          </Col>
          <Col xs={24} sm={12} lg={8}>
            {minutes('noShowGraceMinutes', 24 * 60, 0, undefined, {
              extra: t('bookingSettings.noShowGraceHint'),
              testId: 'no-show-grace',
            })}
          </Col>
          <Col xs={24} sm={12} lg={8}>
            <Form.Item
              name="noShowChargePercent"
              label={t('bookingSettings.noShowChargePercent')}
              extra={t('bookingSettings.noShowChargeHint')}
              rules={[{ required: true, type: 'integer', min: 0, max: 100, message: t('programmes.percentRange') }]}
            >
              <InputNumber<number>
                min={0}
                max={100}
                precision={0}
                className="full-width"
                suffix="%"
                data-testid="no-show-charge"
              />
            </Form.Item>
          </Col>
        </Row>
      </Card>
      <Card className="section-card" title={t('bookingSettings.modes')}>
        <Row gutter={16}>
          {(
            [
              'machineTimeEnabled',
              'sampleEnabled',
              'approvalRequired',
              'qualificationRequired',
              'observeHolidays',
            ] as const
          ).map((k) => (
            <Col key={k} xs={24} sm={12} lg={8}>
              {toggle(k)}
            </Col>
          ))}
        </Row>
      </Card>
      {save.isError ? (
        <Alert
          type="error"
          showIcon
          className="form-alert"
          title={t('lab.fixErrors')}
          description={
            isApiError(save.error)
              ? [save.error.detail, ...save.error.errors.map((e) => `${e.path}: ${e.message}`)].join('；')
              : undefined
          }
        />
      ) : null}
      <div className="form-actions">
        <Button
          type="primary"
          htmlType="submit"
          icon={<SaveOutlined />}
          loading={save.isPending}
          data-testid="save-schedule"
        >
          {t('common.save')}
        </Button>
      </div>
    </Form>
  );
}

/** `/lab/instruments/:id/schedule`: opening hours, booking rules and closures of one instrument. */
export function ScheduleSettingsPage() {
  const { t } = useTranslation();
  const { id: rawId } = useParams();
  const id = /^\d{1,15}$/.test(rawId ?? '') ? Number(rawId) : NaN;
  const instrument = useInstrument(id);
  const schedule = useSchedule(id);
  useDocumentTitle(
    instrument.data ? `${t('bookingSettings.title')} · ${instrument.data.nameZh}` : t('bookingSettings.title'),
  );
  if (!Number.isSafeInteger(id) || (isApiError(instrument.error) && instrument.error.status === 404)) {
    return <NotFoundPage title={t('detail.notFoundTitle')} text={t('detail.notFoundText', { id: rawId ?? '' })} />;
  }
  if (instrument.data && !instrument.data.editable) return <ForbiddenPage text={t('lab.notEditable')} />;
  const error = instrument.error ?? schedule.error;
  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('bookingSettings.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{instrument.data?.nameZh ?? ' '}</Typography.Text>
        </div>
        <Link to="/lab/instruments">
          <Button icon={<ArrowLeftOutlined />}>{t('common.back')}</Button>
        </Link>
      </div>
      {error ? (
        <ErrorState error={error} onRetry={() => void (instrument.refetch(), schedule.refetch())} />
      ) : !schedule.data || instrument.isPending ? (
        <Card>
          <Skeleton active paragraph={{ rows: 10 }} />
        </Card>
      ) : (
        <>
          <ScheduleForm instrumentId={id} schedule={schedule.data} />
          <ClosuresCard instrumentId={id} zone={schedule.data.timeZone} />
        </>
      )}
    </div>
  );
}
