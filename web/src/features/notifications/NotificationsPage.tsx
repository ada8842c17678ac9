import { BellOutlined, CheckOutlined, MailOutlined } from '@ant-design/icons';
import { App as AntApp, Badge, Button, Card, Segmented, Skeleton, Switch, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { NotificationPreference, NotificationType } from '../../api/notifications';
import type { Role } from '../../api/auth';
import { useAuth } from '../../app/auth';
import { EmptyState, ErrorState } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { NotificationText } from './NotificationItem';
import {
  useLatestNotifications,
  useMarkAllRead,
  useMarkRead,
  useNotificationList,
  useNotificationPreferences,
  useSetPreference,
} from './queries';
import './notifications.css';

function NotificationList() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<'all' | 'unread'>('all');
  const list = useNotificationList(filter === 'unread');
  const unreadCount = useLatestNotifications().data?.unreadCount ?? list.data?.pages[0]?.unreadCount ?? 0;
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Card
      className="section-card"
      title={
        <span>
          <BellOutlined /> {t('notifications.title')}{' '}
          <Badge count={unreadCount} overflowCount={99} style={{ marginInlineStart: 4 }} />
        </span>
      }
      extra={
        <span className="notification-row__actions">
          <Segmented
            size="small"
            value={filter}
            onChange={(v) => setFilter(v as 'all' | 'unread')}
            options={[
              { value: 'all', label: t('notifications.all') },
              { value: 'unread', label: t('notifications.unread') },
            ]}
            data-testid="notifications-filter"
          />
          <Button
            size="small"
            icon={<CheckOutlined />}
            disabled={!unreadCount}
            loading={markAll.isPending}
            onClick={() =>
              markAll.mutate(undefined, { onSuccess: () => void message.success(t('notifications.markedAll')) })
            }
            data-testid="notifications-page-read-all"
          >
            {t('notifications.markAllRead')}
          </Button>
        </span>
      }
    >
      {list.isPending ? (
        <Skeleton active />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : !items.length ? (
        <EmptyState title={filter === 'unread' ? t('notifications.emptyUnread') : t('notifications.empty')} />
      ) : (
        <>
          <ul className="notification-list" data-testid="notification-list">
            {items.map((n) => (
              <li key={n.id} className="notification-row" data-testid="notification-row" data-read={!!n.readAt}>
                <NotificationText n={n} />
                <span className="notification-row__actions">
                  {n.link ? (
                    <Button
                      size="small"
                      type="link"
                      onClick={() => {
                        if (!n.readAt) markRead.mutate(n.id);
                        navigate(n.link!);
                      }}
                    >
                      {t('notifications.open')}
                    </Button>
                  ) : null}
                  {n.readAt ? null : (
                    <Button
                      size="small"
                      onClick={() => markRead.mutate(n.id)}
                      loading={markRead.isPending && markRead.variables === n.id}
                      data-testid="notification-mark-read"
                    >
                      {t('notifications.markRead')}
                    </Button>
                  )}
                </span>
              </li>
            ))}
          </ul>
          {list.hasNextPage ? (
            <div style={{ textAlign: 'center', marginTop: 12 }}>
              <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                {t('notifications.loadMore')}
              </Button>
            </div>
          ) : null}
        </>
      )}
    </Card>
  );
}

/** The types a role can receive (admins book, run programmes and see everything). */
const NOT_FOR: Record<Role, readonly NotificationType[]> = {
  researcher: ['booking_requested', 'reconciliation_findings'],
  lab_manager: ['quota_low', 'reconciliation_findings'],
  finance_officer: [
    'booking_requested',
    'booking_approved',
    'booking_rejected',
    'booking_cancelled',
    'booking_reminder',
    'booking_completed',
    'quota_low',
    'settlement_line_returned',
    'batch_paid',
  ],
  platform_admin: [],
};

function Preferences() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { user } = useAuth();
  const prefs = useNotificationPreferences();
  const hidden = user ? NOT_FOR[user.role] : [];
  const rows = (prefs.data ?? []).filter((p) => !hidden.includes(p.type));
  const save = useSetPreference();
  return (
    <Card
      className="section-card"
      title={
        <span>
          <MailOutlined /> {t('notifications.preferences.title')}
        </span>
      }
      style={{ marginTop: 16 }}
    >
      <Typography.Paragraph type="secondary">{t('notifications.preferences.hint')}</Typography.Paragraph>
      {prefs.isError ? (
        <ErrorState error={prefs.error} onRetry={() => void prefs.refetch()} />
      ) : (
        <Table<NotificationPreference>
          size="small"
          rowKey="type"
          loading={prefs.isPending}
          dataSource={rows}
          pagination={false}
          data-testid="notification-preferences"
          columns={[
            {
              title: t('notifications.preferences.type'),
              dataIndex: 'type',
              render: (type: NotificationPreference['type']) => t(`notifications.types.${type}`),
            },
            {
              title: t('notifications.preferences.email'),
              dataIndex: 'email',
              width: 120,
              render: (email: boolean, row) => (
                <Switch
                  checked={email}
                  aria-label={`${t(`notifications.types.${row.type}`)}: ${t('notifications.preferences.email')}`}
                  loading={save.isPending && save.variables?.type === row.type}
                  onChange={(checked) =>
                    save.mutate(
                      { type: row.type, email: checked },
                      {
                        onSuccess: () => void message.success(t('notifications.preferences.saved')),
                        onError: () => void message.error(t('notifications.preferences.failed')),
                      },
                    )
                  }
                  data-testid={`notification-pref-${row.type}`}
                />
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}

/** 消息中心: one's notifications, newest first, and which of them come by email. */
export function NotificationsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('notifications.title'));
  return (
    <div className="notifications-page" data-testid="notifications-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('notifications.title')}
          </Typography.Title>
        </div>
      </div>
      <NotificationList />
      <Preferences />
    </div>
  );
}
