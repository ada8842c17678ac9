/**
 * `/admin/organisations` (platform admins): every organisation, by kind and status, searched; contacts
 * masked in the list and whole in the drawer; the people of each; setting up finance offices.
 */
import { PlusOutlined, SearchOutlined, TeamOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App as AntApp, Button, Card, Drawer, Form, Input, Modal, Select, Skeleton, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { OrganisationKind } from '../../api/auth';
import { isApiError, problemText } from '../../api/client';
import { organisationsApi, type FinanceLevel, type Organisation } from '../../api/organisations';
import { EmptyState, ErrorState } from '../../ui/states';
import { tableChange, usePageReset } from '../../ui/listTable';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { placeErrors } from './OrganisationFields';
import { formatTime, OrganisationDescriptions, OrgStatusTag, PlaceCascader, type FieldKey } from './parts';
import { useCounties, useDirectoryPage, useOrganisation, useOrganisationsChanged } from './queries';
import { RowActions } from '../../ui/RowActions';
import './organisations.css';

const KINDS: OrganisationKind[] = ['enterprise', 'institution', 'finance_office', 'platform'];
const STATUSES = ['unverified', 'pending_review', 'returned', 'approved', 'rejected'] as const;
const LEVELS: FinanceLevel[] = ['province', 'city', 'county'];

type OfficeValues = {
  name: string;
  level: FinanceLevel;
  city?: string;
  place?: string[];
  address?: string;
  contactName?: string;
  contactPhone?: string;
};

function FinanceOfficeModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<OfficeValues>();
  const level = Form.useWatch('level', form);
  const counties = useCounties();
  const changed = useOrganisationsChanged();
  const create = useMutation({
    mutationFn: ({ city, place, ...v }: OfficeValues) =>
      organisationsApi.createFinanceOffice({
        ...v,
        cityCode: v.level === 'city' ? city : v.level === 'county' ? place?.[0] : undefined,
        countyCode: v.level === 'county' ? place?.[1] : undefined,
        address: v.address?.trim() || undefined,
        contactName: v.contactName?.trim() || undefined,
        contactPhone: v.contactPhone?.trim() || undefined,
      }),
    onSuccess: (o) => {
      changed();
      onClose();
      void message.success(t('organisations.directory.created', { name: o.name }));
    },
    onError: (e) => {
      if (!placeErrors(form, e, { name: 'name', cityCode: level === 'county' ? 'place' : 'city', countyCode: 'place' }))
        void message.error(isApiError(e) ? problemText(e) : t('organisations.common.failed'));
    },
  });
  const f = (k: FieldKey) => t(`organisations.field.${k}`);
  return (
    <Modal
      open={open}
      title={t('organisations.directory.createOfficeTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('organisations.common.confirm')}
      cancelText={t('organisations.common.cancel')}
      confirmLoading={create.isPending}
      destroyOnHidden
      data-testid="office-modal"
    >
      <Typography.Paragraph type="secondary">{t('organisations.directory.createOfficeHint')}</Typography.Paragraph>
      <Form<OfficeValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ level: 'city' }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item
          name="name"
          label={t('organisations.directory.officeName')}
          rules={[{ required: true, whitespace: true, min: 2, max: 100 }]}
        >
          <Input maxLength={100} placeholder="淄博市财政局" data-testid="office-name" />
        </Form.Item>
        <Form.Item name="level" label={f('level')}>
          <Select options={LEVELS.map((l) => ({ value: l, label: t(`organisations.financeLevel.${l}`) }))} />
        </Form.Item>
        {level === 'city' ? (
          <Form.Item
            name="city"
            label={f('cityCode')}
            rules={[{ required: true, message: t('organisations.rule.choose', { field: f('cityCode') }) }]}
          >
            <Select
              loading={counties.isPending}
              options={(counties.data ?? []).map((c) => ({ value: c.code, label: c.name }))}
              data-testid="office-city"
            />
          </Form.Item>
        ) : null}
        {level === 'county' ? (
          <Form.Item
            name="place"
            label={f('place')}
            rules={[
              {
                required: true,
                type: 'array',
                len: 2,
                message: t('organisations.rule.choose', { field: f('countyCode') }),
              },
            ]}
          >
            <PlaceCascader />
          </Form.Item>
        ) : null}
        <Form.Item name="address" label={f('address')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="contactName" label={f('contactName')}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="contactPhone" label={f('phone')}>
          <Input maxLength={20} inputMode="tel" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function OrganisationDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const { t } = useTranslation();
  const org = useOrganisation(id);
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      title={t('organisations.directory.details')}
      size={560}
      destroyOnHidden
      extra={
        id !== null ? (
          <Link to={`/organisation/people?org=${id}`}>
            <Button icon={<TeamOutlined />}>{t('organisations.directory.people')}</Button>
          </Link>
        ) : null
      }
    >
      {org.isPending ? (
        <Skeleton active />
      ) : org.isError ? (
        <ErrorState error={org.error} />
      ) : (
        <OrganisationDescriptions org={org.data} column={1} />
      )}
    </Drawer>
  );
}

const PAGE_SIZE = 20;
type DirectorySort = 'newest' | 'oldest' | 'name';

/**
 * The platform's directory: filtered by kind and status, searched, sorted (registration date or name)
 * and paged by number on the server; a row opens its details, its menu the organisation's people.
 */
export function OrganisationsAdminPage() {
  const { t } = useTranslation();
  const [kind, setKind] = useState('');
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<DirectorySort>('newest');
  const { page, setPage, from1 } = usePageReset();
  const query = useDebounced(q.trim(), 300);
  const list = useDirectoryPage({ kind, status, q: query, sort, page, pageSize: PAGE_SIZE });
  const [open, setOpen] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  useDocumentTitle(t('organisations.directory.title'));
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const busy = list.isPending || list.isFetching;
  const onTableChange = tableChange({
    sort: {
      columns: { name: { ascend: 'name', descend: 'name' }, created: { ascend: 'oldest' } },
      fallback: 'newest',
      set: from1(setSort),
    },
  });

  return (
    <div className="org-page" data-testid="organisations-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('organisations.directory.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('organisations.directory.subtitle')}</Typography.Text>
        </div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="office-open">
          {t('organisations.directory.createOffice')}
        </Button>
      </div>
      <div className="filter-bar">
        <Select
          value={kind}
          onChange={from1(setKind)}
          className="filter-bar__narrow"
          data-testid="organisation-kind"
          options={[
            { value: '', label: t('organisations.directory.allKinds') },
            ...KINDS.map((k) => ({ value: k, label: t(`organisations.kind.${k}`) })),
          ]}
        />
        <Select
          value={status}
          onChange={from1(setStatus)}
          className="filter-bar__narrow"
          options={[
            { value: '', label: t('organisations.directory.allStatuses') },
            ...STATUSES.map((s) => ({ value: s, label: t(`organisations.status.${s}`) })),
          ]}
        />
        <Select<DirectorySort>
          value={sort}
          onChange={(v) => {
            setSort(v);
            setPage(1);
          }}
          className="filter-bar__narrow"
          aria-label={t('catalog.sort')}
          data-testid="organisation-sort"
          options={(['newest', 'oldest', 'name'] as const).map((v) => ({
            value: v,
            label: t(`work.organisations.sort.${v}`),
          }))}
        />
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('organisations.directory.search')}
          value={q}
          onChange={(e) => from1(setQ)(e.target.value)}
          className="filter-bar__wide"
          data-testid="organisation-search"
        />
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Card className="section-card table-card">
          <Table<Organisation>
            rowKey="id"
            size="middle"
            loading={busy}
            dataSource={items}
            tableLayout="fixed"
            scroll={{ x: 820 }}
            onChange={onTableChange}
            onRow={(o) => ({ onClick: () => setOpen(o.id), style: { cursor: 'pointer' } })}
            data-testid="organisations"
            data-busy={busy ? 'true' : 'false'}
            locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('organisations.directory.empty')} /> }}
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
                title: t('organisations.field.name'),
                ellipsis: true,
                sorter: true,
                sortOrder: sort === 'name' ? 'ascend' : null,
                sortDirections: ['ascend'],
                render: (_, o) => (
                  <div className="lab-name lab-name--fit">
                    <Typography.Text strong ellipsis title={o.name}>
                      {o.name}
                    </Typography.Text>
                    <Typography.Text type="secondary" className="small-text nowrap">
                      {o.creditCode ?? ''}
                    </Typography.Text>
                  </div>
                ),
              },
              {
                key: 'kind',
                title: t('organisations.field.kind'),
                width: 130,
                ellipsis: true,
                render: (_, o) =>
                  `${t(`organisations.kind.${o.kind}`)}${o.financeLevel ? ` · ${t(`organisations.financeLevel.${o.financeLevel}`)}` : ''}`,
              },
              {
                key: 'place',
                title: t('organisations.field.place'),
                width: 120,
                ellipsis: true,
                responsive: ['md'],
                render: (_, o) => [o.cityName, o.countyName].filter(Boolean).join(' · ') || '—',
              },
              {
                key: 'contact',
                title: t('organisations.field.contactName'),
                width: 190,
                ellipsis: true,
                responsive: ['xxl'],
                render: (_, o) => (
                  <div className="lab-name lab-name--fit">
                    <span>{o.contactName ?? '—'}</span>
                    <Typography.Text type="secondary" className="small-text" ellipsis>
                      {[o.contactPhone, o.contactEmail].filter(Boolean).join(' · ')}
                    </Typography.Text>
                  </div>
                ),
              },
              {
                key: 'people',
                title: t('organisations.field.people'),
                dataIndex: 'people',
                width: 80,
                align: 'right',
                responsive: ['md'],
              },
              {
                key: 'created',
                title: t('organisations.field.createdAt'),
                width: 150,
                responsive: ['lg'],
                sorter: true,
                sortOrder: sort === 'newest' ? 'descend' : sort === 'oldest' ? 'ascend' : null,
                sortDirections: ['descend', 'ascend'],
                render: (_, o) => formatTime(o.createdAt),
              },
              {
                key: 'status',
                title: t('organisations.field.status'),
                width: 100,
                render: (_, o) => <OrgStatusTag status={o.status} />,
              },
              {
                key: 'actions',
                title: t('lab.columns.actions'),
                width: 110,
                fixed: 'right',
                render: (_, o) => (
                  <RowActions
                    primary={
                      <Button type="link" size="small" onClick={() => setOpen(o.id)} data-testid="organisation-open">
                        {t('work.organisations.details')}
                      </Button>
                    }
                    items={[
                      {
                        key: 'people',
                        icon: <TeamOutlined />,
                        label: (
                          <Link to={`/organisation/people?org=${o.id}`}>{t('organisations.directory.people')}</Link>
                        ),
                      },
                    ]}
                    testId="organisation-more"
                  />
                ),
              },
            ]}
          />
        </Card>
      )}
      <OrganisationDrawer id={open} onClose={() => setOpen(null)} />
      <FinanceOfficeModal open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
