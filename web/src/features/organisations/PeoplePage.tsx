/**
 * `/organisation/people` (platform admins: `?org=<id>` for any organisation): the organisation's
 * people (searched, filtered, sorted and paged on the server), invitations, roles and the administrator
 * flag, disabling and re-enabling, requests to join.
 */
import {
  CheckOutlined,
  CloseOutlined,
  CrownOutlined,
  SearchOutlined,
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
  Card,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
  type ButtonProps,
  type MenuProps,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { Role } from '../../api/auth';
import { isApiError, problemText } from '../../api/client';
import {
  organisationsApi,
  type MemberAction,
  type PeopleList,
  type PeopleSort,
  type Person,
  type PersonStatus,
} from '../../api/organisations';
import { useAuth } from '../../app/auth';
import { RowActions } from '../../ui/RowActions';
import { EmptyState, ErrorState } from '../../ui/states';
import { tableChange, usePageReset } from '../../ui/listTable';
import { useDebounced } from '../../ui/useDebounced';
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

const PAGE_SIZE = 20;
const STATUSES: PersonStatus[] = ['active', 'requested', 'invited', 'declined', 'disabled'];
const SORTS: PeopleSort[] = ['admins', 'name', 'newest', 'oldest'];

/**
 * The organisation's people: by status and role, searched (names; e-mails too for those who see them
 * whole), sorted by name or joining and paged by number on the server; one action a row (accept, invite
 * again, make administrator, enable), the rest in its menu.
 */
export function PeoplePage() {
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const { user } = useAuth();
  const [params] = useSearchParams();
  const requested = Number(params.get('org'));
  const orgId = user?.role === 'platform_admin' && requested > 0 ? requested : user?.organisation.id;
  const [tab, setTab] = useState<'all' | 'requests'>('all');
  const [status, setStatus] = useState<PersonStatus | ''>('');
  const [role, setRole] = useState<Role | ''>('');
  const [sort, setSort] = useState<PeopleSort>('admins');
  const { page, setPage, from1 } = usePageReset();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 300);
  const shownStatus = tab === 'requests' ? 'requested' : status;
  const people = usePeople(orgId, {
    status: shownStatus || undefined,
    role: role || undefined,
    q: query || undefined,
    sort,
    offset: (page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  });
  const changed = useOrganisationsChanged();
  const [inviting, setInviting] = useState(false);
  const [declining, setDeclining] = useState<Person | null>(null);
  const [reason, setReason] = useState('');
  useDocumentTitle(t('organisations.people.title'));
  const statusLabel = (s: PersonStatus) =>
    s === 'disabled' ? t('organisations.people.disabled') : t(`organisations.membership.${s}`);
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

  if (people.isError && !people.data) return <ErrorState error={people.error} onRetry={() => void people.refetch()} />;
  const list = people.data;
  const items = list?.items ?? [];
  const manage = list?.canManage ?? false;
  const roles = list?.roles ?? [];
  const busy = people.isPending || people.isFetching;
  const onTableChange = tableChange({
    filter: (filters) => {
      if (tab !== 'requests') setStatus((filters.status?.[0] as PersonStatus | undefined) ?? '');
      setRole((filters.role?.[0] as Role | undefined) ?? '');
      setPage(1);
    },
    sort: {
      columns: { name: { ascend: 'name', descend: 'name' }, joined: { ascend: 'oldest', descend: 'newest' } },
      fallback: 'admins',
      set: from1(setSort),
    },
  });
  const confirmDisable = (p: Person) =>
    void modal.confirm({
      title: t('organisations.people.disableConfirm', { name: p.displayName }),
      okText: t('organisations.people.disable'),
      cancelText: t('organisations.common.cancel'),
      okButtonProps: { danger: true, 'data-testid': 'disable-ok' } as ButtonProps,
      onOk: () => act.mutateAsync({ p, action: 'disable' }),
    });

  /** The row's one action shown, and the rest for its menu. */
  const actionsOf = (p: Person): { primary: ReactNode; items: NonNullable<MenuProps['items']> } => {
    const link = (label: string, onClick: () => void, extra: Partial<ButtonProps> = {}) => (
      <Button type="link" size="small" onClick={onClick} {...extra}>
        {label}
      </Button>
    );
    const adminToggle = {
      key: 'admin',
      icon: <CrownOutlined />,
      label: p.orgAdmin ? t('organisations.people.removeAdmin') : t('organisations.people.makeAdmin'),
      onClick: () => update.mutate({ p, body: { orgAdmin: !p.orgAdmin } }),
    };
    const disable = {
      key: 'disable',
      icon: <StopOutlined />,
      danger: true,
      label: <span data-testid="disable-person">{t('organisations.people.disable')}</span>,
      onClick: () => confirmDisable(p),
    };
    if (p.membership === 'declined') return { primary: null, items: [] };
    if (p.disabled)
      return {
        primary: link(t('organisations.people.enable'), () => act.mutate({ p, action: 'enable' }), {
          icon: <UndoOutlined />,
          'data-testid': 'enable-person',
        } as ButtonProps),
        items: [],
      };
    if (p.membership === 'requested')
      return {
        primary: link(t('organisations.people.accept'), () => act.mutate({ p, action: 'accept' }), {
          icon: <CheckOutlined />,
          disabled: !p.emailVerified,
          'data-testid': 'accept-request',
        } as ButtonProps),
        items: [
          {
            key: 'decline',
            icon: <CloseOutlined />,
            danger: true,
            label: t('organisations.people.decline'),
            onClick: () => setDeclining(p),
          },
        ],
      };
    if (p.membership === 'invited')
      return {
        primary: link(t('organisations.people.resend'), () => reinvite.mutate(p), {
          'data-testid': 'resend-invitation',
        } as ButtonProps),
        items: [disable],
      };
    return {
      primary: link(adminToggle.label, adminToggle.onClick, { 'data-testid': 'toggle-admin' } as ButtonProps),
      items: [disable],
    };
  };

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
        onChange={(k) => from1(setTab)(k as 'all' | 'requests')}
        items={[
          { key: 'all', label: t('organisations.people.all') },
          {
            key: 'requests',
            label: (
              <span data-testid="tab-requests">
                {t('organisations.people.requests')} <Badge count={list?.requests ?? 0} size="small" />
              </span>
            ),
          },
        ]}
      />
      <div className="filter-bar">
        {tab === 'all' ? (
          <Select<PersonStatus | ''>
            value={status}
            onChange={from1(setStatus)}
            className="filter-bar__narrow"
            aria-label={t('organisations.people.status')}
            data-testid="people-status"
            options={[
              { value: '', label: t('organisations.people.allStatuses') },
              ...STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
            ]}
          />
        ) : null}
        {roles.length > 1 ? (
          <Select<Role | ''>
            value={role}
            onChange={from1(setRole)}
            className="filter-bar__narrow"
            aria-label={t('organisations.people.role')}
            data-testid="people-role"
            options={[
              { value: '', label: t('organisations.people.allRoles') },
              ...roles.map((r) => ({ value: r, label: t(`role.${r}`) })),
            ]}
          />
        ) : null}
        <Select<PeopleSort>
          value={sort}
          onChange={from1(setSort)}
          className="filter-bar__narrow"
          aria-label={t('catalog.sort')}
          data-testid="people-sort"
          options={SORTS.map((v) => ({ value: v, label: t(`organisations.people.sort.${v}`) }))}
        />
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={list && !list.full ? t('organisations.people.searchName') : t('organisations.people.search')}
          value={q}
          onChange={(e) => from1(setQ)(e.target.value)}
          className="filter-bar__wide"
          data-testid="people-search"
        />
      </div>
      <Card className="section-card table-card">
        <Table<Person>
          rowKey="id"
          size="middle"
          loading={busy}
          dataSource={items}
          tableLayout="fixed"
          scroll={{ x: manage ? 860 : 720 }}
          onChange={onTableChange}
          data-testid="people"
          data-busy={busy ? 'true' : 'false'}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: list?.total ?? 0,
            showSizeChanger: false,
            showTotal: (n) => t('work.table.total', { total: n.toLocaleString() }),
            onChange: setPage,
            hideOnSinglePage: true,
          }}
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
              ellipsis: true,
              sorter: true,
              sortOrder: sort === 'name' ? 'ascend' : null,
              sortDirections: ['ascend'],
              render: (_, p) => (
                <div className="lab-name lab-name--fit">
                  <Typography.Text strong ellipsis title={p.displayName}>
                    {p.displayName}
                    {p.id === user?.id ? t('organisations.people.you') : ''}
                  </Typography.Text>
                  {p.orgAdmin ? (
                    <span>
                      <Tag color="gold" icon={<CrownOutlined />}>
                        {t('organisations.people.admin')}
                      </Tag>
                    </span>
                  ) : null}
                </div>
              ),
            },
            {
              key: 'contact',
              title: `${t('organisations.people.email')} / ${t('organisations.people.phone')}`,
              width: 230,
              ellipsis: true,
              responsive: ['md'],
              render: (_, p) => (
                <div className="lab-name lab-name--fit">
                  <Typography.Text ellipsis title={p.email} data-testid="person-email">
                    {p.email}
                  </Typography.Text>
                  <Typography.Text type="secondary" className="small-text">
                    {p.phone ?? '—'}
                  </Typography.Text>
                </div>
              ),
            },
            {
              key: 'role',
              title: t('organisations.people.role'),
              width: 150,
              ...(roles.length > 1
                ? {
                    filters: roles.map((r) => ({ value: r, text: t(`role.${r}`) })),
                    filterMultiple: false,
                    filteredValue: role ? [role] : null,
                  }
                : {}),
              render: (_, p) =>
                manage && roles.length > 1 && p.id !== user?.id ? (
                  <Select<Role>
                    size="small"
                    value={p.role}
                    style={{ width: '100%' }}
                    onChange={(r) => update.mutate({ p, body: { role: r } })}
                    options={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))}
                  />
                ) : (
                  t(`role.${p.role}`)
                ),
            },
            {
              key: 'status',
              title: t('organisations.people.status'),
              width: 170,
              ...(tab === 'all'
                ? {
                    filters: STATUSES.map((s) => ({ value: s, text: statusLabel(s) })),
                    filterMultiple: false,
                    filteredValue: status ? [status] : null,
                  }
                : {}),
              render: (_, p) => <StatusCell p={p} />,
            },
            {
              key: 'joined',
              title: t('organisations.people.joined'),
              width: 150,
              responsive: ['lg'],
              sorter: true,
              sortOrder: sort === 'newest' ? 'descend' : sort === 'oldest' ? 'ascend' : null,
              sortDirections: ['descend', 'ascend'],
              render: (_, p) => <span className="nowrap">{formatTime(p.createdAt)}</span>,
            },
            ...(manage
              ? [
                  {
                    key: 'actions',
                    title: t('organisations.people.actions'),
                    width: 150,
                    fixed: 'right' as const,
                    render: (_: unknown, p: Person) => {
                      if (p.id === user?.id) return null;
                      const { primary, items: more } = actionsOf(p);
                      return <RowActions primary={primary} items={more} testId="person-more" />;
                    },
                  },
                ]
              : []),
          ]}
        />
      </Card>
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
