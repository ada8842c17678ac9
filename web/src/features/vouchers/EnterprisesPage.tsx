import { PlusOutlined, SafetyCertificateOutlined, SearchOutlined, StopOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { voucherApi, type ControllerGroup, type Enterprise } from '../../api/vouchers';
import { EmptyState, ErrorState } from '../../ui/states';
import { dayjs } from '../../ui/time';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useControllerGroups, useEnterprises } from './queries';
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

function EnterprisesTab() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const failed = useFailedToast();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 300);
  const list = useEnterprises(query);
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
  const items = list.data ?? [];
  const c = certifying?.certification;

  return (
    <>
      <div className="filter-bar">
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('enterprises.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="filter-bar__wide"
          data-testid="enterprise-search"
        />
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Enterprise>
          rowKey="id"
          size="middle"
          loading={list.isPending || list.isFetching}
          dataSource={items}
          pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          scroll={{ x: 'max-content' }}
          data-testid="enterprises"
          locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('enterprises.empty')} /> }}
          columns={[
            {
              key: 'name',
              title: t('enterprises.name'),
              render: (_, e) => (
                <div className="lab-name">
                  <Typography.Text strong>{e.name}</Typography.Text>
                  <Typography.Text type="secondary" className="small-text">
                    {[e.cityName, e.creditCode].filter(Boolean).join(' · ')}
                  </Typography.Text>
                </div>
              ),
            },
            {
              key: 'cert',
              title: t('enterprises.certification'),
              render: (_, e) => (
                <div className="use-cell">
                  <span>
                    <CertificationTag e={e} />
                  </span>
                  {e.certification ? (
                    <Typography.Text type="secondary" className="small-text nowrap">
                      {e.certification.certificateNo} · {e.certification.certifiedOn} – {e.certification.expiresOn}
                    </Typography.Text>
                  ) : null}
                </div>
              ),
            },
            {
              key: 'group',
              title: t('enterprises.controllerGroup'),
              responsive: ['md'],
              render: (_, e) => e.certification?.controllerGroup?.name ?? t('common.none'),
            },
            {
              key: 'actions',
              title: '',
              render: (_, e) => (
                <Space size={0} wrap>
                  <Button
                    type="link"
                    size="small"
                    icon={<SafetyCertificateOutlined />}
                    onClick={() => setCertifying(e)}
                    data-testid="certify"
                  >
                    {e.certification && !e.certification.revokedAt
                      ? t('enterprises.recertify')
                      : t('enterprises.certify')}
                  </Button>
                  {e.certification && !e.certification.revokedAt ? (
                    <Popconfirm
                      title={t('enterprises.revokeConfirm', { name: e.name })}
                      onConfirm={() => revoke.mutate(e.id)}
                      okButtonProps={{ danger: true }}
                    >
                      <Button
                        type="link"
                        danger
                        size="small"
                        icon={<StopOutlined />}
                        data-testid="revoke-certification"
                      >
                        {t('enterprises.revoke')}
                      </Button>
                    </Popconfirm>
                  ) : null}
                </Space>
              ),
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
      <Card className="section-card">
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
