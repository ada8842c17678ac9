import { App as AntApp } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError, problemText } from '../../api/client';

/** A failed mutation as one toast: the server's detail and field messages. */
export function useFailedToast() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  return (e: unknown) =>
    void message.error(
      isApiError(e) ? (e.status === 0 ? t('common.errorNetwork') : problemText(e)) : t('booking.actions.failed'),
    );
}
