import { ArrowLeftOutlined } from '@ant-design/icons';
import { Breadcrumb, Card, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { LAB_ROLES, useAuth } from '../../app/auth';
import { ErrorState, NotFoundPage } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { BookingDetailView } from './BookingDetailView';
import { useBooking } from './queries';

/** `/bookings/:id`: the researcher's (or the lab's) view of one booking. */
export function BookingPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const { id: rawId } = useParams();
  const id = /^\d{1,15}$/.test(rawId ?? '') ? Number(rawId) : NaN;
  const query = useBooking(id);
  const lab = !!user && LAB_ROLES.includes(user.role);
  const back = lab ? '/lab/bookings' : '/bookings';
  useDocumentTitle(query.data ? t('booking.detail.number', { id: query.data.id }) : t('booking.detail.title'));

  if (!Number.isSafeInteger(id) || (isApiError(query.error) && [403, 404].includes(query.error.status))) {
    return (
      <NotFoundPage title={t('booking.detail.notFoundTitle')} text={t('booking.detail.notFoundText', { id: rawId })} />
    );
  }
  return (
    <div className="bookings-page">
      <Breadcrumb
        className="page-breadcrumb"
        items={[
          {
            title: (
              <Link to={back}>
                <ArrowLeftOutlined /> {lab ? t('nav.labBookings') : t('nav.myBookings')}
              </Link>
            ),
          },
          { title: t('booking.detail.number', { id: rawId }) },
        ]}
      />
      {query.isPending ? (
        <Card>
          <Skeleton active paragraph={{ rows: 10 }} />
        </Card>
      ) : query.isError || !query.data ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <BookingDetailView booking={query.data} viewer={lab ? 'lab' : 'researcher'} />
      )}
    </div>
  );
}
