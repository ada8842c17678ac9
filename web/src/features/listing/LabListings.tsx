/**
 * The lab's side of listing review on 我的仪器: its open submissions (new records waiting, returned
 * with the reviewer's reasons beside the fields, rejected), each with its history; a returned one is
 * fixed and resubmitted here, and any open one can be withdrawn. Also the review status of a
 * published record (a change pending or returned).
 */
import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Drawer,
  Grid,
  Input,
  InputNumber,
  List,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RUN_STATUSES, SHARING_MODES } from '../../api/catalog';
import { isApiError, problemText } from '../../api/client';
import { listingApi, type ListingSubmission, type ListingSubmissionDetail } from '../../api/listing';
import { ErrorState } from '../../ui/states';
import {
  FieldValue,
  fieldLabel,
  formatWhen,
  ListingHistory,
  ListingStatusTag,
  useListingChanged,
  useListingPage,
  useListingSubmission,
} from './parts';

const OPEN = new Set(['pending', 'returned', 'rejected']);

/** The institution's submissions (most recent 100) and, per published instrument, its open change. */
export function useLabListings(enabled: boolean) {
  const page = useListingPage({ pageSize: 100 }, enabled);
  const changes = useMemo(() => {
    const m = new Map<number, ListingSubmission>();
    for (const s of page.data?.items ?? [])
      if (
        s.kind === 'change' &&
        s.instrumentId !== null &&
        (s.status === 'pending' || s.status === 'returned') &&
        !m.has(s.instrumentId)
      )
        m.set(s.instrumentId, s);
    return m;
  }, [page.data]);
  return { page, changes };
}

/** A published record's review status on the lab's list. */
export function ReviewStatusTag({
  change,
  onOpen,
}: {
  change: ListingSubmission | undefined;
  onOpen: (id: number) => void;
}) {
  const { t } = useTranslation();
  if (!change) return <Tag color="success">{t('listing.lab.published')}</Tag>;
  return (
    <Tag
      color={change.status === 'returned' ? 'warning' : 'processing'}
      style={{ cursor: 'pointer' }}
      onClick={() => onOpen(change.id)}
      data-testid="listing-change-tag"
    >
      {change.status === 'returned' ? t('listing.lab.changeReturned') : t('listing.lab.changePending')}
    </Tag>
  );
}

export function LabSubmissions({
  items,
  openId,
  onOpen,
}: {
  items: ListingSubmission[];
  openId: number | null;
  onOpen: (id: number | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const compact = Grid.useBreakpoint().md === false;
  const open = items.filter((s) => OPEN.has(s.status) && s.kind === 'new');
  return (
    <Card
      className="section-card"
      title={t('listing.lab.submissions')}
      data-testid="lab-submissions"
      size={compact ? 'small' : 'default'}
    >
      <Typography.Paragraph type="secondary" className="small-text">
        {t('listing.lab.submissionsHint')}
      </Typography.Paragraph>
      <List
        dataSource={open}
        locale={{ emptyText: t('listing.lab.noSubmissions') }}
        renderItem={(s) => (
          <List.Item
            data-testid={`lab-submission-${s.id}`}
            actions={[
              <Button key="open" size="small" onClick={() => onOpen(s.id)} data-testid="lab-submission-open">
                {s.status === 'returned' ? t('listing.lab.fix') : t('listing.view')}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={
                <Space wrap size={6}>
                  <span>{s.nameZh}</span>
                  <ListingStatusTag status={s.status} />
                </Space>
              }
              description={`${s.assetNumber} · ${t(`listing.kinds.${s.kind}`)} · ${formatWhen(s.submittedAt, i18n.language)}`}
            />
          </List.Item>
        )}
      />
      <Drawer
        open={openId !== null}
        onClose={() => onOpen(null)}
        width={compact ? '100%' : 760}
        destroyOnHidden
        title={t('listing.lab.submissions')}
      >
        {openId !== null ? <LabSubmission id={openId} onDone={() => onOpen(null)} /> : null}
      </Drawer>
    </Card>
  );
}

type Edits = Record<string, unknown>;

function FieldEditor({ field, value, onChange }: { field: string; value: unknown; onChange: (v: unknown) => void }) {
  const { t } = useTranslation();
  if (field === 'rateCard') return <Typography.Text type="secondary">{t('listing.lab.rateCardFix')}</Typography.Text>;
  if (field === 'originalValueFen')
    return (
      <InputNumber
        min={0}
        step={0.01}
        precision={2}
        value={typeof value === 'number' ? value / 100 : null}
        onChange={(v) => onChange(v === null ? undefined : Math.round(Number(v) * 100))}
        style={{ width: '100%' }}
        addonBefore="¥"
        data-testid={`listing-edit-${field}`}
      />
    );
  if (field === 'sharingMode' || field === 'runStatus')
    return (
      <Select
        value={value as string}
        onChange={onChange}
        style={{ width: '100%' }}
        options={(field === 'sharingMode' ? SHARING_MODES : RUN_STATUSES).map((v: string) => ({
          value: v,
          label: t(`${field}.${v}` as never) as string,
        }))}
        data-testid={`listing-edit-${field}`}
      />
    );
  if (typeof value === 'number')
    return <InputNumber value={value} onChange={(v) => onChange(v ?? undefined)} style={{ width: '100%' }} />;
  if (typeof value === 'boolean' || (typeof value === 'object' && value !== null))
    return <FieldValue field={field} value={value} />;
  return (
    <Input
      value={(value as string | null) ?? ''}
      onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
      data-testid={`listing-edit-${field}`}
    />
  );
}

function LabSubmission({ id, onDone }: { id: number; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const one = useListingSubmission(id);
  const changed = useListingChanged();
  const [edits, setEdits] = useState<Edits>({});
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: (what: 'resubmit' | 'withdraw') =>
      what === 'withdraw' ? listingApi.withdraw(id) : listingApi.resubmit(id, edits, note.trim() || null),
    onSuccess: (d: ListingSubmissionDetail) => {
      changed();
      void message.success(d.status === 'withdrawn' ? t('listing.lab.withdrawn') : t('listing.lab.resubmitted'));
      onDone();
    },
    onError: (e) => setProblem(isApiError(e) ? problemText(e) : t('common.errorGeneric')),
  });
  if (one.error) return <ErrorState error={one.error} onRetry={() => void one.refetch()} />;
  if (!one.data) return <Typography.Text type="secondary">…</Typography.Text>;
  const d = one.data;
  const returned = d.status === 'returned';
  const isChange = d.kind === 'change';
  const reasons = d.fieldReasons ?? {};
  // A returned record: the fields with reasons first, each editable beside the reviewer's words.
  const rows = [...d.diff].sort((a, b) => Number(b.field in reasons) - Number(a.field in reasons));
  return (
    <div data-testid="lab-submission-detail">
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('listing.detail.title', { kind: t(`listing.kinds.${d.kind}`), name: d.nameZh })}
          </Typography.Title>
          <ListingStatusTag status={d.status} />
        </Space>
        {d.note || Object.keys(reasons).length ? (
          <Alert
            type={d.status === 'rejected' ? 'error' : 'warning'}
            showIcon
            message={t('listing.lab.reasons')}
            description={d.note ?? undefined}
            data-testid="lab-submission-reasons"
          />
        ) : null}
        <Table
          rowKey="field"
          size="small"
          pagination={false}
          dataSource={rows}
          scroll={{ x: 520 }}
          columns={[
            { key: 'field', title: t('listing.detail.field'), width: 120, render: (_, r) => fieldLabel(t, r.field) },
            ...(isChange
              ? [
                  {
                    key: 'published',
                    title: t('listing.detail.published'),
                    render: (_: unknown, r: (typeof rows)[number]) => (
                      <FieldValue field={r.field} value={r.published} />
                    ),
                  },
                ]
              : []),
            {
              key: 'proposed',
              title: t('listing.detail.proposed'),
              render: (_, r) =>
                returned && r.field in reasons ? (
                  <FieldEditor
                    field={r.field}
                    value={r.field in edits ? edits[r.field] : r.proposed}
                    onChange={(v) => setEdits((x) => ({ ...x, [r.field]: v }))}
                  />
                ) : (
                  <FieldValue field={r.field} value={r.proposed} />
                ),
            },
            {
              key: 'reason',
              title: t('listing.detail.reason'),
              width: 200,
              render: (_, r) =>
                reasons[r.field] ? (
                  <Typography.Text type="warning" data-testid={`lab-reason-${r.field}`}>
                    {reasons[r.field]}
                  </Typography.Text>
                ) : null,
            },
          ]}
        />
        {problem ? <Alert type="error" showIcon message={problem} /> : null}
        {returned ? (
          <Input.TextArea
            rows={2}
            maxLength={500}
            placeholder={t('listing.lab.resubmitNote')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        ) : null}
        <Space wrap>
          {returned ? (
            <Button
              type="primary"
              loading={act.isPending}
              onClick={() => act.mutate('resubmit')}
              data-testid="lab-resubmit"
            >
              {t('listing.lab.resubmit')}
            </Button>
          ) : null}
          {d.canEdit ? (
            <Button loading={act.isPending} onClick={() => act.mutate('withdraw')} data-testid="lab-withdraw">
              {t('listing.lab.withdraw')}
            </Button>
          ) : null}
        </Space>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('listing.lab.history')}
        </Typography.Title>
        <ListingHistory history={d.history} />
      </Space>
    </div>
  );
}
