/** `/my/voucher-applications/:id`: one of the enterprise's voucher applications — its state and history; fix and resubmit, or withdraw. */
import { ArrowLeftOutlined, GiftOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App as AntApp, Button, Card, Col, Descriptions, Popconfirm, Row, Skeleton, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { applicationsApi, type VoucherChange } from '../../api/applications';
import { isApiError } from '../../api/client';
import { formatFen } from '../../ui/money';
import { ErrorState, NotFoundPage } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useFailedToast } from '../vouchers/useFailedToast';
import { ApplicationHistory, ApplicationStatusTag, HOME_ZONE, OutcomeAlert } from './parts';
import { useApplicationsChanged, useVoucherApplication } from './queries';
import { VoucherForm } from './VoucherApplicationsPage';

export function MyVoucherApplicationPage() {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const raw = useParams().id;
  const id = raw && /^\d+$/.test(raw) ? Number(raw) : null;
  const query = useVoucherApplication(id);
  const failed = useFailedToast();
  const changed = useApplicationsChanged();
  useDocumentTitle(t('applications.voucher.detailTitle', { id: id ?? '' }));
  const resubmit = useMutation({
    mutationFn: (v: VoucherChange) => applicationsApi.resubmitVoucher(id!, v),
    onSuccess: () => {
      changed();
      void message.success(t('applications.common.resubmitted'));
    },
    onError: failed,
  });
  const withdraw = useMutation({
    mutationFn: () => applicationsApi.withdrawVoucher(id!),
    onSuccess: () => {
      changed();
      void message.success(t('applications.common.withdrawn'));
    },
    onError: failed,
  });
  if (id === null || (query.isError && isApiError(query.error) && query.error.status === 404)) return <NotFoundPage />;

  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Link to="/my/voucher-applications">
            <Button type="link" icon={<ArrowLeftOutlined />}>
              {t('applications.common.back')}
            </Button>
          </Link>
          <Typography.Title level={3} className="page-head__title">
            {t('applications.voucher.detailTitle', { id })}
          </Typography.Title>
        </div>
      </div>
      {query.isPending ? (
        <Card className="section-card">
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Row gutter={[16, 16]} data-testid="my-voucher-application" data-status={query.data.status}>
          <Col xs={24} lg={14}>
            <Card
              className="section-card"
              title={query.data.programme.name}
              extra={<ApplicationStatusTag status={query.data.status} />}
            >
              <OutcomeAlert status={query.data.status} note={query.data.reviewNote} />
              <Descriptions
                size="small"
                column={{ xs: 1, sm: 2 }}
                items={[
                  { key: 'amount', label: t('applications.voucher.amount'), children: formatFen(query.data.amountFen) },
                  ...(query.data.approvedFen !== null
                    ? [
                        {
                          key: 'approved',
                          label: t('applications.voucher.approvedAmount'),
                          children: formatFen(query.data.approvedFen),
                        },
                      ]
                    : []),
                  {
                    key: 'office',
                    label: t('applications.voucher.reviewOffice'),
                    children:
                      query.data.reviewOffice.level === 'city'
                        ? t('applications.voucher.officeCity', {
                            city: query.data.reviewOffice.cityName ?? query.data.reviewOffice.cityCode,
                          })
                        : t('applications.voucher.officeProvince'),
                  },
                  {
                    key: 'submitted',
                    label: t('applications.common.submittedAt'),
                    children: formatDateTime(query.data.submittedAt, HOME_ZONE, i18n.language),
                  },
                  {
                    key: 'use',
                    label: t('applications.voucher.plannedUse'),
                    children: <span style={{ whiteSpace: 'pre-wrap' }}>{query.data.plannedUse}</span>,
                  },
                ]}
              />
              <Space wrap className="bk-actions">
                {query.data.quotaId !== null ? (
                  <Link to="/vouchers">
                    <Button type="primary" icon={<GiftOutlined />} data-testid="view-quota">
                      {t('applications.voucher.viewQuota')}
                    </Button>
                  </Link>
                ) : null}
                {query.data.mayEdit ? (
                  <Popconfirm title={t('applications.common.withdrawConfirm')} onConfirm={() => withdraw.mutate()}>
                    <Button danger loading={withdraw.isPending} data-testid="withdraw-voucher-application">
                      {t('applications.common.withdraw')}
                    </Button>
                  </Popconfirm>
                ) : null}
              </Space>
            </Card>
            {query.data.status === 'returned' ? (
              <Card className="section-card" title={t('applications.common.resubmit')}>
                <VoucherForm
                  capFen={query.data.programme.enterpriseYearCapFen}
                  initial={{
                    amountFen: query.data.amountFen,
                    plannedUse: query.data.plannedUse,
                    declaresNoRelatedParties: query.data.declaresNoRelatedParties,
                  }}
                  pending={resubmit.isPending}
                  onSubmit={(v) => resubmit.mutate(v)}
                  submitLabel={t('applications.common.resubmit')}
                />
              </Card>
            ) : null}
          </Col>
          <Col xs={24} lg={10}>
            <Card className="section-card" title={t('applications.common.history')}>
              <ApplicationHistory history={query.data.history} />
            </Card>
          </Col>
        </Row>
      )}
    </div>
  );
}
