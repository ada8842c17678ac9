import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RunStatus, SharingMode } from '../api/catalog';

const RUN_STATUS_COLOR: Record<RunStatus, string> = {
  normal: 'success',
  standby: 'geekblue',
  remote: 'cyan',
  occasional_fault: 'warning',
  frequent_fault: 'orange',
  awaiting_repair: 'error',
  to_be_retired: 'default',
};

const SHARING_COLOR: Record<SharingMode, string> = {
  external: 'blue',
  internal: 'purple',
  not_shared: 'default',
};

export function RunStatusTag({ status }: { status: RunStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={RUN_STATUS_COLOR[status]} variant="outlined" data-testid="run-status">
      {t(`runStatus.${status}`)}
    </Tag>
  );
}

export function SharingModeTag({ mode }: { mode: SharingMode }) {
  const { t } = useTranslation();
  return (
    <Tag color={SHARING_COLOR[mode]} variant="filled">
      {t(`sharingMode.${mode}`)}
    </Tag>
  );
}
