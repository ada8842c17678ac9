import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Result, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { authApi } from '../../api/auth';
import { isApiError, problemText, type ApiError } from '../../api/client';
import { LogoMark } from '../../ui/LogoMark';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { showFieldErrors } from './errors';
import { formatMinute } from './format';
import { PasswordFields } from './PasswordFields';
import './account.css';

type Values = { password: string; confirm: string };
const LINK_PROBLEMS = ['link_used', 'link_expired', 'link_invalid'] as const;
type LinkProblem = (typeof LINK_PROBLEMS)[number];

/** Why a reset link cannot be used, from the server's 400 (its field code for body.token). */
function linkProblem(e: unknown): LinkProblem | null {
  if (!isApiError(e) || e.status !== 400) return null;
  const code = e.errors.find((x) => x.path === 'body.token')?.message;
  return LINK_PROBLEMS.find((p) => p === code) ?? null;
}

/** The page a reset link opens (/reset-password?token=…): checks the link first, then takes the new password. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token')?.trim() ?? '';
  const [form] = Form.useForm<Values>();
  useDocumentTitle(t('account.reset.title'));
  const check = useQuery({
    queryKey: ['account', 'reset-link', token],
    queryFn: ({ signal }) => authApi.checkResetToken(token, signal),
    enabled: token.length > 0,
    retry: (n, e) => !linkProblem(e) && n < 2,
    staleTime: Infinity,
  });
  const reset = useMutation({
    mutationFn: (v: Values) => authApi.resetPassword(token, v.password),
    onError: (e) => {
      showFieldErrors(form, e, { 'body.password': 'password' });
    },
  });
  const problem = !token ? 'missing' : (linkProblem(check.error) ?? linkProblem(reset.error));
  const email = check.data?.email ?? '';

  let body;
  if (reset.isSuccess) {
    body = (
      <Result
        status="success"
        title={t('account.reset.doneTitle')}
        subTitle={t('account.reset.done')}
        data-testid="reset-done"
        extra={
          <Link to="/login">
            <Button type="primary">{t('account.reset.toLogin')}</Button>
          </Link>
        }
      />
    );
  } else if (problem) {
    body = (
      <Result
        status="warning"
        title={t(`account.reset.${problem}`)}
        data-testid="reset-link-problem"
        extra={
          <Link to="/forgot-password">
            <Button type="primary">{t('account.reset.requestNew')}</Button>
          </Link>
        }
      />
    );
  } else if (check.isPending) {
    body = (
      <div style={{ textAlign: 'center', padding: 24 }}>
        <Spin /> <Typography.Text type="secondary">{t('account.reset.checking')}</Typography.Text>
      </div>
    );
  } else if (check.isError) {
    const e = check.error as ApiError;
    body = (
      <Alert
        type="error"
        showIcon
        title={isApiError(e) && e.status === 0 ? t('common.errorNetwork') : problemText(e) || t('common.errorGeneric')}
        action={
          <Button size="small" onClick={() => void check.refetch()}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  } else {
    const otherError =
      reset.error && !isApiError(reset.error)
        ? t('common.errorGeneric')
        : reset.error && isApiError(reset.error) && reset.error.status !== 400
          ? problemText(reset.error) || t('common.errorGeneric')
          : null;
    body = (
      <>
        <Typography.Paragraph type="secondary">
          {t('account.reset.forAccount', { email, time: formatMinute(check.data.expiresAt) })}
        </Typography.Paragraph>
        {otherError ? <Alert type="error" showIcon title={otherError} className="login-card__error" /> : null}
        <Form<Values>
          form={form}
          layout="vertical"
          requiredMark={false}
          size="large"
          onFinish={(v) => reset.mutate(v)}
          disabled={reset.isPending}
        >
          {/* The address itself is masked here: its name is checked by the server. */}
          <PasswordFields
            testId="reset"
            labels={{ password: t('account.password.new'), confirm: t('account.password.confirm') }}
            messages={{
              passwordRequired: t('account.password.newRequired'),
              confirmRequired: t('account.password.confirmRequired'),
              weak: t('account.password.weak'),
              mismatch: t('account.password.mismatch'),
            }}
          />
          <Button type="primary" htmlType="submit" block loading={reset.isPending} data-testid="reset-submit">
            {t('account.reset.submit')}
          </Button>
        </Form>
      </>
    );
  }

  return (
    <div className="login-page">
      <Card className="login-card" data-testid="reset-password-page">
        <div className="login-card__head">
          <div className="login-card__logo">
            <LogoMark size={44} />
          </div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('account.reset.title')}
          </Typography.Title>
        </div>
        {body}
        <div className="login-card__back">
          <Link to="/login">{t('account.forgot.backToLogin')}</Link>
        </div>
      </Card>
    </div>
  );
}
