import { CalendarOutlined, ExperimentOutlined, LoginOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import type { Availability } from '../../api/booking';
import type { InstrumentDetail } from '../../api/catalog';
import { isApiError } from '../../api/client';
import { useAuth } from '../../app/auth';
import { EmptyState, ErrorState } from '../../ui/states';
import { BookingDrawer, type BookingDrawerTarget } from './BookingDrawer';
import { placeOfInstrument, ReceivingAddress } from './CheckoutParts';
import { useSchedule } from './queries';
import { WeekCalendar } from './WeekCalendar';

/** The detail page's booking section: the week calendar and the booking form. */
export function InstrumentBookingCard({ instrument }: { instrument: InstrumentDetail }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const schedule = useSchedule(instrument.id);
  const [target, setTarget] = useState<BookingDrawerTarget | null>(null);
  const [open, setOpen] = useState(false);
  const canBook = user?.role === 'researcher';
  const s = schedule.data;
  /** Sample jobs only: 送样检测 leads, and there is no calendar of machine time to show. */
  const samplesOnly = !!s && !s.machineTimeEnabled && s.sampleEnabled;

  const signIn = () => navigate('/login', { state: { from: location.pathname + location.search } });
  const openForm = (next: BookingDrawerTarget) => {
    if (!user) return signIn();
    if (!canBook) return;
    setTarget(next);
    setOpen(true);
  };
  const onPick = (startIso: string, availability: Availability) =>
    openForm({ startIso, availability, mode: s?.machineTimeEnabled === false ? 'sample' : 'machine_time' });

  const extra = s ? (
    <Space size={4} wrap>
      {s.approvalRequired ? (
        <Tag color="gold">{t('booking.calendar.needsApproval')}</Tag>
      ) : (
        <Tag color="green">{t('booking.calendar.instant')}</Tag>
      )}
      {s.qualificationRequired ? <Tag color="purple">{t('booking.calendar.needsTraining')}</Tag> : null}
    </Space>
  ) : null;

  let content;
  if (schedule.isPending) content = <Skeleton active paragraph={{ rows: 8 }} />;
  else if (isApiError(schedule.error) && schedule.error.status === 404) {
    content = <EmptyState title={t('booking.calendar.notBookable')} hint={t('booking.calendar.notBookableHint')} />;
  } else if (schedule.isError || !s) {
    content = <ErrorState error={schedule.error} onRetry={() => void schedule.refetch()} />;
  } else if (!s.machineTimeEnabled && !s.sampleEnabled) {
    content = <EmptyState title={t('booking.calendar.notBookable')} hint={t('booking.calendar.notBookableHint')} />;
  } else {
    content = (
      <>
        {!user ? (
          <Alert
            type="info"
            showIcon
            className="bk-alert"
            data-testid="booking-sign-in"
            title={t('booking.calendar.signInToBook')}
            action={
              <Button size="small" type="primary" icon={<LoginOutlined />} onClick={signIn}>
                {t('auth.signIn')}
              </Button>
            }
          />
        ) : !canBook ? (
          <Alert
            type="warning"
            showIcon
            className="bk-alert"
            data-testid="booking-not-researcher"
            title={t('booking.calendar.researchersOnly', { role: t(`role.${user.role}`) })}
          />
        ) : s.qualificationRequired && s.machineTimeEnabled ? (
          <Alert type="info" showIcon className="bk-alert" title={t('booking.calendar.trainingHint')} />
        ) : null}
        {s.machineTimeEnabled ? (
          <WeekCalendar schedule={s} interactive={!user || canBook} onPick={onPick} />
        ) : (
          <div className="bk-sample-lead" data-testid="sample-lead">
            <div className="bk-sample-lead__text">
              <Typography.Title level={5} className="bk-sample-lead__title">
                <ExperimentOutlined /> {t('booking.order.leadTitle')}
              </Typography.Title>
              <Typography.Text type="secondary">{t('booking.order.leadText')}</Typography.Text>
            </div>
            {canBook || !user ? (
              <Button
                type="primary"
                size="large"
                icon={<ExperimentOutlined />}
                onClick={() => openForm({ startIso: null, availability: null, mode: 'sample' })}
                data-testid="send-samples"
              >
                {t('booking.calendar.sendSamples')}
              </Button>
            ) : null}
            <ReceivingAddress place={placeOfInstrument(instrument)} />
          </div>
        )}
        {target && canBook ? (
          <BookingDrawer
            open={open}
            onClose={() => setOpen(false)}
            instrument={instrument}
            schedule={s}
            target={target}
          />
        ) : null}
      </>
    );
  }

  return (
    <Card
      title={
        <span>
          {samplesOnly ? <ExperimentOutlined /> : <CalendarOutlined />}{' '}
          {samplesOnly ? t('booking.calendar.sendSamples') : t('booking.calendar.title')}
        </span>
      }
      extra={extra}
      className="section-card"
      id="booking"
      data-testid="booking-card"
    >
      {content}
      {s?.sampleEnabled && !samplesOnly && (canBook || !user) ? (
        <div className="bk-sample-cta">
          <Button
            icon={<ExperimentOutlined />}
            onClick={() => openForm({ startIso: null, availability: null, mode: 'sample' })}
            data-testid="send-samples"
          >
            {t('booking.calendar.sendSamples')}
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
