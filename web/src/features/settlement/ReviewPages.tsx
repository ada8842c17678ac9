import {
  CheckOutlined,
  CloseOutlined,
  DollarOutlined,
  RollbackOutlined,
  SafetyCertificateOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Grid,
  Input,
  Modal,
  Popconfirm,
  Row,
  Space,
  Tooltip,
  Typography,
} from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { settlementApi, type Batch, type BatchLine, type LineDecision } from '../../api/settlement';
import { useAuth } from '../../app/auth';
import { formatFen } from '../../ui/money';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useFailedToast } from '../vouchers/useFailedToast';
import { BatchFrame } from './BatchFrame';
import { BatchList } from './BatchList';
import { BatchExports, BatchFacts, BatchHistory, BatchLines, VoucherRegisterExport } from './BatchParts';
import { settlementKeys, useBatchAnswered } from './queries';
import { FourEyes, LineStages, NoticeAlert, ObjectionsCard, ScopeNote, StageFlow } from './StagedParts';
import { CheckTag, useCheckLabel } from './tags';

/** `/finance/settlement`: the batches this office reviews, waiting longest first. */
export function SettlementReviewPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('settlement.review.title'));
  return (
    <div className="lab-page settle-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('settlement.review.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('settlement.review.subtitle')}</Typography.Text>
        </div>
        <div className="bk-detail-actions">
          <VoucherRegisterExport />
        </div>
      </div>
      <Card className="section-card">
        <BatchList viewer="finance" basePath="/finance/settlement" defaultFilter="submitted" />
      </Card>
    </div>
  );
}

type Deciding = { line: BatchLine; action: 'return' | 'reject' | 'override'; failed?: string[] };
type Values = { reason?: string; overrideReason?: string };

/** Return or reject with a reason; or approve a line whose checks failed with an override reason. */
function DecisionModal({ batch, deciding, onClose }: { batch: Batch; deciding: Deciding | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const answered = useBatchAnswered();
  const failed = useFailedToast();
  const checkLabel = useCheckLabel();
  const [form] = Form.useForm<{ reason?: string; overrideReason?: string }>();
  const decide = useMutation({
    mutationFn: ({ line, action, reason, overrideReason }: { line: BatchLine; action: LineDecision } & Values) =>
      settlementApi.decide(batch.id, line.id, action, { reason, overrideReason }),
    onSuccess: (b, v) => {
      answered(b);
      onClose();
      void message.success(t(`settlement.review.done.${v.action}`));
    },
    onError: failed,
  });
  const action = deciding?.action;
  const line = deciding?.line;
  const failing = line ? line.checks.filter((c) => !c.ok || deciding?.failed?.includes(c.name)) : [];
  return (
    <Modal
      open={deciding !== null}
      title={line && action ? t(`settlement.review.modal.${action}`, { id: line.id }) : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={action ? t(`settlement.review.ok.${action}`) : ''}
      okButtonProps={
        { danger: action === 'reject', loading: decide.isPending, 'data-testid': 'decision-ok' } as ButtonProps
      }
      destroyOnHidden
      data-testid="decision-modal"
    >
      {line ? (
        <Typography.Paragraph type="secondary">
          {line.enterprise.name} · {line.instrumentName} · {line.serviceDate} · {t('settlement.voucher')}{' '}
          {formatFen(line.voucherFen)}
        </Typography.Paragraph>
      ) : null}
      {action === 'override' ? (
        <Alert
          type="warning"
          showIcon
          className="form-alert"
          title={t('settlement.review.overrideWarning')}
          description={
            <ul className="check-list">
              {failing.map((c) => (
                <li key={c.name} className="check-list__fail">
                  <CheckTag check={{ ...c, ok: false }} />
                  <span className="check-list__detail">{c.detail || checkLabel(c.name)}</span>
                </li>
              ))}
            </ul>
          }
        />
      ) : null}
      {action === 'reject' ? (
        <Alert type="error" showIcon className="form-alert" title={t('settlement.review.rejectWarning')} />
      ) : null}
      <Form<Values>
        form={form}
        layout="vertical"
        preserve={false}
        onFinish={(v) =>
          line &&
          action &&
          decide.mutate({
            line,
            action: action === 'override' ? 'approve' : action,
            reason: v.reason?.trim() || undefined,
            overrideReason: v.overrideReason?.trim() || undefined,
          })
        }
      >
        {action === 'override' ? (
          <Form.Item
            name="overrideReason"
            label={t('settlement.review.overrideReason')}
            rules={[
              { required: true, whitespace: true, message: t('settlement.review.overrideRequired') },
              { min: 4, message: t('settlement.review.overrideMin') },
              { max: 500 },
            ]}
          >
            <Input.TextArea rows={3} maxLength={500} showCount data-testid="override-reason" />
          </Form.Item>
        ) : null}
        <Form.Item
          name="reason"
          label={action === 'override' ? t('settlement.review.opinionOptional') : t('settlement.review.reason')}
          extra={action === 'return' ? t('settlement.review.returnHint') : undefined}
          rules={
            action === 'override'
              ? [{ max: 500 }]
              : [
                  { required: true, whitespace: true, message: t('settlement.review.reasonRequired') },
                  { min: 2, message: t('settlement.review.reasonRequired') },
                  { max: 500 },
                ]
          }
        >
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="decision-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Approve (after a confirmation), return or reject one pending line. */
function ReviewActions({ batch, line, onDecide }: { batch: Batch; line: BatchLine; onDecide: (d: Deciding) => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const answered = useBatchAnswered();
  const failed = useFailedToast();
  const approve = useMutation({
    mutationFn: () => settlementApi.decide(batch.id, line.id, 'approve', {}),
    onSuccess: (b) => {
      answered(b);
      void message.success(t('settlement.review.done.approve'));
    },
    onError: (e) => {
      // The checks may have changed since the page was drawn: then an override reason is needed.
      const names = isApiError(e) && e.status === 409 ? e.extra.failedChecks : undefined;
      if (Array.isArray(names)) onDecide({ line, action: 'override', failed: names.map(String) });
      else failed(e);
    },
  });
  if (batch.status !== 'submitted' || line.status !== 'pending' || !line.mayDecide) return null;
  return (
    <Space size={4} wrap className="review-actions">
      {line.checksOk ? (
        <Popconfirm
          title={t('settlement.review.approveTitle')}
          description={t('settlement.review.approveHint', { amount: formatFen(line.voucherFen) })}
          okText={t('settlement.review.ok.approve')}
          okButtonProps={{ 'data-testid': 'approve-ok' } as ButtonProps}
          cancelText={t('common.cancel')}
          onConfirm={() => approve.mutateAsync().catch(() => undefined)}
        >
          <Button
            type="primary"
            size="small"
            icon={<CheckOutlined />}
            loading={approve.isPending}
            data-testid="line-approve"
          >
            {t('settlement.review.approve')}
          </Button>
        </Popconfirm>
      ) : (
        <Button
          type="primary"
          size="small"
          icon={<SafetyCertificateOutlined />}
          onClick={() => onDecide({ line, action: 'override' })}
          data-testid="line-approve"
        >
          {t('settlement.review.approveOverride')}
        </Button>
      )}
      <Button
        size="small"
        icon={<RollbackOutlined />}
        onClick={() => onDecide({ line, action: 'return' })}
        data-testid="line-return"
      >
        {t('settlement.review.return')}
      </Button>
      <Button
        size="small"
        danger
        icon={<CloseOutlined />}
        onClick={() => onDecide({ line, action: 'reject' })}
        data-testid="line-reject"
      >
        {t('settlement.review.reject')}
      </Button>
    </Space>
  );
}

/** Approve at once every pending line whose checks all pass (one request: all of them or none). */
function ApproveAllPassing({ batch }: { batch: Batch }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const answered = useBatchAnswered();
  const failed = useFailedToast();
  const passing = batch.lines.filter((l) => l.mayDecide && l.checksOk);
  const run = useMutation({
    mutationFn: () =>
      settlementApi.approveLines(
        batch.id,
        passing.map((l) => l.id),
      ),
    onSuccess: (b) => {
      answered(b);
      void message.success(t('settlement.review.approvedAll', { n: passing.length }));
    },
    onError: (e) => {
      failed(e);
      // Nothing was approved, but a line may have changed meanwhile (another officer): show it as it is.
      void qc.invalidateQueries({ queryKey: settlementKeys.all });
    },
  });
  if (batch.status !== 'submitted' || passing.length < 2) return null;
  return (
    <Popconfirm
      title={t('settlement.review.approveAllTitle', { n: passing.length })}
      description={t('settlement.review.approveAllHint', {
        amount: formatFen(passing.reduce((s, l) => s + l.voucherFen, 0)),
      })}
      okText={t('settlement.review.ok.approve')}
      okButtonProps={{ 'data-testid': 'approve-all-ok' } as ButtonProps}
      cancelText={t('common.cancel')}
      onConfirm={() => run.mutateAsync().catch(() => undefined)}
    >
      <Button icon={<CheckOutlined />} loading={run.isPending} data-testid="approve-all">
        {t('settlement.review.approveAll', { n: passing.length })}
      </Button>
    </Popconfirm>
  );
}

/** Pay the approved lines of a reviewed batch, with the bank or treasury reference. */
function PayButton({ batch }: { batch: Batch }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const { message } = AntApp.useApp();
  const answered = useBatchAnswered();
  const failed = useFailedToast();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reference: string }>();
  const pay = useMutation({
    mutationFn: (reference: string) => settlementApi.pay(batch.id, reference),
    onSuccess: (b) => {
      answered(b);
      setOpen(false);
      void message.success(t('settlement.review.paidToast', { amount: formatFen(b.paidFen ?? 0) }));
    },
    onError: failed,
  });
  if (batch.status === 'paid' || batch.status === 'draft') return null;
  // The server says whether the caller may pay now (paying office, notice over, not an approver).
  const ready = batch.mayPay;
  const approver = !!user && batch.approvers.includes(user.displayName);
  const why = ready
    ? null
    : batch.status === 'submitted'
      ? t('settlement.review.payWhenReviewed')
      : batch.status === 'in_notice' && batch.notice
        ? t('staged.pay.inNotice', { lastDay: batch.notice.lastDay })
        : batch.approvedFen === 0
          ? t('settlement.review.nothingToPay')
          : approver
            ? t('staged.fourEyes.notYou')
            : t('staged.fourEyes.rule');
  return (
    <>
      <Tooltip title={why}>
        <Button
          type="primary"
          icon={<DollarOutlined />}
          disabled={!ready}
          onClick={() => setOpen(true)}
          data-testid="pay-batch"
        >
          {t('settlement.review.pay')}
        </Button>
      </Tooltip>
      <Modal
        open={open}
        title={t('settlement.review.payTitle', { id: batch.id })}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('settlement.review.payOk', { amount: formatFen(batch.approvedFen) })}
        okButtonProps={{ loading: pay.isPending, 'data-testid': 'pay-ok' } as ButtonProps}
        destroyOnHidden
        data-testid="pay-modal"
      >
        <Descriptions
          size="small"
          column={1}
          className="form-alert"
          items={[
            {
              key: 'amount',
              label: t('settlement.review.payAmount'),
              children: <strong className="money-cell">{formatFen(batch.approvedFen)}</strong>,
            },
            {
              key: 'lines',
              label: t('settlement.lines'),
              children: t('settlement.review.payLines', {
                n: batch.lines.filter((l) => l.status === 'approved').length,
              }),
            },
            {
              key: 'payee',
              label: t('settlement.bankAccount'),
              children: batch.bankAccount
                ? `${batch.bankAccount.bankName} · ${batch.bankAccount.accountName} · ${batch.bankAccount.accountNo}`
                : t('common.none'),
            },
          ]}
        />
        <Form<{ reference: string }>
          form={form}
          layout="vertical"
          preserve={false}
          onFinish={(v) => pay.mutate(v.reference.trim())}
        >
          <Form.Item
            name="reference"
            label={t('settlement.review.reference')}
            extra={t('settlement.review.referenceHint')}
            rules={[
              { required: true, whitespace: true, message: t('settlement.review.referenceRequired') },
              { min: 4, message: t('settlement.review.referenceRequired') },
              { max: 100 },
            ]}
          >
            <Input maxLength={100} data-testid="pay-reference" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function ReviewBatchView({ batch: b }: { batch: Batch }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const [deciding, setDeciding] = useState<Deciding | null>(null);
  const payer = user?.role === 'finance_officer' && user.organisation.id === b.reviewOffice.id;
  // Which lines the caller decides now is the server's to say (its office, the stage under way).
  const mine = b.lines.some((l) => l.mayDecide) || payer;
  const pending = b.lines.filter((l) => l.mayDecide);
  const returned = b.lines.filter((l) => l.status === 'returned').length;
  return (
    <>
      {b.status === 'draft' ? (
        <Alert type="info" showIcon className="form-alert" title={t('settlement.review.draftNote')} />
      ) : null}
      {b.status === 'submitted' && mine ? (
        <Alert
          type={pending.length ? 'info' : 'warning'}
          showIcon
          className="form-alert"
          data-testid="review-progress"
          title={
            pending.length
              ? t('settlement.review.pendingCount', { n: pending.length })
              : t('settlement.review.waitingReturned', { n: returned })
          }
          action={<ApproveAllPassing batch={b} />}
        />
      ) : null}
      <StageFlow batch={b} />
      <ScopeNote batch={b} />
      <NoticeAlert batch={b} />
      {b.status === 'reviewed' && payer ? (
        <Alert
          type="success"
          showIcon
          className="form-alert"
          data-testid="review-done"
          title={t('settlement.review.readyToPay', { amount: formatFen(b.approvedFen) })}
        />
      ) : null}
      <Row gutter={[16, 0]}>
        <Col xs={24} xxl={17}>
          <Card className="section-card" title={t('settlement.summary')}>
            <BatchFacts batch={b} />
          </Card>
          <Card className="section-card" title={t('settlement.linesTitle', { n: b.lineCount })}>
            <BatchLines
              batch={b}
              phone={phone}
              bookingLink={false}
              invoiceCell={(l) =>
                l.invoiceNo ? (
                  <code data-testid="invoice-no">{l.invoiceNo}</code>
                ) : (
                  <Typography.Text type="danger">{t('settlement.noInvoice')}</Typography.Text>
                )
              }
              actions={(l) => (
                <>
                  {l.mayDecide ? <ReviewActions batch={b} line={l} onDecide={setDeciding} /> : null}
                  <LineStages line={l} stages={b.stages.length} />
                </>
              )}
            />
          </Card>
          {b.notice || b.objections.length ? (
            <Card className="section-card">
              <ObjectionsCard batch={b} />
            </Card>
          ) : null}
        </Col>
        <Col xs={24} xxl={7}>
          <Card className="section-card">
            <FourEyes batch={b} />
          </Card>
          <Card className="section-card" title={t('settlement.history')}>
            <BatchHistory batch={b} />
          </Card>
        </Col>
      </Row>
      <DecisionModal batch={b} deciding={deciding} onClose={() => setDeciding(null)} />
    </>
  );
}

/** `/finance/settlement/:id`: review a batch line by line with its evidence and checks, then pay it. */
export function ReviewBatchPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  return (
    <BatchFrame
      back="/finance/settlement"
      backLabel={t('nav.settlementReview')}
      actions={(b) => (
        <>
          <BatchExports batch={b} />
          {user?.role === 'finance_officer' && user.organisation.id === b.reviewOffice.id ? (
            <PayButton batch={b} />
          ) : null}
        </>
      )}
    >
      {(b) => <ReviewBatchView batch={b} />}
    </BatchFrame>
  );
}
