import { PlusOutlined, StopOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Card, Form, Input, Modal, Select, Table, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { voucherApi, type Programme, type Quota } from '../../api/vouchers';
import { fenToYuanString, formatFen, parseYuanToFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { YuanInput } from '../../ui/YuanInput';
import { EnterprisePicker } from './EnterprisePicker';
import { QuotaBar } from './MyVouchersPage';
import { BudgetCell } from './ProgrammesPage';
import { useProgrammes, useQuotas } from './queries';
import { QuotaStatusTag } from './tags';
import { useFailedToast } from './useFailedToast';

const HOME_ZONE = 'Asia/Shanghai';
type GrantValues = { enterpriseId: number; capYuan: string };

function GrantModal({ programme, open, onClose }: { programme: Programme; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const failed = useFailedToast();
  const [form] = Form.useForm<GrantValues>();
  const grant = useMutation({
    mutationFn: (v: GrantValues) =>
      voucherApi.grantQuota({
        programmeId: programme.id,
        enterpriseId: v.enterpriseId,
        capFen: parseYuanToFen(v.capYuan)!,
      }),
    onSuccess: () => {
      onClose();
      void qc.invalidateQueries({ queryKey: ['vouchers'] });
      void message.success(t('quotas.granted'));
    },
    onError: failed,
  });
  const max = programme.enterpriseYearCapFen;
  return (
    <Modal
      open={open}
      title={t('quotas.grantTitle', { programme: programme.name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: grant.isPending, 'data-testid': 'grant-ok' } as ButtonProps}
      destroyOnHidden
      data-testid="grant-modal"
    >
      <Form<GrantValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ capYuan: fenToYuanString(max) }}
        onFinish={(v) => grant.mutate(v)}
      >
        <Form.Item
          name="enterpriseId"
          label={t('quotas.enterprise')}
          rules={[{ required: true, message: t('quotas.enterpriseRequired') }]}
        >
          <EnterprisePicker certifiedOnly className="full-width" testId="grant-enterprise" />
        </Form.Item>
        <Form.Item
          name="capYuan"
          label={t('quotas.cap')}
          extra={t('quotas.capHint', { amount: formatFen(max) })}
          rules={[
            {
              validator: async (_, v: string | undefined) => {
                const fen = parseYuanToFen(v);
                if (fen === null || fen <= 0) throw new Error(t('programmes.moneyPositive'));
                if (fen > max) throw new Error(t('quotas.capTooHigh', { amount: formatFen(max) }));
              },
            },
          ]}
        >
          <YuanInput data-testid="grant-cap" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** `/admin/quotas`: quotas granted to enterprises in a programme; grant and revoke. */
export function QuotasPage() {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const failed = useFailedToast();
  const [params, setParams] = useSearchParams();
  const programmes = useProgrammes();
  const all = programmes.data ?? [];
  const fromUrl = Number(params.get('programme'));
  const programme = all.find((p) => p.id === fromUrl) ?? all.find((p) => p.status === 'open') ?? all[0] ?? undefined;
  const [enterpriseId, setEnterpriseId] = useState<number | undefined>(undefined);
  const quotas = useQuotas({ programmeId: programme?.id, enterpriseId }, !!programme);
  const [granting, setGranting] = useState(false);
  const [revoking, setRevoking] = useState<Quota | null>(null);
  const [revokeForm] = Form.useForm<{ reason: string }>();
  useDocumentTitle(t('quotas.title'));
  const revoke = useMutation({
    mutationFn: ({ id, reason }: { id: number; reason: string }) => voucherApi.revokeQuota(id, reason),
    onSuccess: () => {
      setRevoking(null);
      void qc.invalidateQueries({ queryKey: ['vouchers'] });
      void message.success(t('quotas.revoked'));
    },
    onError: failed,
  });
  const items = [...(quotas.data ?? [])].sort((a, b) => a.enterprise.name.localeCompare(b.enterprise.name));

  let body;
  if (programmes.isError) body = <ErrorState error={programmes.error} onRetry={() => void programmes.refetch()} />;
  else if (!programmes.isPending && all.length === 0) body = <EmptyState title={t('quotas.noProgrammes')} />;
  else
    body = (
      <>
        <div className="filter-bar">
          <Select<number>
            value={programme?.id}
            onChange={(id) => setParams({ programme: String(id) }, { replace: true })}
            loading={programmes.isPending}
            placeholder={t('quotas.pickProgramme')}
            options={all.map((p) => ({ value: p.id, label: `${p.name} · ${p.year}` }))}
            className="filter-bar__wide"
            data-testid="quota-programme"
          />
          <EnterprisePicker
            allowClear
            value={enterpriseId}
            onChange={setEnterpriseId}
            placeholder={t('quotas.filterEnterprise')}
            className="filter-bar__wide"
          />
        </div>
        {programme ? (
          <div className="quota-programme">
            <BudgetCell p={programme} />
          </div>
        ) : null}
        {quotas.isError && !quotas.data ? (
          <ErrorState error={quotas.error} onRetry={() => void quotas.refetch()} />
        ) : (
          <Table<Quota>
            rowKey="id"
            size="middle"
            loading={programmes.isPending || quotas.isPending || quotas.isFetching}
            dataSource={items}
            pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            scroll={{ x: 'max-content' }}
            data-testid="quotas"
            locale={{ emptyText: quotas.isPending ? ' ' : <EmptyState title={t('quotas.empty')} /> }}
            columns={[
              {
                key: 'enterprise',
                title: t('quotas.enterprise'),
                render: (_, q) => <Typography.Text strong>{q.enterprise.name}</Typography.Text>,
              },
              {
                key: 'cap',
                title: t('voucher.mine.cap'),
                align: 'right',
                render: (_, q) => <span className="money-cell">{formatFen(q.capFen)}</span>,
              },
              {
                key: 'usage',
                title: t('quotas.usage'),
                render: (_, q) => (
                  <div className="budget-cell">
                    <QuotaBar capFen={q.capFen} usedFen={q.usedFen} reservedFen={q.reservedFen} />
                    <div className="budget-cell__legend">
                      {t('voucher.mine.used')} {formatFen(q.usedFen)} · {t('voucher.mine.reserved')}{' '}
                      {formatFen(q.reservedFen)} · {t('voucher.mine.available')} {formatFen(q.availableFen)}
                    </div>
                  </div>
                ),
              },
              { key: 'status', title: t('quotas.status'), render: (_, q) => <QuotaStatusTag status={q.status} /> },
              {
                key: 'granted',
                title: t('quotas.grantedAt'),
                responsive: ['lg'],
                render: (_, q) => formatDateTime(q.grantedAt, HOME_ZONE, i18n.language),
              },
              {
                key: 'actions',
                title: '',
                render: (_, q) =>
                  q.status === 'active' || q.status === 'not_started' ? (
                    <Button
                      type="link"
                      danger
                      size="small"
                      icon={<StopOutlined />}
                      onClick={() => setRevoking(q)}
                      data-testid="revoke-quota"
                    >
                      {t('quotas.revoke')}
                    </Button>
                  ) : null,
              },
            ]}
          />
        )}
      </>
    );

  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('quotas.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('quotas.subtitle')}</Typography.Text>
        </div>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          disabled={!programme}
          onClick={() => setGranting(true)}
          data-testid="grant-quota"
        >
          {t('quotas.grant')}
        </Button>
      </div>
      <Card className="section-card">{body}</Card>
      {programme ? <GrantModal programme={programme} open={granting} onClose={() => setGranting(false)} /> : null}
      <Modal
        open={revoking !== null}
        title={revoking ? t('quotas.revokeTitle', { name: revoking.enterprise.name }) : ''}
        onCancel={() => setRevoking(null)}
        onOk={() => revokeForm.submit()}
        okText={t('quotas.revoke')}
        okButtonProps={{ danger: true, loading: revoke.isPending }}
        destroyOnHidden
      >
        <Form<{ reason: string }>
          form={revokeForm}
          layout="vertical"
          preserve={false}
          onFinish={(v) => revoking && revoke.mutate({ id: revoking.id, reason: v.reason.trim() })}
        >
          <Form.Item
            name="reason"
            label={t('quotas.revokeReason')}
            rules={[{ required: true, whitespace: true, message: t('booking.actions.reasonRequired') }, { max: 500 }]}
          >
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
