import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Card, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RELATION_KINDS, voucherApi, type RelatedParty, type RelatedPartyInput } from '../../api/vouchers';
import { localName } from '../../ui/names';
import { EmptyState, ErrorState } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useInstitutions } from '../catalog/queries';
import { EnterprisePicker } from './EnterprisePicker';
import { useRelatedParties, voucherKeys } from './queries';
import { useFailedToast } from './useFailedToast';

const HOME_ZONE = 'Asia/Shanghai';

/** `/admin/related-parties`: declared relations between enterprises and providers (no voucher between them). */
export function RelatedPartiesPage() {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const failed = useFailedToast();
  const list = useRelatedParties();
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
  const items = [...(list.data ?? [])].sort((a, b) => Date.parse(b.declaredAt) - Date.parse(a.declaredAt));

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
      <Card className="section-card">
        {list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<RelatedParty>
            rowKey="id"
            size="middle"
            loading={list.isPending}
            dataSource={items}
            pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            scroll={{ x: 'max-content' }}
            data-testid="related-parties"
            locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('related.empty')} /> }}
            columns={[
              { key: 'enterprise', title: t('related.enterprise'), render: (_, r) => r.enterprise.name },
              { key: 'provider', title: t('related.provider'), render: (_, r) => r.provider.name },
              {
                key: 'relation',
                title: t('related.relation'),
                render: (_, r) => <Tag color="volcano">{t(`voucher.relation.${r.relation}`)}</Tag>,
              },
              {
                key: 'note',
                title: t('related.note'),
                responsive: ['md'],
                render: (_, r) => r.note || t('common.none'),
              },
              {
                key: 'declaredAt',
                title: t('related.declaredAt'),
                responsive: ['lg'],
                render: (_, r) => formatDateTime(r.declaredAt, HOME_ZONE, i18n.language),
              },
              {
                key: 'actions',
                title: '',
                render: (_, r) => (
                  <Popconfirm
                    title={t('related.deleteConfirm')}
                    onConfirm={() => remove.mutate(r.id)}
                    okButtonProps={{ danger: true }}
                  >
                    <Button
                      type="link"
                      danger
                      size="small"
                      icon={<DeleteOutlined />}
                      aria-label={t('bookingSettings.deleteClosure')}
                      data-testid="delete-related"
                    />
                  </Popconfirm>
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
