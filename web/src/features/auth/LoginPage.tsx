import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { isApiError } from '../../api/client';
import { authApi, type User } from '../../api/auth';
import { restrictionHome, useAuth } from '../../app/auth';
import { workHome } from '../../app/landing';
import { lockoutText } from '../account/lockout';
import { SecondFactorStep } from '../account/SecondFactorStep';
import '../account/account.css';
import { LogoMark } from '../../ui/LogoMark';
import { useDocumentTitle } from '../../ui/useDocumentTitle';

const DEMO_PASSWORD = 'demo-pass-2025';
/** The demo's main accounts, one per role, in this order; shown only when the server still has them. */
const DEMO_ACCOUNTS = ['researcher@demo.test', 'lab@demo.test', 'finance@demo.test', 'admin@demo.test'];

/** Only same-site paths are followed after sign-in. */
function safeRedirect(target: unknown): string | null {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/login')) {
    return null;
  }
  return target;
}

/** The header's sign-in button on the home page or the bare catalogue asks for no page in particular. */
const NO_TARGET = new Set(['/', '/instruments']);

/**
 * After sign-in: a restricted account where it can lift its restriction, anyone else where they were
 * going, or, when no page asked for it, to its own work (app/landing.ts).
 */
const landingOf = (user: User, target: string | null): string =>
  user.restriction ? restrictionHome(user.restriction) : target && !NO_TARGET.has(target) ? target : workHome(user);

type Values = { email: string; password: string };

export function LoginPage() {
  const { t } = useTranslation();
  const { user, login } = useAuth();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [locked, setLocked] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  /** The password was right; the authenticator's code is to come. */
  const [secondStep, setSecondStep] = useState(false);
  useDocumentTitle(t('auth.title'));
  // A production installation has no demo: the box (and its published password) is not shown there.
  const demo = useQuery({ queryKey: ['auth', 'demo-accounts'], queryFn: ({ signal }) => authApi.demoAccounts(signal) });
  const demoAccounts = DEMO_ACCOUNTS.flatMap((email) => demo.data?.filter((a) => a.email === email) ?? []);

  const state = location.state as { from?: unknown } | null;
  const target = safeRedirect(state?.from ?? params.get('redirect'));

  if (user && !submitting) return <Navigate to={landingOf(user, target)} replace />;

  const signedIn = (u: User) => {
    void message.success(t('auth.welcome', { name: u.displayName }));
    navigate(landingOf(u, target), { replace: true });
  };

  const onFinish = async (values: Values) => {
    setError(null);
    setLocked(false);
    setSubmitting(true);
    try {
      const result = await login(values.email.trim(), values.password);
      if (result.user) signedIn(result.user);
      else {
        setSubmitting(false);
        setSecondStep(true);
      }
    } catch (e) {
      setSubmitting(false);
      if (isApiError(e) && e.status === 401) setError(t('auth.wrongCredentials'));
      else if (isApiError(e) && e.status === 429) {
        setError(lockoutText(e, t));
        setLocked(Number(e.extra.retryAfterSeconds ?? 900) >= 60);
      } else if (isApiError(e) && e.status === 0) setError(t('common.errorNetwork'));
      else if (isApiError(e)) setError(e.detail || t('common.errorGeneric'));
      else setError(t('common.errorGeneric'));
    }
  };

  if (secondStep) {
    return (
      <div className="login-page">
        <Card className="login-card">
          <div className="login-card__head">
            <div className="login-card__logo">
              <LogoMark size={44} />
            </div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('account.login.secondFactorTitle')}
            </Typography.Title>
          </div>
          <SecondFactorStep
            onSignedIn={(u) => {
              setSubmitting(true);
              signedIn(u);
            }}
            onRestart={() => {
              setSecondStep(false);
              form.setFieldValue('password', '');
            }}
          />
        </Card>
      </div>
    );
  }

  return (
    <div className="login-page">
      <Card className="login-card">
        <div className="login-card__head">
          <div className="login-card__logo">
            <LogoMark size={44} />
          </div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('auth.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('auth.subtitle')}</Typography.Text>
        </div>
        {error ? (
          <Alert
            type="error"
            showIcon
            title={t('auth.failed')}
            description={
              locked ? (
                <>
                  {error}{' '}
                  <Link to={`/forgot-password?email=${encodeURIComponent(form.getFieldValue('email') ?? '')}`}>
                    {t('account.login.forgot')}
                  </Link>
                </>
              ) : (
                error
              )
            }
            className="login-card__error"
            data-testid="login-error"
          />
        ) : null}
        <Form<Values>
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(v) => void onFinish(v)}
          disabled={submitting}
          size="large"
        >
          <Form.Item
            name="email"
            label={t('auth.email')}
            rules={[
              { required: true, message: t('auth.emailRequired') },
              { type: 'email', message: t('auth.emailInvalid') },
            ]}
          >
            <Input
              prefix={<MailOutlined />}
              placeholder={t('auth.emailPlaceholder')}
              autoComplete="username"
              inputMode="email"
              data-testid="login-email"
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('auth.password')}
            rules={[{ required: true, message: t('auth.passwordRequired') }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <div className="login-card__links">
            <Link to="/register" data-testid="register-link">
              {t('organisations.nav.register')}
            </Link>
            <Link to="/forgot-password" data-testid="forgot-password-link">
              {t('account.login.forgot')}
            </Link>
          </div>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
            {t('auth.submit')}
          </Button>
        </Form>
        {demoAccounts.length ? (
          <div className="demo-box" data-testid="demo-accounts">
            <div className="demo-box__title">{t('auth.demoTitle')}</div>
            <div className="demo-box__hint">
              {t('auth.demoHint')} <code className="nowrap">{DEMO_PASSWORD}</code>
            </div>
            <ul className="demo-box__list">
              {demoAccounts.map((a) => (
                <li key={a.email}>
                  <button
                    type="button"
                    className="demo-box__account"
                    onClick={() => {
                      form.setFieldsValue({ email: a.email, password: DEMO_PASSWORD });
                      setError(null);
                    }}
                  >
                    <code>{a.email}</code>
                    <span className="demo-box__role">{t(`role.${a.role}`)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <div className="login-card__back">
          <Link to="/instruments">{t('common.backHome')}</Link>
        </div>
      </Card>
    </div>
  );
}
