import { Button, Result, Space, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { User } from '../../api/auth';
import { useAuth } from '../../app/auth';
import { ErrorState } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useMyQuotas } from '../vouchers/queries';
import { ClaimBatchPage } from './ClaimBatchPage';
import { ClaimsPage } from './ClaimsPage';

/**
 * Whether the signed-in researcher's enterprise claims voucher shares itself: it holds (or held) a quota
 * of a reimburse-mode programme (先付后补). The quotas' `settlementMode` is how the SPA knows a
 * programme's mode; an enterprise with deduct-mode (通兑) quotas only has nothing to claim.
 */
export const claimsItself = (user: User | null, quotas: { settlementMode: string }[] | undefined): boolean =>
  user?.role === 'researcher' &&
  user.organisation.kind === 'enterprise' &&
  !!quotas?.some((q) => q.settlementMode === 'reimburse');

function NothingToClaim() {
  const { t } = useTranslation();
  useDocumentTitle(t('work.claimsGate.title'));
  return (
    <Result
      status="info"
      title={t('work.claimsGate.title')}
      subTitle={<span className="claims-gate__text">{t('work.claimsGate.text')}</span>}
      data-testid="claims-gate"
      extra={
        <Space wrap style={{ justifyContent: 'center' }}>
          <Link to="/vouchers">
            <Button type="primary">{t('work.claimsGate.vouchers')}</Button>
          </Link>
          <Link to="/bookings">
            <Button>{t('work.claimsGate.bookings')}</Button>
          </Link>
        </Space>
      }
    />
  );
}

function Gate({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const enterprise = user?.organisation.kind === 'enterprise';
  const quotas = useMyQuotas(enterprise);
  const deductOnly = !enterprise || (quotas.isSuccess && !claimsItself(user, quotas.data));
  if (enterprise && quotas.isPending) {
    return (
      <div className="page-spin">
        <Spin size="large" />
      </div>
    );
  }
  if (enterprise && quotas.isError) return <ErrorState error={quotas.error} onRetry={() => void quotas.refetch()} />;
  if (deductOnly) return <NothingToClaim />;
  return <>{children}</>;
}

/** 我的报销 (`/my/claims`): only for enterprises in reimburse mode; others are told why they have none. */
export function MyClaimsPage() {
  return (
    <Gate>
      <ClaimsPage />
    </Gate>
  );
}

export function MyClaimBatchPage() {
  return (
    <Gate>
      <ClaimBatchPage />
    </Gate>
  );
}
