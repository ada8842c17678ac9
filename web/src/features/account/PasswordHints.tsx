import { CheckCircleFilled, CloseCircleOutlined, InfoCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { checkPassword } from './passwordPolicy';

/** The policy's rules, each ticked off as the password is typed. */
export function PasswordHints({ password, email }: { password: string | undefined; email?: string | null }) {
  const { t } = useTranslation();
  const typed = !!password;
  const c = checkPassword(password ?? '', email);
  const rule = (ok: boolean, text: string, key: string) => (
    <li key={key} className={!typed ? 'pw-rule' : ok ? 'pw-rule pw-rule--ok' : 'pw-rule pw-rule--bad'} data-ok={ok}>
      {!typed ? <InfoCircleOutlined /> : ok ? <CheckCircleFilled /> : <CloseCircleOutlined />} {text}
    </li>
  );
  return (
    <ul className="pw-rules" aria-label={t('account.password.rules')} data-testid="password-hints">
      {rule(c.length, t('account.password.ruleLength'), 'length')}
      {rule(c.kinds, t('account.password.ruleKinds'), 'kinds')}
      {rule(c.email, t('account.password.ruleEmail'), 'email')}
      <li className="pw-rule">
        <InfoCircleOutlined /> {t('account.password.ruleCommon')}
      </li>
    </ul>
  );
}
