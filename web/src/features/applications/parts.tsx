/** What the applicant's and the reviewers' pages share: status tags, history, the enterprise, the certification. */
import { FileOutlined } from '@ant-design/icons';
import { Alert, Descriptions, List, Tag, Timeline, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type {
  ApplicationStatus,
  CertificationApplication,
  CertificationState,
  DocumentView,
  HistoryEntry,
} from '../../api/applications';
import { EmptyState } from '../../ui/states';
import { formatDateTime, PLATFORM_ZONE } from '../../ui/time';

export const HOME_ZONE = PLATFORM_ZONE;

const STATUS_COLOR: Record<ApplicationStatus, string> = {
  submitted: 'processing',
  returned: 'warning',
  approved: 'success',
  rejected: 'error',
  withdrawn: 'default',
};

export function ApplicationStatusTag({ status }: { status: ApplicationStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="application-status" data-status={status}>
      {t(`applications.status.${status}`)}
    </Tag>
  );
}

const ACTION_COLOR: Record<string, string> = {
  submitted: 'blue',
  resubmitted: 'blue',
  approved: 'green',
  returned: 'orange',
  rejected: 'red',
  withdrawn: 'gray',
};

export function ApplicationHistory({ history }: { history: HistoryEntry[] }) {
  const { t, i18n } = useTranslation();
  if (!history.length) return <EmptyState title={t('applications.common.noHistory')} />;
  return (
    <Timeline
      className="bk-timeline"
      data-testid="application-history"
      items={history.map((e, i) => ({
        key: i,
        color: ACTION_COLOR[e.action] ?? 'gray',
        content: (
          <div data-testid="history-entry" data-action={e.action}>
            <Typography.Text strong>{t(`applications.action.${e.action}`)}</Typography.Text>
            <div className="bk-timeline__meta">
              {formatDateTime(e.at, HOME_ZONE, i18n.language)}
              {e.actorName ? ` · ${e.actorName}` : ''}
              {e.actorOrganisation ? `（${e.actorOrganisation}）` : ''}
            </div>
            {e.note ? <div className="bk-timeline__reason">{e.note}</div> : null}
          </div>
        ),
      }))}
    />
  );
}

/** The enterprise's 科技型中小企业 certification as it stands. */
export function CertificationStateView({ state, narrow }: { state: CertificationState | null; narrow?: boolean }) {
  const { t } = useTranslation();
  if (!state)
    return (
      <Typography.Text type="secondary" data-testid="certification-state" data-valid="false">
        {t('applications.certification.none')}
      </Typography.Text>
    );
  const tag = state.revoked ? (
    <Tag color="error">{t('applications.certification.revoked')}</Tag>
  ) : state.valid ? (
    <Tag color="success">{t('applications.certification.valid')}</Tag>
  ) : (
    <Tag color="default">{t('applications.certification.expired')}</Tag>
  );
  return (
    <Descriptions
      size="small"
      column={narrow ? 1 : { xs: 1, sm: 3 }}
      data-testid="certification-state"
      data-valid={String(state.valid)}
      items={[
        {
          key: 'no',
          label: t('applications.certification.certificateNo'),
          children: (
            <span>
              {state.certificateNo} {tag}
            </span>
          ),
        },
        { key: 'on', label: t('applications.certification.certifiedOn'), children: state.certifiedOn },
        { key: 'until', label: t('applications.certification.validUntil'), children: state.expiresOn },
      ]}
    />
  );
}

/** The applying enterprise as the reviewers see it. */
export function ApplicantFacts({ enterprise: e }: { enterprise: CertificationApplication['enterprise'] }) {
  const { t } = useTranslation();
  const none = t('common.none');
  const items: NonNullable<DescriptionsProps['items']> = [
    { key: 'name', label: t('applications.common.enterprise'), children: e.name },
    { key: 'code', label: t('applications.common.creditCode'), children: e.creditCode ?? none },
    { key: 'city', label: t('applications.common.city'), children: e.cityName ?? none },
    { key: 'legal', label: t('applications.common.legalRepresentative'), children: e.legalRepresentative ?? none },
    { key: 'contact', label: t('applications.common.contact'), children: e.contactName ?? none },
    { key: 'phone', label: t('applications.common.contactPhone'), children: e.contactPhone ?? none },
    { key: 'email', label: t('applications.common.contactEmail'), children: e.contactEmail ?? none },
  ];
  return <Descriptions size="small" column={{ xs: 1, sm: 2 }} items={items} data-testid="applicant-facts" />;
}

const sizeText = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(0)} KB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function DocumentList({ documents }: { documents: DocumentView[] }) {
  const { t, i18n } = useTranslation();
  if (!documents.length)
    return <Typography.Text type="secondary">{t('applications.certification.noDocuments')}</Typography.Text>;
  return (
    <List
      size="small"
      data-testid="application-documents"
      dataSource={documents}
      renderItem={(d) => (
        <List.Item key={d.id} data-kind={d.kind}>
          <a href={d.url} download={d.fileName}>
            <FileOutlined />{' '}
            {d.kind === 'sme_certificate'
              ? t('applications.certification.certificate')
              : t('applications.certification.otherDocument')}
            {' · '}
            {d.fileName}
          </a>
          <Typography.Text type="secondary" className="small-text">
            {sizeText(d.size)} · {formatDateTime(d.uploadedAt, HOME_ZONE, i18n.language)}
          </Typography.Text>
        </List.Item>
      )}
    />
  );
}

/** What the applicant is told of a returned or rejected application. */
export function OutcomeAlert({ status, note }: { status: ApplicationStatus; note: string | null }) {
  const { t } = useTranslation();
  if (status !== 'returned' && status !== 'rejected') return null;
  return (
    <Alert
      type={status === 'returned' ? 'warning' : 'error'}
      showIcon
      className="form-alert"
      data-testid="outcome-alert"
      title={t(status === 'returned' ? 'applications.common.returnedAlert' : 'applications.common.rejectedAlert', {
        note: note ?? '',
      })}
    />
  );
}
