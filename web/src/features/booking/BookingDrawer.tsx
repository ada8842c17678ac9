import { CheckCircleOutlined, ClockCircleOutlined, CreditCardOutlined, ReloadOutlined } from '@ant-design/icons';
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
  Radio,
  Result,
  Segmented,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  bookingApi,
  newIdempotencyKey,
  type Availability,
  type Booking,
  type BookingMode,
  type InstrumentSchedule,
  type NewBooking,
  type PaymentMethod,
  type Quote,
  type QuoteRequest,
} from '../../api/booking';
import { fundingSources as FUNDING_SOURCES, type FundingSource } from '../../../../db/schema/enums.ts';
import type { InstrumentDetail } from '../../api/catalog';
import { isApiError, type ApiError } from '../../api/client';
import { isEnglish } from '../../i18n';
import { formatFen } from '../../ui/money';
import { dayjs, formatDuration, formatRange, inZone, todayIn, toIso, zonedInstant, zoneNote } from '../../ui/time';
import { useDebounced } from '../../ui/useDebounced';
import { useMyQuotas } from '../vouchers/queries';
import { SplitLines } from '../vouchers/SplitLines';
import { BookingStatusTag } from './BookingStatusTag';
import { PaymentSummary } from './PaymentSummary';
import { PriceLines } from './QuoteView';
import {
  PayRow,
  placeOfInstrument,
  pricedItem,
  RateItemField,
  SampleFields,
  useFinePrint,
  VoucherBalance,
  type SampleDelivery,
  type SampleHazard,
  type SampleType,
} from './CheckoutParts';

/** The payment processor's test cards (test mode): what each token does, by the number people know. */
export const TEST_CARDS = [
  'tok_visa',
  'tok_mastercard',
  'tok_chargeDeclined',
  'tok_chargeDeclinedInsufficientFunds',
  // Saved for a service weeks ahead, then declined when the platform authorises it (the card window).
  'tok_chargeCustomerFail',
] as const;
export type TestCard = (typeof TEST_CARDS)[number];
const HOME_PROVINCE = '山东省';
const DECLINE_CODES = [
  'generic_decline',
  'insufficient_funds',
  'card_declined',
  'expired_card',
  'incorrect_cvc',
  'processing_error',
  'lost_card',
  'stolen_card',
  'fraudulent',
  'do_not_honor',
] as const;
type DeclineCode = (typeof DECLINE_CODES)[number];

/** A checkout answer the user can act on: the card was declined (402) or the processor is down (503, network). */
const isDecline = (e: unknown): e is ApiError => isApiError(e) && (e.status === 402 || e.code === 'payment_required');
const isRetryable = (e: unknown): e is ApiError =>
  isApiError(e) && (e.status === 503 || e.status === 0 || e.code === 'unavailable');

/** A valid start (one of the server's slots, ms) and the longest booking that fits from it (minutes). */
type Start = { at: number; maxMinutes: number };

/** The server's valid starts on the picked local day: only these can take the shortest booking. */
function startOptions(availability: Availability | null, day: string, zone: string): Start[] {
  if (!availability) return [];
  return availability.slots
    .map((s) => ({ at: Date.parse(s.start), maxMinutes: s.maxMinutes }))
    .filter((s) => inZone(s.at, zone).format('YYYY-MM-DD') === day);
}

/** The lengths a start can take: the shortest booking up to the longest that fits there, on the slot grid. */
function durationOptions(starts: Start[], start: number | undefined, schedule: InstrumentSchedule): number[] {
  const s = starts.find((x) => x.at === start);
  if (!s) return [];
  const first = Math.ceil(schedule.minBookingMinutes / schedule.slotMinutes) * schedule.slotMinutes;
  const out: number[] = [];
  for (let d = first; d <= Math.min(s.maxMinutes, schedule.maxBookingMinutes); d += schedule.slotMinutes) out.push(d);
  return out;
}

/** Why the booking cannot be sent yet (the submit button says nothing by itself). */
type Blocker = 'noStart' | 'startGone' | 'noLength' | 'noDuration' | 'tooSoon' | 'noSamples' | 'quoting';

type Values = {
  mode: BookingMode;
  start?: number;
  duration?: number;
  sampleCount?: number;
  wantedBy?: Dayjs | null;
  rateItemId?: number;
  purpose?: string;
  urgent: boolean;
  paymentMethod: PaymentMethod;
  paymentToken: TestCard;
  justification?: string;
  fundingSource?: FundingSource;
  sampleName?: string;
  sampleType?: SampleType;
  sampleHazards?: SampleHazard[];
  sampleDelivery?: SampleDelivery;
};

export type BookingDrawerTarget = { startIso: string | null; availability: Availability | null; mode: BookingMode };

/** An order on an accepted quote (需求发布): the quote prices it, so no rate item, urgency or other mode. */
export type QuoteOrder = { quoteId: number; sampleCount?: number };

export function BookingDrawer({
  open,
  onClose,
  instrument,
  schedule,
  target,
  fromQuote,
}: {
  open: boolean;
  onClose: () => void;
  instrument: InstrumentDetail;
  schedule: InstrumentSchedule;
  target: BookingDrawerTarget;
  fromQuote?: QuoteOrder;
}) {
  const { t, i18n } = useTranslation();
  const en = isEnglish(i18n.language);
  const screens = Grid.useBreakpoint();
  const phone = screens.sm === false;
  const qc = useQueryClient();
  const zone = schedule.timeZone;
  const [form] = Form.useForm<Values>();
  const [created, setCreated] = useState<Booking | null>(null);
  /** The key of the last submit and the body it was sent with: a retry of the same body reuses it. */
  const pending = useRef<{ key: string; body: string } | null>(null);
  const quotas = useMyQuotas(open);
  const hasQuota = (quotas.data ?? []).some((q) => q.status === 'active' && q.availableFen > 0);
  const noQuota = quotas.isSuccess && !hasQuota;
  /** null: the default, on when the enterprise holds an active quota. */
  const [voucherChoice, setVoucherChoice] = useState<boolean | null>(null);
  const useVoucher = !noQuota && (voucherChoice ?? hasQuota);

  const day = target.startIso ? inZone(target.startIso, zone).format('YYYY-MM-DD') : todayIn(zone);
  const starts = useMemo(() => startOptions(target.availability, day, zone), [target.availability, day, zone]);
  const requested = target.startIso ? Date.parse(target.startIso) : undefined;
  // A start the server does not offer (taken meanwhile) is not shown as if it were chosen.
  const pickedStart = starts.some((s) => s.at === requested) ? requested : undefined;
  const pickedGone = requested !== undefined && pickedStart === undefined;

  const values = Form.useWatch([], form) as Values | undefined;
  const mode = values?.mode ?? target.mode;
  const start = values ? values.start : pickedStart;
  const durations = useMemo(() => durationOptions(starts, start, schedule), [starts, start, schedule]);

  const rateItems = (instrument.rateCard?.items ?? []).filter(
    (i) => i.unit === (mode === 'sample' ? 'sample' : 'hour'),
  );
  const itemsOf = (m: BookingMode) =>
    (instrument.rateCard?.items ?? []).filter((i) => i.unit === (m === 'sample' ? 'sample' : 'hour'));
  const modes = (['machine_time', 'sample'] as const).filter((m) =>
    fromQuote ? m === target.mode : m === 'machine_time' ? schedule.machineTimeEnabled : schedule.sampleEnabled,
  );

  // A fresh form for each opening.
  useEffect(() => {
    if (!open) return;
    setCreated(null);
    setVoucherChoice(null);
    pending.current = null;
    form.resetFields();
    form.setFieldsValue({
      mode: target.mode,
      start: pickedStart,
      duration: durationOptions(starts, pickedStart, schedule)[0],
      sampleCount: fromQuote?.sampleCount ?? 1,
      urgent: false,
      paymentMethod: 'card',
      paymentToken: 'tok_visa',
      // The item priced is always named: the card's first of the unit unless the user picks another.
      rateItemId: fromQuote ? undefined : itemsOf(target.mode)[0]?.id,
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, target]);

  // Another mode prices by another unit: its first item, unless the one chosen is of that unit.
  useEffect(() => {
    if (!open || fromQuote || !values) return;
    if (!rateItems.some((r) => r.id === values.rateItemId)) form.setFieldValue('rateItemId', rateItems[0]?.id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, mode]);

  const request = useMemo((): QuoteRequest | null => {
    if (!values) return null;
    const base = {
      instrumentId: instrument.id,
      urgent: !!values.urgent,
      useVoucher,
      ...(values.rateItemId && !fromQuote ? { rateItemId: values.rateItemId } : {}),
      ...(fromQuote ? { quoteId: fromQuote.quoteId } : {}),
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
  }, [values, mode, instrument.id, zone, useVoucher, fromQuote]);
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
  const blocker = ((): Blocker | null => {
    if (mode === 'machine_time') {
      if (start === undefined) return pickedGone ? 'startGone' : 'noStart';
      if (durations.length === 0) return 'noLength';
      if (!values?.duration || !durations.includes(values.duration)) return 'noDuration';
      if (start < Date.now() + schedule.minNoticeMinutes * 60_000) return 'tooSoon';
    } else if (!values?.sampleCount || values.sampleCount < 1) return 'noSamples';
    if (quoting && !quote.isError) return 'quoting';
    return null;
  })();
  const q: Quote | undefined = quote.data;
  const userType = q?.userType ?? 'enterprise';
  const finePrint = useFinePrint();
  const priced = fromQuote ? null : pricedItem(rateItems, values?.rateItemId, userType, i18n.language);
  const itemText = priced
    ? t('booking.order.itemPriced', {
        name: priced.name,
        price: `${formatFen(priced.unitFen)}${t(`perUnit.${priced.unit}`)}`,
      })
    : null;
  const selfPayFen = q ? (q.price.selfPayFen ?? q.price.totalFen) : null;
  const payMethod: PaymentMethod | null = selfPayFen === 0 ? null : (values?.paymentMethod ?? 'card');
  const outOfProvince =
    instrument.province !== HOME_PROVINCE || !!q?.ineligible?.some((i) => i.reason === 'out_of_province');
  const needsJustification = useVoucher && outOfProvince;

  const submit = useMutation({
    mutationFn: () => {
      if (!request) throw new Error('incomplete');
      const purpose = values?.purpose?.trim();
      const justification = values?.justification?.trim();
      const body: NewBooking = {
        ...request,
        urgent: !!request.urgent,
        useVoucher,
        ...(purpose ? { purpose } : {}),
        ...(payMethod === 'card'
          ? { paymentToken: values?.paymentToken ?? 'tok_visa' }
          : payMethod === 'bank_transfer'
            ? { paymentMethod: 'bank_transfer' as const }
            : {}),
        ...(needsJustification && justification ? { justification } : {}),
        ...(values?.fundingSource ? { fundingSource: values.fundingSource } : {}),
        ...(mode === 'sample'
          ? {
              ...(values?.sampleName?.trim() ? { sampleName: values.sampleName.trim() } : {}),
              ...(values?.sampleType ? { sampleType: values.sampleType } : {}),
              ...(values?.sampleHazards?.length ? { sampleHazards: values.sampleHazards } : {}),
              ...(values?.sampleDelivery ? { sampleDelivery: values.sampleDelivery } : {}),
            }
          : {}),
      };
      const json = JSON.stringify(body);
      // The same request again (a retry after an outage) keeps its key; anything else is a new request.
      if (pending.current?.body !== json) pending.current = { key: newIdempotencyKey(), body: json };
      return bookingApi.create(body, pending.current.key);
    },
    onSuccess: (b) => {
      setCreated(b);
      void qc.invalidateQueries({ queryKey: ['availability', instrument.id] });
      void qc.invalidateQueries({ queryKey: ['bookings'] });
      void qc.invalidateQueries({ queryKey: ['vouchers', 'mine'] });
    },
    onError: (e) => {
      // An outage may have half-done the request: a retry must send the same key. Anything else had
      // a final answer, so the next submit is a new request.
      if (!isRetryable(e)) pending.current = null;
      if (isApiError(e) && e.code === 'conflict') {
        void qc.invalidateQueries({ queryKey: ['availability', instrument.id] });
      }
    },
  });

  const onFinish = () => submit.mutate();
  const declineText = (e: ApiError) => {
    const code = e.extra.declineCode;
    return typeof code === 'string' && (DECLINE_CODES as readonly string[]).includes(code)
      ? t(`checkout.declineCode.${code as DeclineCode}`)
      : e.detail || t('checkout.declineCode.card_declined');
  };
  let submitLabel: ReactNode = schedule.approvalRequired
    ? t('booking.form.submitRequest')
    : t('booking.form.submitBook');
  if (selfPayFen && payMethod === 'card') submitLabel = t('checkout.confirmCard', { amount: formatFen(selfPayFen) });
  else if (selfPayFen && (payMethod === 'bank_transfer' || payMethod === 'invoice'))
    submitLabel = t('checkout.confirmInvoice', { amount: formatFen(selfPayFen) });
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
          {
            key: 'payment',
            label: t('checkout.paid'),
            children: <PaymentSummary booking={created} compact />,
          },
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
      initialValues={{
        mode: target.mode,
        urgent: false,
        sampleCount: 1,
        paymentMethod: 'card',
        paymentToken: 'tok_visa',
      }}
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
            <Alert
              type={pickedGone ? 'warning' : 'info'}
              showIcon
              title={pickedGone ? t('booking.form.blocked.startGone') : t('booking.form.pickSlot')}
              className="bk-alert"
              data-testid="booking-pick-start"
            />
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
                placeholder={t('booking.form.pickStart')}
                options={starts.map(({ at }) => ({
                  value: at,
                  label: `${inZone(at, zone)
                    .locale(en ? 'en' : 'zh-cn')
                    .format(en ? 'ddd D MMM' : 'M月D日 ddd')} ${inZone(at, zone).format('HH:mm')}`,
                }))}
                onChange={(s) => form.setFieldValue('duration', durationOptions(starts, s, schedule)[0])}
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
                disabled={durations.length === 0}
                placeholder={t('booking.form.durationRequired')}
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
      {!fromQuote ? <RateItemField items={rateItems} userType={userType} /> : null}
      {mode === 'sample' ? (
        <SampleFields place={placeOfInstrument(instrument)} delivery={values?.sampleDelivery} />
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
        name="fundingSource"
        label={t('agreements.fundingSource.label')}
        extra={t('agreements.fundingSource.hint')}
        // Enterprises and external users name it (the national record asks); the lab's own staff may leave it.
        rules={[{ required: !!q && q.userType !== 'internal', message: t('agreements.fundingSource.required') }]}
      >
        <Select<FundingSource>
          allowClear
          placeholder={t('agreements.fundingSource.placeholder')}
          options={FUNDING_SOURCES.map((f) => ({ value: f, label: t(`agreements.fundingSource.${f}`) }))}
          data-testid="booking-funding-source"
        />
      </Form.Item>
      <Form.Item
        name="urgent"
        label={t('booking.fields.urgent')}
        valuePropName="checked"
        extra={t('booking.form.urgentHint')}
        hidden={!!fromQuote}
      >
        <Switch data-testid="booking-urgent" />
      </Form.Item>
      <div className="bk-voucher" data-testid="voucher-choice" data-on={useVoucher ? 'true' : 'false'}>
        <div className="bk-voucher__row">
          <label htmlFor="use-voucher" className="bk-voucher__label">
            <Typography.Text strong>{t('checkout.useVoucher')}</Typography.Text>
            <Typography.Text type="secondary" className="small-text">
              {noQuota ? t('checkout.noQuota') : t('checkout.useVoucherHint')}
            </Typography.Text>
          </label>
          <Switch
            id="use-voucher"
            checked={useVoucher}
            disabled={noQuota}
            loading={quotas.isPending}
            onChange={setVoucherChoice}
            data-testid="use-voucher"
          />
        </div>
      </div>
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
          <>
            {itemText ? (
              <Typography.Text type="secondary" className="small-text" data-testid="quote-item">
                {itemText}
              </Typography.Text>
            ) : null}
            <PriceLines price={q?.price} loading={quoting} testId="quote-total" />
            {useVoucher && q && (q.voucher || q.price.voucherFen > 0) ? (
              <>
                <SplitLines price={q.price} voucher={q.voucher} shares={q.vouchers} loading={quoting} />
                <VoucherBalance quote={q} quotas={quotas.data} />
              </>
            ) : q && selfPayFen !== null ? (
              <PayRow fen={selfPayFen} />
            ) : null}
          </>
        )}
        {q && useVoucher && q.ineligible?.length ? (
          <IneligibleList
            quote={q}
            programmeName={(id) => quotas.data?.find((x) => x.programmeId === id)?.programmeName}
          />
        ) : null}
        {q?.voucher?.settlementMode === 'reimburse' && useVoucher ? (
          <Typography.Text type="secondary" className="small-text">
            {t('checkout.reimburseNote', { amount: formatFen(q.voucher.claimableFen) })}
          </Typography.Text>
        ) : null}
        <Typography.Text type="secondary" className="small-text">
          {t('booking.form.quoteNote')}
        </Typography.Text>
      </div>
      {needsJustification ? (
        <Form.Item
          name="justification"
          label={t('checkout.justification')}
          extra={t('checkout.justificationHint')}
          rules={[{ required: true, whitespace: true, message: t('checkout.justificationRequired') }, { max: 500 }]}
        >
          <Input.TextArea rows={2} maxLength={500} showCount data-testid="booking-justification" />
        </Form.Item>
      ) : null}
      <div className="bk-pay" data-testid="payment-section" data-method={payMethod ?? 'none'}>
        <Typography.Text strong>{t('checkout.payment')}</Typography.Text>
        {selfPayFen === 0 ? (
          <Typography.Text type="secondary" data-testid="nothing-to-pay">
            {t('checkout.nothingToPay')}
          </Typography.Text>
        ) : (
          <>
            <Form.Item name="paymentMethod" noStyle>
              <Radio.Group className="bk-pay__methods" data-testid="payment-method">
                <Radio value="card" data-testid="pay-card">
                  <CreditCardOutlined /> {t('checkout.card')}
                </Radio>
                <Radio value="bank_transfer" data-testid="pay-bank-transfer">
                  {t('transfers.choose.bankTransfer')}
                </Radio>
              </Radio.Group>
            </Form.Item>
            {payMethod === 'card' ? (
              <div className="bk-pay__card">
                <Typography.Text type="secondary" className="small-text">
                  {t('checkout.testMode')}
                </Typography.Text>
                <Form.Item name="paymentToken" label={t('checkout.testCard')} className="bk-pay__select">
                  <Select<TestCard>
                    data-testid="payment-card"
                    options={TEST_CARDS.map((c) => ({ value: c, label: t(`checkout.cards.${c}`) }))}
                  />
                </Form.Item>
                {selfPayFen !== null ? (
                  <Typography.Text type="secondary" className="small-text">
                    {t('checkout.authoriseNote', { amount: formatFen(selfPayFen) })}
                  </Typography.Text>
                ) : null}
              </div>
            ) : (
              <Typography.Text type="secondary" className="small-text" data-testid="bank-transfer-hint">
                {t('transfers.choose.bankTransferHint')}
                {selfPayFen !== null ? ` · ${formatFen(selfPayFen)}` : ''}
              </Typography.Text>
            )}
          </>
        )}
      </div>
      {isDecline(submitError) ? (
        <Alert
          type="error"
          showIcon
          className="bk-alert"
          data-testid="payment-declined"
          data-decline-code={String(submitError.extra.declineCode ?? '')}
          title={t('checkout.declined')}
          description={
            <>
              <div data-testid="decline-reason">{declineText(submitError)}</div>
              <div>{t('checkout.declinedHint')}</div>
            </>
          }
        />
      ) : isRetryable(submitError) ? (
        <Alert
          type="warning"
          showIcon
          className="bk-alert"
          data-testid="payment-unavailable"
          title={t('checkout.unavailable')}
          description={t('checkout.unavailableHint')}
          action={
            <Button
              size="small"
              icon={<ReloadOutlined />}
              loading={submit.isPending}
              onClick={() => submit.mutate()}
              data-testid="payment-retry"
            >
              {t('checkout.retrySame')}
            </Button>
          }
        />
      ) : submitError ? (
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
        <span data-testid="booking-fine-print">
          {finePrint(
            schedule,
            mode,
            mode === 'sample' && values?.wantedBy
              ? toIso(zonedInstant(values.wantedBy.format('YYYY-MM-DD'), '12:00', zone))
              : null,
          )}
        </span>
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
          <div className="bk-footer">
            {blocker ? (
              <Typography.Text
                type={blocker === 'quoting' ? 'secondary' : 'warning'}
                className="small-text"
                data-testid="booking-blocked"
                data-reason={blocker}
              >
                {t(`booking.form.blocked.${blocker}`, {
                  min: formatDuration(schedule.minBookingMinutes, i18n.language),
                  notice: formatDuration(schedule.minNoticeMinutes, i18n.language),
                })}
              </Typography.Text>
            ) : null}
            <Space className="bk-actions">
              <Button onClick={onClose}>{t('common.cancel')}</Button>
              <Button
                type="primary"
                onClick={() => form.submit()}
                loading={submit.isPending}
                disabled={!request || blocker !== null}
                data-testid="booking-submit"
              >
                {submitLabel}
              </Button>
            </Space>
          </div>
        )
      }
    >
      {body}
    </Drawer>
  );
}

/** Why the voucher programmes the enterprise holds cannot pay for this booking, by programme. */
function IneligibleList({
  quote,
  programmeName,
}: {
  quote: Quote;
  programmeName: (programmeId: number) => string | undefined;
}) {
  const { t, i18n } = useTranslation();
  const byProgramme = new Map<number, string[]>();
  for (const i of quote.ineligible) {
    const text = INELIGIBLE_REASONS.includes(i.reason as IneligibleReason)
      ? t(`voucher.ineligible.${i.reason as IneligibleReason}`)
      : i.detail || i.reason;
    byProgramme.set(i.programmeId, [...(byProgramme.get(i.programmeId) ?? []), text]);
  }
  const sep = isEnglish(i18n.language) ? '; ' : '；';
  return (
    <Alert
      type="info"
      showIcon
      data-testid="voucher-ineligible"
      title={t('checkout.ineligibleTitle')}
      description={
        <ul className="bk-ineligible">
          {[...byProgramme].map(([id, reasons]) => (
            <li key={id} data-programme-id={id}>
              {programmeName(id) ? <div className="bk-ineligible__name">{programmeName(id)}</div> : null}
              <div>{reasons.join(sep)}</div>
            </li>
          ))}
        </ul>
      }
    />
  );
}

const INELIGIBLE_REASONS = [
  'not_certified',
  'certification_expired',
  'quota_revoked',
  'programme_not_started',
  'programme_ended',
  'category_not_eligible',
  'provider_not_eligible',
  'provider_not_certified',
  'out_of_province',
  'related_party',
  'not_enterprise_price',
] as const;
type IneligibleReason = (typeof INELIGIBLE_REASONS)[number];
