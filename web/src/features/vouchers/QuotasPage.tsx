import { FilterOutlined, PlusOutlined, SearchOutlined, StopOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Card, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { voucherApi, type Programme, type Quota, type QuotaStatus } from '../../api/vouchers';
import { fenToYuanString, formatFen, parseYuanToFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { RowActions } from '../../ui/RowActions';
import { tableChange, usePageReset } from '../../ui/listTable';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { YuanInput } from '../../ui/YuanInput';
import { EnterprisePicker } from './EnterprisePicker';
import { QuotaBar } from './MyVouchersPage';
import { BudgetCell } from './ProgrammesTable';
import { useProgrammes, useQuotas } from './queries';
import { QuotaStatusTag } from './tags';
import { useFailedToast } from './useFailedToast';

const HOME_ZONE = 'Asia/Shanghai';
type GrantValues = { programmeId: number; enterpriseId: number; capYuan: string };

function GrantModal({
  programmes,
  initial,
  open,
  onClose,
}: {
  programmes: Programme[];
  initial: Programme | undefined;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const failed = useFailedToast();
  const [form] = Form.useForm<GrantValues>();
  const programmeId = Form.useWatch('programmeId', form) ?? initial?.id;
  const programme = programmes.find((p) => p.id === programmeId);
  const grant = useMutation({
    mutationFn: (v: GrantValues) =>
      voucherApi.grantQuota({
        programmeId: v.programmeId,
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
  const max = programme?.enterpriseYearCapFen ?? 0;
  return (
    <Modal
      open={open}
      title={programme ? t('quotas.grantTitle', { programme: programme.name }) : t('quotas.grant')}
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
        initialValues={{
          programmeId: initial?.id,
          capYuan: initial ? fenToYuanString(initial.enterpriseYearCapFen) : undefined,
        }}
        onValuesChange={(changed: Partial<GrantValues>) => {
          const next = programmes.find((p) => p.id === changed.programmeId);
          if (next) form.setFieldValue('capYuan', fenToYuanString(next.enterpriseYearCapFen));
        }}
        onFinish={(v) => grant.mutate(v)}
      >
        <Form.Item
          name="programmeId"
          label={t('voucherAdmin.quotas.programme')}
          rules={[{ required: true, message: t('voucherAdmin.quotas.pickProgramme') }]}
        >
          <Select<number>
            options={programmes
              .filter((p) => p.status === 'open' || p.status === 'upcoming')
              .map((p) => ({ value: p.id, label: `${p.name} · ${p.year}` }))}
            data-testid="grant-programme"
          />
        </Form.Item>
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
          extra={programme ? t('quotas.capHint', { amount: formatFen(max) }) : undefined}
          rules={[
            {
              validator: async (_, v: string | undefined) => {
                const fen = parseYuanToFen(v);
                if (fen === null || fen <= 0) throw new Error(t('programmes.moneyPositive'));
                if (programme && fen > max) throw new Error(t('quotas.capTooHigh', { amount: formatFen(max) }));
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

const PAGE_SIZE = 20;
const STATUSES: QuotaStatus[] = ['active', 'not_started', 'expired', 'revoked'];
type QuotaSort = 'newest' | 'oldest' | 'amountDesc' | 'amountAsc';
const SORT_PARAMS: Record<QuotaSort, { sort?: 'amount' | 'granted'; order?: 'asc' | 'desc' }> = {
  newest: {},
  oldest: { sort: 'granted', order: 'asc' },
  amountDesc: { sort: 'amount', order: 'desc' },
  amountAsc: { sort: 'amount', order: 'asc' },
};

/**
 * `/admin/quotas`: quotas granted to enterprises, searched by enterprise, filtered by programme
 * (`?programme=`), enterprise (`?enterprise=`) and status, sorted by amount or time granted and paged
 * by number on the server; grant and revoke.
 */
export function QuotasPage() {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const failed = useFailedToast();
  const [params, setParams] = useSearchParams();
  const programmes = useProgrammes();
  const all = programmes.data ?? [];
  const programmeId = Number(params.get('programme')) || undefined;
  const enterpriseId = Number(params.get('enterprise')) || undefined;
  const programme = all.find((p) => p.id === programmeId);
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<QuotaStatus | ''>('');
  const [sort, setSort] = useState<QuotaSort>('newest');
  const { page, setPage, from1 } = usePageReset();
  const query = useDebounced(q.trim(), 300);
  const quotas = useQuotas({
    programmeId,
    enterpriseId,
    q: query || undefined,
    status: status || undefined,
    ...SORT_PARAMS[sort],
    offset: (page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  });
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
  const items = quotas.data?.items ?? [];
  const total = quotas.data?.total ?? 0;
  const busy = quotas.isPending || quotas.isFetching;
  /** The programme and enterprise filters live in the address (links from the other lists). */
  const setParam = (key: 'programme' | 'enterprise', id: number | undefined) => {
    const next = new URLSearchParams(params);
    if (id) next.set(key, String(id));
    else next.delete(key);
    setParams(next, { replace: true });
    setPage(1);
  };
  const onTableChange = tableChange({
    filter: (filters) => from1(setStatus)(((filters.status?.[0] as QuotaStatus | undefined) ?? '') as QuotaStatus | ''),
    sort: {
      columns: { cap: { ascend: 'amountAsc', descend: 'amountDesc' }, granted: { ascend: 'oldest' } },
      fallback: 'newest',
      set: from1(setSort),
    },
  });
  const enterpriseName = items.find((x) => x.enterprise.id === enterpriseId)?.enterprise.name;

  let body;
  if (programmes.isError) body = <ErrorState error={programmes.error} onRetry={() => void programmes.refetch()} />;
  else if (!programmes.isPending && all.length === 0) body = <EmptyState title={t('quotas.noProgrammes')} />;
  else
    body = (
      <>
        <div className="filter-bar">
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('voucherAdmin.quotas.search')}
            value={q}
            onChange={(e) => from1(setQ)(e.target.value)}
            className="filter-bar__wide"
            data-testid="quota-search"
          />
          <Select<number>
            value={programmeId ?? 0}
            onChange={(id) => setParam('programme', id || undefined)}
            loading={programmes.isPending}
            options={[
              { value: 0, label: t('voucherAdmin.quotas.allProgrammes') },
              ...all.map((p) => ({ value: p.id, label: `${p.name} · ${p.year}` })),
            ]}
            className="filter-bar__wide"
            popupMatchSelectWidth={false}
            data-testid="quota-programme"
          />
          <Select<QuotaStatus | ''>
            value={status}
            onChange={from1(setStatus)}
            className="filter-bar__narrow"
            data-testid="quota-status-filter"
            options={[
              { value: '', label: t('voucherAdmin.quotas.allStatuses') },
              ...STATUSES.map((k) => ({ value: k, label: t(`voucher.quotaStatus.${k}`) })),
            ]}
          />
          <Select<QuotaSort>
            value={sort}
            onChange={from1(setSort)}
            className="filter-bar__narrow"
            aria-label={t('catalog.sort')}
            data-testid="quota-sort"
            options={(Object.keys(SORT_PARAMS) as QuotaSort[]).map((v) => ({
              value: v,
              label: t(`voucherAdmin.quotas.sort.${v}`),
            }))}
          />
          {enterpriseId ? (
            <Tag closable onClose={() => setParam('enterprise', undefined)} data-testid="quota-enterprise">
              {t('quotas.enterprise')}：{enterpriseName ?? `#${enterpriseId}`}
            </Tag>
          ) : null}
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
            loading={busy}
            dataSource={items}
            tableLayout="fixed"
            scroll={{ x: 900 }}
            onChange={onTableChange}
            data-testid="quotas"
            data-busy={busy ? 'true' : 'false'}
            data-total={total}
            locale={{ emptyText: quotas.isPending ? ' ' : <EmptyState title={t('quotas.empty')} /> }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total,
              showSizeChanger: false,
              showTotal: (n) => t('work.table.total', { total: n.toLocaleString() }),
              onChange: setPage,
              hideOnSinglePage: true,
            }}
            columns={[
              {
                key: 'enterprise',
                title: t('quotas.enterprise'),
                ellipsis: true,
                render: (_, x) => (
                  <div className="lab-name lab-name--fit">
                    <Typography.Text strong ellipsis title={x.enterprise.name} data-testid="quota-enterprise-name">
                      {x.enterprise.name}
                    </Typography.Text>
                    <Typography.Text type="secondary" className="small-text" ellipsis title={x.programmeName}>
                      {x.programmeName}
                    </Typography.Text>
                  </div>
                ),
              },
              {
                key: 'cap',
                title: t('voucher.mine.cap'),
                width: 130,
                align: 'right',
                sorter: true,
                sortOrder: sort === 'amountDesc' ? 'descend' : sort === 'amountAsc' ? 'ascend' : null,
                sortDirections: ['descend', 'ascend'],
                render: (_, x) => (
                  <span className="money-cell" data-testid="quota-cap" data-fen={x.capFen}>
                    {formatFen(x.capFen)}
                  </span>
                ),
              },
              {
                key: 'usage',
                title: t('quotas.usage'),
                width: 240,
                responsive: ['md'],
                render: (_, x) => (
                  <div className="budget-cell">
                    <QuotaBar capFen={x.capFen} usedFen={x.usedFen} reservedFen={x.reservedFen} />
                    <div className="budget-cell__legend">
                      {t('voucher.mine.used')} {formatFen(x.usedFen)} · {t('voucher.mine.reserved')}{' '}
                      {formatFen(x.reservedFen)} · {t('voucher.mine.available')} {formatFen(x.availableFen)}
                    </div>
                  </div>
                ),
              },
              {
                key: 'status',
                title: t('quotas.status'),
                width: 110,
                filters: STATUSES.map((k) => ({ value: k, text: t(`voucher.quotaStatus.${k}`) })),
                filterMultiple: false,
                filteredValue: status ? [status] : null,
                render: (_, x) => <QuotaStatusTag status={x.status} />,
              },
              {
                key: 'granted',
                title: t('quotas.grantedAt'),
                width: 160,
                responsive: ['lg'],
                sorter: true,
                sortOrder: sort === 'newest' ? 'descend' : sort === 'oldest' ? 'ascend' : null,
                sortDirections: ['descend', 'ascend'],
                render: (_, x) => formatDateTime(x.grantedAt, HOME_ZONE, i18n.language),
              },
              {
                key: 'actions',
                title: t('voucherAdmin.actions'),
                width: 110,
                fixed: 'right',
                render: (_, x) => {
                  const filterBy = [
                    {
                      key: 'enterprise',
                      icon: <FilterOutlined />,
                      label: t('voucherAdmin.quotas.onlyEnterprise'),
                      onClick: () => setParam('enterprise', x.enterprise.id),
                    },
                    {
                      key: 'programme',
                      icon: <FilterOutlined />,
                      label: t('voucherAdmin.quotas.onlyProgramme'),
                      onClick: () => setParam('programme', x.programmeId),
                    },
                  ];
                  return x.status === 'active' || x.status === 'not_started' ? (
                    <RowActions
                      primary={
                        <Button
                          type="link"
                          danger
                          size="small"
                          icon={<StopOutlined />}
                          onClick={() => setRevoking(x)}
                          data-testid="revoke-quota"
                        >
                          {t('quotas.revoke')}
                        </Button>
                      }
                      items={filterBy}
                      testId="quota-more"
                    />
                  ) : (
                    <RowActions
                      primary={
                        <Button
                          type="link"
                          size="small"
                          onClick={() => setParam('enterprise', x.enterprise.id)}
                          data-testid="quota-only-enterprise"
                        >
                          {t('voucherAdmin.quotas.onlyEnterprise')}
                        </Button>
                      }
                      items={filterBy.slice(1)}
                      testId="quota-more"
                    />
                  );
                },
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
          disabled={all.length === 0}
          onClick={() => setGranting(true)}
          data-testid="grant-quota"
        >
          {t('quotas.grant')}
        </Button>
      </div>
      <Card className="section-card table-card">{body}</Card>
      <GrantModal
        programmes={all}
        initial={programme ?? all.find((p) => p.status === 'open')}
        open={granting}
        onClose={() => setGranting(false)}
      />
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
