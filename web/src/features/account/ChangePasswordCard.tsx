import { KeyOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { authApi } from '../../api/auth';
import { isApiError, problemText } from '../../api/client';
import { ME_KEY, useAuth } from '../../app/auth';
import { showFieldErrors } from './errors';
import { PasswordHints } from './PasswordHints';
import { checkPassword, passwordOk } from './passwordPolicy';
import { accountKeys } from './queries';

type Values = { currentPassword: string; newPassword: string; confirm: string };

/** Change one's password: the current one, and a new one by the policy (hints as it is typed). */
export function ChangePasswordCard() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { user } = useAuth();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const newPassword = Form.useWatch('newPassword', form);
  const change = useMutation({
    mutationFn: (v: Values) => authApi.changePassword(v.currentPassword, v.newPassword),
    onSuccess: ({ ended }) => {
      form.resetFields();
      void message.success(
        ended ? t('account.security.changedEnded', { count: ended }) : t('account.security.changed'),
      );
      // An expired password's restriction is lifted: "me" says so.
      void qc.invalidateQueries({ queryKey: ME_KEY });
      void qc.invalidateQueries({ queryKey: accountKeys.sessions });
    },
    onError: (e) => {
      const placed = showFieldErrors(form, e, {
        'body.currentPassword': 'currentPassword',
        'body.newPassword': 'newPassword',
      });
      if (!placed)
        void message.error(isApiError(e) ? problemText(e) || t('common.errorGeneric') : t('common.errorGeneric'));
    },
  });

  return (
    <Card className="section-card" title={t('account.security.changePassword')} data-testid="change-password">
      <Typography.Paragraph type="secondary">{t('account.security.changePasswordHint')}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        className="account-form"
        onFinish={(v) => change.mutate(v)}
        disabled={change.isPending}
      >
        <Form.Item
          name="currentPassword"
          label={t('account.password.current')}
          rules={[{ required: true, message: t('account.password.currentRequired') }]}
        >
          <Input.Password autoComplete="current-password" prefix={<KeyOutlined />} data-testid="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('account.password.new')}
          dependencies={['currentPassword']}
          rules={[
            { required: true, message: t('account.password.newRequired') },
            {
              validator: (_, value: string | undefined) =>
                !value || passwordOk(checkPassword(value, user?.email))
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('account.password.weak'))),
            },
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) =>
                !value || value !== getFieldValue('currentPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('account.password.same'))),
            }),
          ]}
          extra={<PasswordHints password={newPassword} email={user?.email} />}
        >
          <Input.Password autoComplete="new-password" data-testid="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('account.password.confirm')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('account.password.confirmRequired') },
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) =>
                !value || value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('account.password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="confirm-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={change.isPending} data-testid="change-password-submit">
          {t('account.security.changePassword')}
        </Button>
      </Form>
    </Card>
  );
}
