import { SafetyOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Skeleton,
  Space,
  Steps,
  Tag,
  Typography,
  type ButtonProps,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi, type Enrolment } from '../../api/auth';
import { isApiError, problemText } from '../../api/client';
import { ME_KEY, useAuth } from '../../app/auth';
import { ErrorState } from '../../ui/states';
import { showFieldErrors } from './errors';
import { formatMinute } from './format';
import { accountKeys, useSecondFactorState } from './queries';
import { RecoveryCodes } from './RecoveryCodes';

const codeRules = (message: string) => [
  { required: true, message },
  { pattern: /^\s*\d{3}\s?\d{3}\s*$/, message },
];

function useFailed() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  return (e: unknown) =>
    void message.error(isApiError(e) ? problemText(e) || t('common.errorGeneric') : t('common.errorGeneric'));
}

/** Enrolment in three steps: the password again; scan the QR code (or type the key) and confirm a code; save the recovery codes. */
function EnrolModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const qc = useQueryClient();
  const failed = useFailed();
  const { message } = AntApp.useApp();
  const [step, setStep] = useState(0);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [passwordForm] = Form.useForm<{ password: string }>();
  const [codeForm] = Form.useForm<{ code: string }>();
  const start = useMutation({
    mutationFn: (password: string) => authApi.startEnrolment(password),
    onSuccess: (e) => {
      setEnrolment(e);
      setStep(1);
    },
    onError: (e) => showFieldErrors(passwordForm, e, { 'body.password': 'password' }) || failed(e),
  });
  const confirm = useMutation({
    mutationFn: (code: string) => authApi.confirmEnrolment(code),
    onSuccess: ({ recoveryCodes }) => {
      setCodes(recoveryCodes);
      setStep(2);
      void message.success(t('account.twoFactor.enabled'));
      void qc.invalidateQueries({ queryKey: ME_KEY });
      void qc.invalidateQueries({ queryKey: accountKeys.secondFactor });
    },
    onError: (e) => showFieldErrors(codeForm, e, { 'body.code': 'code' }) || failed(e),
  });
  const close = () => {
    setStep(0);
    setEnrolment(null);
    setCodes(null);
    onClose();
  };
  const copyKey = async () => {
    if (!enrolment) return;
    try {
      await navigator.clipboard.writeText(enrolment.secret);
      void message.success(t('account.twoFactor.copied'));
    } catch {
      void message.error(t('common.errorGeneric'));
    }
  };
  return (
    <Modal
      open={open}
      title={t('account.twoFactor.enable')}
      onCancel={step === 2 ? undefined : close}
      closable={step !== 2}
      maskClosable={false}
      footer={null}
      destroyOnHidden
      width={560}
    >
      <Steps
        size="small"
        current={step}
        items={[
          { title: t('account.twoFactor.step1') },
          { title: t('account.twoFactor.step2') },
          { title: t('account.twoFactor.step3') },
        ]}
        style={{ marginBottom: 16 }}
      />
      {step === 0 ? (
        <Form<{ password: string }>
          form={passwordForm}
          layout="vertical"
          requiredMark={false}
          onFinish={(v) => start.mutate(v.password)}
        >
          <Typography.Paragraph>{t('account.twoFactor.passwordPrompt')}</Typography.Paragraph>
          <Form.Item
            name="password"
            label={t('account.twoFactor.password')}
            rules={[{ required: true, message: t('account.password.currentRequired') }]}
          >
            <Input.Password autoComplete="current-password" data-testid="enrol-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={start.isPending} data-testid="enrol-next">
            {t('account.twoFactor.next')}
          </Button>
        </Form>
      ) : step === 1 && enrolment ? (
        <div>
          <Typography.Paragraph>{t('account.twoFactor.scan')}</Typography.Paragraph>
          <img className="totp-qr" src={enrolment.qrDataUrl} alt={t('account.twoFactor.qrAlt')} data-testid="totp-qr" />
          <Typography.Paragraph type="secondary">{t('account.twoFactor.manual')}</Typography.Paragraph>
          <Space wrap style={{ marginBottom: 12 }}>
            <code className="totp-key" data-testid="totp-key">
              {enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}
            </code>
            <Button size="small" onClick={() => void copyKey()}>
              {t('account.twoFactor.copyKey')}
            </Button>
          </Space>
          <Form<{ code: string }>
            form={codeForm}
            layout="vertical"
            requiredMark={false}
            onFinish={(v) => confirm.mutate(v.code.replace(/\s/g, ''))}
          >
            <Form.Item
              name="code"
              label={t('account.twoFactor.enterCode')}
              rules={codeRules(t('account.login.codeRequired'))}
            >
              <Input
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={7}
                style={{ maxWidth: 200 }}
                data-testid="enrol-code"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={confirm.isPending} data-testid="enrol-confirm">
              {t('account.twoFactor.confirm')}
            </Button>
          </Form>
        </div>
      ) : codes ? (
        <div>
          <RecoveryCodes codes={codes} email={user?.email ?? ''} />
          <div style={{ marginTop: 16, textAlign: 'right' }}>
            <Button type="primary" onClick={close} data-testid="codes-saved">
              {t('account.twoFactor.saved')}
            </Button>
          </div>
        </div>
      ) : null}
    </Modal>
  );
}

/** New recovery codes for a code of the app. */
function RegenerateModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const qc = useQueryClient();
  const failed = useFailed();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ code: string }>();
  const [codes, setCodes] = useState<string[] | null>(null);
  const regenerate = useMutation({
    mutationFn: (code: string) => authApi.regenerateRecoveryCodes(code),
    onSuccess: ({ recoveryCodes }) => {
      setCodes(recoveryCodes);
      void message.success(t('account.twoFactor.regenerate_ok'));
      void qc.invalidateQueries({ queryKey: accountKeys.secondFactor });
    },
    onError: (e) => showFieldErrors(form, e, { 'body.code': 'code' }) || failed(e),
  });
  const close = () => {
    setCodes(null);
    onClose();
  };
  return (
    <Modal
      open={open}
      title={t('account.twoFactor.regenerate')}
      onCancel={codes ? undefined : close}
      closable={!codes}
      maskClosable={false}
      footer={null}
      destroyOnHidden
    >
      {codes ? (
        <div>
          <RecoveryCodes codes={codes} email={user?.email ?? ''} />
          <div style={{ marginTop: 16, textAlign: 'right' }}>
            <Button type="primary" onClick={close}>
              {t('account.twoFactor.saved')}
            </Button>
          </div>
        </div>
      ) : (
        <Form<{ code: string }>
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(v) => regenerate.mutate(v.code.replace(/\s/g, ''))}
        >
          <Typography.Paragraph>{t('account.twoFactor.regeneratePrompt')}</Typography.Paragraph>
          <Form.Item name="code" label={t('account.login.code')} rules={codeRules(t('account.login.codeRequired'))}>
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={7} style={{ maxWidth: 200 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={regenerate.isPending}>
            {t('account.twoFactor.regenerate')}
          </Button>
        </Form>
      )}
    </Modal>
  );
}

type DisableValues = { password: string; code?: string; recoveryCode?: string };

/** Turning it off: the password and a code (or a recovery code). */
function DisableModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const failed = useFailed();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<DisableValues>();
  const [recovery, setRecovery] = useState(false);
  const disable = useMutation({
    mutationFn: (v: DisableValues) =>
      authApi.disableSecondFactor(
        v.password,
        recovery ? { recoveryCode: v.recoveryCode!.trim() } : { code: v.code!.replace(/\s/g, '') },
      ),
    onSuccess: () => {
      void message.success(t('account.twoFactor.disabled'));
      void qc.invalidateQueries({ queryKey: ME_KEY });
      void qc.invalidateQueries({ queryKey: accountKeys.secondFactor });
      onClose();
    },
    onError: (e) =>
      showFieldErrors(form, e, {
        'body.password': 'password',
        'body.code': 'code',
        'body.recoveryCode': 'recoveryCode',
      }) || failed(e),
  });
  return (
    <Modal
      open={open}
      title={t('account.twoFactor.disable')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('account.twoFactor.disable')}
      okButtonProps={{ danger: true, loading: disable.isPending, 'data-testid': 'disable-ok' } as ButtonProps}
      cancelText={t('account.twoFactor.cancel')}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('account.twoFactor.disablePrompt')}</Typography.Paragraph>
      <Form<DisableValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        preserve={false}
        onFinish={(v) => disable.mutate(v)}
      >
        <Form.Item
          name="password"
          label={t('account.twoFactor.password')}
          rules={[{ required: true, message: t('account.password.currentRequired') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        {recovery ? (
          <Form.Item
            name="recoveryCode"
            label={t('account.login.recoveryCode')}
            rules={[{ required: true, message: t('account.login.recoveryCodeRequired') }]}
          >
            <Input autoComplete="off" style={{ maxWidth: 240 }} />
          </Form.Item>
        ) : (
          <Form.Item name="code" label={t('account.login.code')} rules={codeRules(t('account.login.codeRequired'))}>
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={7} style={{ maxWidth: 200 }} />
          </Form.Item>
        )}
        <Button type="link" style={{ padding: 0 }} onClick={() => setRecovery(!recovery)}>
          {recovery ? t('account.login.useCode') : t('account.login.useRecovery')}
        </Button>
      </Form>
    </Modal>
  );
}

/** Two-step verification: its state, and turning it on, new recovery codes, another phone, off. */
export function SecondFactorCard() {
  const { t } = useTranslation();
  const state = useSecondFactorState();
  const [open, setOpen] = useState<'enrol' | 'regenerate' | 'disable' | null>(null);
  const s = state.data;
  return (
    <Card
      className="section-card"
      title={
        <span>
          <SafetyOutlined /> {t('account.twoFactor.title')}
        </span>
      }
      data-testid="second-factor"
    >
      <Typography.Paragraph type="secondary">{t('account.twoFactor.intro')}</Typography.Paragraph>
      {state.isPending ? (
        <Skeleton active />
      ) : state.isError ? (
        <ErrorState error={state.error} onRetry={() => void state.refetch()} />
      ) : s ? (
        <>
          <div className="second-factor-status">
            <Tag color={s.enabled ? 'green' : 'default'} data-testid="second-factor-status">
              {s.enabled ? t('account.twoFactor.on') : t('account.twoFactor.off')}
            </Tag>
            {s.required ? <Tag color="orange">{t('account.twoFactor.required')}</Tag> : null}
            {s.enabled && s.enabledAt ? (
              <Typography.Text type="secondary">
                {t('account.twoFactor.enabledAt', { time: formatMinute(s.enabledAt) })}
              </Typography.Text>
            ) : null}
            {s.enabled ? (
              <Typography.Text type={s.recoveryCodesLeft <= 2 ? 'warning' : 'secondary'}>
                {t('account.twoFactor.codesLeft', { count: s.recoveryCodesLeft })}
                {s.recoveryCodesLeft <= 2 ? ` · ${t('account.twoFactor.codesLow')}` : ''}
              </Typography.Text>
            ) : null}
          </div>
          <Space wrap>
            <Button
              type={s.enabled ? 'default' : 'primary'}
              onClick={() => setOpen('enrol')}
              data-testid="second-factor-enrol"
            >
              {s.enabled ? t('account.twoFactor.replace') : t('account.twoFactor.enable')}
            </Button>
            {s.enabled ? (
              <Button onClick={() => setOpen('regenerate')} data-testid="second-factor-regenerate">
                {t('account.twoFactor.regenerate')}
              </Button>
            ) : null}
            {s.enabled && !s.required ? (
              <Button danger onClick={() => setOpen('disable')} data-testid="second-factor-disable">
                {t('account.twoFactor.disable')}
              </Button>
            ) : null}
          </Space>
          {s.enabled && s.required ? (
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
              {t('account.twoFactor.cannotDisable')}
            </Typography.Paragraph>
          ) : null}
        </>
      ) : null}
      <EnrolModal open={open === 'enrol'} onClose={() => setOpen(null)} />
      <RegenerateModal open={open === 'regenerate'} onClose={() => setOpen(null)} />
      <DisableModal open={open === 'disable'} onClose={() => setOpen(null)} />
    </Card>
  );
}
