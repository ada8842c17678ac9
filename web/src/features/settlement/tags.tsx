import { CheckCircleOutlined, CloseCircleOutlined, SyncOutlined } from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  CHECK_NAMES,
  type BatchStatus,
  type CheckName,
  type FindingKind,
  type LineCheck,
  type LineStatus,
  type RunStatus,
} from '../../api/settlement';

const BATCH_COLOR: Record<BatchStatus, string> = {
  draft: 'default',
  submitted: 'gold',
  in_notice: 'purple',
  reviewed: 'blue',
  paid: 'green',
};
const LINE_COLOR: Record<LineStatus, string> = {
  pending: 'gold',
  approved: 'green',
  returned: 'orange',
  rejected: 'red',
  removed: 'default',
};
const RUN_COLOR: Record<RunStatus, string> = {
  running: 'processing',
  clean: 'success',
  findings: 'error',
  failed: 'warning',
};

export function BatchStatusTag({ status }: { status: BatchStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={BATCH_COLOR[status]} data-testid="batch-status" data-status={status}>
      {t(`settlement.batchStatus.${status}`)}
    </Tag>
  );
}

export function LineStatusTag({ status }: { status: LineStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={LINE_COLOR[status]} data-testid="line-status" data-status={status}>
      {t(`settlement.lineStatus.${status}`)}
    </Tag>
  );
}

export function RunStatusTag({ status }: { status: RunStatus }) {
  const { t } = useTranslation();
  return (
    <Tag
      color={RUN_COLOR[status]}
      icon={status === 'running' ? <SyncOutlined spin /> : undefined}
      data-testid="run-status"
      data-status={status}
    >
      {t(`reconciliation.status.${status}`)}
    </Tag>
  );
}

export function FindingKindTag({ kind }: { kind: FindingKind }) {
  const { t } = useTranslation();
  return (
    <Tag color="volcano" className="finding-kind" data-kind={kind}>
      {t(`reconciliation.kinds.${kind}`)}
    </Tag>
  );
}

const isCheckName = (name: string): name is CheckName => (CHECK_NAMES as readonly string[]).includes(name);

/** The label of a check; an unknown name (a newer server) as it is. */
export function useCheckLabel() {
  const { t } = useTranslation();
  return (name: string) => (isCheckName(name) ? t(`settlement.checks.${name}`) : name);
}

/** One automatic check: green or red, its detail in a tooltip (and to screen readers). */
export function CheckTag({ check }: { check: LineCheck }) {
  const label = useCheckLabel();
  return (
    <Tooltip title={check.detail}>
      <Tag
        color={check.ok ? 'success' : 'error'}
        icon={check.ok ? <CheckCircleOutlined /> : <CloseCircleOutlined />}
        className="check-tag"
        tabIndex={0}
        aria-label={`${label(check.name)}: ${check.detail}`}
        data-testid="check"
        data-check={check.name}
        data-ok={check.ok}
      >
        {label(check.name)}
      </Tag>
    </Tooltip>
  );
}

/** The checks of a line at a glance: the failing ones in red, or one green "all passed". */
export function CheckSummary({ checks }: { checks: LineCheck[] }) {
  const { t } = useTranslation();
  const failing = checks.filter((c) => !c.ok);
  if (!failing.length) {
    return (
      <Tooltip
        title={
          <ul className="check-tooltip">
            {checks.map((c) => (
              <li key={c.name}>{c.detail}</li>
            ))}
          </ul>
        }
      >
        <Tag color="success" icon={<CheckCircleOutlined />} tabIndex={0} data-testid="checks-ok">
          {t('settlement.checksAllPassed', { n: checks.length })}
        </Tag>
      </Tooltip>
    );
  }
  return (
    <span className="check-tags" data-testid="checks-failing">
      {failing.map((c) => (
        <CheckTag key={c.name} check={c} />
      ))}
    </span>
  );
}

/** Days waiting, amber after two weeks and red after a month. */
export function AgeTag({ days }: { days: number }) {
  const { t } = useTranslation();
  const color = days >= 30 ? 'red' : days >= 14 ? 'orange' : 'default';
  return (
    <Tag color={color} className="age-tag" data-testid="batch-age" data-days={days}>
      {t('settlement.ageDays', { n: days })}
    </Tag>
  );
}
