import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Popover, Spin } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { Notification } from '../../api/notifications';
import { useAuth } from '../../app/auth';
import { NotificationText } from './NotificationItem';
import { useLatestNotifications, useMarkAllRead, useMarkRead } from './queries';
import './notifications.css';

/** The header's bell: the unread count (polled every 30 s) and the latest notifications. */
export function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const latest = useLatestNotifications();
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  const unread = latest.data?.unreadCount ?? 0;

  const openItem = (n: Notification) => {
    if (!n.readAt) markRead.mutate(n.id);
    setOpen(false);
    if (n.link) navigate(n.link);
  };

  const content = (
    <div className="notification-popover" data-testid="notification-popover">
      <div className="notification-popover__head">
        <strong>{t('notifications.latest')}</strong>
        <Button
          type="link"
          size="small"
          disabled={!unread}
          loading={markAll.isPending}
          onClick={() => markAll.mutate()}
          data-testid="notifications-read-all"
        >
          {t('notifications.markAllRead')}
        </Button>
      </div>
      {latest.isPending ? (
        <div className="notification-popover__spin">
          <Spin />
        </div>
      ) : latest.data?.items.length ? (
        <ul className="notification-list notification-list--compact">
          {latest.data.items.map((n) => (
            <li key={n.id}>
              <button
                type="button"
                className="notification-list__button"
                onClick={() => openItem(n)}
                data-testid="notification-item"
              >
                <NotificationText n={n} compact />
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      )}
      <div className="notification-popover__foot">
        <Link to="/notifications" onClick={() => setOpen(false)} data-testid="notifications-view-all">
          {t('notifications.viewAll')}
        </Link>
      </div>
    </div>
  );

  return (
    <Popover trigger="click" placement="bottomRight" open={open} onOpenChange={setOpen} content={content} arrow={false}>
      <Button
        type="text"
        className="header-btn"
        aria-label={unread ? t('notifications.unreadAria', { count: unread }) : t('notifications.bell')}
        data-testid="notification-bell"
        data-unread={unread}
        icon={
          <Badge count={unread} size="small" overflowCount={99} offset={[4, -2]}>
            <BellOutlined className="notification-bell__icon" />
          </Badge>
        }
      />
    </Popover>
  );
}

/** The bell for a signed-in user; nothing otherwise. */
export function HeaderNotifications() {
  const { user } = useAuth();
  return user ? <NotificationBell /> : null;
}
