/** Pieces the registration, review and people pages share. */
import { DownloadOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Cascader, Descriptions, Empty, Grid, Space, Steps, Tag, Timeline, Typography, Upload } from 'antd';
import type { OrganisationStatus } from '../../api/auth';
import type { DocumentKind, HistoryItem, Organisation, OrgDocument } from '../../api/organisations';
import { useTranslation } from 'react-i18next';
import { isEnglish } from '../../i18n';
import { formatPlatformMinute } from '../../ui/time';
import type { zh } from '../../i18n/parts/organisations';
import { useCounties } from './queries';
import './organisations.css';

/** The names of the registration form's fields (organisations.field.*). */
export type FieldKey = keyof typeof zh.field;

/** The file types the server takes (it reads the bytes; these only narrow the file picker). */
export const DOCUMENT_ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';
const MAX_BYTES = 10 * 1024 * 1024;

export const formatTime = (iso: string | null | undefined) => (iso ? formatPlatformMinute(iso) : '—');

const STATUS_COLOUR: Record<OrganisationStatus, string> = {
  unverified: 'default',
  pending_review: 'processing',
  returned: 'warning',
  approved: 'success',
  rejected: 'error',
};

export function OrgStatusTag({ status }: { status: OrganisationStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOUR[status]} data-testid="org-status" data-status={status}>
      {t(`organisations.status.${status}`)}
    </Tag>
  );
}

/** The steps of a registration's (or a join request's) review, oldest first. */
export function HistoryTimeline({ items }: { items: HistoryItem[] }) {
  const { t } = useTranslation();
  if (!items.length)
    return <Typography.Text type="secondary">{t('organisations.application.noHistory')}</Typography.Text>;
  const colour = (a: HistoryItem['action']) =>
    a === 'approved' || a === 'accepted'
      ? 'green'
      : a === 'returned'
        ? 'orange'
        : a === 'rejected' || a === 'declined'
          ? 'red'
          : 'blue';
  return (
    <Timeline
      data-testid="history"
      items={items.map((h, i) => ({
        key: i,
        color: colour(h.action),
        children: (
          <div>
            <div>
              <Typography.Text strong>{t(`organisations.action.${h.action}`)}</Typography.Text>{' '}
              <Typography.Text type="secondary" className="small-text nowrap">
                {formatTime(h.at)}
              </Typography.Text>
            </div>
            {h.actor ? (
              <Typography.Text type="secondary" className="small-text">
                {[h.actor.name, h.actor.organisation].filter(Boolean).join(' · ')}
              </Typography.Text>
            ) : null}
            {h.note ? <div className="org-note">{h.note}</div> : null}
          </div>
        ),
      }))}
    />
  );
}

/**
 * A registration's documents: each kind it needs (and any other it has) with its file, and — where the
 * caller may — a button to upload or replace it.
 */
export function DocumentsList({
  documents,
  required,
  kinds,
  onUpload,
  uploading,
}: {
  documents: OrgDocument[];
  required: DocumentKind[];
  /** The kinds offered for upload (none: read only). */
  kinds?: DocumentKind[];
  onUpload?: (kind: DocumentKind, file: File) => void;
  uploading?: DocumentKind | null;
}) {
  const { t } = useTranslation();
  const shown = [...new Set<DocumentKind>([...required, ...(kinds ?? []), ...documents.map((d) => d.kind)])];
  if (!shown.length)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('organisations.review.noDocuments')} />;
  return (
    <ul className="org-docs" data-testid="documents">
      {shown.map((kind) => {
        const doc = documents.find((d) => d.kind === kind);
        const needed = required.includes(kind);
        return (
          <li key={kind} className="org-docs__row" data-kind={kind}>
            <div className="org-docs__main">
              <div>
                <Typography.Text strong>{t(`organisations.docKind.${kind}`)}</Typography.Text>{' '}
                {needed ? (
                  doc ? (
                    <Tag color="green">{t('organisations.application.uploaded')}</Tag>
                  ) : (
                    <Tag color="red">{t('organisations.application.missingTag')}</Tag>
                  )
                ) : null}
              </div>
              {doc ? (
                <a href={doc.url} className="small-text" data-testid={`document-${kind}`}>
                  <PaperClipOutlined /> {doc.fileName} ({Math.max(1, Math.round(doc.size / 1024))} KB ·{' '}
                  {formatTime(doc.uploadedAt)})
                </a>
              ) : null}
            </div>
            <Space size={4}>
              {doc ? (
                <a href={doc.url} aria-label={t('organisations.application.download')}>
                  <Button size="small" icon={<DownloadOutlined />} />
                </a>
              ) : null}
              {onUpload && kinds?.includes(kind) ? (
                <Upload
                  accept={DOCUMENT_ACCEPT}
                  showUploadList={false}
                  maxCount={1}
                  beforeUpload={(file) => {
                    if (file.size > MAX_BYTES) return Upload.LIST_IGNORE;
                    onUpload(kind, file);
                    return false;
                  }}
                >
                  <Button
                    size="small"
                    type={doc ? 'default' : 'primary'}
                    icon={<UploadOutlined />}
                    loading={uploading === kind}
                    data-testid={`upload-${kind}`}
                  >
                    {doc ? t('organisations.application.reupload') : t('organisations.application.upload')}
                  </Button>
                </Upload>
              ) : null}
            </Space>
          </li>
        );
      })}
    </ul>
  );
}

/** City → county, from the province's divisions. Value: [cityCode, countyCode]. */
export function PlaceCascader({
  value,
  onChange,
  id,
}: {
  value?: string[];
  onChange?: (v: string[]) => void;
  id?: string;
}) {
  const { t, i18n } = useTranslation();
  const counties = useCounties();
  const en = isEnglish(i18n.language);
  return (
    <Cascader
      id={id}
      value={value}
      onChange={(v) => onChange?.((v ?? []) as string[])}
      loading={counties.isPending}
      placeholder={t('organisations.hint.place')}
      showSearch
      data-testid="place"
      options={(counties.data ?? []).map((c) => ({
        value: c.code,
        label: en ? c.nameEn : c.name,
        children: c.counties.map((k) => ({ value: k.code, label: en && k.nameEn ? k.nameEn : k.name })),
      }))}
    />
  );
}

/** Steps of a process; on a phone the titles go under the dots, so four steps fit 360 px. */
export function ProgressSteps({
  current,
  status,
  titles,
}: {
  current: number;
  status?: 'wait' | 'process' | 'finish' | 'error';
  titles: string[];
}) {
  const phone = Grid.useBreakpoint().sm === false;
  return (
    <Steps
      className="org-steps"
      size="small"
      responsive={false}
      current={current}
      status={status}
      labelPlacement={phone ? 'vertical' : 'horizontal'}
      progressDot={phone}
      items={titles.map((title) => ({ title }))}
      data-testid="progress"
    />
  );
}

/** An organisation's registered details. */
export function OrganisationDescriptions({ org, column = 2 }: { org: Organisation; column?: number }) {
  const { t } = useTranslation();
  const f = (k: FieldKey) => t(`organisations.field.${k}`);
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, sm: 1, md: column }}
      bordered
      data-testid="organisation-details"
      items={[
        { key: 'name', label: f('name'), children: org.name, span: column },
        { key: 'kind', label: f('kind'), children: t(`organisations.kind.${org.kind}`) },
        ...(org.institutionType
          ? [
              {
                key: 'type',
                label: f('institutionType'),
                children: t(`organisations.institutionType.${org.institutionType}`),
              },
            ]
          : []),
        { key: 'code', label: f('creditCode'), children: <span className="nowrap">{org.creditCode ?? '—'}</span> },
        {
          key: 'place',
          label: f('place'),
          children: [org.cityName, org.countyName].filter(Boolean).join(' · ') || '—',
        },
        { key: 'address', label: f('address'), children: org.address ?? '—', span: column },
        { key: 'legal', label: f('legalRepresentative'), children: org.legalRepresentative ?? '—' },
        { key: 'contact', label: f('contactName'), children: org.contactName ?? '—' },
        { key: 'phone', label: f('contactPhone'), children: <span className="nowrap">{org.contactPhone ?? '—'}</span> },
        { key: 'email', label: f('contactEmail'), children: org.contactEmail ?? '—' },
        { key: 'status', label: f('status'), children: <OrgStatusTag status={org.status} /> },
        { key: 'submitted', label: f('submittedAt'), children: formatTime(org.submittedAt) },
      ]}
    />
  );
}
