import { CalendarOutlined, ExperimentOutlined, ThunderboltOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Input,
  Rate,
  Row,
  Space,
  Tag,
  Timeline,
  Typography,
  Upload,
} from 'antd';
import type { DescriptionsProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { uploadReport, type Booking } from '../../api/booking';
import { isApiError } from '../../api/client';
import { formatDateTime, formatDuration, formatRange, inZone, zoneNote } from '../../ui/time';
import { CancelBookingButton, LabBookingActions, useBookingAction } from './BookingActions';
import { BookingStatusTag, STATUS_COLOR } from './BookingStatusTag';
import { bookingKeys } from './queries';
import { PaymentDetails } from './PaymentSummary';
import { PaymentNoticeCard } from '../transfers/PaymentNoticeCard';
import { AgreementCard } from '../agreements/AgreementCard';
import { CardPaymentCard } from '../agreements/CardPaymentCard';
import { RefundButton } from './RefundButton';
import { formatFen } from '../../ui/money';
import { PlaceCard, PriceFlow, timelineOf } from './CheckoutParts';
import { bookingReason } from '../../i18n/codes';
import { isEnglish } from '../../i18n';

/** What the server keeps (it reads the type from the file's bytes): PDF, images, Office documents, zip. */
const REPORT_ACCEPT = '.pdf,.png,.jpg,.jpeg,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.zip';

/** The lab attaches the service report (PDF, image, office file…) once the job has started. */
function ReportUpload({ booking }: { booking: Booking }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const upload = useMutation({
    mutationFn: (file: File) => uploadReport(booking.id, file),
    onSuccess: (b) => {
      qc.setQueryData(bookingKeys.detail(b.id), b);
      void message.success(t('booking.report.uploaded'));
    },
    onError: (e) => void message.error(isApiError(e) ? e.detail : t('booking.report.failed')),
  });
  return (
    <Upload
      accept={REPORT_ACCEPT}
      showUploadList={false}
      beforeUpload={(file) => {
        upload.mutate(file);
        return false;
      }}
    >
      <Button size="small" icon={<UploadOutlined />} loading={upload.isPending} data-testid="booking-report-upload">
        {t('booking.report.upload')}
      </Button>
    </Upload>
  );
}

export const RATING_KEYS = ['r1', 'r2', 'r3', 'r4', 'r5'] as const;

export function useRatingLabels(): string[] {
  const { t } = useTranslation();
  return RATING_KEYS.map((k) => t(`booking.rating.${k}`));
}

/** When the booking happens, in the instrument's zone (named when it is not the viewer's). */
export function BookingTime({ booking, withZone = true }: { booking: Booking; withZone?: boolean }) {
  const { t, i18n } = useTranslation();
  const zone = zoneNote(booking.timeZone);
  let text: string;
  if (booking.start && booking.end) text = formatRange(booking.start, booking.end, booking.timeZone, i18n.language);
  else if (booking.end)
    text = `${t('booking.fields.wantedBy')} ${inZone(booking.end, booking.timeZone).format('YYYY-MM-DD')}`;
  else text = t('booking.lab.sampleNoTime');
  return (
    <span data-testid="booking-time">
      {text}
      {withZone && zone ? (
        <Typography.Text type="secondary" className="small-text">
          {' '}
          ({zone})
        </Typography.Text>
      ) : null}
    </span>
  );
}

function RatingBox({ booking, canRate }: { booking: Booking; canRate: boolean }) {
  const { t } = useTranslation();
  const labels = useRatingLabels();
  const action = useBookingAction(booking);
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  const [touched, setTouched] = useState(false);
  if (booking.rating !== null) {
    return (
      <div data-testid="rating-done" data-rating={booking.rating}>
        <Space wrap>
          <Rate disabled value={booking.rating} />
          <Typography.Text strong>{labels[booking.rating - 1]}</Typography.Text>
        </Space>
        {booking.ratingComment ? <div className="multiline">{booking.ratingComment}</div> : null}
      </div>
    );
  }
  if (!canRate) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  return (
    <div className="bk-rate" data-testid="rate-form">
      <Space wrap align="center">
        <Rate value={rating} onChange={setRating} tooltips={labels} data-testid="rate-stars" />
        <Typography.Text strong data-testid="rate-label">
          {rating ? labels[rating - 1] : ''}
        </Typography.Text>
      </Space>
      {touched && !rating ? (
        <Typography.Text type="danger" className="small-text">
          {' '}
          {t('booking.detail.rateRequired')}
        </Typography.Text>
      ) : null}
      <Input.TextArea
        rows={2}
        maxLength={500}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        placeholder={t('booking.detail.ratingComment')}
        className="bk-rate__comment"
        data-testid="rate-comment"
      />
      <Button
        type="primary"
        loading={action.isPending}
        onClick={() => {
          setTouched(true);
          if (rating) action.mutate({ action: 'rate', rating, comment: comment.trim() || undefined });
        }}
        data-testid="rate-submit"
      >
        {t('booking.detail.rateSubmit')}
      </Button>
    </div>
  );
}

export function BookingDetailView({ booking: b, viewer }: { booking: Booking; viewer: 'researcher' | 'lab' }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const zone = b.timeZone;
  const active = b.status === 'requested' || b.status === 'approved';
  const cancellable =
    viewer === 'researcher' && active && !!b.cancellableUntil && Date.parse(b.cancellableUntil) > Date.now();
  const bookedMinutes = b.start && b.end ? Math.round((Date.parse(b.end) - Date.parse(b.start)) / 60_000) : null;

  const items: NonNullable<DescriptionsProps['items']> = [
    {
      key: 'instrument',
      label: t('booking.fields.instrument'),
      children: <Link to={`/instruments/${b.instrumentId}`}>{b.instrument.nameZh}</Link>,
    },
    { key: 'institution', label: t('booking.fields.institution'), children: b.instrument.institutionName },
    {
      key: 'mode',
      label: t('booking.fields.mode'),
      children: (
        <Space size={4} wrap>
          <Tag icon={b.mode === 'sample' ? <ExperimentOutlined /> : <CalendarOutlined />}>
            {t(`booking.modeLong.${b.mode}`)}
          </Tag>
          {b.urgent ? (
            <Tag color="red" icon={<ThunderboltOutlined />}>
              {t('booking.fields.urgent')}
            </Tag>
          ) : null}
        </Space>
      ),
    },
    { key: 'time', label: t('booking.fields.time'), children: <BookingTime booking={b} /> },
    ...(bookedMinutes !== null
      ? [{ key: 'duration', label: t('booking.fields.duration'), children: formatDuration(bookedMinutes, lang) }]
      : []),
    ...(b.sampleCount !== null
      ? [{ key: 'samples', label: t('booking.fields.sampleCount'), children: b.sampleCount }]
      : []),
    ...(b.sample
      ? [
          {
            key: 'sample',
            label: t('booking.order.sample.title'),
            children: (
              <div className="bk-sample-info" data-testid="booking-sample">
                <div>
                  {b.sample.name ?? t('common.none')}
                  {b.sample.type ? ` · ${t(`booking.order.sample.types.${b.sample.type}`)}` : ''}
                </div>
                {b.sample.hazards ? (
                  <Space size={4} wrap data-testid="booking-sample-hazards">
                    <Typography.Text type="secondary" className="small-text">
                      {t('booking.order.sample.hazards')}
                    </Typography.Text>
                    {b.sample.hazards.map((h) => (
                      <Tag key={h} color={h === 'none' ? 'default' : 'orange'}>
                        {t(`booking.order.sample.hazardCodes.${h}`)}
                      </Tag>
                    ))}
                  </Space>
                ) : null}
                {b.sample.delivery ? (
                  <div data-testid="booking-sample-delivery" data-delivery={b.sample.delivery}>
                    <Typography.Text type="secondary" className="small-text">
                      {t('booking.order.sample.delivery')}
                    </Typography.Text>{' '}
                    {t(`booking.order.sample.deliveries.${b.sample.delivery}`)}
                  </div>
                ) : null}
              </div>
            ),
          },
        ]
      : []),
    {
      key: 'requester',
      label: t('booking.fields.requester'),
      children: `${b.requester.name} · ${b.requester.organisationName}`,
    },
    { key: 'userType', label: t('booking.fields.userType'), children: t(`userType.${b.userType}`) },
    {
      key: 'purpose',
      label: t('booking.fields.purpose'),
      span: 'filled',
      children: <div className="multiline">{b.purpose || t('common.none')}</div>,
    },
    {
      key: 'fundingSource',
      label: t('agreements.fundingSource.label'),
      children: b.fundingSource ? t(`agreements.fundingSource.${b.fundingSource}`) : t('agreements.fundingSource.none'),
    },
    { key: 'created', label: t('booking.fields.createdAt'), children: formatDateTime(b.createdAt, zone, lang) },
    ...(b.usage
      ? [
          {
            key: 'usage',
            label: t('booking.fields.usage'),
            children: (
              <Space size={8} wrap data-testid="booking-usage">
                {b.usage.minutes !== null ? <span>{formatDuration(b.usage.minutes, lang)}</span> : null}
                {b.usage.samples !== null ? <span>{t('booking.fields.samples', { n: b.usage.samples })}</span> : null}
                {b.usage.reportUrl ? (
                  <a href={b.usage.reportUrl} target="_blank" rel="noreferrer" data-testid="booking-report-link">
                    {t('booking.fields.report')}
                  </a>
                ) : null}
                {viewer === 'lab' ? <ReportUpload booking={b} /> : null}
              </Space>
            ),
          },
        ]
      : []),
  ];

  const history = [...b.history].sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
  // The checkout's first steps as the user lived them (submitted, card authorised), not 待支付.
  const timeline = timelineOf(b);
  const place = b.instrument.location ?? null;

  return (
    <div className="bk-detail" data-testid="booking-detail" data-booking-id={b.id} data-status={b.status}>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={15}>
          <Card
            className="section-card"
            title={
              <Space wrap>
                <span>{t('booking.detail.number', { id: b.id })}</span>
                <BookingStatusTag status={b.status} />
              </Space>
            }
          >
            <Descriptions bordered size="small" column={1} items={items} styles={{ label: { width: 120 } }} />
            <div className="bk-detail-actions" style={{ marginTop: 16 }}>
              {viewer === 'lab' ? <LabBookingActions booking={b} size="middle" /> : null}
              {cancellable ? <CancelBookingButton booking={b} /> : null}
            </div>
            {viewer === 'researcher' && active ? (
              <Typography.Paragraph type="secondary" className="small-text" style={{ marginTop: 8 }}>
                {cancellable
                  ? t('booking.detail.cancelDeadline', { time: formatDateTime(b.cancellableUntil!, zone, lang) })
                  : t('booking.detail.notCancellable')}
              </Typography.Paragraph>
            ) : null}
          </Card>
          <Card className="section-card" title={t('booking.fields.history')}>
            <Timeline
              className="bk-timeline"
              data-testid="booking-history"
              items={timeline.map((h, i) => ({
                key: i,
                color: STATUS_COLOR[h.to] === 'default' ? 'gray' : STATUS_COLOR[h.to],
                content: (
                  <div data-testid="history-entry" data-to={h.to} data-label={h.label ?? ''}>
                    <div>
                      <Typography.Text strong>
                        {h.from === null ? t('booking.detail.created') : null}
                        {h.from === null ? ' · ' : null}
                        {h.label === 'awaitingCard'
                          ? t('booking.order.timeline.awaitingCard')
                          : t(`booking.status.${h.to}`)}
                      </Typography.Text>
                      {h.label === 'authorised' ? (
                        <Typography.Text type="success" className="small-text" data-testid="history-authorised">
                          {' '}
                          ·{' '}
                          {h.amountFen !== undefined
                            ? t('booking.order.timeline.authorised', { amount: formatFen(h.amountFen) })
                            : t('booking.systemReason.cardAuthorised')}
                        </Typography.Text>
                      ) : null}
                    </div>
                    <div className="bk-timeline__meta">
                      {formatDateTime(h.at, zone, lang)} · {h.by?.name ?? t('booking.detail.system')}
                    </div>
                    {h.reason ? <div className="bk-timeline__reason">{bookingReason(t, h.reason)}</div> : null}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <CardPaymentCard booking={b} canPay={viewer === 'researcher'} />
          {/* One price block: estimate → final, the lines, the voucher split and the payment. */}
          <Card
            className="section-card"
            title={t('booking.order.price.title')}
            data-testid="booking-price-block"
            extra={
              viewer === 'lab' && (b.voucherUse || b.paymentMethod || b.payment) ? <RefundButton booking={b} /> : null
            }
          >
            {b.rateItem ? (
              <div className="bk-rate-item" data-testid="booking-rate-item" data-rate-item-id={b.rateItem.id ?? ''}>
                <Typography.Text type="secondary">{t('booking.order.price.rateItem')}</Typography.Text>
                <span className="bk-rate-item__name">
                  {isEnglish(lang) && b.rateItem.nameEn ? b.rateItem.nameEn : b.rateItem.name}
                </span>
                <Typography.Text type="secondary" className="bk-rate-item__price">
                  {t(`booking.order.price.unitPrice.${b.rateItem.unit}`, { price: formatFen(b.rateItem.unitFen) })}
                </Typography.Text>
              </div>
            ) : null}
            <PriceFlow booking={b} />
            {b.voucherUse || b.paymentMethod || b.payment ? (
              <div className="bk-price-block__payment" data-testid="booking-payment-card">
                <PaymentDetails booking={b} showTotal={false} />
              </div>
            ) : null}
          </Card>
          {place ? (
            <PlaceCard place={place} delivery={b.mode === 'sample' ? (b.sample?.delivery ?? undefined) : undefined} />
          ) : null}
          <PaymentNoticeCard booking={b} />
          <AgreementCard booking={b} />
          {b.status === 'completed' ? (
            <Card className="section-card" title={t('booking.detail.rate')}>
              <RatingBox booking={b} canRate={viewer === 'researcher'} />
            </Card>
          ) : null}
          {b.status === 'rejected' ||
          b.status === 'cancelled' ||
          b.status === 'no_show' ||
          b.status === 'payment_failed' ? (
            <Alert
              type="warning"
              showIcon
              title={t(`booking.status.${b.status}`)}
              description={history.at(-1)?.reason ? bookingReason(t, history.at(-1)!.reason!) : undefined}
            />
          ) : null}
        </Col>
      </Row>
    </div>
  );
}
