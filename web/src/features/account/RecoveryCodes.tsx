import { CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { App as AntApp, Alert, Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';

/** Recovery codes, shown once: copy them or download them as a text file. */
export function RecoveryCodes({ codes, email }: { codes: string[]; email: string }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const text = [
    t('account.twoFactor.codesFileTitle'),
    t('account.twoFactor.codesFileAccount', { email }),
    '',
    ...codes,
    '',
    t('account.twoFactor.codesFileNote'),
  ].join('\n');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      void message.success(t('account.twoFactor.copied'));
    } catch {
      void message.error(t('common.errorGeneric'));
    }
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'recovery-codes.txt';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div data-testid="recovery-codes">
      <Alert
        type="warning"
        showIcon
        title={t('account.twoFactor.codesTitle')}
        description={t('account.twoFactor.codesHint')}
      />
      <ol className="recovery-codes">
        {codes.map((c) => (
          <li key={c} data-testid="recovery-code">
            {c}
          </li>
        ))}
      </ol>
      <Space wrap>
        <Button icon={<CopyOutlined />} onClick={() => void copy()}>
          {t('account.twoFactor.copy')}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={download} data-testid="download-recovery-codes">
          {t('account.twoFactor.download')}
        </Button>
      </Space>
    </div>
  );
}
