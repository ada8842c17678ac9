/** `/accept-invitation?token=…`: the invited person sees the invitation, chooses a password and is signed in. */
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Result, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useSearchParams } from 'react-router';
import { isApiError, problemText } from '../../api/client';
import { organisationsApi } from '../../api/organisations';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { placeErrors } from './OrganisationFields';
import { formatTime, type FieldKey } from './parts';
import { NewPasswordFields } from './PersonFields';
import { useAdoptUser } from './session';
import './organisations.css';

type Values = { displayName: string; password: string; confirm: string };

export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get('token')?.trim() ?? '';
  const [form] = Form.useForm<Values>();
  const adopt = useAdoptUser();
  useDocumentTitle(t('organisations.invitation.title'));
  const invitation = useQuery({
    queryKey: ['organisations', 'invitation', token],
    queryFn: ({ signal }) => organisationsApi.invitation(token, signal),
    enabled: token.length >= 20,
    retry: false,
    staleTime: Infinity,
  });
  const accept = useMutation({
    mutationFn: (v: Values) => organisationsApi.acceptInvitation(token, v.password, v.displayName?.trim() || undefined),
    onSuccess: (user) => {
      adopt(user);
      navigate('/', { replace: true });
    },
    onError: (e) => placeErrors(form, e, { password: 'password', displayName: 'displayName' }),
  });
  const f = (k: FieldKey) => t(`organisations.field.${k}`);
  const dead =
    token.length < 20 ||
    invitation.isError ||
    (accept.error && isApiError(accept.error) && accept.error.errors.some((e) => e.path === 'body.token'));

  let body;
  if (dead) {
    body = (
      <Result
        status="warning"
        title={t('organisations.invitation.failedTitle')}
        subTitle={token.length < 20 ? t('organisations.invitation.missing') : t('organisations.invitation.failedText')}
        data-testid="invitation-failed"
        extra={
          <Link to="/login">
            <Button>{t('organisations.verify.toLogin')}</Button>
          </Link>
        }
      />
    );
  } else if (invitation.isPending) {
    body = (
      <div style={{ textAlign: 'center', padding: 32 }}>
        <Spin size="large" />
      </div>
    );
  } else {
    const inv = invitation.data!;
    const other =
      accept.error && isApiError(accept.error) && !accept.error.errors.length ? problemText(accept.error) : null;
    body = (
      <>
        <Typography.Paragraph>
          {t('organisations.invitation.intro', { organisation: inv.organisationName })}
        </Typography.Paragraph>
        <Descriptions
          size="small"
          column={1}
          bordered
          style={{ marginBottom: 16 }}
          items={[
            { key: 'email', label: f('email'), children: inv.email },
            { key: 'role', label: t('organisations.invitation.role'), children: t(`role.${inv.role}`) },
            { key: 'expires', label: t('organisations.invitation.expires'), children: formatTime(inv.expiresAt) },
          ]}
        />
        {other ? <Alert type="error" showIcon title={other} style={{ marginBottom: 16 }} /> : null}
        <Form<Values>
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={{ displayName: inv.displayName }}
          onFinish={(v) => accept.mutate(v)}
          disabled={accept.isPending}
          data-testid="accept-form"
        >
          <Form.Item
            name="displayName"
            label={f('displayName')}
            rules={[{ required: true, whitespace: true, min: 2, max: 50 }]}
          >
            <Input maxLength={50} autoComplete="name" />
          </Form.Item>
          <NewPasswordFields testId="accept" email={inv.email} />
          <Button
            type="primary"
            htmlType="submit"
            block
            size="large"
            loading={accept.isPending}
            data-testid="accept-submit"
          >
            {t('organisations.invitation.accept')}
          </Button>
        </Form>
      </>
    );
  }
  return (
    <div className="org-narrow" data-testid="accept-invitation-page">
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('organisations.invitation.title')}
        </Typography.Title>
        {body}
      </Card>
    </div>
  );
}
