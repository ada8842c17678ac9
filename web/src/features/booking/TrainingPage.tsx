import { PlusOutlined, StopOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bookingApi, type TrainingRecord } from '../../api/booking';
import { isApiError, problemText } from '../../api/client';
import { useAuth } from '../../app/auth';
import { EmptyState, ErrorState } from '../../ui/states';
import { dayjs } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useInstrumentSearch } from '../catalog/queries';

type GrantValues = { instrumentId: number; userEmail: string; expiresOn: Dayjs; note?: string };

/** `/lab/training`: who may operate which of the institution's instruments themselves. */
export function TrainingPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [instrumentId, setInstrumentId] = useState<number | undefined>(undefined);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<GrantValues>();
  const admin = user?.role === 'platform_admin';
  useDocumentTitle(t('training.title'));
  const instruments = useInstrumentSearch(
    { institutionId: admin ? undefined : user?.organisation.id, sort: 'newest' },
    { pageSize: 100 },
  );
  const options = (instruments.data?.pages.flatMap((p) => p.items) ?? []).map((i) => ({
    value: i.id,
    label: i.nameZh,
  }));
  const list = useQuery({
    queryKey: ['training', instrumentId ?? null],
    queryFn: ({ signal }) => bookingApi.trainingRecords(instrumentId, signal),
  });
  const failed = (e: unknown) => void message.error(isApiError(e) ? problemText(e) : t('booking.actions.failed'));
  const grant = useMutation({
    mutationFn: (v: GrantValues) =>
      bookingApi.grantTraining({
        instrumentId: v.instrumentId,
        userEmail: v.userEmail.trim(),
        expiresOn: v.expiresOn.format('YYYY-MM-DD'),
        ...(v.note?.trim() ? { note: v.note.trim() } : {}),
      }),
    onSuccess: () => {
      setOpen(false);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['training'] });
      void message.success(t('training.granted'));
    },
    onError: failed,
  });
  const revoke = useMutation({
    mutationFn: (id: number) => bookingApi.revokeTraining(id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['training'] });
      void message.success(t('training.revoked'));
    },
    onError: failed,
  });
  const status = (r: TrainingRecord) =>
    r.revokedAt ? (
      <Tag>{t('training.revokedStatus')}</Tag>
    ) : r.valid ? (
      <Tag color="green">{t('training.valid')}</Tag>
    ) : (
      <Tag color="orange">{t('training.expired')}</Tag>
    );

  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('training.title')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {t('training.subtitle', { org: user?.organisation.name ?? '' })}
          </Typography.Text>
        </div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="grant-training">
          {t('training.grant')}
        </Button>
      </div>
      <Card className="section-card">
        <div className="lab-filter">
          <Select<number>
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('training.filterInstrument')}
            value={instrumentId}
            onChange={(v) => setInstrumentId(v ?? undefined)}
            loading={instruments.isPending}
            options={options}
            style={{ width: '100%', maxWidth: 360 }}
          />
        </div>
        {list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<TrainingRecord>
            rowKey="id"
            loading={list.isPending}
            dataSource={list.data ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }}
            data-testid="training-records"
            locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('training.empty')} /> }}
            columns={[
              { key: 'instrument', title: t('training.instrument'), dataIndex: 'instrumentName' },
              {
                key: 'user',
                title: t('training.user'),
                // Labs see the address they granted to, not whether an account is behind it.
                render: (_, r) =>
                  r.user.name ? (
                    <div>
                      <div>{r.user.name}</div>
                      <Typography.Text type="secondary" className="small-text">
                        {r.user.email}
                      </Typography.Text>
                    </div>
                  ) : (
                    <span data-testid="training-email">{r.user.email}</span>
                  ),
              },
              {
                key: 'granted',
                title: t('training.grantedAt'),
                render: (_, r) => dayjs(r.grantedAt).format('YYYY-MM-DD'),
                responsive: ['md'],
              },
              { key: 'expires', title: t('training.expiresOn'), dataIndex: 'expiresOn' },
              { key: 'status', title: t('training.status'), render: (_, r) => status(r) },
              {
                key: 'actions',
                title: '',
                render: (_, r) =>
                  r.revokedAt ? null : (
                    <Popconfirm
                      title={t('training.revokeConfirm')}
                      onConfirm={() => revoke.mutate(r.id)}
                      okButtonProps={{ danger: true }}
                    >
                      <Button type="link" danger size="small" icon={<StopOutlined />}>
                        {t('training.revoke')}
                      </Button>
                    </Popconfirm>
                  ),
              },
            ]}
          />
        )}
      </Card>
      <Modal
        open={open}
        title={t('training.grantTitle')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okButtonProps={{ loading: grant.isPending }}
        destroyOnHidden
      >
        <Form<GrantValues>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ instrumentId, expiresOn: dayjs().add(1, 'year') }}
          onFinish={(v) => grant.mutate(v)}
        >
          <Form.Item
            name="instrumentId"
            label={t('training.instrument')}
            rules={[{ required: true, message: t('training.instrumentRequired') }]}
          >
            <Select<number>
              showSearch={{ optionFilterProp: 'label' }}
              options={options}
              data-testid="grant-instrument"
            />
          </Form.Item>
          <Form.Item
            name="userEmail"
            label={t('training.userEmail')}
            extra={t('training.emailHint')}
            rules={[
              { required: true, message: t('training.emailRequired') },
              { type: 'email', message: t('lab.rules.email') },
            ]}
          >
            <Input placeholder="name@example.com" data-testid="grant-email" />
          </Form.Item>
          <Form.Item
            name="expiresOn"
            label={t('training.expiresOn')}
            rules={[{ required: true, message: t('training.expiresRequired') }]}
          >
            <DatePicker className="full-width" disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item name="note" label={t('training.note')}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
