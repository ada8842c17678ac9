import { SafetyOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/auth';
import { isApiError } from '../../api/client';
import { useAuth } from '../../app/auth';
import { lockoutText } from './lockout';

type Values = { code?: string; recoveryCode?: string };

/**
 * The second step of signing in: the 6-digit code of the authenticator app, or a recovery code. The
 * session the password opened waits ten minutes for it; after that the password is asked again.
 */
export function SecondFactorStep({ onSignedIn, onRestart }: { onSignedIn: (u: User) => void; onRestart: () => void }) {
  const { t } = useTranslation();
  const { completeSecondFactor } = useAuth();
  const [form] = Form.useForm<Values>();
  const [recovery, setRecovery] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [expired, setExpired] = useState(false);
  const [submitting, setSubmitting] = useState(false);

  const onFinish = async (v: Values) => {
    setError(null);
    setSubmitting(true);
    try {
      const u = await completeSecondFactor(
        recovery ? { recoveryCode: v.recoveryCode!.trim() } : { code: v.code!.replace(/\s/g, '') },
      );
      onSignedIn(u);
    } catch (e) {
      setSubmitting(false);
      form.resetFields();
      if (isApiError(e) && e.status === 401 && e.extra.reason === 'no_pending_sign_in') {
        setExpired(true);
        setError(t('account.login.expired'));
      } else if (isApiError(e) && e.status === 401) {
        setError(recovery ? t('account.login.wrongRecovery') : t('account.login.wrongCode'));
      } else if (isApiError(e) && e.status === 429) setError(lockoutText(e, t));
      else if (isApiError(e) && e.status === 0) setError(t('common.errorNetwork'));
      else if (isApiError(e)) setError(e.detail || t('common.errorGeneric'));
      else setError(t('common.errorGeneric'));
    }
  };

  return (
    <div data-testid="second-factor-step">
      <Typography.Paragraph type="secondary">
        {recovery ? t('account.login.recoveryHint') : t('account.login.secondFactorHint')}
      </Typography.Paragraph>
      {error ? (
        <Alert type="error" showIcon title={error} className="login-card__error" data-testid="second-factor-error" />
      ) : null}
      {expired ? (
        <Button type="primary" block onClick={onRestart}>
          {t('account.login.restart')}
        </Button>
      ) : (
        <Form<Values>
          form={form}
          layout="vertical"
          requiredMark={false}
          size="large"
          onFinish={(v) => void onFinish(v)}
          disabled={submitting}
        >
          {recovery ? (
            <Form.Item
              name="recoveryCode"
              label={t('account.login.recoveryCode')}
              rules={[{ required: true, message: t('account.login.recoveryCodeRequired') }]}
            >
              <Input autoComplete="off" autoFocus placeholder="XXXX-XXXX-XXXX" data-testid="recovery-code-input" />
            </Form.Item>
          ) : (
            <Form.Item
              name="code"
              label={t('account.login.code')}
              rules={[
                { required: true, message: t('account.login.codeRequired') },
                { pattern: /^\s*\d{3}\s?\d{3}\s*$/, message: t('account.login.codeRequired') },
              ]}
            >
              <Input
                prefix={<SafetyOutlined />}
                inputMode="numeric"
                autoComplete="one-time-code"
                autoFocus
                maxLength={7}
                data-testid="second-factor-code"
              />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="second-factor-submit">
            {t('account.login.verify')}
          </Button>
          <div className="login-card__back">
            <Button
              type="link"
              onClick={() => {
                setRecovery(!recovery);
                setError(null);
              }}
              data-testid="second-factor-toggle"
            >
              {recovery ? t('account.login.useCode') : t('account.login.useRecovery')}
            </Button>
            <Button type="link" onClick={onRestart}>
              {t('account.login.restart')}
            </Button>
          </div>
        </Form>
      )}
    </div>
  );
}
