import { Alert, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { ChangePasswordCard } from './ChangePasswordCard';
import { formatMinute } from './format';
import { SecondFactorCard } from './SecondFactorCard';
import { SessionsCard } from './SessionsCard';
import './account.css';

/**
 * Account security: change the password, see and end one's sessions, two-step verification. An
 * account whose password expired, or whose role needs a second factor it lacks, is sent here first.
 */
export function AccountSecurityPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  useDocumentTitle(t('account.security.title'));
  const restriction = user?.restriction;
  const cards = [<ChangePasswordCard key="password" />, <SecondFactorCard key="second-factor" />];
  return (
    <div className="account-page" data-testid="account-security">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('account.security.title')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {user?.email} ·{' '}
            {user?.passwordExpiresAt
              ? t('account.security.passwordExpires', { time: formatMinute(user.passwordExpiresAt) })
              : t('account.security.passwordNoExpiry')}
          </Typography.Text>
        </div>
      </div>
      {restriction === 'password_expired' || restriction === 'second_factor_required' ? (
        <Alert
          className="account-page__alert"
          type="warning"
          showIcon
          title={t('account.restriction.banner')}
          description={t(`account.restriction.${restriction}`)}
          data-testid="restriction-alert"
        />
      ) : null}
      {/* Keyed: when the restriction lifts the cards swap places, and keep their state (the recovery codes shown). */}
      {restriction === 'second_factor_required' ? [...cards].reverse() : cards}
      <SessionsCard />
    </div>
  );
}
