/** `/verify-email?token=…`: the link of the verification mail. The token is used once, on opening the page. */
import { useMutation } from '@tanstack/react-query';
import { Button, Card, Result, Spin } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { organisationsApi } from '../../api/organisations';
import { useAuth } from '../../app/auth';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useOrganisationsChanged } from './queries';
import './organisations.css';

export function VerifyEmailPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token')?.trim() ?? '';
  const { user, refetch } = useAuth();
  const changed = useOrganisationsChanged();
  useDocumentTitle(t('organisations.verify.title'));
  const verify = useMutation({
    mutationFn: () => organisationsApi.verifyEmail(token),
    onSuccess: () => {
      // The signed-in account (if it is this one) is no longer waiting for its e-mail.
      refetch();
      changed();
    },
  });
  // Once per page (React's development mode mounts twice; the link works once).
  const sent = useRef(false);
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    verify.mutate();
  }, [token, verify]);

  const next = user ? (
    <Link to="/registration">
      <Button type="primary">{t('organisations.verify.toApplication')}</Button>
    </Link>
  ) : (
    <Link to="/login">
      <Button type="primary">{t('organisations.verify.toLogin')}</Button>
    </Link>
  );
  let body;
  if (!token) {
    body = (
      <Result
        status="warning"
        title={t('organisations.verify.failedTitle')}
        subTitle={t('organisations.verify.missing')}
      />
    );
  } else if (verify.isSuccess) {
    const r = verify.data;
    const text =
      r.membership === 'requested'
        ? t('organisations.verify.membership')
        : r.submitted || r.organisationStatus === 'pending_review'
          ? t('organisations.verify.submitted')
          : r.organisationStatus === 'unverified'
            ? t('organisations.verify.needDocuments')
            : t('organisations.verify.active');
    body = (
      <Result
        status="success"
        title={t('organisations.verify.doneTitle')}
        subTitle={text}
        extra={next}
        data-testid="verify-done"
      />
    );
  } else if (verify.isError) {
    body = (
      <Result
        status="warning"
        title={t('organisations.verify.failedTitle')}
        subTitle={t('organisations.verify.failedText')}
        extra={next}
        data-testid="verify-failed"
      />
    );
  } else {
    body = (
      <div style={{ textAlign: 'center', padding: 32 }}>
        <Spin size="large" />
        <p>{t('organisations.verify.verifying')}</p>
      </div>
    );
  }
  return (
    <div className="org-narrow" data-testid="verify-page">
      <Card>{body}</Card>
    </div>
  );
}
