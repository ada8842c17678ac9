import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Notification } from '../../api/notifications';
import { isEnglish } from '../../i18n';
import { formatDateTime } from '../../ui/time';

const HOME_ZONE = 'Asia/Shanghai';

/** A notification's title and text in the reader's language, with its time and an unread mark. */
export function NotificationText({ n, compact = false }: { n: Notification; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const en = isEnglish(i18n.language);
  const title = en ? n.titleEn : n.title;
  const body = en ? n.bodyEn : n.body;
  return (
    <div className={`notification-text${n.readAt ? '' : ' notification-text--unread'}`} lang={en ? 'en' : 'zh-CN'}>
      <div className="notification-text__head">
        {n.readAt ? null : <span className="notification-dot" aria-label={t('notifications.new')} />}
        <Typography.Text strong={!n.readAt} className="notification-text__title">
          {title}
        </Typography.Text>
      </div>
      <Typography.Paragraph
        type="secondary"
        className="notification-text__body"
        ellipsis={compact ? { rows: 2 } : false}
      >
        {body}
      </Typography.Paragraph>
      <div className="notification-text__time">{formatDateTime(n.createdAt, HOME_ZONE, i18n.language)}</div>
    </div>
  );
}
