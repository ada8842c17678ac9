/**
 * `/registration`: where a restricted account lands — its registration's steps and status, the review
 * notes, the documents (upload, replace), editing and (re)submitting, the history; or, for someone
 * who asked to join, that the organisation's administrator must accept them.
 */
import { EditOutlined, MailOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Col, Form, Modal, Result, Row, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError, problemText } from '../../api/client';
import {
  organisationsApi,
  type DocumentKind,
  type OrganisationFields as Fields,
  type Registration,
} from '../../api/organisations';
import { useAuth } from '../../app/auth';
import { ErrorState } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { OrganisationFields, ORGANISATION_ERROR_FIELDS, placeErrors } from './OrganisationFields';
import { DocumentsList, HistoryTimeline, OrganisationDescriptions, OrgStatusTag, ProgressSteps } from './parts';
import { useOrganisationsChanged, useRegistration } from './queries';
import './organisations.css';

type EditValues = Omit<Fields, 'cityCode' | 'countyCode'> & { place: string[]; contactEmail: string };

function EditModal({ r, open, onClose }: { r: Registration; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<EditValues>();
  const changed = useOrganisationsChanged();
  const o = r.organisation;
  const save = useMutation({
    mutationFn: ({ place, ...v }: EditValues) =>
      organisationsApi.updateRegistration({ ...v, cityCode: place[0], countyCode: place[1] }),
    onSuccess: () => {
      changed();
      onClose();
      void message.success(t('organisations.application.saved'));
    },
    onError: (e) => {
      if (!placeErrors(form, e, ORGANISATION_ERROR_FIELDS))
        void message.error(isApiError(e) ? problemText(e) : t('organisations.common.failed'));
    },
  });
  return (
    <Modal
      open={open}
      title={t('organisations.application.editTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('organisations.common.confirm')}
      cancelText={t('organisations.common.cancel')}
      confirmLoading={save.isPending}
      width={760}
      destroyOnHidden
      data-testid="edit-registration"
    >
      <Form<EditValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(v) => save.mutate(v)}
        initialValues={{
          name: o.name,
          creditCode: o.creditCode ?? '',
          institutionType: o.institutionType,
          place: [o.cityCode, o.countyCode].filter(Boolean) as string[],
          address: o.address ?? '',
          legalRepresentative: o.legalRepresentative ?? '',
          contactName: o.contactName ?? '',
          contactPhone: o.contactPhone ?? '',
          contactEmail: o.contactEmail ?? '',
        }}
      >
        <OrganisationFields kind={o.kind === 'institution' ? 'institution' : 'enterprise'} withContactEmail />
      </Form>
    </Modal>
  );
}

/** Where the registration stands, as steps. */
function Progress({ r }: { r: Registration }) {
  const { t } = useTranslation();
  const s = r.organisation.status;
  const current = !r.account.emailVerified
    ? 1
    : s === 'unverified'
      ? 2
      : s === 'pending_review' || s === 'returned'
        ? 2
        : 3;
  const status = s === 'rejected' ? 'error' : s === 'returned' ? 'error' : s === 'approved' ? 'finish' : 'process';
  return (
    <ProgressSteps
      current={current}
      status={status}
      titles={(['registered', 'email', 'review', 'done'] as const).map((k) =>
        t(`organisations.application.steps.${k}`),
      )}
    />
  );
}

function Membership({ r }: { r: Registration }) {
  const { t } = useTranslation();
  const declined = r.account.membership === 'declined';
  return (
    <Card className="org-card" data-testid="membership-pending">
      <Result
        status={declined ? 'error' : 'info'}
        title={declined ? t('organisations.application.declinedTitle') : t('organisations.application.membershipTitle')}
        subTitle={t(declined ? 'organisations.application.declinedText' : 'organisations.application.membershipText', {
          name: r.organisation.name,
        })}
      />
      <HistoryTimeline items={r.history} />
    </Card>
  );
}

export function RegistrationStatusPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { refetch: refetchMe } = useAuth();
  const registration = useRegistration();
  const changed = useOrganisationsChanged();
  const [editing, setEditing] = useState(false);
  const [uploading, setUploading] = useState<DocumentKind | null>(null);
  useDocumentTitle(t('organisations.application.title'));
  const failed = (e: unknown) => void message.error(isApiError(e) ? problemText(e) : t('organisations.common.failed'));
  const resend = useMutation({
    mutationFn: () => organisationsApi.resendVerification(),
    onSuccess: () => void message.success(t('organisations.application.resent')),
    onError: failed,
  });
  const upload = useMutation({
    mutationFn: ({ kind, file }: { kind: DocumentKind; file: File }) =>
      organisationsApi.upload(registration.data!.organisation.id, kind, file),
    onMutate: ({ kind }) => setUploading(kind),
    onSettled: () => setUploading(null),
    onSuccess: changed,
    onError: failed,
  });
  const submit = useMutation({
    mutationFn: () => organisationsApi.submit(),
    onSuccess: () => {
      changed();
      refetchMe();
      void message.success(t('organisations.application.submitted'));
    },
    onError: failed,
  });

  if (registration.isPending) return <Skeleton active className="org-page" />;
  if (registration.isError)
    return <ErrorState error={registration.error} onRetry={() => void registration.refetch()} />;
  const r = registration.data;
  const o = r.organisation;
  const head = (
    <div className="page-head">
      <div>
        <Typography.Title level={3} className="page-head__title">
          {t('organisations.application.title')} <OrgStatusTag status={o.status} />
        </Typography.Title>
        <Typography.Text type="secondary">{o.name}</Typography.Text>
      </div>
    </div>
  );
  const emailAlert = !r.account.emailVerified ? (
    <Alert
      type="warning"
      showIcon
      icon={<MailOutlined />}
      className="org-card"
      title={t('organisations.application.emailTitle')}
      description={
        <>
          {t('organisations.application.emailText', { email: r.account.email })}{' '}
          <Button
            size="small"
            loading={resend.isPending}
            onClick={() => resend.mutate()}
            data-testid="resend-verification"
          >
            {t('organisations.application.resend')}
          </Button>
        </>
      }
      data-testid="email-unverified"
    />
  ) : null;

  if (r.account.membership !== 'active') {
    return (
      <div className="org-page" data-testid="registration-page">
        {head}
        {emailAlert}
        <Membership r={r} />
      </div>
    );
  }

  return (
    <div className="org-page" data-testid="registration-page">
      {head}
      <Card className="org-card">
        <Progress r={r} />
        {o.status === 'approved' && !r.account.restriction ? (
          <Result
            status="success"
            title={t('organisations.application.statusText.approved')}
            extra={
              <Link to="/">
                <Button type="primary">{t('organisations.application.goHome')}</Button>
              </Link>
            }
          />
        ) : (
          <Alert
            type={o.status === 'rejected' ? 'error' : o.status === 'returned' ? 'warning' : 'info'}
            showIcon
            title={t(`organisations.application.statusText.${o.status}`)}
            description={
              o.reviewNote && (o.status === 'returned' || o.status === 'rejected') ? (
                <>
                  <Typography.Text strong>{t('organisations.application.reviewNote')}：</Typography.Text>
                  <span data-testid="review-note">{o.reviewNote}</span>
                </>
              ) : undefined
            }
            data-testid="status-text"
          />
        )}
      </Card>
      {emailAlert}
      {!r.account.orgAdmin ? (
        <Alert type="info" className="org-card" title={t('organisations.application.notAdmin')} />
      ) : null}
      <Row gutter={16}>
        <Col xs={24} lg={15}>
          <Card
            className="org-card"
            title={t('organisations.application.organisation')}
            extra={
              r.canEdit ? (
                <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="edit-registration-open">
                  {t('organisations.application.edit')}
                </Button>
              ) : null
            }
          >
            <OrganisationDescriptions org={o} />
          </Card>
          {r.account.orgAdmin ? (
            <Card className="org-card" title={t('organisations.application.documents')}>
              <DocumentsList
                documents={r.documents}
                required={r.requiredDocuments}
                kinds={r.canEdit ? [...r.requiredDocuments, 'other'] : []}
                onUpload={r.canEdit ? (kind, file) => upload.mutate({ kind, file }) : undefined}
                uploading={uploading}
              />
              {r.canEdit && o.status !== 'pending_review' ? (
                <Space style={{ marginTop: 16 }} wrap>
                  <Button
                    type="primary"
                    icon={<SendOutlined />}
                    disabled={!r.canSubmit}
                    loading={submit.isPending}
                    onClick={() => submit.mutate()}
                    data-testid="submit-registration"
                  >
                    {o.status === 'returned'
                      ? t('organisations.application.resubmit')
                      : t('organisations.application.submit')}
                  </Button>
                </Space>
              ) : null}
            </Card>
          ) : null}
        </Col>
        <Col xs={24} lg={9}>
          <Card className="org-card" title={t('organisations.application.history')}>
            <HistoryTimeline items={r.history} />
          </Card>
        </Col>
      </Row>
      {r.canEdit ? <EditModal r={r} open={editing} onClose={() => setEditing(false)} /> : null}
    </div>
  );
}
