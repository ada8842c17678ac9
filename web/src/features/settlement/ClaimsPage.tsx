import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Form, Modal, Radio, Skeleton, Space, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { isApiError } from '../../api/client';
import { settlementApi, type ClaimableMonth } from '../../api/settlement';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useFailedToast } from '../vouchers/useFailedToast';
import { BatchList } from './BatchList';
import { VoucherRegisterExport } from './BatchParts';
import { useClaimantSide } from './claimant';
import { settlementKeys, useBatchAnswered } from './queries';

type ClaimValues = { pick: string };

/** The server's reasons for refusing a claim, in the reader's language when we know them. */
const KNOWN_REFUSALS: Record<string, string> = {
  'nothing to claim': 'settlement.create.nothingToClaim',
  'in the future': 'settlement.create.monthFuture',
  'claim period over': 'settlement.create.claimClosed',
  unknown: 'settlement.create.unknownProgramme',
  reimburse: 'settlement.create.reimburseMode',
  deduct: 'settlement.create.deductMode',
};

const keyOf = (c: ClaimableMonth) => `${c.programmeId}:${c.month}`;

/**
 * "New claim": one of the programmes and months that have completed voucher uses in no claim yet (the
 * server lists them with their counts and amounts); the server gathers those uses into the claim.
 */
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
  const claimable = useQuery({
    queryKey: [...settlementKeys.all, 'claimable'],
    queryFn: ({ signal }) => settlementApi.claimable(signal),
  });
  const items = claimable.data ?? [];
  const pick = Form.useWatch('pick', form);
  const chosen = items.find((c) => keyOf(c) === pick);

  const create = useMutation({
    mutationFn: (c: ClaimableMonth) => settlementApi.create({ programmeId: c.programmeId, month: c.month }),
    onSuccess: (b) => {
      answered(b);
      onClose();
      void message.success(t('settlement.create.created', { n: b.lineCount }));
      navigate(`${side.basePath}/${b.id}`);
    },
    onError: (e) => {
      if (!isApiError(e) || e.status !== 400 || !e.errors.length) return failed(e);
      const key = KNOWN_REFUSALS[e.errors[0]!.message];
      setRefusal(key ? t(key as 'settlement.create.nothingToClaim') : e.detail);
    },
  });

  return (
    <Modal
      open={open}
      title={enterprise ? t('settlement.create.titleEnterprise') : t('settlement.create.title')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('settlement.create.submit')}
      okButtonProps={
        { loading: create.isPending, disabled: !items.length, 'data-testid': 'new-claim-ok' } as ButtonProps
      }
      destroyOnHidden
      data-testid="new-claim-modal"
    >
      <Typography.Paragraph type="secondary">
        {enterprise ? t('settlement.create.hintEnterprise') : t('settlement.create.hint')}
      </Typography.Paragraph>
      {refusal ? <Alert type="error" showIcon className="form-alert" title={refusal} /> : null}
      {claimable.isPending ? (
        <Skeleton active title={false} paragraph={{ rows: 3 }} data-testid="claimable-loading" />
      ) : claimable.isError ? (
        <ErrorState error={claimable.error} onRetry={() => void claimable.refetch()} />
      ) : !items.length ? (
        <EmptyState title={t('staged.claimable.empty')} hint={t('staged.claimable.emptyHint')} />
      ) : (
        <Form<ClaimValues>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ pick: keyOf(items[0]!) }}
          onValuesChange={() => setRefusal(null)}
          onFinish={(v) => {
            const c = items.find((x) => keyOf(x) === v.pick);
            if (c) create.mutate(c);
          }}
        >
          <Form.Item
            name="pick"
            label={t('staged.claimable.label')}
            extra={chosen ? t('staged.claimable.claimBy', { date: chosen.claimBy }) : undefined}
            rules={[{ required: true, message: t('staged.claimable.pick') }]}
          >
            <Radio.Group className="claimable-list" data-testid="claimable">
              <Space direction="vertical">
                {items.map((c) => (
                  <Radio key={keyOf(c)} value={keyOf(c)}>
                    <span data-testid="claimable-option" data-month={c.month}>
                      {t('staged.claimable.option', {
                        programme: c.programmeName,
                        month: c.month,
                        n: c.count,
                        amount: formatFen(c.voucherFen),
                      })}
                    </span>
                  </Radio>
                ))}
              </Space>
            </Radio.Group>
          </Form.Item>
        </Form>
      )}
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
