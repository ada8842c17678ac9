/** One application as its reviewers see it: the enterprise, what it asks, its documents and history, and the decision. */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Row, Skeleton, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { CertificationDetail, VoucherDetail } from '../../api/applications';
import { formatFen } from '../../ui/money';
import { ErrorState, NotFoundPage } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { isApiError } from '../../api/client';
import {
  ApplicantFacts,
  ApplicationHistory,
  ApplicationStatusTag,
  CertificationStateView,
  DocumentList,
  HOME_ZONE,
} from './parts';
import { useCertificationApplication, useVoucherApplication } from './queries';
import { ReviewActions } from './ReviewActions';

const idOf = (raw: string | undefined) => (raw && /^\d+$/.test(raw) ? Number(raw) : null);

function Frame({
  back,
  title,
  query,
  children,
}: {
  back: string;
  title: string;
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  children: () => ReactNode;
}) {
  const { t } = useTranslation();
  useDocumentTitle(title);
  if (query.isError && isApiError(query.error) && query.error.status === 404) return <NotFoundPage />;
  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Link to={back}>
            <Button type="link" icon={<ArrowLeftOutlined />}>
              {t('applications.common.back')}
            </Button>
          </Link>
          <Typography.Title level={3} className="page-head__title">
            {title}
          </Typography.Title>
        </div>
      </div>
      {query.isPending ? (
        <Card className="section-card">
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        children()
      )}
    </div>
  );
}

function ReviewFacts({
  a,
  rows,
}: {
  a: CertificationDetail | VoucherDetail;
  rows: { key: string; label: string; children: ReactNode }[];
}) {
  const { t, i18n } = useTranslation();
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, sm: 2 }}
      data-testid="application-facts"
      items={[
        ...rows,
        { key: 'status', label: t('applications.common.status'), children: <ApplicationStatusTag status={a.status} /> },
        {
          key: 'submitted',
          label: t('applications.common.submittedAt'),
          children: formatDateTime(a.submittedAt, HOME_ZONE, i18n.language),
        },
        ...(a.reviewedAt
          ? [
              {
                key: 'reviewed',
                label: t('applications.common.reviewer'),
                children: `${a.reviewerName ?? ''} · ${formatDateTime(a.reviewedAt, HOME_ZONE, i18n.language)}`,
              },
            ]
          : []),
        ...(a.reviewNote ? [{ key: 'note', label: t('applications.common.reviewNote'), children: a.reviewNote }] : []),
      ]}
    />
  );
}

/** `/finance/certification-applications/:id` */
export function CertificationReviewPage() {
  const { t } = useTranslation();
  const id = idOf(useParams().id);
  const query = useCertificationApplication(id);
  if (id === null) return <NotFoundPage />;
  return (
    <Frame back="/finance/certification-applications" title={t('applications.review.certTitle')} query={query}>
      {() => {
        const a = query.data!;
        return (
          <Row gutter={[16, 16]} data-testid="certification-review" data-status={a.status}>
            <Col xs={24} lg={14}>
              <Card className="section-card" title={a.enterprise.name}>
                <ReviewFacts
                  a={a}
                  rows={[
                    { key: 'no', label: t('applications.certification.registrationNo'), children: a.registrationNo },
                    {
                      key: 'year',
                      label: t('applications.certification.registrationYear'),
                      children: a.registrationYear,
                    },
                    ...(a.expiresOn
                      ? [{ key: 'exp', label: t('applications.certification.validUntil'), children: a.expiresOn }]
                      : []),
                  ]}
                />
                <ReviewActions kind="certification" application={a} />
                {a.status === 'submitted' && !a.documents.some((d) => d.kind === 'sme_certificate') ? (
                  <Alert type="warning" showIcon title={t('applications.certification.missingCertificate')} />
                ) : null}
              </Card>
              <Card className="section-card" title={t('applications.certification.documents')}>
                <DocumentList documents={a.documents} />
              </Card>
              <Card className="section-card" title={t('applications.common.enterprise')}>
                <ApplicantFacts enterprise={a.enterprise} />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card className="section-card" title={t('applications.review.applicantCertification')}>
                <CertificationStateView state={a.certification} narrow />
              </Card>
              <Card className="section-card" title={t('applications.common.history')}>
                <ApplicationHistory history={a.history} />
              </Card>
            </Col>
          </Row>
        );
      }}
    </Frame>
  );
}

/** `/finance/voucher-applications/:id` */
export function VoucherReviewPage() {
  const { t } = useTranslation();
  const id = idOf(useParams().id);
  const query = useVoucherApplication(id);
  if (id === null) return <NotFoundPage />;
  return (
    <Frame back="/finance/voucher-applications" title={t('applications.review.voucherTitle')} query={query}>
      {() => {
        const a = query.data!;
        const office =
          a.reviewOffice.level === 'city'
            ? t('applications.voucher.officeCity', { city: a.reviewOffice.cityName ?? a.reviewOffice.cityCode })
            : t('applications.voucher.officeProvince');
        return (
          <Row gutter={[16, 16]} data-testid="voucher-review" data-status={a.status}>
            <Col xs={24} lg={14}>
              <Card className="section-card" title={a.enterprise.name}>
                {a.status === 'submitted' && !a.mayReview ? (
                  <Alert
                    type="info"
                    showIcon
                    className="form-alert"
                    title={t('applications.review.notYours', { office })}
                  />
                ) : null}
                <ReviewFacts
                  a={a}
                  rows={[
                    { key: 'programme', label: t('applications.voucher.programme'), children: a.programme.name },
                    { key: 'amount', label: t('applications.voucher.amount'), children: formatFen(a.amountFen) },
                    ...(a.approvedFen !== null
                      ? [
                          {
                            key: 'approved',
                            label: t('applications.voucher.approvedAmount'),
                            children: formatFen(a.approvedFen),
                          },
                        ]
                      : []),
                    {
                      key: 'cap',
                      label: t('applications.voucher.cap'),
                      children: formatFen(a.programme.enterpriseYearCapFen),
                    },
                    ...(a.budgetAvailableFen !== null
                      ? [
                          {
                            key: 'budget',
                            label: t('applications.review.budgetLeft'),
                            children: formatFen(a.budgetAvailableFen),
                          },
                        ]
                      : []),
                    { key: 'office', label: t('applications.voucher.reviewOffice'), children: office },
                    {
                      key: 'use',
                      label: t('applications.voucher.plannedUse'),
                      children: <span style={{ whiteSpace: 'pre-wrap' }}>{a.plannedUse}</span>,
                    },
                    {
                      key: 'declaration',
                      label: t('applications.voucher.declaration'),
                      children: a.declaresNoRelatedParties ? '✓' : '✗',
                    },
                  ]}
                />
                <ReviewActions kind="voucher" application={a} />
              </Card>
              <Card className="section-card" title={t('applications.common.enterprise')}>
                <ApplicantFacts enterprise={a.enterprise} />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card className="section-card" title={t('applications.review.applicantCertification')}>
                <CertificationStateView state={a.certification} narrow />
              </Card>
              <Card className="section-card" title={t('applications.common.history')}>
                <ApplicationHistory history={a.history} />
              </Card>
            </Col>
          </Row>
        );
      }}
    </Frame>
  );
}
