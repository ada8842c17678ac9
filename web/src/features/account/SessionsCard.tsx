import { DesktopOutlined, LogoutOutlined, MobileOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Card, Popconfirm, Skeleton, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { authApi, type SessionInfo } from '../../api/auth';
import { isApiError, problemText } from '../../api/client';
import { ME_KEY } from '../../app/auth';
import { ErrorState } from '../../ui/states';
import { formatMinute } from './format';
import { accountKeys, useSessions } from './queries';

/** One's live sessions, this one first: device, address, when signed in and last seen; end any, or all others. */
export function SessionsCard() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const sessions = useSessions();
  const failed = (e: unknown) =>
    void message.error(isApiError(e) ? problemText(e) || t('common.errorGeneric') : t('common.errorGeneric'));
  const end = useMutation({
    mutationFn: (s: SessionInfo) => authApi.endSession(s.id).then(() => s),
    onSuccess: (s) => {
      if (s.current) {
        // Ending this one is signing out.
        qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
        qc.setQueryData(ME_KEY, null);
        navigate('/login');
        return;
      }
      void message.success(t('account.security.ended'));
      void qc.invalidateQueries({ queryKey: accountKeys.sessions });
    },
    onError: failed,
  });
  const endOthers = useMutation({
    mutationFn: () => authApi.endOtherSessions(),
    onSuccess: ({ ended }) => {
      void message.success(t('account.security.endedOthers', { count: ended }));
      void qc.invalidateQueries({ queryKey: accountKeys.sessions });
    },
    onError: failed,
  });
  const list = [...(sessions.data ?? [])].sort((a, b) => Number(b.current) - Number(a.current));
  const others = list.filter((s) => !s.current).length;

  return (
    <Card
      className="section-card"
      title={t('account.security.sessions')}
      data-testid="sessions"
      extra={
        <Popconfirm
          title={t('account.security.endOthersConfirm')}
          okText={t('account.security.endOthers')}
          cancelText={t('account.twoFactor.cancel')}
          okButtonProps={{ danger: true }}
          onConfirm={() => endOthers.mutateAsync().catch(() => undefined)}
          disabled={!others}
        >
          <Button
            size="small"
            danger
            icon={<LogoutOutlined />}
            disabled={!others}
            loading={endOthers.isPending}
            data-testid="end-other-sessions"
          >
            {t('account.security.endOthers')}
          </Button>
        </Popconfirm>
      }
    >
      <Typography.Paragraph type="secondary">{t('account.security.sessionsHint')}</Typography.Paragraph>
      {sessions.isPending ? (
        <Skeleton active />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <>
          <ul className="session-list" data-testid="session-list">
            {list.map((s) => (
              <li key={s.id} className="session-row" data-testid="session-row" data-current={s.current}>
                <span className="session-row__icon" aria-hidden>
                  {s.mobile ? <MobileOutlined /> : <DesktopOutlined />}
                </span>
                <div className="session-row__main">
                  <div className="session-row__device" title={s.userAgent ?? undefined}>
                    {s.device || t('account.security.unknownDevice')}{' '}
                    {s.current ? <Tag color="green">{t('account.security.thisDevice')}</Tag> : null}
                    {s.mobile ? <Tag>{t('account.security.mobile')}</Tag> : null}
                  </div>
                  <div className="session-row__meta">
                    <span>
                      {t('account.security.address')}: {s.address ?? t('account.security.unknownAddress')}
                    </span>
                    <span>
                      {t('account.security.signedInAt')}: {formatMinute(s.createdAt)}
                    </span>
                    <span>
                      {t('account.security.lastSeen')}: {formatMinute(s.lastSeenAt)}
                    </span>
                  </div>
                </div>
                <Popconfirm
                  title={t('account.security.endConfirm')}
                  okText={t('account.security.end')}
                  cancelText={t('account.twoFactor.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => end.mutateAsync(s).catch(() => undefined)}
                >
                  <Button size="small" data-testid="end-session">
                    {t('account.security.end')}
                  </Button>
                </Popconfirm>
              </li>
            ))}
          </ul>
          {!others ? <Typography.Text type="secondary">{t('account.security.noOthers')}</Typography.Text> : null}
        </>
      )}
    </Card>
  );
}
