import { CheckOutlined, CloseOutlined, LoginOutlined, StopOutlined, TrophyOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Form, Input, InputNumber, Modal, Space, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { bookingApi, type ActionWindow, type Booking, type BookingStatus, type CompleteInput } from '../../api/booking';
import { isApiError } from '../../api/client';
import { formatFen } from '../../ui/money';
import { formatDateTime } from '../../ui/time';
import { bookingKeys } from './queries';

/** Refusals of a step by the clock (the server's 409 says from / until when in its detail). */
const TIME_REFUSALS = new Set(['too_early', 'too_late', 'no_date']);

/** The current time, ticking every `everyMs`: a step the clock allows later becomes available without a reload. */
function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/**
 * Where a step stands now by the server's window: never (wrong status, no date), not yet, open, or over.
 * The server decides again when the step is sent; this only offers what it would allow.
 */
export function windowState(w: ActionWindow, now: number): 'never' | 'early' | 'open' | 'late' {
  if (w.reason === 'status' || w.reason === 'no_date') return 'never';
  if (w.from !== null && now < Date.parse(w.from)) return 'early';
  if (w.until !== null && now >= Date.parse(w.until)) return 'late';
  return 'open';
}

type MoneyAction = 'cancel' | 'reject' | 'noShow' | 'complete';

/** What a step does to the money held for a booking (card hold, voucher hold, invoice), in sentences. */
function useMoneyLines(b: Booking, action: MoneyAction): string[] {
  const { t } = useTranslation();
  const hold = b.payment?.status === 'authorised' ? b.payment.authorisedFen : 0;
  const voucher = b.voucherUse?.status === 'reserved' ? b.voucherUse.reservedFen : 0;
  const out: string[] = [];
  if (action === 'cancel' || action === 'reject') {
    if (hold) out.push(t('booking.actions.money.holdReleased', { amount: formatFen(hold) }));
    if (voucher) out.push(t('booking.actions.money.voucherReleased', { amount: formatFen(voucher) }));
  } else if (action === 'noShow') {
    const fee = b.actions.noShow.feeFen;
    if (fee === 0) {
      out.push(t('booking.actions.money.noShowNoFee'));
      if (hold) out.push(t('booking.actions.money.holdReleased', { amount: formatFen(hold) }));
    } else if (hold) {
      out.push(t('booking.actions.money.noShowFeeCard', { fee: formatFen(fee), rest: formatFen(hold - fee) }));
    } else if (b.paymentMethod === 'invoice') {
      out.push(t('booking.actions.money.noShowFeeInvoice', { fee: formatFen(fee) }));
    } else {
      out.push(t('booking.actions.money.noShowFee', { fee: formatFen(fee) }));
    }
    if (voucher) out.push(t('booking.actions.money.noShowVoucher', { amount: formatFen(voucher) }));
  } else {
    if (hold) out.push(t('booking.actions.money.completeCard', { amount: formatFen(hold) }));
    else if (b.paymentMethod === 'invoice') out.push(t('booking.actions.money.completeInvoice'));
    if (voucher) out.push(t('booking.actions.money.completeVoucher', { amount: formatFen(voucher) }));
  }
  if (!out.length) out.push(t('booking.actions.money.nothingHeld'));
  return out;
}

/** The confirmation's account of the money: shown in every dialog of a step that moves it. */
export function MoneyNote({ lines }: { lines: ReactNode[] }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="warning"
      showIcon
      className="bk-alert"
      data-testid="money-note"
      title={t('booking.actions.money.title')}
      description={
        <ul className="bk-money-note">
          {lines.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      }
    />
  );
}

export type BookingAction = 'approve' | 'reject' | 'cancel' | 'checkIn' | 'complete' | 'noShow' | 'rate';
type Vars =
  | { action: 'approve'; reason?: string }
  | { action: 'reject'; reason: string }
  | { action: 'cancel'; reason?: string }
  | { action: 'checkIn' }
  | { action: 'complete'; input: CompleteInput }
  | { action: 'noShow'; reason?: string }
  | { action: 'rate'; rating: number; comment?: string };

function run(id: number, v: Vars): Promise<Booking> {
  switch (v.action) {
    case 'approve':
      return bookingApi.approve(id, v.reason);
    case 'reject':
      return bookingApi.reject(id, v.reason);
    case 'cancel':
      return bookingApi.cancel(id, v.reason);
    case 'checkIn':
      return bookingApi.checkIn(id);
    case 'complete':
      return bookingApi.complete(id, v.input);
    case 'noShow':
      return bookingApi.noShow(id, v.reason);
    case 'rate':
      return bookingApi.rate(id, v.rating, v.comment);
  }
}

/** One transition of one booking; refreshes the booking and the lists, explains a 409. */
export function useBookingAction(booking: Booking) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: Vars) => run(booking.id, v),
    onSuccess: (b, v) => {
      qc.setQueryData(bookingKeys.detail(b.id), b);
      void qc.invalidateQueries({ queryKey: ['bookings', 'list'] });
      void qc.invalidateQueries({ queryKey: ['availability', b.instrumentId] });
      const done: Record<BookingAction, string> = {
        approve: t('booking.actions.approved'),
        reject: t('booking.actions.rejected'),
        cancel: t('booking.detail.cancelled'),
        checkIn: b.mode === 'sample' ? t('booking.actions.samplesReceived') : t('booking.actions.checkedIn'),
        complete: t('booking.actions.completed', { price: formatFen((b.finalPrice ?? b.price).totalFen) }),
        noShow: t('booking.actions.noShowDone'),
        rate: t('booking.detail.rated'),
      };
      void message.success(done[v.action]);
    },
    onError: (e) => {
      if (isApiError(e) && e.status === 409) {
        const current = e.extra.currentStatus as BookingStatus | undefined;
        // Refused by the clock: the server's sentence says from / until when.
        const byTime = TIME_REFUSALS.has(String(e.extra.reason));
        void message.error(
          current && !byTime
            ? t('booking.actions.wrongState', { status: t(`booking.status.${current}`) })
            : e.detail || t('booking.actions.failed'),
        );
        void qc.invalidateQueries({ queryKey: bookingKeys.detail(booking.id) });
        void qc.invalidateQueries({ queryKey: ['bookings', 'list'] });
      } else {
        void message.error(isApiError(e) && e.detail ? e.detail : t('booking.actions.failed'));
      }
    },
  });
}

/** A modal asking for a reason (required or optional) before a transition. */
function ReasonModal({
  open,
  title,
  label,
  required,
  danger,
  okText,
  loading,
  onCancel,
  onOk,
  testId,
  money,
}: {
  open: boolean;
  title: string;
  label: string;
  required: boolean;
  danger?: boolean;
  okText: string;
  loading: boolean;
  onCancel: () => void;
  onOk: (reason: string | undefined) => void;
  testId: string;
  /** What the step does to the money held (card, voucher), said before it is confirmed. */
  money?: string[];
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason?: string }>();
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      okButtonProps={{ danger, loading, 'data-testid': `${testId}-ok` } as ButtonProps}
      onCancel={onCancel}
      onOk={() => form.submit()}
      destroyOnHidden
      data-testid={testId}
    >
      {money ? <MoneyNote lines={money} /> : null}
      <Form form={form} layout="vertical" preserve={false} onFinish={(v) => onOk(v.reason?.trim() || undefined)}>
        <Form.Item
          name="reason"
          label={label}
          rules={
            required
              ? [{ required: true, whitespace: true, message: t('booking.actions.reasonRequired') }, { max: 500 }]
              : [{ max: 500 }]
          }
        >
          <Input.TextArea rows={3} maxLength={500} showCount data-testid={`${testId}-reason`} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type CompleteValues = { actualMinutes?: number; actualSamples?: number; reportUrl?: string; note?: string };

function CompleteModal({
  booking,
  open,
  loading,
  onCancel,
  onOk,
}: {
  booking: Booking;
  open: boolean;
  loading: boolean;
  onCancel: () => void;
  onOk: (input: CompleteInput) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CompleteValues>();
  const money = useMoneyLines(booking, 'complete');
  const bookedMinutes =
    booking.start && booking.end ? Math.round((Date.parse(booking.end) - Date.parse(booking.start)) / 60_000) : null;
  return (
    <Modal
      open={open}
      title={t('booking.actions.completeTitle')}
      okText={t('booking.actions.complete')}
      okButtonProps={{ loading, 'data-testid': 'complete-ok' } as ButtonProps}
      onCancel={onCancel}
      onOk={() => form.submit()}
      destroyOnHidden
      data-testid="complete-modal"
    >
      <Typography.Paragraph type="secondary">{t('booking.actions.completeHint')}</Typography.Paragraph>
      <MoneyNote lines={money} />
      <Form<CompleteValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          booking.mode === 'sample'
            ? { actualSamples: booking.sampleCount ?? undefined }
            : { actualMinutes: bookedMinutes ?? undefined }
        }
        onFinish={(v) =>
          onOk({
            ...(booking.mode === 'sample'
              ? v.actualSamples
                ? { actualSamples: v.actualSamples }
                : {}
              : v.actualMinutes
                ? { actualMinutes: v.actualMinutes }
                : {}),
            ...(v.reportUrl?.trim() ? { reportUrl: v.reportUrl.trim() } : {}),
            ...(v.note?.trim() ? { note: v.note.trim() } : {}),
          })
        }
      >
        {booking.mode === 'sample' ? (
          <Form.Item name="actualSamples" label={t('booking.actions.actualSamples')}>
            <InputNumber<number>
              min={1}
              max={10_000}
              precision={0}
              className="full-width"
              data-testid="complete-samples"
            />
          </Form.Item>
        ) : (
          <Form.Item name="actualMinutes" label={t('booking.actions.actualMinutes')}>
            <InputNumber<number>
              min={1}
              max={7 * 24 * 60}
              precision={0}
              className="full-width"
              data-testid="complete-minutes"
            />
          </Form.Item>
        )}
        <Form.Item
          name="reportUrl"
          label={t('booking.actions.reportUrl')}
          rules={[
            { type: 'url', message: t('lab.rules.url') },
            { pattern: /^https?:\/\//i, message: t('lab.rules.url') },
          ]}
        >
          <Input placeholder="https://" data-testid="complete-report" />
        </Form.Item>
        <Form.Item name="note" label={t('booking.actions.note')}>
          <Input.TextArea rows={2} maxLength={500} data-testid="complete-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The lab's buttons for a booking in its current state. */
export function LabBookingActions({ booking, size = 'small' }: { booking: Booking; size?: 'small' | 'middle' }) {
  const { t, i18n } = useTranslation();
  const action = useBookingAction(booking);
  const [modal, setModal] = useState<'reject' | 'cancel' | 'noShow' | 'complete' | null>(null);
  const busy = action.isPending;
  const close = () => setModal(null);
  const act = (v: Vars) => action.mutate(v, { onSuccess: close });
  const s = booking.status;
  const now = useNow();
  const checkIn = windowState(booking.actions.checkIn, now);
  const noShow = windowState(booking.actions.noShow, now);
  const when = (iso: string | null) => (iso ? formatDateTime(iso, booking.timeZone, i18n.language) : '');
  // Why a step is not offered yet (or any more), from the server's window.
  const timeNotes = [
    checkIn === 'early' ? t('booking.actions.checkInFrom', { time: when(booking.actions.checkIn.from) }) : null,
    checkIn === 'late' ? t('booking.actions.checkInClosed', { time: when(booking.actions.checkIn.until) }) : null,
    noShow === 'early' ? t('booking.actions.noShowFrom', { time: when(booking.actions.noShow.from) }) : null,
  ].filter((x): x is string => x !== null);
  const cancelMoney = useMoneyLines(booking, 'cancel');
  const rejectMoney = useMoneyLines(booking, 'reject');
  const noShowMoney = useMoneyLines(booking, 'noShow');
  return (
    <>
      <Space size={4} wrap data-testid="lab-actions" data-booking-id={booking.id}>
        {s === 'requested' ? (
          <>
            <Button
              type="primary"
              size={size}
              icon={<CheckOutlined />}
              loading={busy && action.variables?.action === 'approve'}
              onClick={() => act({ action: 'approve' })}
              data-testid="approve"
            >
              {t('booking.actions.approve')}
            </Button>
            <Button danger size={size} icon={<CloseOutlined />} onClick={() => setModal('reject')} data-testid="reject">
              {t('booking.actions.reject')}
            </Button>
          </>
        ) : null}
        {s === 'approved' && (checkIn === 'open' || checkIn === 'early') ? (
          <Button
            type="primary"
            size={size}
            icon={<LoginOutlined />}
            disabled={checkIn !== 'open'}
            loading={busy && action.variables?.action === 'checkIn'}
            onClick={() => act({ action: 'checkIn' })}
            data-testid="check-in"
            data-allowed={checkIn === 'open' ? 'true' : 'false'}
          >
            {booking.mode === 'sample' ? t('booking.actions.receiveSamples') : t('booking.actions.checkIn')}
          </Button>
        ) : null}
        {s === 'approved' && (noShow === 'open' || noShow === 'early') ? (
          <Button
            size={size}
            icon={<StopOutlined />}
            disabled={noShow !== 'open'}
            onClick={() => setModal('noShow')}
            data-testid="no-show"
            data-allowed={noShow === 'open' ? 'true' : 'false'}
          >
            {t('booking.actions.noShow')}
          </Button>
        ) : null}
        {s === 'in_progress' && booking.actions.complete.allowed ? (
          <Button
            type="primary"
            size={size}
            icon={<TrophyOutlined />}
            onClick={() => setModal('complete')}
            data-testid="complete"
          >
            {t('booking.actions.complete')}
          </Button>
        ) : null}
        {s === 'requested' || s === 'approved' ? (
          <Button size={size} type="text" danger onClick={() => setModal('cancel')} data-testid="lab-cancel">
            {t('booking.detail.cancel')}
          </Button>
        ) : null}
      </Space>
      {s === 'approved' && timeNotes.length ? (
        <Typography.Text type="secondary" className="small-text bk-action-times" data-testid="action-times">
          {timeNotes.join(' · ')}
        </Typography.Text>
      ) : null}
      <ReasonModal
        open={modal === 'reject'}
        title={t('booking.actions.rejectTitle')}
        label={t('booking.actions.rejectReason')}
        required
        danger
        okText={t('booking.actions.reject')}
        loading={busy}
        onCancel={close}
        onOk={(reason) => act({ action: 'reject', reason: reason ?? '' })}
        testId="reject-modal"
        money={rejectMoney}
      />
      <ReasonModal
        open={modal === 'cancel'}
        title={t('booking.actions.labCancelTitle')}
        label={t('booking.detail.cancelReason')}
        required
        danger
        okText={t('booking.detail.cancel')}
        loading={busy}
        onCancel={close}
        onOk={(reason) => act({ action: 'cancel', reason })}
        testId="lab-cancel-modal"
        money={cancelMoney}
      />
      <ReasonModal
        open={modal === 'noShow'}
        title={t('booking.actions.noShowConfirm')}
        label={t('booking.actions.optionalReason')}
        required={false}
        danger
        okText={t('booking.actions.noShow')}
        loading={busy}
        onCancel={close}
        onOk={(reason) => act({ action: 'noShow', reason })}
        testId="no-show-modal"
        money={noShowMoney}
      />
      <CompleteModal
        booking={booking}
        open={modal === 'complete'}
        loading={busy}
        onCancel={close}
        onOk={(input) => act({ action: 'complete', input })}
      />
    </>
  );
}

/** The researcher's cancel button, with a reason and a confirmation. */
export function CancelBookingButton({ booking }: { booking: Booking }) {
  const { t } = useTranslation();
  const action = useBookingAction(booking);
  const [open, setOpen] = useState(false);
  const money = useMoneyLines(booking, 'cancel');
  return (
    <>
      <Button danger onClick={() => setOpen(true)} data-testid="cancel-booking">
        {t('booking.detail.cancel')}
      </Button>
      <ReasonModal
        open={open}
        title={t('booking.detail.cancelConfirm')}
        label={t('booking.detail.cancelReasonOptional')}
        required={false}
        danger
        okText={t('booking.detail.cancel')}
        loading={action.isPending}
        onCancel={() => setOpen(false)}
        onOk={(reason) => action.mutate({ action: 'cancel', reason }, { onSuccess: () => setOpen(false) })}
        testId="cancel-modal"
        money={money}
      />
    </>
  );
}
