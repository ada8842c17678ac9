/**
 * `/register`: an enterprise or an instrument-owning institution registers with its first user —
 * choose the kind, fill in the organisation and the administrator's account (the credit code checked
 * as it is typed; a code registered already offers joining instead), upload the licence (and the
 * authorisation letter), then verify the e-mail. `?join=<code>` opens the request to join.
 */
import { BankOutlined, ExperimentOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Form, Input, Result, Spin, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { isApiError, problemText } from '../../api/client';
import { organisationsApi, type DocumentKind, type RegistrationInput } from '../../api/organisations';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { JoinForm } from './JoinForm';
import { OrganisationFields, ORGANISATION_ERROR_FIELDS, placeErrors } from './OrganisationFields';
import { DocumentsList, ProgressSteps, type FieldKey } from './parts';
import { EmailField, NewPasswordFields } from './PersonFields';
import { useOrganisationsChanged, useRegistration } from './queries';
import { useAdoptUser } from './session';
import './organisations.css';

type Kind = 'enterprise' | 'institution';
type Step = 'kind' | 'form' | 'documents' | 'email';
type Values = Omit<RegistrationInput, 'kind' | 'cityCode' | 'countyCode'> & { place: string[]; confirm: string };

function KindChoice({ onChoose }: { onChoose: (k: Kind) => void }) {
  const { t } = useTranslation();
  const choices: [Kind, ReactNode][] = [
    ['enterprise', <BankOutlined key="i" />],
    ['institution', <ExperimentOutlined key="i" />],
  ];
  return (
    <>
      <Typography.Title level={5} className="org-section-title">
        {t('organisations.register.chooseKind')}
      </Typography.Title>
      <div className="org-kinds">
        {choices.map(([kind, icon]) => (
          <Card key={kind} hoverable className="org-kind" onClick={() => onChoose(kind)} data-testid={`kind-${kind}`}>
            {icon}
            <div className="org-kind__title">{t(`organisations.register.${kind}Title`)}</div>
            <Typography.Text type="secondary">{t(`organisations.register.${kind}Text`)}</Typography.Text>
          </Card>
        ))}
      </div>
    </>
  );
}

function RegistrationForm({
  kind,
  onDone,
  onJoin,
}: {
  kind: Kind;
  onDone: () => void;
  onJoin: (code: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const adopt = useAdoptUser();
  const email = Form.useWatch('email', form);
  const f = (k: FieldKey) => t(`organisations.field.${k}`);
  const register = useMutation({
    mutationFn: ({ place, confirm: _c, displayName, ...v }: Values) =>
      organisationsApi.register({
        ...v,
        kind,
        cityCode: place[0]!,
        countyCode: place[1]!,
        email: v.email.trim(),
        institutionType: kind === 'institution' ? v.institutionType : null,
        ...(displayName?.trim() ? { displayName: displayName.trim() } : {}),
      }),
    onSuccess: (user) => {
      adopt(user);
      onDone();
    },
    onError: (e) =>
      placeErrors(form, e, {
        ...ORGANISATION_ERROR_FIELDS,
        email: 'email',
        displayName: 'displayName',
        password: 'password',
      }),
  });
  const error = register.error;
  const general =
    error && isApiError(error) && (!error.errors.length || error.status === 429) ? problemText(error) : null;
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      requiredMark="optional"
      onFinish={(v) => register.mutate(v)}
      disabled={register.isPending}
      scrollToFirstError
      data-testid="register-form"
    >
      {general ? (
        <Alert type="error" showIcon title={general} style={{ marginBottom: 16 }} data-testid="register-error" />
      ) : null}
      <Typography.Title level={5} className="org-section-title">
        {t('organisations.register.orgSection')} · {t(`organisations.kind.${kind}`)}
      </Typography.Title>
      <OrganisationFields kind={kind} onJoin={onJoin} />
      <Typography.Title level={5} className="org-section-title">
        {t('organisations.register.accountSection')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('organisations.register.accountHint')}</Typography.Paragraph>
      <EmailField testId="register" />
      <Form.Item name="displayName" label={f('displayName')} extra={t('organisations.hint.displayName')}>
        <Input maxLength={50} autoComplete="name" data-testid="register-name" />
      </Form.Item>
      <NewPasswordFields testId="register" email={email} whitespace />
      <Button
        type="primary"
        htmlType="submit"
        block
        size="large"
        loading={register.isPending}
        data-testid="register-submit"
      >
        {t('organisations.register.submit')}
      </Button>
    </Form>
  );
}

/** Step 3: the documents, uploaded to the registration just made. */
function DocumentsStep({ onNext }: { onNext: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const registration = useRegistration();
  const changed = useOrganisationsChanged();
  const [uploading, setUploading] = useState<DocumentKind | null>(null);
  const upload = useMutation({
    mutationFn: ({ kind, file }: { kind: DocumentKind; file: File }) =>
      organisationsApi.upload(registration.data!.organisation.id, kind, file),
    onMutate: ({ kind }) => setUploading(kind),
    onSettled: () => setUploading(null),
    onSuccess: changed,
    onError: (e) => void message.error(isApiError(e) ? problemText(e) : t('organisations.common.failed')),
  });
  if (registration.isPending) return <Spin />;
  if (!registration.data) return null;
  const r = registration.data;
  return (
    <>
      <Typography.Title level={5} className="org-section-title">
        {t('organisations.register.documentsTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('organisations.register.documentsText')}</Typography.Paragraph>
      <DocumentsList
        documents={r.documents}
        required={r.requiredDocuments}
        kinds={[...r.requiredDocuments, 'other']}
        onUpload={(kind, file) => upload.mutate({ kind, file })}
        uploading={uploading}
      />
      <Button
        type="primary"
        block
        size="large"
        style={{ marginTop: 16 }}
        onClick={onNext}
        disabled={r.missingDocuments.length > 0}
        data-testid="documents-next"
      >
        {t('organisations.register.continue')}
      </Button>
      <div style={{ textAlign: 'center', marginTop: 8 }}>
        <Button type="link" onClick={onNext}>
          {t('organisations.register.later')}
        </Button>
      </div>
    </>
  );
}

function MailStep() {
  const { t } = useTranslation();
  const registration = useRegistration();
  return (
    <Result
      status="success"
      title={t('organisations.register.mailTitle')}
      subTitle={t('organisations.register.mailText', { email: registration.data?.account.email ?? '' })}
      data-testid="register-mail"
      extra={
        <Link to="/registration">
          <Button type="primary">{t('organisations.register.toApplication')}</Button>
        </Link>
      }
    />
  );
}

export function RegisterPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [kind, setKind] = useState<Kind | null>(null);
  const [step, setStep] = useState<Step>('kind');
  const joining = params.get('join');
  useDocumentTitle(joining !== null ? t('organisations.join.title') : t('organisations.register.title'));
  const steps: Step[] = ['kind', 'form', 'documents', 'email'];

  let body;
  if (joining !== null) {
    body = <JoinForm creditCode={joining} onBack={() => setParams({}, { replace: true })} />;
  } else if (step === 'kind' || !kind) {
    body = (
      <KindChoice
        onChoose={(k) => {
          setKind(k);
          setStep('form');
        }}
      />
    );
  } else if (step === 'form') {
    body = (
      <>
        <RegistrationForm
          kind={kind}
          onDone={() => setStep('documents')}
          onJoin={(code) => setParams({ join: code })}
        />
        <div style={{ textAlign: 'center', marginTop: 8 }}>
          <Button type="link" onClick={() => setStep('kind')}>
            {t('organisations.register.changeKind')}
          </Button>
        </div>
      </>
    );
  } else if (step === 'documents') body = <DocumentsStep onNext={() => setStep('email')} />;
  else body = <MailStep />;

  return (
    <div className="org-narrow" data-testid="register-page">
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {joining !== null ? t('organisations.join.title') : t('organisations.register.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          {joining !== null ? t('organisations.join.subtitle') : t('organisations.register.subtitle')}
        </Typography.Paragraph>
        {joining === null ? (
          <ProgressSteps
            current={steps.indexOf(step)}
            titles={steps.map((s) => t(`organisations.register.steps.${s}`))}
          />
        ) : null}
        {body}
        {step === 'kind' || joining !== null ? (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Typography.Text type="secondary">{t('organisations.register.haveAccount')}</Typography.Text>{' '}
            <Link to="/login">{t('organisations.register.login')}</Link>
          </div>
        ) : null}
      </Card>
    </div>
  );
}
