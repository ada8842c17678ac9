import { DeleteOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Form, Space, Typography, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { catalogApi, isPhotoAddress, type InstrumentDetail } from '../../api/catalog';
import { isApiError, problemText } from '../../api/client';
import { InstrumentThumb } from '../../ui/InstrumentThumb';
import type { FormValues } from './instrumentForm';

/** What the server keeps as a photo (it reads the type from the file's bytes). */
const PHOTO_ACCEPT = '.jpg,.jpeg,.png,.webp,image/jpeg,image/png,image/webp';

/**
 * The photo beside its address field: a preview, an upload to the platform (for a saved instrument:
 * the upload goes to it at once and its address fills the field) and a button that clears the field.
 */
export function PhotoControls({ detail }: { detail: InstrumentDetail | null }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const form = Form.useFormInstance<FormValues>();
  const value = Form.useWatch('photoUrl', form);
  // Previewed: the platform's own photos and the address the server accepted. An address just typed
  // is not loaded before the server has checked its host (it could be anyone's tracking pixel).
  const typed = value?.trim() ?? '';
  const src =
    typed && isPhotoAddress(typed) && (typed.startsWith('/api/v1/instrument-photos/') || typed === detail?.photoUrl)
      ? typed
      : null;

  const upload = useMutation({
    mutationFn: (file: File) => catalogApi.uploadPhoto(detail!.id, file),
    onSuccess: (saved) => {
      form.setFields([{ name: 'photoUrl', value: saved.photoUrl, errors: [] }]);
      // The record changed on the server: read again when next shown, not now (the form would start over).
      void qc.invalidateQueries({ queryKey: ['instruments', 'detail', saved.id], refetchType: 'none' });
      void qc.invalidateQueries({ queryKey: ['instruments', 'search'] });
      void message.success(t('lab.photo.uploaded'));
    },
    onError: (e) => void message.error(isApiError(e) && e.status !== 0 ? problemText(e) : t('lab.photo.failed')),
  });

  return (
    <div className="photo-field" data-testid="photo-field">
      <InstrumentThumb key={src ?? ''} src={src} alt={t('lab.fields.photoUrl')} size={96} />
      <Space wrap>
        {detail ? (
          <Upload
            accept={PHOTO_ACCEPT}
            showUploadList={false}
            beforeUpload={(file) => {
              upload.mutate(file);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={upload.isPending} data-testid="photo-upload">
              {t('lab.photo.upload')}
            </Button>
          </Upload>
        ) : (
          <Typography.Text type="secondary">{t('lab.photo.afterSave')}</Typography.Text>
        )}
        {value ? (
          <Button
            icon={<DeleteOutlined />}
            onClick={() => form.setFieldValue('photoUrl', null)}
            data-testid="photo-remove"
          >
            {t('lab.photo.remove')}
          </Button>
        ) : null}
      </Space>
    </div>
  );
}
