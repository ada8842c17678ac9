/**
 * 批量导入: download the national template, upload a sheet, watch the dry run, read the errors per
 * row and cell (or download the sheet with an error column), choose how to import, and see the
 * outcome; the institution's earlier imports below. Platform admins pick the institution first.
 */
import { CloudUploadOutlined, DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Descriptions,
  Grid,
  Progress,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { errorSheetUrl, importsApi, templateUrl, type ImportErrorPolicy, type ImportView } from '../../api/imports';
import { isApiError, problemText } from '../../api/client';
import { useAuth } from '../../app/auth';
import { EmptyState, ErrorState } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useInstitutions } from '../catalog/queries';

const BUSY = new Set(['uploaded', 'validating', 'importing']);
const STATUS_COLOR: Record<string, string> = {
  validating: 'processing',
  importing: 'processing',
  validated: 'blue',
  completed: 'success',
  failed: 'error',
  cancelled: 'default',
  uploaded: 'default',
};

const reason = (e: unknown) => (isApiError(e) ? problemText(e) : e instanceof Error ? e.message : String(e));

export function ImportPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('imports.page.title'));
  const { user } = useAuth();
  const admin = user?.role === 'platform_admin';
  const [params, setParams] = useSearchParams();
  const currentId = Number(params.get('id')) || null;
  const [institutionId, setInstitutionId] = useState<number | undefined>(undefined);
  const institutions = useInstitutions(undefined, admin);
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const screens = Grid.useBreakpoint();
  const compact = screens.md === false;

  const history = useQuery({
    queryKey: ['instrument-imports', admin ? (institutionId ?? null) : 'own'],
    queryFn: ({ signal }) => importsApi.list(admin ? institutionId : undefined, signal),
  });
  const open = (id: number | null) => setParams(id ? { id: String(id) } : {}, { replace: false });

  const upload = useMutation({
    mutationFn: (file: File) => importsApi.upload(file, admin ? institutionId : undefined),
    onSuccess: (view) => {
      open(view.id);
      void qc.invalidateQueries({ queryKey: ['instrument-imports'] });
    },
    onError: (e) => message.error(t('imports.page.uploadFailed', { reason: reason(e) })),
  });

  return (
    <div className="page" data-testid="import-page">
      <Typography.Title level={2}>{t('imports.page.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('imports.page.intro')}</Typography.Paragraph>
      {!admin && <Alert type="info" showIcon message={t('imports.page.labIntro')} style={{ marginBottom: 16 }} />}

      <Card className="section-card" title={t('imports.page.template')}>
        <Space wrap>
          <Button icon={<DownloadOutlined />} href={templateUrl('xlsx')} download data-testid="template-xlsx">
            {t('imports.page.templateXlsx')}
          </Button>
          <Button icon={<DownloadOutlined />} href={templateUrl('csv')} download data-testid="template-csv">
            {t('imports.page.templateCsv')}
          </Button>
        </Space>
      </Card>

      <Card className="section-card" title={t('imports.page.upload')}>
        {admin && (
          <Space direction="vertical" style={{ width: '100%', marginBottom: 12 }}>
            <Typography.Text>{t('imports.page.institution')}</Typography.Text>
            <Select
              showSearch
              optionFilterProp="label"
              style={{ width: '100%', maxWidth: 480 }}
              placeholder={t('imports.page.chooseInstitution')}
              loading={institutions.isLoading}
              value={institutionId}
              onChange={setInstitutionId}
              options={(institutions.data ?? []).map((i) => ({ value: i.id, label: i.name }))}
              data-testid="import-institution"
            />
          </Space>
        )}
        <div data-testid="import-upload">
          <Upload.Dragger
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            multiple={false}
            showUploadList={false}
            disabled={upload.isPending || (admin && !institutionId)}
            customRequest={({ file }) => upload.mutate(file as File)}
          >
            <p className="ant-upload-drag-icon">{upload.isPending ? <CloudUploadOutlined /> : <InboxOutlined />}</p>
            <p className="ant-upload-text">
              {upload.isPending ? t('imports.page.uploading') : t('imports.page.uploadHint')}
            </p>
          </Upload.Dragger>
        </div>
      </Card>

      {currentId && <CurrentImport id={currentId} compact={compact} onOpen={open} />}

      <Card className="section-card" title={t('imports.page.history')}>
        {history.isError ? (
          <ErrorState error={history.error} onRetry={() => void history.refetch()} />
        ) : (
          <Table<ImportView>
            rowKey="id"
            size="small"
            loading={history.isLoading}
            dataSource={history.data?.items ?? []}
            pagination={false}
            scroll={{ x: 720 }}
            locale={{ emptyText: <EmptyState title={t('imports.page.noHistory')} /> }}
            data-testid="import-history"
            columns={[
              { title: t('imports.page.historyColumns.id'), dataIndex: 'id', width: 64 },
              { title: t('imports.page.historyColumns.file'), dataIndex: 'fileName', ellipsis: true },
              ...(admin
                ? [
                    {
                      title: t('imports.page.historyColumns.institution'),
                      key: 'institution',
                      render: (_: unknown, r: ImportView) => r.institution.name,
                    },
                  ]
                : []),
              {
                title: t('imports.page.historyColumns.status'),
                dataIndex: 'status',
                render: (s: ImportView['status']) => (
                  <Tag color={STATUS_COLOR[s]}>{t(`imports.page.statuses.${s}`)}</Tag>
                ),
              },
              { title: t('imports.page.historyColumns.rows'), dataIndex: 'totalRows' },
              {
                title: t('imports.page.historyColumns.result'),
                key: 'result',
                render: (_: unknown, r: ImportView) =>
                  r.status === 'completed' ? (
                    <Counts view={r} />
                  ) : r.errorRows ? (
                    `${t('imports.page.counts.errors')} ${r.errorRows}`
                  ) : (
                    ''
                  ),
              },
              {
                title: t('imports.page.historyColumns.at'),
                dataIndex: 'createdAt',
                render: (ms: number) => new Date(ms).toLocaleString('zh-CN', { hour12: false }),
              },
              {
                title: '',
                key: 'open',
                render: (_: unknown, r: ImportView) => (
                  <Button size="small" onClick={() => open(r.id)} data-testid={`open-import-${r.id}`}>
                    {t('imports.page.open')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </Card>
    </div>
  );
}

function Counts({ view }: { view: ImportView }) {
  const { t } = useTranslation();
  const parts: ['created' | 'updated' | 'unchanged' | 'submitted', number][] = [
    ['created', view.createdCount],
    ['updated', view.updatedCount],
    ['unchanged', view.unchangedCount],
    ['submitted', view.submittedCount],
  ];
  return (
    <Space size={4} wrap>
      {parts.map(([k, n]) => (
        <Tag key={k}>
          {t(`imports.page.counts.${k}`)} {n}
        </Tag>
      ))}
    </Space>
  );
}

function CurrentImport({ id, compact, onOpen }: { id: number; compact: boolean; onOpen: (id: number | null) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const [policy, setPolicy] = useState<ImportErrorPolicy>('valid_rows');
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const view = useQuery({
    queryKey: ['instrument-import', id],
    queryFn: ({ signal }) => importsApi.get(id, signal),
    refetchInterval: (q) => (q.state.data && BUSY.has(q.state.data.status) ? 800 : false),
  });
  const status = view.data?.status;
  const errors = useQuery({
    queryKey: ['instrument-import-errors', id, page, status],
    queryFn: ({ signal }) => importsApi.errors(id, (page - 1) * pageSize, pageSize, signal),
    enabled: !!status && !BUSY.has(status),
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['instrument-import', id] });
    void qc.invalidateQueries({ queryKey: ['instrument-imports'] });
  };
  // The history below shows this import too: brought up to date as its status moves on.
  useEffect(() => {
    if (status) void qc.invalidateQueries({ queryKey: ['instrument-imports'] });
  }, [status, qc]);
  const run = useMutation({
    mutationFn: () => importsApi.run(id, policy),
    onSuccess: refresh,
    onError: (e) => message.error(reason(e)),
  });
  const cancel = useMutation({
    mutationFn: () => importsApi.cancel(id),
    onSuccess: refresh,
    onError: (e) => message.error(reason(e)),
  });

  if (view.isError) return <ErrorState error={view.error} onRetry={() => void view.refetch()} />;
  const v = view.data;
  if (!v) return <Card className="section-card" loading />;
  const busy = BUSY.has(v.status);
  const percent =
    v.status === 'importing' && v.totalRows
      ? Math.floor((v.processedRows / v.totalRows) * 100)
      : v.status === 'validating'
        ? 0
        : 100;

  return (
    <Card
      className="section-card"
      data-testid="current-import"
      title={
        <Space wrap>
          <span>{t('imports.page.current', { id: v.id, file: v.fileName })}</span>
          <Tag color={STATUS_COLOR[v.status]} data-testid="import-status">
            {t(`imports.page.statuses.${v.status}`)}
          </Tag>
        </Space>
      }
    >
      {busy && (
        <div data-testid="import-progress">
          <Progress percent={percent} status="active" showInfo={v.status === 'importing'} />
          <Typography.Text type="secondary">
            {v.status === 'importing'
              ? t('imports.page.importing', { done: v.processedRows, total: v.totalRows })
              : t('imports.page.validating', { done: v.processedRows })}
          </Typography.Text>
        </div>
      )}
      {v.status === 'failed' && (
        <Alert type="error" showIcon message={t('imports.page.failed', { reason: v.failure ?? '' })} />
      )}
      {!busy && v.status !== 'failed' && (
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          <Descriptions size="small" column={compact ? 2 : 6} bordered={!compact} data-testid="import-counts">
            <Descriptions.Item label={t('imports.page.counts.total')}>{v.totalRows}</Descriptions.Item>
            <Descriptions.Item label={t('imports.page.counts.errors')}>
              <Typography.Text type={v.errorRows ? 'danger' : undefined}>{v.errorRows}</Typography.Text>
            </Descriptions.Item>
            {v.status === 'completed' && (
              <>
                <Descriptions.Item label={t('imports.page.counts.created')}>{v.createdCount}</Descriptions.Item>
                <Descriptions.Item label={t('imports.page.counts.updated')}>{v.updatedCount}</Descriptions.Item>
                <Descriptions.Item label={t('imports.page.counts.unchanged')}>{v.unchangedCount}</Descriptions.Item>
                <Descriptions.Item label={t('imports.page.counts.submitted')}>{v.submittedCount}</Descriptions.Item>
              </>
            )}
          </Descriptions>
          {v.status === 'validated' && (
            <Alert
              type={v.errorRows ? 'warning' : 'success'}
              showIcon
              data-testid="import-checked"
              message={
                v.errorRows
                  ? t('imports.page.checked', { total: v.totalRows, valid: v.validRows, errors: v.errorRows })
                  : t('imports.page.noErrors')
              }
            />
          )}
          {v.status === 'completed' && (
            <Alert type="success" showIcon message={t('imports.page.done')} data-testid="import-done" />
          )}

          {(errors.data?.total ?? 0) > 0 && (
            <div>
              <Space wrap style={{ marginBottom: 8, justifyContent: 'space-between', width: '100%' }}>
                <Typography.Title level={5} style={{ margin: 0 }}>
                  {t('imports.page.errorsTitle')}
                </Typography.Title>
                <Space wrap>
                  <Button
                    size="small"
                    icon={<DownloadOutlined />}
                    href={errorSheetUrl(id, 'xlsx')}
                    download
                    data-testid="error-sheet"
                  >
                    {t('imports.page.errorSheet')} (XLSX)
                  </Button>
                  <Button size="small" icon={<DownloadOutlined />} href={errorSheetUrl(id, 'csv')} download>
                    CSV
                  </Button>
                </Space>
              </Space>
              <Table
                rowKey={(r) => `${r.row}-${r.column}-${r.message}`}
                size="small"
                data-testid="import-errors"
                loading={errors.isFetching}
                dataSource={errors.data?.items ?? []}
                scroll={{ x: 560 }}
                pagination={{
                  current: page,
                  pageSize,
                  total: errors.data?.total ?? 0,
                  onChange: setPage,
                  showSizeChanger: false,
                  size: 'small',
                }}
                columns={[
                  { title: t('imports.page.columns.row'), dataIndex: 'row', width: 64 },
                  { title: t('imports.page.columns.column'), dataIndex: 'column', width: 120 },
                  {
                    title: t('imports.page.columns.value'),
                    dataIndex: 'value',
                    ellipsis: true,
                    width: compact ? 100 : 200,
                  },
                  { title: t('imports.page.columns.message'), dataIndex: 'message' },
                ]}
              />
            </div>
          )}
          {errors.isError && <ErrorState error={errors.error} onRetry={() => void errors.refetch()} />}

          {v.status === 'validated' && (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Typography.Text strong>{t('imports.page.policy')}</Typography.Text>
              <Radio.Group
                value={policy}
                onChange={(e) => setPolicy(e.target.value as ImportErrorPolicy)}
                data-testid="import-policy"
              >
                <Space direction={compact ? 'vertical' : 'horizontal'}>
                  <Radio value="valid_rows">{t('imports.page.validRows')}</Radio>
                  <Radio value="all_or_nothing">{t('imports.page.allOrNothing')}</Radio>
                </Space>
              </Radio.Group>
              {policy === 'all_or_nothing' && v.errorRows > 0 && (
                <Alert type="warning" showIcon message={t('imports.page.nothingImported')} />
              )}
              <Space wrap>
                <Button
                  type="primary"
                  loading={run.isPending}
                  disabled={v.validRows === 0 || (policy === 'all_or_nothing' && v.errorRows > 0)}
                  onClick={() => run.mutate()}
                  data-testid="import-run"
                >
                  {t('imports.page.run')}
                </Button>
                <Button loading={cancel.isPending} onClick={() => cancel.mutate()} data-testid="import-cancel">
                  {t('imports.page.cancel')}
                </Button>
              </Space>
            </Space>
          )}
          {(v.status === 'completed' || v.status === 'cancelled') && (
            <Button onClick={() => onOpen(null)} data-testid="import-another">
              {t('imports.page.newUpload')}
            </Button>
          )}
        </Space>
      )}
    </Card>
  );
}
