/** A person's account fields on the registration, join and invitation forms: the e-mail and the new password. */
import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { PasswordFields } from '../account/PasswordFields';
import type { FieldKey } from './parts';

/** The sign-in address (`email`); its test id is `<testId>-email`. */
export function EmailField({ testId }: { testId: string }) {
  const { t } = useTranslation();
  const label = t('organisations.field.email');
  return (
    <Form.Item
      name="email"
      label={label}
      extra={t('organisations.hint.email')}
      rules={[
        { required: true, whitespace: true, message: t('organisations.rule.required', { field: label }) },
        { type: 'email', message: t('organisations.rule.email') },
      ]}
    >
      <Input maxLength={200} inputMode="email" autoComplete="username" data-testid={`${testId}-email`} />
    </Form.Item>
  );
}

/** The new password and its confirmation, in the organisations' wording. */
export function NewPasswordFields({
  testId,
  email,
  whitespace,
}: {
  testId: string;
  email: string | null | undefined;
  whitespace?: boolean;
}) {
  const { t } = useTranslation();
  const f = (k: FieldKey) => t(`organisations.field.${k}`);
  return (
    <PasswordFields
      testId={testId}
      email={email}
      whitespace={whitespace}
      labels={{ password: f('password'), confirm: f('confirm') }}
      messages={{
        passwordRequired: t('organisations.rule.required', { field: f('password') }),
        confirmRequired: t('organisations.rule.required', { field: f('confirm') }),
        weak: t('organisations.rule.weakPassword'),
        mismatch: t('organisations.rule.confirm'),
      }}
    />
  );
}
