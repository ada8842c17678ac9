/**
 * 数据对接: the lab's API keys (made, shown once, listed by prefix, revoked), how its own systems push
 * completed service records (with a curl example), and the records they pushed.
 */
import { CopyOutlined, KeyOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError, problemText } from '../../api/client';
import { integrationsApi, type ApiKey, type ExternalRecord, type RecordQuery } from '../../api/integrations';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { formatPlatformMinute } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';

export function IntegrationsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('integrations.title'));
  return (
    <Space direction="vertical" size="large" className="full-width" data-testid="integrations-page">
      <Card title={t('integrations.title')}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('integrations.intro')}
        </Typography.Paragraph>
      </Card>
      <KeysCard />
      <EndpointCard />
      <RecordsCard />
    </Space>
  );
}

function KeysCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm<{ name: string }>();
  const q = useQuery({ queryKey: ['integrations', 'keys'], queryFn: integrationsApi.keys });
  const create = useMutation({
    mutationFn: (name: string) => integrationsApi.createKey(name),
    onSuccess: (key) => {
      setCreating(false);
      form.resetFields();
      setSecret(key.secret);
      void qc.invalidateQueries({ queryKey: ['integrations', 'keys'] });
    },
    onError: (e) => void message.error(isApiError(e) ? problemText(e) : String(e)),
  });
  const revoke = useMutation({
    mutationFn: (id: number) => integrationsApi.revokeKey(id),
    onSuccess: () => {
      void message.success(t('integrations.keys.revokedDone'));
      void qc.invalidateQueries({ queryKey: ['integrations', 'keys'] });
    },
    onError: (e) => void message.error(isApiError(e) ? problemText(e) : String(e)),
  });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret ?? '');
      void message.success(t('integrations.keys.copied'));
    } catch {
      void message.warning(t('integrations.keys.copyFailed'));
    }
  };

  return (
    <Card
      title={t('integrations.keys.title')}
      data-testid="api-keys"
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-api-key">
          {t('integrations.keys.create')}
        </Button>
      }
    >
      {q.isPending ? (
        <Skeleton active />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length ? (
        <Table<ApiKey>
          rowKey="id"
          size="middle"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={q.data.items}
          columns={[
            { title: t('integrations.keys.name'), dataIndex: 'name' },
            {
              title: t('integrations.keys.prefix'),
              dataIndex: 'prefix',
              render: (p: string) => <Typography.Text code>{p}…</Typography.Text>,
            },
            {
              title: t('integrations.keys.created'),
              dataIndex: 'createdAt',
              render: (at: number, k) => (
                <>
                  {formatPlatformMinute(at)}
                  {k.createdByName ? <Typography.Text type="secondary"> · {k.createdByName}</Typography.Text> : null}
                </>
              ),
            },
            {
              title: t('integrations.keys.lastUsed'),
              dataIndex: 'lastUsedAt',
              render: (at: number | null) => (at === null ? t('integrations.keys.never') : formatPlatformMinute(at)),
            },
            {
              title: t('integrations.keys.status'),
              key: 'status',
              render: (_, k) =>
                k.revokedAt === null ? (
                  <Space>
                    <Tag color="green">{t('integrations.keys.active')}</Tag>
                    <Popconfirm
                      title={t('integrations.keys.revokeConfirm')}
                      onConfirm={() => revoke.mutateAsync(k.id)}
                      okButtonProps={{ danger: true }}
                    >
                      <Button size="small" danger data-testid={`revoke-key-${k.id}`}>
                        {t('integrations.keys.revoke')}
                      </Button>
                    </Popconfirm>
                  </Space>
                ) : (
                  <Tag>{t('integrations.keys.revoked')}</Tag>
                ),
            },
          ]}
        />
      ) : (
        <EmptyState title={t('integrations.keys.empty')} hint={t('integrations.keys.emptyHint')} />
      )}

      <Modal
        open={creating}
        title={t('integrations.keys.create')}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        confirmLoading={create.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v.name)}>
          <Form.Item
            name="name"
            label={t('integrations.keys.name')}
            rules={[{ required: true, whitespace: true, message: t('integrations.keys.nameRequired') }]}
          >
            <Input maxLength={60} placeholder={t('integrations.keys.namePlaceholder')} data-testid="api-key-name" />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={secret !== null}
        title={
          <Space>
            <KeyOutlined />
            {t('integrations.keys.secretTitle')}
          </Space>
        }
        closable={false}
        destroyOnHidden
        maskClosable={false}
        keyboard={false}
        footer={
          <Space>
            <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="copy-secret">
              {t('integrations.keys.copy')}
            </Button>
            <Button type="primary" onClick={() => setSecret(null)} data-testid="secret-done">
              {t('integrations.keys.done')}
            </Button>
          </Space>
        }
      >
        <Alert type="warning" showIcon title={t('integrations.keys.secretWarning')} style={{ marginBottom: 16 }} />
        <Typography.Paragraph>
          <Typography.Text code className="secret-key" data-testid="api-key-secret" style={{ wordBreak: 'break-all' }}>
            {secret}
          </Typography.Text>
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}

function curlExample(origin: string): string {
  return `curl -X POST ${origin}/api/v1/external/service-records \\
  -H "Authorization: Bearer $ISP_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"records":[{"externalId":"LIMS-20261012-0001","assetNumber":"<本单位仪器编号>",
        "mode":"machine_time","start":"2026-10-12T09:00:00+08:00","end":"2026-10-12T12:00:00+08:00",
        "minutes":150,"amountFen":60000,"purpose":"材料断口形貌观察","userName":"王工",
        "userOrganisation":"济南某新材料有限公司","userCreditCode":"<18 位统一社会信用代码>",
        "userType":"external","rating":5}]}'`;
}

const CODE_STYLE = {
  background: '#f6f8fa',
  border: '1px solid #eaecef',
  borderRadius: 6,
  padding: 12,
  margin: '8px 0 12px',
  fontSize: 12,
  lineHeight: 1.6,
  overflowX: 'auto',
  whiteSpace: 'pre',
  // Monospace fonts have no Han characters: the platform's Chinese font draws the example's Chinese.
  fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace, 'Noto Sans SC'",
} as const;

function EndpointCard() {
  const { t } = useTranslation();
  return (
    <Card title={t('integrations.docs.title')} data-testid="push-docs">
      <Typography.Paragraph>{t('integrations.docs.summary')}</Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t('integrations.docs.fields')}</Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t('integrations.docs.results')}</Typography.Paragraph>
      <Typography.Text strong>{t('integrations.docs.example')}</Typography.Text>
      <pre data-testid="curl-example" style={CODE_STYLE}>
        {curlExample(window.location.origin)}
      </pre>
      <a href="/api/docs/#/Integrations" target="_blank" rel="noreferrer">
        {t('integrations.docs.reference')}
      </a>
    </Card>
  );
}

const PAGE_SIZE = 10;

function RecordsCard() {
  const { t } = useTranslation();
  const [query, setQuery] = useState<RecordQuery>({ page: 1, pageSize: PAGE_SIZE });
  const q = useQuery({
    queryKey: ['integrations', 'records', query],
    queryFn: () => integrationsApi.records(query),
    placeholderData: (previous) => previous,
  });
  return (
    <Card title={t('integrations.records.title')} data-testid="pushed-records">
      <Space wrap className="toolbar" style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('integrations.records.search')}
          onSearch={(v) => setQuery((old) => ({ ...old, q: v.trim() || undefined, page: 1 }))}
          style={{ maxWidth: 260 }}
          data-testid="records-search"
        />
        <Select
          style={{ width: 140 }}
          value={query.userType ?? ''}
          onChange={(v) =>
            setQuery((old) => ({ ...old, userType: v ? (v as 'internal' | 'external') : undefined, page: 1 }))
          }
          options={[
            { value: '', label: t('integrations.records.allUsers') },
            { value: 'internal', label: t('integrations.records.userTypes.internal') },
            { value: 'external', label: t('integrations.records.userTypes.external') },
          ]}
        />
      </Space>
      {q.isPending ? (
        <Skeleton active />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.total === 0 ? (
        <EmptyState title={t('integrations.records.empty')} hint={t('integrations.records.emptyHint')} />
      ) : (
        <Table<ExternalRecord>
          rowKey="id"
          size="middle"
          scroll={{ x: 'max-content' }}
          dataSource={q.data.items}
          loading={q.isFetching}
          pagination={{
            current: q.data.page,
            pageSize: q.data.pageSize,
            total: q.data.total,
            showSizeChanger: false,
            showTotal: (n) => t('integrations.records.total', { n }),
            onChange: (page) => setQuery((old) => ({ ...old, page })),
          }}
          columns={[
            {
              title: t('integrations.records.externalId'),
              dataIndex: 'externalId',
              render: (id: string) => (
                <Space size={4}>
                  <Tag color="purple">{t('integrations.records.source')}</Tag>
                  <Typography.Text>{id}</Typography.Text>
                </Space>
              ),
            },
            {
              title: t('integrations.records.instrument'),
              dataIndex: 'instrumentName',
              render: (name: string, r) => (
                <>
                  {name}
                  <br />
                  <Typography.Text type="secondary">{r.assetNumber}</Typography.Text>
                </>
              ),
            },
            {
              title: t('integrations.records.time'),
              dataIndex: 'startAt',
              render: (at: number) => formatPlatformMinute(at),
            },
            {
              title: t('integrations.records.quantity'),
              key: 'quantity',
              render: (_, r) =>
                r.mode === 'machine_time'
                  ? t('integrations.records.hours', { n: Math.round(((r.minutes ?? 0) / 60) * 10) / 10 })
                  : t('integrations.records.samples', { n: r.samples ?? 0 }),
            },
            {
              title: t('integrations.records.amount'),
              dataIndex: 'amountFen',
              render: (fen: number) => formatFen(fen),
            },
            {
              title: t('integrations.records.user'),
              key: 'user',
              render: (_, r) => (
                <>
                  {r.userName}
                  <br />
                  <Typography.Text type="secondary">{r.userOrganisation}</Typography.Text>
                </>
              ),
            },
            {
              title: t('integrations.records.userType'),
              dataIndex: 'userType',
              render: (u: 'internal' | 'external') => t(`integrations.records.userTypes.${u}`),
            },
            {
              title: t('integrations.records.rating'),
              dataIndex: 'rating',
              render: (r: number | null) => (r === null ? '—' : '★'.repeat(r)),
            },
          ]}
        />
      )}
    </Card>
  );
}
