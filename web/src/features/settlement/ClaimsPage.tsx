import { PlusOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  DatePicker,
  Form,
  InputNumber,
  Modal,
  Select,
  Skeleton,
  Typography,
} from 'antd';
import type { ButtonProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { isApiError } from '../../api/client';
import { settlementApi, type Batch } from '../../api/settlement';
import type { Quota } from '../../api/vouchers';
import { EmptyState, ErrorState } from '../../ui/states';
import { dayjs } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useMyQuotas, useProgrammes } from '../vouchers/queries';
import { useFailedToast } from '../vouchers/useFailedToast';
import { BatchList } from './BatchList';
import { HOME_ZONE, VoucherRegisterExport } from './BatchParts';
import { useClaimantSide } from './claimant';
import { useBatchAnswered, useBatches } from './queries';

type ClaimValues = { programmeId: number; month: Dayjs };
export type CreatedState = { siblings?: Batch['siblings'] };

/** The server's reasons for refusing a claim, in the reader's language when we know them. */
const KNOWN_REFUSALS: Record<string, string> = {
  'nothing to claim': 'settlement.create.nothingToClaim',
  'in the future': 'settlement.create.monthFuture',
  'claim period over': 'settlement.create.claimClosed',
  unknown: 'settlement.create.unknownProgramme',
  reimburse: 'settlement.create.reimburseMode',
  deduct: 'settlement.create.deductMode',
};

/**
 * The programmes an enterprise may claim from itself: those of its quotas paid afterwards
 * (reimburse mode, 先付后补) whose claim period is still open, one entry per programme.
 */
function reimbursable(quotas: Quota[], today: string): Quota[] {
  const byProgramme = new Map<number, Quota>();
  for (const q of quotas) {
    if (q.settlementMode !== 'reimburse' || q.status === 'not_started' || q.claimBy < today) continue;
    if (!byProgramme.has(q.programmeId)) byProgramme.set(q.programmeId, q);
  }
  return [...byProgramme.values()];
}

/** "New claim": a programme and a month (last month by default); the server gathers the completed voucher uses. */
function NewClaimModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const failed = useFailedToast();
  const answered = useBatchAnswered();
  const side = useClaimantSide();
  const enterprise = side.kind === 'enterprise';
  const [form] = Form.useForm<ClaimValues>();
  const [refusal, setRefusal] = useState<string | null>(null);
  // Finance and admins list programmes; a lab manager may not (403): it types the number instead.
  const programmes = useProgrammes(!enterprise);
  // An enterprise may not list programmes either: its own quotas name the programmes it holds.
  const quotas = useMyQuotas(enterprise);
  const previous = useBatches();
  const known = new Map((previous.data ?? []).map((b) => [b.programmeId, b.programmeName]));
  const selectable = programmes.data?.filter((p) => p.status === 'open' || p.status === 'claims_only');
  const now = dayjs().tz(HOME_ZONE);
  const lastMonth = now.subtract(1, 'month').startOf('month');
  const ownProgrammes = quotas.data ? reimbursable(quotas.data, now.format('YYYY-MM-DD')) : undefined;
  // The enterprise's form waits for its programmes (its first one is the default).
  const formReady = !enterprise || !!ownProgrammes?.length;
  const chosen = Form.useWatch('programmeId', form);
  const chosenQuota = ownProgrammes?.find((q) => q.programmeId === chosen);

  const create = useMutation({
    mutationFn: (v: ClaimValues) =>
      settlementApi.create({ programmeId: v.programmeId, month: v.month.format('YYYY-MM') }),
    onSuccess: (b) => {
      answered(b);
      onClose();
      void message.success(t('settlement.create.created', { n: b.lineCount }));
      navigate(`${side.basePath}/${b.id}`, { state: { siblings: b.siblings ?? [] } satisfies CreatedState });
    },
    onError: (e) => {
      if (!isApiError(e) || e.status !== 400 || !e.errors.length) return failed(e);
      const fields: { name: keyof ClaimValues; errors: string[] }[] = [];
      for (const err of e.errors) {
        const key = KNOWN_REFUSALS[err.message];
        const text = key ? t(key as 'settlement.create.nothingToClaim') : e.detail;
        if (err.path.endsWith('month')) fields.push({ name: 'month', errors: [text] });
        else if (err.path.endsWith('programmeId')) fields.push({ name: 'programmeId', errors: [text] });
        else setRefusal(text);
      }
      form.setFields(fields);
    },
  });

  return (
    <Modal
      open={open}
      title={enterprise ? t('settlement.create.titleEnterprise') : t('settlement.create.title')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('settlement.create.submit')}
      okButtonProps={{ loading: create.isPending, disabled: !formReady, 'data-testid': 'new-claim-ok' } as ButtonProps}
      destroyOnHidden
      data-testid="new-claim-modal"
    >
      <Typography.Paragraph type="secondary">
        {enterprise ? t('settlement.create.hintEnterprise') : t('settlement.create.hint')}
      </Typography.Paragraph>
      {refusal ? <Alert type="error" showIcon className="form-alert" title={refusal} /> : null}
      {enterprise && !ownProgrammes ? (
        quotas.isError ? (
          <ErrorState error={quotas.error} onRetry={() => void quotas.refetch()} />
        ) : (
          <Skeleton active title={false} paragraph={{ rows: 4 }} data-testid="claim-programmes-loading" />
        )
      ) : null}
      {enterprise && ownProgrammes && !ownProgrammes.length ? (
        <EmptyState title={t('settlement.create.noReimburse')} hint={t('settlement.create.noReimburseHint')} />
      ) : null}
      {formReady ? (
        <Form<ClaimValues>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ programmeId: ownProgrammes?.[0]?.programmeId ?? selectable?.[0]?.id ?? 1, month: lastMonth }}
          onValuesChange={() => setRefusal(null)}
          onFinish={(v) => create.mutate(v)}
        >
          {ownProgrammes ? (
            <Form.Item
              name="programmeId"
              label={t('settlement.programme')}
              extra={chosenQuota ? t('settlement.create.claimBy', { date: chosenQuota.claimBy }) : undefined}
              rules={[{ required: true, message: t('settlement.create.programmeRequired') }]}
            >
              <Select<number>
                options={ownProgrammes.map((q) => ({ value: q.programmeId, label: q.programmeName }))}
                data-testid="claim-programme"
              />
            </Form.Item>
          ) : selectable && selectable.length ? (
            <Form.Item
              name="programmeId"
              label={t('settlement.programme')}
              rules={[{ required: true, message: t('settlement.create.programmeRequired') }]}
            >
              <Select<number>
                options={selectable.map((p) => ({ value: p.id, label: `${p.name} · ${p.year}` }))}
                data-testid="claim-programme"
              />
            </Form.Item>
          ) : (
            <Form.Item
              name="programmeId"
              label={t('settlement.create.programmeNo')}
              extra={
                known.size
                  ? t('settlement.create.knownProgrammes', {
                      list: [...known].map(([id, name]) => `#${id} ${name}`).join('；'),
                    })
                  : t('settlement.create.programmeNoHint')
              }
              rules={[{ required: true, message: t('settlement.create.programmeRequired') }]}
            >
              <InputNumber<number> min={1} precision={0} className="full-width" data-testid="claim-programme" />
            </Form.Item>
          )}
          <Form.Item
            name="month"
            label={t('settlement.month')}
            rules={[{ required: true, message: t('settlement.create.monthRequired') }]}
          >
            <DatePicker
              picker="month"
              format="YYYY-MM"
              allowClear={false}
              className="full-width"
              disabledDate={(d) => d.isAfter(dayjs().tz(HOME_ZONE), 'month')}
              data-testid="claim-month"
            />
          </Form.Item>
        </Form>
      ) : null}
    </Modal>
  );
}

/**
 * The claimant's claims by status, a new claim, the voucher register: the lab's (兑付申报,
 * `/lab/settlement`), or an enterprise's own in reimburse mode (我的报销, `/my/claims`).
 */
export function ClaimsPage() {
  const { t } = useTranslation();
  const side = useClaimantSide();
  const enterprise = side.kind === 'enterprise';
  const [creating, setCreating] = useState(false);
  const title = enterprise ? t('settlement.mine.title') : t('settlement.lab.title');
  useDocumentTitle(title);
  const newClaim = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-claim">
      {t('settlement.create.open')}
    </Button>
  );
  return (
    <div className="lab-page settle-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {title}
          </Typography.Title>
          <Typography.Text type="secondary">
            {enterprise ? t('settlement.mine.subtitle') : t('settlement.lab.subtitle')}
          </Typography.Text>
        </div>
        <div className="bk-detail-actions">
          <VoucherRegisterExport />
          {newClaim}
        </div>
      </div>
      <Card className="section-card">
        <BatchList
          viewer="claimant"
          basePath={side.basePath}
          defaultFilter="all"
          emptyHint={enterprise ? t('settlement.mine.emptyHint') : undefined}
        />
      </Card>
      {/* Mounted on demand: it asks for the programmes only when a claim is being made. */}
      {creating ? <NewClaimModal open onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
