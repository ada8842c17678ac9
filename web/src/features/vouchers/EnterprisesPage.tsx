import {
  PlusOutlined,
  SafetyCertificateOutlined,
  SearchOutlined,
  StopOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { ButtonProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { voucherApi, type CertificationState, type ControllerGroup, type Enterprise } from '../../api/vouchers';
import { formatFen } from '../../ui/money';
import { localName } from '../../ui/names';
import { RowActions } from '../../ui/RowActions';
import { EmptyState, ErrorState } from '../../ui/states';
import { dayjs } from '../../ui/time';
import { tableChange, usePageReset } from '../../ui/listTable';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useCities } from '../catalog/queries';
import { useControllerGroups, useEnterprisePage } from './queries';
import { useFailedToast } from './useFailedToast';

type CertifyValues = { certificateNo: string; certifiedOn: Dayjs; expiresOn: Dayjs; controllerGroupId?: number | null };
type GroupValues = { name: string; controller: string };

export function CertificationTag({ e }: { e: Enterprise }) {
  const { t } = useTranslation();
  const c = e.certification;
  if (!c)
    return (
      <Tag data-testid="certification" data-state="none">
        {t('enterprises.none')}
      </Tag>
    );
  if (c.revokedAt)
    return (
      <Tag color="red" data-testid="certification" data-state="revoked">
        {t('enterprises.revoked')}
      </Tag>
    );
  if (!c.valid)
    return (
      <Tag color="orange" data-testid="certification" data-state="expired">
        {t('enterprises.expired')}
      </Tag>
    );
  return (
    <Tag color="green" data-testid="certification" data-state="valid">
      {t('enterprises.valid')}
    </Tag>
  );
}

const PAGE_SIZE = 20;
const CERT_STATES: CertificationState[] = ['valid', 'expired', 'revoked', 'none'];
type EnterpriseSort = 'registered' | 'name' | 'balanceDesc' | 'balanceAsc';
const SORT_PARAMS: Record<EnterpriseSort, { sort?: 'name' | 'balance'; order?: 'asc' | 'desc' }> = {
  registered: {},
  name: { sort: 'name', order: 'asc' },
  balanceDesc: { sort: 'balance', order: 'desc' },
  balanceAsc: { sort: 'balance', order: 'asc' },
};

/**
 * The enterprises, searched by name or credit code, filtered by city and certification, sorted by name
 * or quota money left and paged by number on the server; a row's primary action certifies, its menu
 * revokes or opens the enterprise's quotas.
 */
function EnterprisesTab() {
  const { t, i18n } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const qc = useQueryClient();
  const failed = useFailedToast();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [city, setCity] = useState('');
  const [cert, setCert] = useState<CertificationState | ''>('');
  const [sort, setSort] = useState<EnterpriseSort>('registered');
  const { page, setPage, from1 } = usePageReset();
  const query = useDebounced(q.trim(), 300);
  const cities = useCities();
  const list = useEnterprisePage({
    q: query || undefined,
    city: city || undefined,
    certification: cert || undefined,
    ...SORT_PARAMS[sort],
    offset: (page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  });
  const groups = useControllerGroups();
  const [certifying, setCertifying] = useState<Enterprise | null>(null);
  const [form] = Form.useForm<CertifyValues>();
  const refresh = () => void qc.invalidateQueries({ queryKey: ['vouchers'] });
  const certify = useMutation({
    mutationFn: ({ id, v }: { id: number; v: CertifyValues }) =>
      voucherApi.certify(id, {
        certificateNo: v.certificateNo.trim(),
        certifiedOn: v.certifiedOn.format('YYYY-MM-DD'),
        expiresOn: v.expiresOn.format('YYYY-MM-DD'),
        controllerGroupId: v.controllerGroupId ?? null,
      }),
    onSuccess: () => {
      setCertifying(null);
      refresh();
      void message.success(t('enterprises.certified'));
    },
    onError: failed,
  });
  const revoke = useMutation({
    mutationFn: (id: number) => voucherApi.revokeCertification(id),
    onSuccess: () => {
      refresh();
      void message.success(t('enterprises.revokedDone'));
    },
    onError: failed,
  });
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const busy = list.isPending || list.isFetching;
  const c = certifying?.certification;
  const onTableChange = tableChange({
    filter: (filters) =>
      from1(setCert)(((filters.cert?.[0] as CertificationState | undefined) ?? '') as CertificationState | ''),
    sort: {
      columns: { name: { ascend: 'name', descend: 'name' }, balance: { ascend: 'balanceAsc', descend: 'balanceDesc' } },
      fallback: 'registered',
      set: from1(setSort),
    },
  });
  const confirmRevoke = (e: Enterprise) =>
    modal.confirm({
      title: t('enterprises.revokeConfirm', { name: e.name }),
      okButtonProps: { danger: true, 'data-testid': 'revoke-ok' } as ButtonProps,
      okText: t('enterprises.revoke'),
      cancelText: t('common.cancel'),
      onOk: () => revoke.mutateAsync(e.id),
    });

  return (
    <>
      <div className="filter-bar">
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('enterprises.search')}
          value={q}
          onChange={(e) => from1(setQ)(e.target.value)}
          className="filter-bar__wide"
          data-testid="enterprise-search"
        />
        <Select
          value={city}
          onChange={from1(setCity)}
          className="filter-bar__narrow"
          loading={cities.isPending}
          data-testid="enterprise-city"
          options={[
            { value: '', label: t('voucherAdmin.enterprises.allCities') },
            ...(cities.data ?? []).map((x) => ({ value: x.code, label: localName(x, i18n.language) })),
          ]}
        />
        <Select<CertificationState | ''>
          value={cert}
          onChange={from1(setCert)}
          className="filter-bar__narrow"
          data-testid="enterprise-certification"
          options={[
            { value: '', label: t('voucherAdmin.enterprises.allStates') },
            ...CERT_STATES.map((k) => ({ value: k, label: t(`enterprises.${k}`) })),
          ]}
        />
        <Select<EnterpriseSort>
          value={sort}
          onChange={from1(setSort)}
          className="filter-bar__narrow"
          aria-label={t('catalog.sort')}
          data-testid="enterprise-sort"
          options={(Object.keys(SORT_PARAMS) as EnterpriseSort[]).map((v) => ({
            value: v,
            label: t(`voucherAdmin.enterprises.sort.${v}`),
          }))}
        />
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Enterprise>
          rowKey="id"
          size="middle"
          loading={busy}
          dataSource={items}
          tableLayout="fixed"
          scroll={{ x: 860 }}
          onChange={onTableChange}
          data-testid="enterprises"
          data-busy={busy ? 'true' : 'false'}
          data-total={total}
          locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('enterprises.empty')} /> }}
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
              key: 'name',
              title: t('enterprises.name'),
              ellipsis: true,
              sorter: true,
              sortOrder: sort === 'name' ? 'ascend' : null,
              sortDirections: ['ascend'],
              render: (_, e) => (
                <div className="lab-name lab-name--fit">
                  <Typography.Text strong ellipsis title={e.name} data-testid="enterprise-name">
                    {e.name}
                  </Typography.Text>
                  <Typography.Text type="secondary" className="small-text" ellipsis>
                    {[e.cityName, e.creditCode].filter(Boolean).join(' · ')}
                  </Typography.Text>
                </div>
              ),
            },
            {
              key: 'cert',
              title: t('enterprises.certification'),
              width: 230,
              filters: CERT_STATES.map((k) => ({ value: k, text: t(`enterprises.${k}`) })),
              filterMultiple: false,
              filteredValue: cert ? [cert] : null,
              render: (_, e) => (
                <div className="use-cell">
                  <span>
                    <CertificationTag e={e} />
                  </span>
                  {e.certification ? (
                    <Typography.Text
                      type="secondary"
                      className="small-text"
                      ellipsis
                      title={e.certification.certificateNo}
                    >
                      {e.certification.certificateNo} · {e.certification.certifiedOn} – {e.certification.expiresOn}
                    </Typography.Text>
                  ) : null}
                </div>
              ),
            },
            {
              key: 'balance',
              title: t('voucherAdmin.enterprises.balance'),
              width: 140,
              align: 'right',
              sorter: true,
              sortOrder: sort === 'balanceDesc' ? 'descend' : sort === 'balanceAsc' ? 'ascend' : null,
              sortDirections: ['descend', 'ascend'],
              render: (_, e) => (
                <span className="money-cell" data-testid="enterprise-balance" data-fen={e.quotaBalanceFen ?? 0}>
                  {formatFen(e.quotaBalanceFen ?? 0)}
                </span>
              ),
            },
            {
              key: 'group',
              title: t('enterprises.controllerGroup'),
              width: 150,
              ellipsis: true,
              responsive: ['xl'],
              render: (_, e) => e.certification?.controllerGroup?.name ?? t('common.none'),
            },
            {
              key: 'actions',
              title: t('voucherAdmin.actions'),
              width: 130,
              fixed: 'right',
              render: (_, e) => {
                const live = !!e.certification && !e.certification.revokedAt;
                return (
                  <RowActions
                    primary={
                      <Button
                        type="link"
                        size="small"
                        icon={<SafetyCertificateOutlined />}
                        onClick={() => setCertifying(e)}
                        data-testid="certify"
                      >
                        {live ? t('enterprises.recertify') : t('enterprises.certify')}
                      </Button>
                    }
                    items={[
                      {
                        key: 'quotas',
                        icon: <WalletOutlined />,
                        label: t('voucherAdmin.enterprises.quotas'),
                        onClick: () => void navigate(`/admin/quotas?enterprise=${e.id}`),
                      },
                      ...(live
                        ? [
                            {
                              key: 'revoke',
                              danger: true,
                              icon: <StopOutlined />,
                              label: <span data-testid="revoke-certification">{t('enterprises.revoke')}</span>,
                              onClick: () => confirmRevoke(e),
                            },
                          ]
                        : []),
                    ]}
                    testId="enterprise-more"
                  />
                );
              },
            },
          ]}
        />
      )}
      <Modal
        open={certifying !== null}
        title={certifying ? t('enterprises.certifyTitle', { name: certifying.name }) : ''}
        onCancel={() => setCertifying(null)}
        onOk={() => form.submit()}
        okButtonProps={{ loading: certify.isPending }}
        destroyOnHidden
      >
        <Form<CertifyValues>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={
            c && !c.revokedAt
              ? {
                  certificateNo: c.certificateNo,
                  certifiedOn: dayjs(c.certifiedOn),
                  expiresOn: dayjs(c.expiresOn),
                  controllerGroupId: c.controllerGroup?.id ?? null,
                }
              : { certifiedOn: dayjs().startOf('day'), expiresOn: dayjs().startOf('day').add(1, 'year') }
          }
          onFinish={(v) => certifying && certify.mutate({ id: certifying.id, v })}
        >
          <Form.Item
            name="certificateNo"
            label={t('enterprises.certificateNo')}
            rules={[
              { required: true, whitespace: true, min: 4, max: 40, message: t('enterprises.certificateRequired') },
            ]}
          >
            <Input maxLength={40} placeholder="202637010500012345" />
          </Form.Item>
          <Form.Item
            name="certifiedOn"
            label={t('enterprises.certifiedOn')}
            rules={[{ required: true, message: t('enterprises.datesRequired') }]}
          >
            <DatePicker className="full-width" />
          </Form.Item>
          <Form.Item
            name="expiresOn"
            label={t('enterprises.expiresOn')}
            dependencies={['certifiedOn']}
            rules={[
              { required: true, message: t('enterprises.datesRequired') },
              ({ getFieldValue }) => ({
                validator: async (_, v: Dayjs | undefined) => {
                  const from = getFieldValue('certifiedOn') as Dayjs | undefined;
                  if (v && from && !v.isAfter(from, 'day')) throw new Error(t('enterprises.datesOrder'));
                },
              }),
            ]}
          >
            <DatePicker className="full-width" />
          </Form.Item>
          <Form.Item name="controllerGroupId" label={t('enterprises.controllerGroup')}>
            <Select<number>
              allowClear
              placeholder={t('enterprises.noGroup')}
              loading={groups.isPending}
              options={(groups.data ?? []).map((g) => ({ value: g.id, label: `${g.name} · ${g.controller}` }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function GroupsTab() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const failed = useFailedToast();
  const groups = useControllerGroups();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<GroupValues>();
  const create = useMutation({
    mutationFn: (v: GroupValues) =>
      voucherApi.createControllerGroup({ name: v.name.trim(), controller: v.controller.trim() }),
    onSuccess: () => {
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['vouchers', 'controller-groups'] });
      void message.success(t('enterprises.groupCreated'));
    },
    onError: failed,
  });
  const items = groups.data ?? [];
  return (
    <>
      <div className="admin-toolbar">
        <Typography.Text type="secondary">{t('enterprises.groupsHint')}</Typography.Text>
        <Button icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="add-group">
          {t('enterprises.addGroup')}
        </Button>
      </div>
      {groups.isError ? (
        <ErrorState error={groups.error} onRetry={() => void groups.refetch()} />
      ) : (
        <Table<ControllerGroup>
          rowKey="id"
          size="middle"
          loading={groups.isPending}
          dataSource={items}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="controller-groups"
          locale={{ emptyText: groups.isPending ? ' ' : <EmptyState title={t('enterprises.groupsEmpty')} /> }}
          columns={[
            { key: 'name', title: t('enterprises.groupName'), dataIndex: 'name' },
            { key: 'controller', title: t('enterprises.controller'), dataIndex: 'controller' },
            {
              key: 'members',
              title: t('enterprises.members'),
              render: (_, g) =>
                g.members.length ? (
                  <Space size={[4, 4]} wrap>
                    {g.members.map((m) => (
                      <Tag key={m.id}>{m.name}</Tag>
                    ))}
                  </Space>
                ) : (
                  <Typography.Text type="secondary">{t('enterprises.noMembers')}</Typography.Text>
                ),
            },
          ]}
        />
      )}
      <Modal
        open={open}
        title={t('enterprises.addGroupTitle')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okButtonProps={{ loading: create.isPending }}
        destroyOnHidden
      >
        <Form<GroupValues> form={form} layout="vertical" preserve={false} onFinish={(v) => create.mutate(v)}>
          <Form.Item
            name="name"
            label={t('enterprises.groupName')}
            rules={[{ required: true, whitespace: true, min: 2, max: 100, message: t('enterprises.nameRequired') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="controller"
            label={t('enterprises.controller')}
            rules={[{ required: true, whitespace: true, min: 2, max: 100, message: t('enterprises.nameRequired') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** `/admin/enterprises`: technology-SME certification of enterprises, and their controller groups. */
export function EnterprisesPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'groups' ? 'groups' : 'enterprises';
  useDocumentTitle(t('enterprises.title'));
  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('enterprises.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('enterprises.subtitle')}</Typography.Text>
        </div>
      </div>
      <Card className="section-card table-card">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'groups' ? { tab: k } : {}, { replace: true })}
          items={[
            { key: 'enterprises', label: t('enterprises.tabs.enterprises'), children: <EnterprisesTab /> },
            { key: 'groups', label: t('enterprises.tabs.groups'), children: <GroupsTab /> },
          ]}
        />
      </Card>
    </div>
  );
}
