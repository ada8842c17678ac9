/** Pieces of a settlement batch that the claimant's and finance's pages share: figures, lines, history, exports. */
import {
  DownOutlined,
  FileExcelOutlined,
  FilePdfOutlined,
  FileTextOutlined,
  LinkOutlined,
  UpOutlined,
} from '@ant-design/icons';
import { Alert, Button, Descriptions, Dropdown, Skeleton, Space, Table, Tag, Timeline, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { exportUrls, type Batch, type BatchEvent, type BatchLine } from '../../api/settlement';
import { formatFen } from '../../ui/money';
import { EmptyState } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { CheckSummary, CheckTag, LineStatusTag } from './tags';
import { paymentRefLabel } from '../../i18n/codes';

export const HOME_ZONE = 'Asia/Shanghai';

export function Money({ fen, strong = false, testId }: { fen: number; strong?: boolean; testId?: string }) {
  return (
    <span className="money-cell" data-fen={fen} data-testid={testId}>
      {strong ? <strong>{formatFen(fen)}</strong> : formatFen(fen)}
    </span>
  );
}

/** CSV / XLSX downloads of a batch, and its printable statement (PDF) in a new tab. */
export function BatchExports({ batch }: { batch: Batch }) {
  const { t } = useTranslation();
  return (
    <Space wrap size={8} className="settle-exports" data-testid="batch-exports">
      <Button href={exportUrls.batch(batch.id, 'csv')} download icon={<FileTextOutlined />} data-testid="export-csv">
        CSV
      </Button>
      <Button href={exportUrls.batch(batch.id, 'xlsx')} download icon={<FileExcelOutlined />} data-testid="export-xlsx">
        Excel
      </Button>
      <Button
        href={exportUrls.batch(batch.id, 'pdf')}
        target="_blank"
        rel="noopener"
        icon={<FilePdfOutlined />}
        data-testid="export-pdf"
      >
        {t('settlement.statement')}
      </Button>
    </Space>
  );
}

/** The register of every voucher use the caller may see (CSV or XLSX). */
export function VoucherRegisterExport() {
  const { t } = useTranslation();
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          {
            key: 'csv',
            icon: <FileTextOutlined />,
            label: (
              <a href={exportUrls.voucherRegister('csv')} download data-testid="register-csv">
                CSV
              </a>
            ),
          },
          {
            key: 'xlsx',
            icon: <FileExcelOutlined />,
            label: (
              <a href={exportUrls.voucherRegister('xlsx')} download data-testid="register-xlsx">
                Excel
              </a>
            ),
          },
        ],
      }}
    >
      <Button icon={<FileExcelOutlined />} data-testid="register-export">
        {t('settlement.register')} <DownOutlined />
      </Button>
    </Dropdown>
  );
}

/** The batch's money and facts: claimed, approved, rejected, open, paid; who reviews; the bank account. */
export function BatchFacts({ batch: b }: { batch: Batch }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const items: NonNullable<DescriptionsProps['items']> = [
    { key: 'programme', label: t('settlement.programme'), children: b.programmeName || `#${b.programmeId}` },
    { key: 'month', label: t('settlement.month'), children: b.month },
    { key: 'claimant', label: t('settlement.claimant'), children: b.claimant.name },
    { key: 'office', label: t('settlement.reviewOffice'), children: b.reviewOffice.name },
    { key: 'created', label: t('settlement.createdAt'), children: formatDateTime(b.createdAt, HOME_ZONE, lang) },
    {
      key: 'submitted',
      label: t('settlement.submittedAt'),
      children: b.submittedAt ? formatDateTime(b.submittedAt, HOME_ZONE, lang) : t('common.none'),
    },
  ];
  if (b.bankAccount) {
    items.push({
      key: 'bank',
      label: t('settlement.bankAccount'),
      span: 'filled',
      children: (
        <span data-testid="batch-bank">
          {b.bankAccount.bankName} · {b.bankAccount.accountName} · <code>{b.bankAccount.accountNo}</code>
        </span>
      ),
    });
  }
  if (b.status === 'paid') {
    items.push({
      key: 'paid',
      label: t('settlement.paidAt'),
      span: 'filled',
      children: (
        <span data-testid="batch-paid">
          {b.paidAt ? formatDateTime(b.paidAt, HOME_ZONE, lang) : t('common.none')} · {t('settlement.paidReference')}{' '}
          <code>{b.paidReference}</code>
        </span>
      ),
    });
  }
  const figures: [string, number | null, string][] = [
    [t('settlement.total'), b.totalFen, 'batch-total'],
    [t('settlement.approved'), b.approvedFen, 'batch-approved'],
    [t('settlement.rejected'), b.rejectedFen, 'batch-rejected'],
    [t('settlement.open'), b.openFen, 'batch-open'],
    [t('settlement.paid'), b.paidFen, 'batch-paid-fen'],
  ];
  return (
    <>
      <dl className="settle-figures">
        {figures.map(([label, fen, testId]) => (
          <div key={testId} className="settle-figures__item">
            <dt>{label}</dt>
            <dd>{fen === null ? t('common.none') : <Money fen={fen} strong testId={testId} />}</dd>
          </div>
        ))}
      </dl>
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} items={items} className="settle-facts" />
    </>
  );
}

const ACTION_COLOR: Record<string, string> = {
  created: 'gray',
  evidence: 'gray',
  remove: 'gray',
  submit: 'blue',
  resubmit: 'blue',
  approve: 'green',
  approve_override: 'green',
  return: 'orange',
  reject: 'red',
  reviewed: 'blue',
  pay: 'green',
};
const KNOWN_ACTIONS = Object.keys(ACTION_COLOR);
/** Steps of staged review, public notice and invoices (their words in the staged part of the texts). */
const STAGED_ACTIONS = [
  'lines_added',
  'stage',
  'passed',
  'notice',
  'objection',
  'objection_answered',
  'notice_ended',
  'invoice',
];

/** The audit trail of a batch, oldest first. */
export function BatchHistory({ batch }: { batch: Batch }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const label = (e: BatchEvent) =>
    KNOWN_ACTIONS.includes(e.action)
      ? t(`settlement.actions.${e.action as 'created'}`)
      : STAGED_ACTIONS.includes(e.action)
        ? t(`staged.actions.${e.action as 'stage'}`)
        : e.action.replace(/_/g, ' ');
  const history = [...batch.history].sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
  if (!history.length) return <EmptyState title={t('settlement.historyEmpty')} />;
  return (
    <Timeline
      className="bk-timeline"
      data-testid="batch-history"
      items={history.map((e, i) => ({
        key: i,
        color: ACTION_COLOR[e.action] ?? 'gray',
        content: (
          <div data-testid="history-entry" data-action={e.action} data-line-id={e.lineId ?? ''}>
            <div>
              <Typography.Text strong>{label(e)}</Typography.Text>
              {e.lineId !== null ? (
                <Typography.Text type="secondary"> · {t('settlement.lineNo', { id: e.lineId })}</Typography.Text>
              ) : null}
            </div>
            <div className="bk-timeline__meta">
              {formatDateTime(e.at, HOME_ZONE, lang)} · {e.by ?? t('settlement.system')}
            </div>
            {/* People's words as given; the server's own notes (a new draft's size) in the UI's language. */}
            {e.reason ? <div className="bk-timeline__reason">{e.reason}</div> : null}
          </div>
        ),
      }))}
    />
  );
}

/** A claim line's payment evidence: a card charge's id as code, a bank transfer's or invoice's in words. */
function PaymentRef({ value }: { value: string }) {
  const { t } = useTranslation();
  const ref = paymentRefLabel(t, value);
  return ref.code ? <code>{ref.text}</code> : <span data-testid="line-payment-ref">{ref.text}</span>;
}

/** A line's evidence and all nine checks with their details (written by the server in the UI's language). */
function LineEvidence({ line: l, bookingLink }: { line: BatchLine; bookingLink: boolean }) {
  const { t } = useTranslation();
  const items: NonNullable<DescriptionsProps['items']> = [
    {
      key: 'booking',
      label: t('settlement.booking'),
      children: bookingLink ? <Link to={`/bookings/${l.bookingId}`}>#{l.bookingId}</Link> : `#${l.bookingId}`,
    },
    {
      key: 'amounts',
      label: t('settlement.amounts'),
      children: (
        <span>
          {t('settlement.serviceTotal')} {formatFen(l.totalFen)} = {t('settlement.voucher')} {formatFen(l.voucherFen)} +{' '}
          {t('settlement.selfPay')} {formatFen(l.selfPayFen)}
        </span>
      ),
    },
    { key: 'record', label: t('settlement.serviceRecord'), span: 'filled', children: l.serviceRecord },
    {
      key: 'payment',
      label: t('settlement.paymentRef'),
      children: l.paymentRef ? <PaymentRef value={l.paymentRef} /> : t('common.none'),
    },
    {
      key: 'report',
      label: t('settlement.report'),
      children: l.reportUrl ? (
        <a href={l.reportUrl} target="_blank" rel="noreferrer" data-testid="line-report">
          <LinkOutlined /> {t('settlement.openReport')}
        </a>
      ) : (
        t('settlement.noReport')
      ),
    },
    {
      key: 'invoice',
      label: t('settlement.invoiceNo'),
      children: l.invoiceNo ? <code>{l.invoiceNo}</code> : t('settlement.noInvoice'),
    },
    {
      key: 'note',
      label: t('settlement.note'),
      span: 'filled',
      children: <div className="multiline">{l.note || t('common.none')}</div>,
    },
  ];
  if (l.override) {
    items.push({
      key: 'override',
      label: t('settlement.override'),
      span: 'filled',
      children: t('settlement.overrideBy', { by: l.override.by, reason: l.override.reason }),
    });
  }
  return (
    <div className="settle-evidence" data-testid="line-evidence">
      <Descriptions size="small" column={{ xs: 1, md: 2 }} items={items} />
      <div className="settle-evidence__checks">
        <Typography.Text strong>{t('settlement.checksTitle')}</Typography.Text>
        <ul className="check-list">
          {l.checks.map((c) => (
            <li key={c.name} className={c.ok ? 'check-list__ok' : 'check-list__fail'}>
              <CheckTag check={c} />
              <span className="check-list__detail">{c.detail}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** The decision's reason under the status: the finance office's words, highlighted on a returned line. */
function LineDecisionNote({ line: l }: { line: BatchLine }) {
  const { t } = useTranslation();
  if (!l.reason && !l.override) return null;
  return (
    <div className={`line-reason line-reason--${l.status}`} data-testid="line-reason">
      {l.reason ? (
        <>
          {l.status === 'returned' ? <strong>{t('settlement.returnReason')}</strong> : null}
          {l.reason}
        </>
      ) : null}
      {l.override ? (
        <Tag color="purple" className="line-reason__override">
          {t('settlement.overridden')}
        </Tag>
      ) : null}
    </div>
  );
}

type LinesProps = {
  batch: Batch;
  phone: boolean;
  loading?: boolean;
  /** The invoice number: an editor for the claimant, text for finance. */
  invoiceCell: (line: BatchLine) => ReactNode;
  /** The line's buttons. */
  actions: (line: BatchLine) => ReactNode;
  /** Link the booking (the claimant may open it; finance may not). */
  bookingLink: boolean;
  /** Name each line's enterprise (not on an enterprise's own claim, where every line is its own). */
  showEnterprise?: boolean;
};

const rowClass = (l: BatchLine) =>
  `settle-line settle-line--${l.status}${!l.checksOk && l.status === 'pending' ? ' settle-line--failing' : ''}`;

/** The lines of a batch: a table with expandable evidence, or cards on phones. */
export function BatchLines({
  batch,
  phone,
  loading = false,
  invoiceCell,
  actions,
  bookingLink,
  showEnterprise = true,
}: LinesProps) {
  const { t } = useTranslation();
  const [expanded, setExpanded] = useState<number[]>([]);
  const toggle = (id: number) => setExpanded((x) => (x.includes(id) ? x.filter((k) => k !== id) : [...x, id]));
  // Removed lines go last; the rest in the order of service.
  const lines = [...batch.lines].sort(
    (a, b) => Number(a.status === 'removed') - Number(b.status === 'removed') || a.id - b.id,
  );
  if (!lines.length) return <EmptyState title={t('settlement.linesEmpty')} />;

  if (phone) {
    return (
      <ul className="lab-list settle-cards" data-testid="batch-lines">
        {loading ? <Skeleton active paragraph={{ rows: 4 }} /> : null}
        {lines.map((l) => {
          const open = expanded.includes(l.id);
          return (
            <li
              key={l.id}
              className={`lab-list__item settle-card ${rowClass(l)}`}
              data-testid="settlement-line"
              data-line-id={l.id}
              data-status={l.status}
              data-checks-ok={l.checksOk}
            >
              <div className="settle-card__head">
                <div className="lab-list__main">
                  <div className="lab-list__name">{showEnterprise ? l.enterprise.name : l.instrumentName}</div>
                  <div className="lab-list__meta">
                    {showEnterprise ? `${l.instrumentName} · ` : null}
                    {l.serviceDate} · {t('settlement.lineNo', { id: l.id })}
                  </div>
                </div>
                <div className="ledger-item__aside">
                  <Money fen={l.voucherFen} strong />
                  <span className="lab-list__meta">
                    {t('settlement.serviceTotal')} {formatFen(l.totalFen)}
                  </span>
                </div>
              </div>
              <div className="settle-card__row">
                <LineStatusTag status={l.status} />
                <CheckSummary checks={l.checks} />
              </div>
              <LineDecisionNote line={l} />
              <div className="settle-card__row settle-card__invoice">
                <span className="settle-card__label">{t('settlement.invoiceNo')}</span>
                {invoiceCell(l)}
              </div>
              <div className="settle-card__actions">
                {actions(l)}
                <Button
                  type="link"
                  size="small"
                  icon={open ? <UpOutlined /> : <DownOutlined />}
                  onClick={() => toggle(l.id)}
                  aria-expanded={open}
                  data-testid="line-expand"
                >
                  {t('settlement.evidence')}
                </Button>
              </div>
              {open ? <LineEvidence line={l} bookingLink={bookingLink} /> : null}
            </li>
          );
        })}
      </ul>
    );
  }

  return (
    <Table<BatchLine>
      rowKey="id"
      size="small"
      loading={loading}
      dataSource={lines}
      pagination={lines.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      scroll={{ x: 'max-content' }}
      data-testid="batch-lines"
      rowClassName={rowClass}
      onRow={(l) =>
        ({
          'data-testid': 'settlement-line',
          'data-line-id': l.id,
          'data-status': l.status,
          'data-checks-ok': l.checksOk,
        }) as object
      }
      expandable={{
        expandedRowKeys: expanded,
        onExpand: (_, l) => toggle(l.id),
        expandedRowRender: (l) => <LineEvidence line={l} bookingLink={bookingLink} />,
      }}
      columns={[
        {
          key: 'service',
          title: t('settlement.service'),
          render: (_, l) => (
            <div className="lab-name settle-service">
              <span className="settle-service__enterprise">
                {showEnterprise ? l.enterprise.name : l.instrumentName}
              </span>
              {showEnterprise ? (
                <Typography.Text type="secondary" className="small-text">
                  {l.instrumentName}
                </Typography.Text>
              ) : null}
              <Typography.Text type="secondary" className="small-text">
                {l.serviceDate} · {t('settlement.lineNo', { id: l.id })}
              </Typography.Text>
            </div>
          ),
        },
        {
          key: 'voucher',
          title: t('settlement.voucherShare'),
          align: 'right',
          render: (_, l) => (
            <div className="settle-amounts">
              <Money fen={l.voucherFen} strong />
              <Typography.Text type="secondary" className="small-text nowrap">
                {t('settlement.ofTotal', { total: formatFen(l.totalFen) })}
              </Typography.Text>
            </div>
          ),
        },
        { key: 'invoice', title: t('settlement.invoiceNo'), render: (_, l) => invoiceCell(l) },
        {
          key: 'checks',
          title: t('settlement.checksTitle'),
          render: (_, l) => <CheckSummary checks={l.checks} />,
        },
        {
          key: 'status',
          title: t('settlement.status'),
          render: (_, l) => (
            <div className="settle-status">
              <LineStatusTag status={l.status} />
              <LineDecisionNote line={l} />
            </div>
          ),
        },
        { key: 'actions', title: '', render: (_, l) => <div className="settle-actions">{actions(l)}</div> },
      ]}
    />
  );
}

/** A line of a batch the claimant must look at again: returned with the finance office's reason. */
export function ReturnedAlert({ batch }: { batch: Batch }) {
  const { t } = useTranslation();
  const returned = batch.lines.filter((l) => l.status === 'returned');
  if (!returned.length) return null;
  return (
    <Alert
      type="warning"
      showIcon
      className="form-alert"
      data-testid="returned-alert"
      title={t('settlement.returnedTitle', { n: returned.length })}
      description={t('settlement.returnedHint')}
    />
  );
}
