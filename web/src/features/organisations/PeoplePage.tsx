/**
 * `/organisation/people` (platform admins: `?org=<id>` for any organisation): the organisation's
 * people, invitations, roles and the administrator flag, disabling and re-enabling, requests to join.
 */
import {
  CheckOutlined,
  CloseOutlined,
  CrownOutlined,
  StopOutlined,
  UndoOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Badge,
  Button,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { Role } from '../../api/auth';
import { isApiError, problemText } from '../../api/client';
import { organisationsApi, type MemberAction, type PeopleList, type Person } from '../../api/organisations';
import { useAuth } from '../../app/auth';
import { EmptyState, ErrorState } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { MOBILE, placeErrors } from './OrganisationFields';
import { formatTime, type FieldKey } from './parts';
import { useOrganisationsChanged, usePeople } from './queries';
import './organisations.css';

type InviteValues = { email: string; displayName: string; role?: Role; orgAdmin: boolean; phone?: string };

function InviteModal({ list, open, onClose }: { list: PeopleList; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<InviteValues>();
  const changed = useOrganisationsChanged();
  const invite = useMutation({
    mutationFn: (v: InviteValues) =>
      organisationsApi.invite(list.organisation.id, {
        ...v,
        email: v.email.trim(),
        phone: v.phone?.trim() || undefined,
      }),
    onSuccess: (p) => {
      changed();
      onClose();
      void message.success(t('organisations.people.invited', { email: p.email }));
    },
    onError: (e) => {
      if (!placeErrors(form, e, { email: 'email', displayName: 'displayName', role: 'role', phone: 'phone' }))
        void message.error(isApiError(e) ? problemText(e) : t('organisations.common.failed'));
    },
  });
  const f = (k: FieldKey) => t(`organisations.field.${k}`);
  return (
    <Modal
      open={open}
      title={t('organisations.people.inviteTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('organisations.people.invite')}
      cancelText={t('organisations.common.cancel')}
      confirmLoading={invite.isPending}
      destroyOnHidden
      data-testid="invite-modal"
    >
      <Typography.Paragraph type="secondary">{t('organisations.people.inviteHint')}</Typography.Paragraph>
      <Form<InviteValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ role: list.roles[0], orgAdmin: false }}
        onFinish={(v) => invite.mutate(v)}
      >
        <Form.Item
          name="email"
          label={t('organisations.people.email')}
          rules={[
            { required: true, message: t('organisations.rule.required', { field: t('organisations.people.email') }) },
            { type: 'email', message: t('organisations.rule.email') },
          ]}
        >
          <Input maxLength={200} inputMode="email" data-testid="invite-email" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('organisations.people.name')}
          rules={[
            {
              required: true,
              whitespace: true,
              min: 2,
              max: 50,
              message: t('organisations.rule.required', { field: t('organisations.people.name') }),
            },
          ]}
        >
          <Input maxLength={50} data-testid="invite-name" />
        </Form.Item>
        <Form.Item
          name="phone"
          label={f('phone')}
          rules={[{ pattern: MOBILE, message: t('organisations.rule.mobile') }]}
        >
          <Input maxLength={11} inputMode="tel" />
        </Form.Item>
        {list.roles.length > 1 ? (
          <Form.Item name="role" label={f('role')}>
            <Select options={list.roles.map((r) => ({ value: r, label: t(`role.${r}`) }))} data-testid="invite-role" />
          </Form.Item>
        ) : null}
        <Form.Item name="orgAdmin" label={f('orgAdmin')} valuePropName="checked">
          <Switch data-testid="invite-admin" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function StatusCell({ p }: { p: Person }) {
  const { t } = useTranslation();
  if (p.disabled && p.membership !== 'declined') return <Tag color="default">{t('organisations.people.disabled')}</Tag>;
  if (p.membership === 'invited')
    return (
      <Space direction="vertical" size={0}>
        <Tag color="blue">{t('organisations.membership.invited')}</Tag>
        <Typography.Text type="secondary" className="small-text">
          {p.invitationExpiresAt
            ? t('organisations.people.invitedUntil', { date: formatTime(p.invitationExpiresAt) })
            : t('organisations.people.invitationExpired')}
        </Typography.Text>
      </Space>
    );
  const colour = { active: 'green', requested: 'orange', declined: 'red', invited: 'blue' }[p.membership];
  return (
    <Space size={4} wrap>
      <Tag color={colour}>{t(`organisations.membership.${p.membership}`)}</Tag>
      {!p.emailVerified ? <Tag>{t('organisations.people.unverified')}</Tag> : null}
    </Space>
  );
}

export function PeoplePage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { user } = useAuth();
  const [params] = useSearchParams();
  const requested = Number(params.get('org'));
  const orgId = user?.role === 'platform_admin' && requested > 0 ? requested : user?.organisation.id;
  const people = usePeople(orgId);
  const changed = useOrganisationsChanged();
  const [tab, setTab] = useState<'all' | 'requests'>('all');
  const [inviting, setInviting] = useState(false);
  const [declining, setDeclining] = useState<Person | null>(null);
  const [reason, setReason] = useState('');
  useDocumentTitle(t('organisations.people.title'));
  const failed = (e: unknown) => void message.error(isApiError(e) ? problemText(e) : t('organisations.common.failed'));
  const done = () => {
    changed();
    void message.success(t('organisations.people.done'));
  };
  const act = useMutation({
    mutationFn: ({ p, action, note }: { p: Person; action: MemberAction; note?: string }) =>
      organisationsApi.act(orgId!, p.id, action, note),
    onSuccess: () => {
      setDeclining(null);
      setReason('');
      done();
    },
    onError: failed,
  });
  const update = useMutation({
    mutationFn: ({ p, body }: { p: Person; body: { role?: Role; orgAdmin?: boolean } }) =>
      organisationsApi.updatePerson(orgId!, p.id, body),
    onSuccess: done,
    onError: failed,
  });
  const reinvite = useMutation({
    mutationFn: (p: Person) =>
      organisationsApi.invite(orgId!, {
        email: p.email,
        displayName: p.displayName,
        role: p.role,
        orgAdmin: p.orgAdmin,
      }),
    onSuccess: (p) => {
      changed();
      void message.success(t('organisations.people.invited', { email: p.email }));
    },
    onError: failed,
  });

  if (people.isError) return <ErrorState error={people.error} onRetry={() => void people.refetch()} />;
  const list = people.data;
  const requests = (list?.items ?? []).filter((p) => p.membership === 'requested' && !p.disabled);
  const items = tab === 'requests' ? requests : (list?.items ?? []);
  const manage = list?.canManage ?? false;

  return (
    <div className="org-page" data-testid="people-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('organisations.people.title')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {list ? `${list.organisation.name} · ` : ''}
            {t('organisations.people.subtitle')}
          </Typography.Text>
        </div>
        {manage ? (
          <Button type="primary" icon={<UserAddOutlined />} onClick={() => setInviting(true)} data-testid="invite-open">
            {t('organisations.people.invite')}
          </Button>
        ) : null}
      </div>
      {list && !list.full ? (
        <Alert type="info" showIcon className="org-card" title={t('organisations.people.masked')} />
      ) : null}
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as 'all' | 'requests')}
        items={[
          { key: 'all', label: t('organisations.people.all') },
          {
            key: 'requests',
            label: (
              <span data-testid="tab-requests">
                {t('organisations.people.requests')} <Badge count={requests.length} size="small" />
              </span>
            ),
          },
        ]}
      />
      <Table<Person>
        rowKey="id"
        size="middle"
        loading={people.isPending || people.isFetching}
        dataSource={items}
        pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        scroll={{ x: 'max-content' }}
        data-testid="people"
        locale={{
          emptyText: people.isPending ? (
            ' '
          ) : (
            <EmptyState
              title={tab === 'requests' ? t('organisations.people.noRequests') : t('organisations.people.empty')}
            />
          ),
        }}
        columns={[
          {
            key: 'name',
            title: t('organisations.people.name'),
            render: (_, p) => (
              <div className="lab-name">
                <Typography.Text strong>
                  {p.displayName}
                  {p.id === user?.id ? t('organisations.people.you') : ''}
                </Typography.Text>
                {p.orgAdmin ? (
                  <Tag color="gold" icon={<CrownOutlined />}>
                    {t('organisations.people.admin')}
                  </Tag>
                ) : null}
              </div>
            ),
          },
          {
            key: 'contact',
            title: `${t('organisations.people.email')} / ${t('organisations.people.phone')}`,
            render: (_, p) => (
              <div className="lab-name">
                <span data-testid="person-email">{p.email}</span>
                <Typography.Text type="secondary" className="small-text">
                  {p.phone ?? '—'}
                </Typography.Text>
              </div>
            ),
          },
          {
            key: 'role',
            title: t('organisations.people.role'),
            render: (_, p) =>
              manage && list && list.roles.length > 1 && p.id !== user?.id ? (
                <Select<Role>
                  size="small"
                  value={p.role}
                  style={{ minWidth: 130 }}
                  onChange={(role) => update.mutate({ p, body: { role } })}
                  options={list.roles.map((r) => ({ value: r, label: t(`role.${r}`) }))}
                />
              ) : (
                t(`role.${p.role}`)
              ),
          },
          { key: 'status', title: t('organisations.people.status'), render: (_, p) => <StatusCell p={p} /> },
          {
            key: 'actions',
            title: t('organisations.people.actions'),
            render: (_, p) =>
              !manage || p.id === user?.id ? null : (
                <Space size={0} wrap>
                  {p.membership === 'requested' && !p.disabled ? (
                    <>
                      <Button
                        type="link"
                        size="small"
                        icon={<CheckOutlined />}
                        disabled={!p.emailVerified}
                        onClick={() => act.mutate({ p, action: 'accept' })}
                        data-testid="accept-request"
                      >
                        {t('organisations.people.accept')}
                      </Button>
                      <Button type="link" size="small" danger icon={<CloseOutlined />} onClick={() => setDeclining(p)}>
                        {t('organisations.people.decline')}
                      </Button>
                    </>
                  ) : null}
                  {p.membership === 'invited' ? (
                    <Button type="link" size="small" onClick={() => reinvite.mutate(p)}>
                      {t('organisations.people.resend')}
                    </Button>
                  ) : null}
                  {p.membership === 'active' && !p.disabled ? (
                    <Button
                      type="link"
                      size="small"
                      onClick={() => update.mutate({ p, body: { orgAdmin: !p.orgAdmin } })}
                    >
                      {p.orgAdmin ? t('organisations.people.removeAdmin') : t('organisations.people.makeAdmin')}
                    </Button>
                  ) : null}
                  {p.membership !== 'requested' && p.membership !== 'declined' ? (
                    p.disabled ? (
                      <Button
                        type="link"
                        size="small"
                        icon={<UndoOutlined />}
                        onClick={() => act.mutate({ p, action: 'enable' })}
                      >
                        {t('organisations.people.enable')}
                      </Button>
                    ) : (
                      <Popconfirm
                        title={t('organisations.people.disableConfirm', { name: p.displayName })}
                        okText={t('organisations.people.disable')}
                        cancelText={t('organisations.common.cancel')}
                        okButtonProps={{ danger: true }}
                        onConfirm={() => act.mutate({ p, action: 'disable' })}
                      >
                        <Button type="link" size="small" danger icon={<StopOutlined />} data-testid="disable-person">
                          {t('organisations.people.disable')}
                        </Button>
                      </Popconfirm>
                    )
                  ) : null}
                </Space>
              ),
          },
        ]}
      />
      {list && manage ? <InviteModal list={list} open={inviting} onClose={() => setInviting(false)} /> : null}
      <Modal
        open={declining !== null}
        title={declining ? t('organisations.people.declineTitle', { name: declining.displayName }) : ''}
        onCancel={() => setDeclining(null)}
        onOk={() => declining && act.mutate({ p: declining, action: 'decline', note: reason.trim() || undefined })}
        okText={t('organisations.people.decline')}
        okButtonProps={{ danger: true }}
        cancelText={t('organisations.common.cancel')}
        confirmLoading={act.isPending}
        destroyOnHidden
      >
        <Input.TextArea
          rows={3}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('organisations.people.declineReason')}
        />
      </Modal>
    </div>
  );
}
