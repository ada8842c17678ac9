/** Asking to join an organisation already registered (by its credit code). */
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError, problemText } from '../../api/client';
import { organisationsApi, type JoinInput } from '../../api/organisations';
import { MOBILE, placeErrors } from './OrganisationFields';
import type { FieldKey } from './parts';
import { EmailField, NewPasswordFields } from './PersonFields';
import { useAdoptUser } from './session';

type Values = JoinInput & { confirm: string };

export function JoinForm({ creditCode, onBack }: { creditCode: string; onBack: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const adopt = useAdoptUser();
  const email = Form.useWatch('email', form);
  const f = (k: FieldKey) => t(`organisations.field.${k}`);
  const required = (k: FieldKey) => ({
    required: true,
    whitespace: true,
    message: t('organisations.rule.required', { field: f(k) }),
  });
  const join = useMutation({
    mutationFn: ({ confirm: _c, ...v }: Values) => organisationsApi.join({ ...v, email: v.email.trim() }),
    onSuccess: adopt,
    onError: (e) =>
      placeErrors(form, e, {
        creditCode: 'creditCode',
        displayName: 'displayName',
        email: 'email',
        phone: 'phone',
        password: 'password',
      }),
  });

  if (join.isSuccess) {
    return (
      <Result
        status="success"
        title={t('organisations.join.doneTitle')}
        subTitle={t('organisations.join.doneText', { email: join.data.email })}
        data-testid="join-done"
        extra={
          <Link to="/registration">
            <Button type="primary">{t('organisations.register.toApplication')}</Button>
          </Link>
        }
      />
    );
  }
  const unplaced = join.error && isApiError(join.error) && !join.error.errors.length ? problemText(join.error) : null;
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={{ creditCode }}
      onFinish={(v) => join.mutate(v)}
      disabled={join.isPending}
      data-testid="join-form"
    >
      {unplaced ? <Alert type="error" showIcon title={unplaced} style={{ marginBottom: 16 }} /> : null}
      <Form.Item name="creditCode" label={f('creditCode')} rules={[required('creditCode')]}>
        <Input maxLength={24} className="nowrap" data-testid="join-credit-code" />
      </Form.Item>
      <Form.Item name="displayName" label={f('displayName')} rules={[required('displayName'), { min: 2, max: 50 }]}>
        <Input maxLength={50} autoComplete="name" data-testid="join-name" />
      </Form.Item>
      <EmailField testId="join" />
      <Form.Item
        name="phone"
        label={f('phone')}
        rules={[required('phone'), { pattern: MOBILE, message: t('organisations.rule.mobile') }]}
      >
        <Input maxLength={11} inputMode="tel" autoComplete="tel" data-testid="join-phone" />
      </Form.Item>
      <NewPasswordFields testId="join" email={email} whitespace />
      <Button type="primary" htmlType="submit" block loading={join.isPending} data-testid="join-submit">
        {t('organisations.join.submit')}
      </Button>
      <div style={{ textAlign: 'center', marginTop: 12 }}>
        <Button type="link" onClick={onBack}>
          {t('organisations.join.back')}
        </Button>
      </div>
    </Form>
  );
}
