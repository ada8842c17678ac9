import { message, Modal, notification } from 'antd';
import type { useAppProps } from 'antd/es/app/context';
import { useEffect } from 'react';

/** The message, notification and modal holders antd's `<App>` renders (loaded by ./feedback after the first screen). */
export function FeedbackHolders({ onApi }: { onApi: (api: useAppProps) => void }) {
  const [messageApi, messageHolder] = message.useMessage();
  const [notificationApi, notificationHolder] = notification.useNotification();
  const [modalApi, modalHolder] = Modal.useModal();
  useEffect(() => {
    onApi({ message: messageApi, notification: notificationApi, modal: modalApi });
    // the APIs are stable for the holders' lifetime; onApi is a new closure each render
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [messageApi, notificationApi, modalApi]);
  return (
    <>
      {modalHolder}
      {messageHolder}
      {notificationHolder}
    </>
  );
}
