import { Form, Input } from 'antd';
import { PasswordHints } from './PasswordHints';
import { checkPassword, passwordOk } from './passwordPolicy';

type Props = {
  /** The fields' test ids are `<testId>-password` and `<testId>-confirm`. */
  testId: string;
  /** The account's address, checked against the password (none where it is not known here). */
  email?: string | null;
  labels: { password: string; confirm: string };
  messages: { passwordRequired: string; confirmRequired: string; weak: string; mismatch: string };
  /** Also refuse a value of spaces only as missing. */
  whitespace?: boolean;
};

/** A new password (`password`) with the policy's hints and its confirmation (`confirm`), inside a Form. */
export function PasswordFields({ testId, email, labels, messages, whitespace }: Props) {
  const form = Form.useFormInstance();
  const password = Form.useWatch('password', form) as string | undefined;
  const ws = whitespace ? { whitespace: true } : {};
  return (
    <>
      <Form.Item
        name="password"
        label={labels.password}
        extra={<PasswordHints password={password} email={email} />}
        rules={[
          { required: true, ...ws, message: messages.passwordRequired },
          {
            validator: (_, v: string | undefined) =>
              !v || passwordOk(checkPassword(v, email)) ? Promise.resolve() : Promise.reject(new Error(messages.weak)),
          },
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid={`${testId}-password`} />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={labels.confirm}
        dependencies={['password']}
        rules={[
          { required: true, ...ws, message: messages.confirmRequired },
          ({ getFieldValue }) => ({
            validator: (_, v: string | undefined) =>
              !v || v === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(messages.mismatch)),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid={`${testId}-confirm`} />
      </Form.Item>
    </>
  );
}
