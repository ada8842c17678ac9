/** `/my/certification`: the enterprise's 科技型中小企业 certification — apply, upload the certificate, follow, fix and resubmit. */
import { SendOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Form,
  Grid,
  Input,
  InputNumber,
  List,
  Popconfirm,
  Row,
  Skeleton,
  Space,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applicationsApi, type CertificationDetail, type CertificationInput } from '../../api/applications';
import { ErrorState } from '../../ui/states';
import { dayjs, formatDateTime } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useFailedToast } from '../vouchers/useFailedToast';
import {
  ApplicationHistory,
  ApplicationStatusTag,
  CertificationStateView,
  DocumentList,
  HOME_ZONE,
  OutcomeAlert,
} from './parts';
import {
  useApplicationsChanged,
  useCertificationApplication,
  useCertificationApplications,
  useEligibility,
} from './queries';

const ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

/** The number and year: a new application, or a returned one's changes. */
function NumberForm({
  initial,
  onSubmit,
  pending,
  withFile,
}: {
  initial?: CertificationInput;
  onSubmit: (v: CertificationInput, file: File | null) => void;
  pending: boolean;
  withFile: boolean;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CertificationInput>();
  const [file, setFile] = useState<File | null>(null);
  const year = dayjs().year();
  return (
    <Form<CertificationInput>
      form={form}
      layout="vertical"
      initialValues={initial ?? { registrationYear: year, registrationNo: '' }}
      onFinish={(v) =>
        onSubmit({ registrationNo: v.registrationNo.trim(), registrationYear: v.registrationYear }, file)
      }
      disabled={pending}
      data-testid="certification-form"
    >
      <Row gutter={16}>
        <Col xs={24} sm={16}>
          <Form.Item
            name="registrationNo"
            label={t('applications.certification.registrationNo')}
            extra={t('applications.certification.registrationNoHint')}
            dependencies={['registrationYear']}
            rules={[
              {
                required: true,
                pattern: /^\s*\d{18}\s*$/,
                message: t('applications.certification.registrationNoInvalid'),
              },
              ({ getFieldValue }) => ({
                validator: async (_, v: string | undefined) => {
                  if (v && v.trim().slice(0, 4) !== String(getFieldValue('registrationYear')))
                    throw new Error(t('applications.certification.registrationNoYear'));
                },
              }),
            ]}
          >
            <Input maxLength={18} inputMode="numeric" data-testid="registration-no" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item
            name="registrationYear"
            label={t('applications.certification.registrationYear')}
            rules={[{ required: true }]}
          >
            <InputNumber<number>
              min={2017}
              max={2100}
              precision={0}
              className="full-width"
              data-testid="registration-year"
            />
          </Form.Item>
        </Col>
      </Row>
      {withFile ? (
        <Form.Item
          label={t('applications.certification.certificate')}
          extra={t('applications.certification.uploadHint')}
        >
          <Upload
            accept={ACCEPT}
            maxCount={1}
            showUploadList={false}
            beforeUpload={(f) => {
              setFile(f);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} data-testid="certificate-file">
              {file ? file.name : t('applications.certification.upload')}
            </Button>
          </Upload>
        </Form.Item>
      ) : null}
      <Button
        type="primary"
        htmlType="submit"
        icon={<SendOutlined />}
        loading={pending}
        data-testid="submit-certification"
      >
        {initial ? t('applications.common.resubmit') : t('applications.common.submit')}
      </Button>
    </Form>
  );
}

function UploadButton({ a, kind }: { a: CertificationDetail; kind: 'sme_certificate' | 'other' }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const failed = useFailedToast();
  const changed = useApplicationsChanged();
  const upload = useMutation({
    mutationFn: (file: File) => applicationsApi.uploadCertificationDocument(a.id, kind, file),
    onSuccess: () => {
      changed();
      void message.success(t('applications.certification.uploaded'));
    },
    onError: failed,
  });
  const has = a.documents.some((d) => d.kind === kind);
  return (
    <Upload
      accept={ACCEPT}
      showUploadList={false}
      beforeUpload={(f) => {
        upload.mutate(f);
        return false;
      }}
    >
      <Button icon={<UploadOutlined />} loading={upload.isPending} data-testid={`upload-${kind}`}>
        {kind === 'sme_certificate'
          ? t('applications.certification.certificate')
          : t('applications.certification.otherDocument')}
        {' · '}
        {has ? t('applications.certification.replace') : t('applications.certification.upload')}
      </Button>
    </Upload>
  );
}

/** The application under way: its state, documents, history; fix and resubmit, or withdraw. */
function Underway({ a }: { a: CertificationDetail }) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const failed = useFailedToast();
  const changed = useApplicationsChanged();
  const resubmit = useMutation({
    mutationFn: (v: CertificationInput) => applicationsApi.resubmitCertification(a.id, v),
    onSuccess: () => {
      changed();
      void message.success(t('applications.common.resubmitted'));
    },
    onError: failed,
  });
  const withdraw = useMutation({
    mutationFn: () => applicationsApi.withdrawCertification(a.id),
    onSuccess: () => {
      changed();
      void message.success(t('applications.common.withdrawn'));
    },
    onError: failed,
  });
  return (
    <Card
      className="section-card"
      title={t('applications.certification.underway')}
      extra={<ApplicationStatusTag status={a.status} />}
      data-testid="certification-underway"
      data-status={a.status}
    >
      <OutcomeAlert status={a.status} note={a.reviewNote} />
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        items={[
          { key: 'no', label: t('applications.certification.registrationNo'), children: a.registrationNo },
          { key: 'year', label: t('applications.certification.registrationYear'), children: a.registrationYear },
          {
            key: 'at',
            label: t('applications.common.submittedAt'),
            children: formatDateTime(a.submittedAt, HOME_ZONE, i18n.language),
          },
        ]}
      />
      <Typography.Title level={5}>{t('applications.certification.documents')}</Typography.Title>
      {!a.documents.some((d) => d.kind === 'sme_certificate') ? (
        <Alert
          type="warning"
          showIcon
          className="form-alert"
          title={t('applications.certification.missingCertificate')}
        />
      ) : null}
      <DocumentList documents={a.documents} />
      {a.mayEdit ? (
        <Space wrap className="bk-actions">
          <UploadButton a={a} kind="sme_certificate" />
          <UploadButton a={a} kind="other" />
        </Space>
      ) : null}
      {a.status === 'returned' ? (
        <>
          <Typography.Title level={5}>{t('applications.certification.fixTitle')}</Typography.Title>
          <NumberForm
            initial={{ registrationNo: a.registrationNo, registrationYear: a.registrationYear }}
            onSubmit={(v) => resubmit.mutate(v)}
            pending={resubmit.isPending}
            withFile={false}
          />
        </>
      ) : null}
      <Typography.Title level={5}>{t('applications.common.history')}</Typography.Title>
      <ApplicationHistory history={a.history} />
      {a.mayEdit ? (
        <Popconfirm title={t('applications.common.withdrawConfirm')} onConfirm={() => withdraw.mutate()}>
          <Button danger loading={withdraw.isPending} data-testid="withdraw-certification">
            {t('applications.common.withdraw')}
          </Button>
        </Popconfirm>
      ) : null}
    </Card>
  );
}

function PastDetail({ id, onClose }: { id: number | null; onClose: () => void }) {
  const { t } = useTranslation();
  const phone = Grid.useBreakpoint().md === false;
  const detail = useCertificationApplication(id);
  return (
    <Drawer open={id !== null} onClose={onClose} size={phone ? '100%' : 520} title={t('applications.common.history')}>
      {detail.isPending ? (
        <Skeleton active />
      ) : detail.isError ? (
        <ErrorState error={detail.error} />
      ) : (
        <>
          <OutcomeAlert status={detail.data.status} note={detail.data.reviewNote} />
          <DocumentList documents={detail.data.documents} />
          <ApplicationHistory history={detail.data.history} />
        </>
      )}
    </Drawer>
  );
}

export function CertificationPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  useDocumentTitle(t('applications.certification.title'));
  const failed = useFailedToast();
  const changed = useApplicationsChanged();
  const eligibility = useEligibility();
  const list = useCertificationApplications();
  const open = list.data?.find((a) => a.status === 'submitted' || a.status === 'returned');
  const detail = useCertificationApplication(open?.id ?? null);
  const [shown, setShown] = useState<number | null>(null);
  const apply = useMutation({
    mutationFn: async ({ input, file }: { input: CertificationInput; file: File | null }) => {
      const made = await applicationsApi.applyForCertification(input);
      return file ? applicationsApi.uploadCertificationDocument(made.id, 'sme_certificate', file) : made;
    },
    onSuccess: () => {
      changed();
      void message.success(t('applications.common.submitted'));
    },
    onError: (e) => {
      changed();
      failed(e);
    },
  });
  const past = (list.data ?? []).filter((a) => a.id !== open?.id);

  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('applications.certification.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('applications.certification.subtitle')}</Typography.Text>
        </div>
      </div>
      <Card className="section-card" title={t('applications.certification.current')}>
        {eligibility.isPending ? (
          <Skeleton active paragraph={{ rows: 1 }} />
        ) : eligibility.isError ? (
          <ErrorState error={eligibility.error} onRetry={() => void eligibility.refetch()} />
        ) : (
          <CertificationStateView state={eligibility.data.certification} />
        )}
        <Typography.Paragraph type="secondary" className="small-text">
          {t('applications.certification.validityHint')}
        </Typography.Paragraph>
      </Card>
      {list.isPending ? (
        <Card className="section-card">
          <Skeleton active paragraph={{ rows: 4 }} />
        </Card>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : open ? (
        detail.isPending ? (
          <Card className="section-card">
            <Skeleton active paragraph={{ rows: 6 }} />
          </Card>
        ) : detail.isError ? (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
        ) : (
          <Underway a={detail.data} />
        )
      ) : (
        <Card className="section-card" title={t('applications.certification.applyTitle')}>
          <Typography.Paragraph type="secondary">{t('applications.certification.emptyHint')}</Typography.Paragraph>
          <NumberForm withFile pending={apply.isPending} onSubmit={(input, file) => apply.mutate({ input, file })} />
        </Card>
      )}
      {past.length ? (
        <Card className="section-card" title={t('applications.certification.past')}>
          <List
            data-testid="past-certifications"
            dataSource={past}
            renderItem={(a) => (
              <List.Item
                key={a.id}
                actions={[
                  <Button key="o" type="link" onClick={() => setShown(a.id)}>
                    {t('applications.common.open')}
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={
                    <span>
                      {a.registrationNo} <ApplicationStatusTag status={a.status} />
                    </span>
                  }
                  description={
                    a.reviewNote ?? `${t('applications.certification.registrationYear')} ${a.registrationYear}`
                  }
                />
              </List.Item>
            )}
          />
        </Card>
      ) : null}
      <PastDetail id={shown} onClose={() => setShown(null)} />
    </div>
  );
}
