import {
  ArrowLeftOutlined,
  CheckCircleOutlined,
  FileExcelOutlined,
  FileTextOutlined,
  PlayCircleOutlined,
} from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Breadcrumb,
  Button,
  Card,
  DatePicker,
  Form,
  Grid,
  Input,
  Modal,
  Result,
  Segmented,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ButtonProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { isApiError } from '../../api/client';
import { exportUrls, reconciliationApi, type Finding, type Run } from '../../api/settlement';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState, NotFoundPage } from '../../ui/states';
import { dayjs, formatDate, formatDateTime, toIso, zonedInstant } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useFailedToast } from '../vouchers/useFailedToast';
import { useIdParam } from './BatchFrame';
import { HOME_ZONE, Money } from './BatchParts';
import { useRun, useRunAnswered, useRuns } from './queries';
import { FindingKindTag, RunStatusTag } from './tags';

/** The period of a run as local dates: its end is exclusive (midnight), shown as the day before. */
function usePeriod() {
  const { i18n } = useTranslation();
  return (run: Pick<Run, 'from' | 'to'>) => {
    const lastDay = dayjs(run.to).tz(HOME_ZONE).subtract(1, 'millisecond').toISOString();
    return `${formatDate(run.from, HOME_ZONE, i18n.language)} – ${formatDate(lastDay, HOME_ZONE, i18n.language)}`;
  };
}

const lastMonth = (): [Dayjs, Dayjs] => {
  const start = dayjs().tz(HOME_ZONE).subtract(1, 'month').startOf('month');
  return [start, start.endOf('month')];
};

/** Start a run for a period of local dates (last month by default). */
function RunForm() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const answered = useRunAnswered();
  const failed = useFailedToast();
  const [form] = Form.useForm<{ range: [Dayjs, Dayjs] }>();
  const start = useMutation({
    mutationFn: ({ range }: { range: [Dayjs, Dayjs] }) =>
      reconciliationApi.start({
        from: toIso(zonedInstant(range[0].format('YYYY-MM-DD'), '00:00', HOME_ZONE)),
        to: toIso(zonedInstant(range[1].format('YYYY-MM-DD'), '24:00', HOME_ZONE)),
      }),
    onSuccess: (run) => {
      answered(run);
      void message.success(t('reconciliation.started', { id: run.id }));
      navigate(`/finance/reconciliation/${run.id}`);
    },
    onError: (e) => {
      if (isApiError(e) && e.status === 400 && e.errors.length) form.setFields([{ name: 'range', errors: [e.detail] }]);
      else failed(e);
    },
  });
  const today = dayjs().tz(HOME_ZONE);
  const presets = [
    { label: t('reconciliation.presets.lastMonth'), value: lastMonth() },
    { label: t('reconciliation.presets.thisMonth'), value: [today.startOf('month'), today] as [Dayjs, Dayjs] },
    {
      label: t('reconciliation.presets.lastTwoMonths'),
      value: [today.subtract(2, 'month').startOf('month'), today.subtract(1, 'month').endOf('month')] as [Dayjs, Dayjs],
    },
  ];
  return (
    <Form<{ range: [Dayjs, Dayjs] }>
      form={form}
      layout="vertical"
      className="run-form"
      initialValues={{ range: lastMonth() }}
      onFinish={(v) => start.mutate(v)}
      data-testid="run-form"
    >
      <Form.Item
        name="range"
        label={t('reconciliation.period')}
        rules={[{ required: true, message: t('reconciliation.periodRequired') }]}
        className="run-form__range"
      >
        <DatePicker.RangePicker allowClear={false} presets={presets} className="full-width" data-testid="run-range" />
      </Form.Item>
      <Form.Item className="run-form__submit">
        <Button
          type="primary"
          // Not a submit button: Enter in the date inputs confirms a date, it does not start a run.
          onClick={() => form.submit()}
          icon={<PlayCircleOutlined />}
          loading={start.isPending}
          data-testid="run-start"
        >
          {start.isPending ? t('reconciliation.running') : t('reconciliation.start')}
        </Button>
      </Form.Item>
    </Form>
  );
}

function RunList() {
  const { t, i18n } = useTranslation();
  const runs = useRuns();
  const period = usePeriod();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const items = runs.data ?? [];
  const empty = <EmptyState title={t('reconciliation.empty')} hint={t('reconciliation.emptyHint')} />;
  if (runs.isError && !runs.data) return <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />;
  if (phone) {
    return (
      <ul className="lab-list" data-testid="runs">
        {runs.isPending ? <Skeleton active paragraph={{ rows: 4 }} /> : null}
        {!runs.isPending && !items.length ? empty : null}
        {items.map((r) => (
          <li key={r.id} className="lab-list__item ledger-item" data-testid="run-row" data-run-id={r.id}>
            <div className="lab-list__main">
              <Link to={`/finance/reconciliation/${r.id}`} className="lab-list__name" data-testid="run-link">
                {t('reconciliation.runNo', { id: r.id })}
              </Link>
              <div className="lab-list__meta">{period(r)}</div>
              <div className="lab-list__meta">
                {formatDateTime(r.startedAt, HOME_ZONE, i18n.language)} · {t(`reconciliation.trigger.${r.trigger}`)}
              </div>
            </div>
            <div className="ledger-item__aside">
              <RunStatusTag status={r.status} />
              {r.openFindings ? (
                <span className="lab-list__meta">{t('reconciliation.openCount', { n: r.openFindings })}</span>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <Table<Run>
      rowKey="id"
      size="middle"
      loading={runs.isPending}
      dataSource={items}
      pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      scroll={{ x: 'max-content' }}
      data-testid="runs"
      locale={{ emptyText: runs.isPending ? ' ' : empty }}
      onRow={(r) => ({ 'data-testid': 'run-row', 'data-run-id': r.id, 'data-status': r.status }) as object}
      columns={[
        {
          key: 'run',
          title: t('reconciliation.run'),
          render: (_, r) => (
            <Link to={`/finance/reconciliation/${r.id}`} data-testid="run-link">
              {t('reconciliation.runNo', { id: r.id })}
            </Link>
          ),
        },
        { key: 'period', title: t('reconciliation.period'), render: (_, r) => period(r) },
        { key: 'status', title: t('reconciliation.result'), render: (_, r) => <RunStatusTag status={r.status} /> },
        {
          key: 'findings',
          title: t('reconciliation.findings'),
          align: 'right',
          render: (_, r) =>
            r.summary ? (
              <span>
                {r.summary.findings ?? 0}
                {r.openFindings ? (
                  <Typography.Text type="danger" className="small-text">
                    {' '}
                    ({t('reconciliation.openCount', { n: r.openFindings })})
                  </Typography.Text>
                ) : null}
              </span>
            ) : (
              t('common.none')
            ),
        },
        {
          key: 'payments',
          title: t('reconciliation.payments'),
          align: 'right',
          responsive: ['lg'],
          render: (_, r) => r.summary?.payments ?? t('common.none'),
        },
        {
          key: 'started',
          title: t('reconciliation.startedAt'),
          render: (_, r) => <span className="nowrap">{formatDateTime(r.startedAt, HOME_ZONE, i18n.language)}</span>,
        },
        {
          key: 'trigger',
          title: t('reconciliation.triggerTitle'),
          responsive: ['xl'],
          render: (_, r) => <Tag>{t(`reconciliation.trigger.${r.trigger}`)}</Tag>,
        },
      ]}
    />
  );
}

/** `/finance/reconciliation`: start a run for a period; the runs so far. */
export function ReconciliationPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('reconciliation.title'));
  return (
    <div className="lab-page settle-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('reconciliation.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('reconciliation.subtitle')}</Typography.Text>
        </div>
      </div>
      <Card className="section-card" title={t('reconciliation.newRun')}>
        <Typography.Paragraph type="secondary">{t('reconciliation.newRunHint')}</Typography.Paragraph>
        <RunForm />
      </Card>
      <Card className="section-card" title={t('reconciliation.runs')}>
        <RunList />
      </Card>
    </div>
  );
}

function ResolveModal({ run, finding: chosen, onClose }: { run: Run; finding: Finding | null; onClose: () => void }) {
  const { t } = useTranslation();
  // As the run now reads: its detail follows a switch of the language while the dialog is open.
  const finding = chosen && (run.findings.find((f) => f.id === chosen.id) ?? chosen);
  const { message } = AntApp.useApp();
  const answered = useRunAnswered();
  const failed = useFailedToast();
  const [form] = Form.useForm<{ note: string }>();
  const resolve = useMutation({
    mutationFn: ({ id, note }: { id: number; note: string }) => reconciliationApi.resolve(run.id, id, note),
    onSuccess: (r) => {
      answered(r);
      onClose();
      void message.success(t('reconciliation.resolved'));
    },
    onError: failed,
  });
  return (
    <Modal
      open={finding !== null}
      title={finding ? t('reconciliation.resolveTitle', { kind: t(`reconciliation.kinds.${finding.kind}`) }) : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('reconciliation.resolve')}
      okButtonProps={{ loading: resolve.isPending, 'data-testid': 'resolve-ok' } as ButtonProps}
      destroyOnHidden
    >
      {finding ? (
        <Typography.Paragraph type="secondary">
          {formatFen(finding.amountFen)} · <code>{finding.ref}</code>
          <br />
          {finding.detail}
        </Typography.Paragraph>
      ) : null}
      <Form<{ note: string }>
        form={form}
        layout="vertical"
        preserve={false}
        onFinish={(v) => finding && resolve.mutate({ id: finding.id, note: v.note.trim() })}
      >
        <Form.Item
          name="note"
          label={t('reconciliation.note')}
          extra={t('reconciliation.noteHint')}
          rules={[
            { required: true, whitespace: true, message: t('reconciliation.noteRequired') },
            { min: 2, message: t('reconciliation.noteRequired') },
            { max: 1000 },
          ]}
        >
          <Input.TextArea rows={4} maxLength={1000} showCount data-testid="resolve-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type FindingFilter = 'open' | 'all';

function FindingsTable({ run, onResolve }: { run: Run; onResolve: (f: Finding) => void }) {
  const { t, i18n } = useTranslation();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const [filter, setFilter] = useState<FindingFilter>(run.openFindings ? 'open' : 'all');
  const items = run.findings.filter((f) => filter === 'all' || !f.resolved);
  const resolution = (f: Finding) =>
    f.resolved ? (
      <div className="finding-resolution" data-testid="finding-resolved">
        <Tag color="green" icon={<CheckCircleOutlined />}>
          {t('reconciliation.resolvedTag')}
        </Tag>
        <div className="lab-list__meta">
          {f.resolvedBy ?? t('settlement.system')}
          {f.resolvedAt ? ` · ${formatDateTime(f.resolvedAt, HOME_ZONE, i18n.language)}` : ''}
        </div>
        {f.resolutionNote ? <div className="bk-timeline__reason">{f.resolutionNote}</div> : null}
      </div>
    ) : (
      <Button size="small" onClick={() => onResolve(f)} data-testid="finding-resolve">
        {t('reconciliation.resolve')}
      </Button>
    );
  return (
    <>
      <div className="filter-bar">
        <Segmented<FindingFilter>
          value={filter}
          onChange={setFilter}
          options={[
            { value: 'open', label: t('reconciliation.openFilter', { n: run.openFindings }) },
            { value: 'all', label: t('reconciliation.allFilter', { n: run.findings.length }) },
          ]}
        />
      </div>
      {phone ? (
        <ul className="lab-list" data-testid="findings">
          {!items.length ? <EmptyState title={t('reconciliation.noOpenFindings')} /> : null}
          {items.map((f) => (
            <li
              key={f.id}
              className="lab-list__item finding-item"
              data-testid="finding"
              data-kind={f.kind}
              data-resolved={f.resolved}
            >
              <div className="lab-list__main">
                <FindingKindTag kind={f.kind} />
                <div className="finding-item__detail">{f.detail}</div>
                <div className="lab-list__meta">
                  <code>{f.ref}</code>
                </div>
                {resolution(f)}
              </div>
              <div className="ledger-item__aside">
                <Money fen={f.amountFen} strong />
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <Table<Finding>
          rowKey="id"
          size="middle"
          dataSource={items}
          pagination={items.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
          scroll={{ x: 'max-content' }}
          data-testid="findings"
          locale={{ emptyText: <EmptyState title={t('reconciliation.noOpenFindings')} /> }}
          onRow={(f) => ({ 'data-testid': 'finding', 'data-kind': f.kind, 'data-resolved': f.resolved }) as object}
          columns={[
            { key: 'kind', title: t('reconciliation.kind'), render: (_, f) => <FindingKindTag kind={f.kind} /> },
            {
              key: 'amount',
              title: t('reconciliation.amount'),
              align: 'right',
              render: (_, f) => <Money fen={f.amountFen} strong />,
            },
            {
              key: 'ref',
              title: t('reconciliation.ref'),
              render: (_, f) => <code className="finding-ref">{f.ref}</code>,
            },
            {
              key: 'detail',
              title: t('reconciliation.detail'),
              render: (_, f) => <div className="finding-detail">{f.detail}</div>,
            },
            { key: 'resolution', title: t('reconciliation.resolution'), render: (_, f) => resolution(f) },
          ]}
        />
      )}
    </>
  );
}

/** The run's verdict: all sides agree, findings to look at, or the run failed. */
function RunVerdict({ run }: { run: Run }) {
  const { t } = useTranslation();
  const s = run.summary ?? {};
  const figures = t('reconciliation.figures', {
    payments: s.payments ?? 0,
    charges: s.processorCharges ?? 0,
    captured: formatFen(s.capturedFen ?? 0),
    processor: formatFen(s.processorCapturedFen ?? 0),
  });
  if (run.status === 'clean') {
    return (
      <Result
        status="success"
        className="run-verdict"
        title={t('reconciliation.clean')}
        subTitle={
          <>
            <div>{t('reconciliation.cleanHint')}</div>
            <div>{figures}</div>
          </>
        }
        data-testid="run-verdict"
        data-status="clean"
      />
    );
  }
  if (run.status === 'failed') {
    return (
      <Alert
        type="error"
        showIcon
        className="form-alert"
        title={t('reconciliation.failed')}
        description={run.error}
        data-testid="run-verdict"
        data-status="failed"
      />
    );
  }
  if (run.status === 'running') {
    return (
      <Alert
        type="info"
        showIcon
        className="form-alert"
        title={t('reconciliation.stillRunning')}
        data-testid="run-verdict"
        data-status="running"
      />
    );
  }
  return (
    <Alert
      type={run.openFindings ? 'error' : 'success'}
      showIcon
      className="form-alert"
      title={
        run.openFindings
          ? t('reconciliation.findingsTitle', { n: run.findings.length, open: run.openFindings })
          : t('reconciliation.allResolved', { n: run.findings.length })
      }
      description={figures}
      data-testid="run-verdict"
      data-status="findings"
    />
  );
}

/** `/finance/reconciliation/:id`: a run's result and findings; resolve with a note; export. */
export function RunPage() {
  const { t, i18n } = useTranslation();
  const { id, raw } = useIdParam();
  const run = useRun(id);
  const period = usePeriod();
  const [resolving, setResolving] = useState<Finding | null>(null);
  const r = run.data;
  useDocumentTitle(r ? t('reconciliation.runNo', { id: r.id }) : t('reconciliation.title'));
  if (!Number.isSafeInteger(id) || (isApiError(run.error) && [403, 404].includes(run.error.status))) {
    return (
      <NotFoundPage title={t('reconciliation.notFound')} text={t('reconciliation.notFoundText', { id: raw ?? '' })} />
    );
  }
  return (
    <div className="lab-page settle-page">
      <Breadcrumb
        className="page-breadcrumb"
        items={[
          {
            title: (
              <Link to="/finance/reconciliation">
                <ArrowLeftOutlined /> {t('nav.reconciliation')}
              </Link>
            ),
          },
          { title: t('reconciliation.runNo', { id: raw ?? '' }) },
        ]}
      />
      {run.isPending ? (
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      ) : run.isError || !r ? (
        <ErrorState error={run.error} onRetry={() => void run.refetch()} />
      ) : (
        <div data-testid="run-detail" data-run-id={r.id} data-status={r.status}>
          <div className="page-head">
            <div>
              <Space wrap size={8} align="center">
                <Typography.Title level={3} className="page-head__title">
                  {t('reconciliation.runNo', { id: r.id })}
                </Typography.Title>
                <RunStatusTag status={r.status} />
              </Space>
              <div>
                <Typography.Text type="secondary">
                  {period(r)} ·{' '}
                  {t('reconciliation.finishedAt', {
                    at: r.finishedAt ? formatDateTime(r.finishedAt, HOME_ZONE, i18n.language) : t('common.none'),
                  })}
                </Typography.Text>
              </div>
            </div>
            <Space wrap size={8}>
              <Button href={exportUrls.run(r.id, 'csv')} download icon={<FileTextOutlined />} data-testid="run-csv">
                CSV
              </Button>
              <Button href={exportUrls.run(r.id, 'xlsx')} download icon={<FileExcelOutlined />} data-testid="run-xlsx">
                Excel
              </Button>
            </Space>
          </div>
          <Card className="section-card">
            <RunVerdict run={r} />
          </Card>
          {r.findings.length ? (
            <Card className="section-card" title={t('reconciliation.findings')}>
              <FindingsTable run={r} onResolve={setResolving} />
            </Card>
          ) : null}
          <ResolveModal run={r} finding={resolving} onClose={() => setResolving(null)} />
        </div>
      )}
    </div>
  );
}
