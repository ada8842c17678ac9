import { MailOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Result, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { authApi } from '../../api/auth';
import { isApiError, problemText } from '../../api/client';
import { LogoMark } from '../../ui/LogoMark';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { formatMinute } from './format';
import './account.css';

/**
 * "Forgot password": asks for the address and says a link is on its way — the same whether or not
 * the address has an account (the server answers the same too).
 */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [form] = Form.useForm<{ email: string }>();
  const [sentTo, setSentTo] = useState<string | null>(null);
  useDocumentTitle(t('account.forgot.title'));
  const send = useMutation({
    mutationFn: (email: string) => authApi.forgotPassword(email).then(() => email),
    onSuccess: setSentTo,
  });
  const error = send.error;
  const errorText = !error
    ? null
    : isApiError(error) && error.status === 429 && typeof error.extra.retryAt === 'string'
      ? t('account.forgot.tooMany', { time: formatMinute(error.extra.retryAt) })
      : isApiError(error) && error.status === 0
        ? t('common.errorNetwork')
        : isApiError(error)
          ? problemText(error) || t('common.errorGeneric')
          : t('common.errorGeneric');

  return (
    <div className="login-page">
      <Card className="login-card" data-testid="forgot-password">
        <div className="login-card__head">
          <div className="login-card__logo">
            <LogoMark size={44} />
          </div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('account.forgot.title')}
          </Typography.Title>
        </div>
        {sentTo ? (
          <Result
            status="success"
            title={t('account.forgot.sentTitle')}
            subTitle={t('account.forgot.sent', { email: sentTo })}
            data-testid="forgot-sent"
            extra={[
              <Button key="again" onClick={() => send.mutate(sentTo)} loading={send.isPending}>
                {t('account.forgot.again')}
              </Button>,
              <Link key="login" to="/login">
                <Button type="primary">{t('account.forgot.backToLogin')}</Button>
              </Link>,
            ]}
          />
        ) : (
          <>
            <Typography.Paragraph type="secondary">{t('account.forgot.intro')}</Typography.Paragraph>
            {errorText ? (
              <Alert type="error" showIcon title={errorText} className="login-card__error" data-testid="forgot-error" />
            ) : null}
            <Form<{ email: string }>
              form={form}
              layout="vertical"
              requiredMark={false}
              size="large"
              initialValues={{ email: params.get('email') ?? '' }}
              onFinish={(v) => send.mutate(v.email.trim())}
              disabled={send.isPending}
            >
              <Form.Item
                name="email"
                label={t('account.forgot.email')}
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
                  data-testid="forgot-email"
                />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={send.isPending} data-testid="forgot-submit">
                {t('account.forgot.submit')}
              </Button>
            </Form>
          </>
        )}
        {sentTo ? null : (
          <div className="login-card__back">
            <Link to="/login">{t('account.forgot.backToLogin')}</Link>
          </div>
        )}
      </Card>
    </div>
  );
}
