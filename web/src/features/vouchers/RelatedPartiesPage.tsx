import { DeleteOutlined, FilterOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Card, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  RELATION_KINDS,
  voucherApi,
  type RelatedParty,
  type RelatedPartyInput,
  type RelationKind,
} from '../../api/vouchers';
import { localName } from '../../ui/names';
import { EmptyState, ErrorState } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { RowActions } from '../../ui/RowActions';
import { tableChange, usePageReset } from '../../ui/listTable';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useInstitutions } from '../catalog/queries';
import { EnterprisePicker } from './EnterprisePicker';
import { useRelatedParties, voucherKeys } from './queries';
import { useFailedToast } from './useFailedToast';

const HOME_ZONE = 'Asia/Shanghai';
const PAGE_SIZE = 20;
type RelatedSort = 'newest' | 'oldest' | 'enterprise';
const SORT_PARAMS: Record<RelatedSort, { sort?: 'declared' | 'enterprise'; order?: 'asc' | 'desc' }> = {
  newest: {},
  oldest: { sort: 'declared', order: 'asc' },
  enterprise: { sort: 'enterprise', order: 'asc' },
};

/**
 * `/admin/related-parties`: declared relations between enterprises and providers (no voucher between
 * them), searched by either name, filtered by relation or enterprise, sorted and paged on the server.
 */
export function RelatedPartiesPage() {
  const { t, i18n } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const qc = useQueryClient();
  const failed = useFailedToast();
  const [q, setQ] = useState('');
  const [relation, setRelation] = useState<RelationKind | ''>('');
  const [sort, setSort] = useState<RelatedSort>('newest');
  const [enterpriseId, setEnterpriseId] = useState<number | undefined>(undefined);
  const { page, setPage, from1 } = usePageReset();
  const query = useDebounced(q.trim(), 300);
  const list = useRelatedParties({
    q: query || undefined,
    relation: relation || undefined,
    enterpriseId,
    ...SORT_PARAMS[sort],
    offset: (page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  });
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<RelatedPartyInput>();
  const institutions = useInstitutions(undefined, open);
  useDocumentTitle(t('related.title'));
  const refresh = () => void qc.invalidateQueries({ queryKey: voucherKeys.related });
  const create = useMutation({
    mutationFn: ({ note, ...v }: RelatedPartyInput) =>
      voucherApi.createRelatedParty({ ...v, ...(note?.trim() ? { note: note.trim() } : {}) }),
    onSuccess: () => {
      setOpen(false);
      refresh();
      void message.success(t('related.created'));
    },
    onError: failed,
  });
  const remove = useMutation({
    mutationFn: (id: number) => voucherApi.deleteRelatedParty(id),
    onSuccess: () => {
      refresh();
      void message.success(t('related.deleted'));
    },
    onError: failed,
  });
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const busy = list.isPending || list.isFetching;
  const onTableChange = tableChange({
    filter: (filters) =>
      from1(setRelation)(((filters.relation?.[0] as RelationKind | undefined) ?? '') as RelationKind | ''),
    sort: {
      columns: { enterprise: { ascend: 'enterprise', descend: 'enterprise' }, declaredAt: { ascend: 'oldest' } },
      fallback: 'newest',
      set: from1(setSort),
    },
  });
  const confirmDelete = (r: RelatedParty) =>
    modal.confirm({
      title: t('related.deleteConfirm'),
      okButtonProps: { danger: true, 'data-testid': 'delete-related-ok' } as ButtonProps,
      okText: t('voucherAdmin.related.delete'),
      cancelText: t('common.cancel'),
      onOk: () => remove.mutateAsync(r.id),
    });

  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('related.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('related.subtitle')}</Typography.Text>
        </div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="add-related">
          {t('related.add')}
        </Button>
      </div>
      <Card className="section-card table-card">
        <div className="filter-bar">
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('voucherAdmin.related.search')}
            value={q}
            onChange={(e) => from1(setQ)(e.target.value)}
            className="filter-bar__wide"
            data-testid="related-search"
          />
          <Select<RelationKind | ''>
            value={relation}
            onChange={from1(setRelation)}
            className="filter-bar__narrow"
            data-testid="related-relation-filter"
            options={[
              { value: '', label: t('voucherAdmin.related.allRelations') },
              ...RELATION_KINDS.map((k) => ({ value: k, label: t(`voucher.relation.${k}`) })),
            ]}
          />
          <Select<RelatedSort>
            value={sort}
            onChange={from1(setSort)}
            className="filter-bar__narrow"
            aria-label={t('catalog.sort')}
            data-testid="related-sort"
            options={(Object.keys(SORT_PARAMS) as RelatedSort[]).map((v) => ({
              value: v,
              label: t(`voucherAdmin.related.sort.${v}`),
            }))}
          />
          {enterpriseId ? (
            <Tag closable onClose={() => from1(setEnterpriseId)(undefined)} data-testid="related-enterprise-filter">
              {t('related.enterprise')}：
              {items.find((r) => r.enterprise.id === enterpriseId)?.enterprise.name ?? `#${enterpriseId}`}
            </Tag>
          ) : null}
        </div>
        {list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<RelatedParty>
            rowKey="id"
            size="middle"
            loading={busy}
            dataSource={items}
            tableLayout="fixed"
            scroll={{ x: 820 }}
            onChange={onTableChange}
            data-testid="related-parties"
            data-busy={busy ? 'true' : 'false'}
            data-total={total}
            locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('related.empty')} /> }}
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
                title: t('related.enterprise'),
                ellipsis: true,
                sorter: true,
                sortOrder: sort === 'enterprise' ? 'ascend' : null,
                sortDirections: ['ascend'],
                render: (_, r) => (
                  <Typography.Text strong ellipsis title={r.enterprise.name} data-testid="related-enterprise-name">
                    {r.enterprise.name}
                  </Typography.Text>
                ),
              },
              {
                key: 'provider',
                title: t('related.provider'),
                ellipsis: true,
                render: (_, r) => (
                  <Typography.Text ellipsis title={r.provider.name}>
                    {r.provider.name}
                  </Typography.Text>
                ),
              },
              {
                key: 'relation',
                title: t('related.relation'),
                width: 150,
                filters: RELATION_KINDS.map((k) => ({ value: k, text: t(`voucher.relation.${k}`) })),
                filterMultiple: false,
                filteredValue: relation ? [relation] : null,
                render: (_, r) => <Tag color="volcano">{t(`voucher.relation.${r.relation}`)}</Tag>,
              },
              {
                key: 'note',
                title: t('related.note'),
                ellipsis: true,
                responsive: ['xl'],
                render: (_, r) => r.note || t('common.none'),
              },
              {
                key: 'declaredAt',
                title: t('related.declaredAt'),
                width: 160,
                responsive: ['lg'],
                sorter: true,
                sortOrder: sort === 'newest' ? 'descend' : sort === 'oldest' ? 'ascend' : null,
                sortDirections: ['descend', 'ascend'],
                render: (_, r) => formatDateTime(r.declaredAt, HOME_ZONE, i18n.language),
              },
              {
                key: 'actions',
                title: t('voucherAdmin.actions'),
                width: 110,
                fixed: 'right',
                render: (_, r) => (
                  <RowActions
                    primary={
                      <Button
                        type="link"
                        danger
                        size="small"
                        icon={<DeleteOutlined />}
                        onClick={() => confirmDelete(r)}
                        data-testid="delete-related"
                      >
                        {t('voucherAdmin.related.delete')}
                      </Button>
                    }
                    items={[
                      {
                        key: 'enterprise',
                        icon: <FilterOutlined />,
                        label: t('voucherAdmin.related.onlyEnterprise'),
                        onClick: () => from1(setEnterpriseId)(r.enterprise.id),
                      },
                    ]}
                    testId="related-more"
                  />
                ),
              },
            ]}
          />
        )}
      </Card>
      <Modal
        open={open}
        title={t('related.addTitle')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okButtonProps={{ loading: create.isPending }}
        destroyOnHidden
      >
        <Form<RelatedPartyInput> form={form} layout="vertical" preserve={false} onFinish={(v) => create.mutate(v)}>
          <Form.Item
            name="enterpriseId"
            label={t('related.enterprise')}
            rules={[{ required: true, message: t('related.enterpriseRequired') }]}
          >
            <EnterprisePicker className="full-width" testId="related-enterprise" />
          </Form.Item>
          <Form.Item
            name="providerId"
            label={t('related.provider')}
            rules={[{ required: true, message: t('related.providerRequired') }]}
          >
            <Select<number>
              showSearch={{ optionFilterProp: 'label' }}
              loading={institutions.isPending}
              options={(institutions.data ?? []).map((i) => ({ value: i.id, label: localName(i, i18n.language) }))}
              data-testid="related-provider"
            />
          </Form.Item>
          <Form.Item
            name="relation"
            label={t('related.relation')}
            rules={[{ required: true, message: t('related.relationRequired') }]}
          >
            <Select
              options={RELATION_KINDS.map((k) => ({ value: k, label: t(`voucher.relation.${k}`) }))}
              data-testid="related-relation"
            />
          </Form.Item>
          <Form.Item name="note" label={t('related.note')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={2} maxLength={500} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
