import {
  CheckOutlined,
  DeleteOutlined,
  EditOutlined,
  RedoOutlined,
  SaveOutlined,
  SendOutlined,
} from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
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
import { settlementApi, type BankAccount, type Batch, type BatchLine } from '../../api/settlement';
import { formatFen } from '../../ui/money';
import { useFailedToast } from '../vouchers/useFailedToast';
import { BatchFrame } from './BatchFrame';
import { BatchExports, BatchFacts, BatchHistory, BatchLines, ReturnedAlert } from './BatchParts';
import { useClaimantSide } from './claimant';
import { FourEyes, InvoiceUpload, LineStages, NoticeAlert, ObjectionsCard, StageFlow } from './StagedParts';
import { useBatchAnswered, useBatches } from './queries';

const INVOICE_RE = /^[A-Za-z0-9-]{6,40}$/;

/** May the claimant still change this line? In a draft batch, or once finance returned it. */
const editable = (b: Batch, l: BatchLine) =>
  l.status !== 'removed' && (b.status === 'draft' || l.status === 'returned');

/** The invoice number of a line, typed in place (Enter or the save button). */
function InvoiceEditor({ batch, line }: { batch: Batch; line: BatchLine }) {
  const { t } = useTranslation();
  const answered = useBatchAnswered();
  const [value, setValue] = useState(line.invoiceNo ?? '');
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (invoiceNo: string) => settlementApi.updateLine(batch.id, line.id, { invoiceNo }),
    onSuccess: (b) => {
      setError(null);
      answered(b);
    },
    onError: (e) =>
      setError(
        isApiError(e) && e.errors.some((x) => x.path.endsWith('invoiceNo') && x.message === 'duplicate')
          ? t('settlement.invoiceDuplicate')
          : isApiError(e) && e.status === 0
            ? t('common.errorNetwork')
            : isApiError(e)
              ? e.detail
              : t('common.errorGeneric'),
      ),
  });
  if (!editable(batch, line)) {
    return line.invoiceNo ? (
      <code data-testid="invoice-no">{line.invoiceNo}</code>
    ) : (
      <Typography.Text type="secondary">{t('common.none')}</Typography.Text>
    );
  }
  const trimmed = value.trim();
  const saved = !!line.invoiceNo && trimmed === line.invoiceNo;
  const submit = () => {
    if (saved || save.isPending) return;
    if (!INVOICE_RE.test(trimmed)) return setError(t('settlement.invoiceFormat'));
    save.mutate(trimmed);
  };
  return (
    <div className="invoice-editor">
      <Space.Compact className="invoice-editor__row">
        <Input
          size="small"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
          onPressEnter={submit}
          placeholder={t('settlement.invoicePlaceholder')}
          maxLength={40}
          status={error ? 'error' : undefined}
          aria-label={t('settlement.invoiceNoOf', { id: line.id })}
          aria-invalid={!!error}
          data-testid="invoice-input"
        />
        <Tooltip title={saved ? t('settlement.invoiceSaved') : t('common.save')}>
          <Button
            size="small"
            type={saved ? 'default' : 'primary'}
            icon={saved ? <CheckOutlined /> : <SaveOutlined />}
            loading={save.isPending}
            disabled={saved || !trimmed}
            onClick={submit}
            aria-label={t('common.save')}
            data-testid={saved ? 'invoice-saved' : 'invoice-save'}
          />
        </Tooltip>
      </Space.Compact>
      {error ? (
        <div className="invoice-editor__error" role="alert" data-testid="invoice-error">
          {error}
        </div>
      ) : null}
    </div>
  );
}

/** The claimant's buttons on one line: note, remove; resubmit a returned line. */
function LineActions({ batch, line, onNote }: { batch: Batch; line: BatchLine; onNote: (l: BatchLine) => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const answered = useBatchAnswered();
  const failed = useFailedToast();
  const remove = useMutation({
    mutationFn: () => settlementApi.removeLine(batch.id, line.id),
    onSuccess: (b) => {
      answered(b);
      void message.success(t('settlement.lineRemoved'));
    },
    onError: failed,
  });
  const resubmit = useMutation({
    mutationFn: () => settlementApi.resubmitLine(batch.id, line.id),
    onSuccess: (b) => {
      answered(b);
      void message.success(t('settlement.lineResubmitted'));
    },
    onError: failed,
  });
  if (!editable(batch, line)) return null;
  return (
    <Space size={0} wrap>
      {line.status === 'returned' ? (
        <Tooltip title={line.invoiceNo ? undefined : t('settlement.resubmitNeedsInvoice')}>
          <Button
            type="primary"
            size="small"
            icon={<RedoOutlined />}
            loading={resubmit.isPending}
            disabled={!line.invoiceNo}
            onClick={() => resubmit.mutate()}
            data-testid="line-resubmit"
          >
            {t('settlement.resubmit')}
          </Button>
        </Tooltip>
      ) : null}
      <Button type="link" size="small" icon={<EditOutlined />} onClick={() => onNote(line)} data-testid="line-note">
        {t('settlement.note')}
      </Button>
      <Popconfirm
        title={t('settlement.removeTitle')}
        description={t('settlement.removeHint')}
        okText={t('settlement.remove')}
        okButtonProps={{ danger: true, 'data-testid': 'line-remove-ok' } as ButtonProps}
        cancelText={t('common.cancel')}
        onConfirm={() => remove.mutateAsync().catch(() => undefined)}
      >
        <Button
          type="link"
          size="small"
          danger
          icon={<DeleteOutlined />}
          loading={remove.isPending}
          data-testid="line-remove"
        >
          {t('settlement.remove')}
        </Button>
      </Popconfirm>
    </Space>
  );
}

function NoteModal({ batch, line, onClose }: { batch: Batch; line: BatchLine | null; onClose: () => void }) {
  const { t } = useTranslation();
  const answered = useBatchAnswered();
  const failed = useFailedToast();
  const [form] = Form.useForm<{ note: string }>();
  const save = useMutation({
    mutationFn: ({ id, note }: { id: number; note: string }) => settlementApi.updateLine(batch.id, id, { note }),
    onSuccess: (b) => {
      answered(b);
      onClose();
    },
    onError: failed,
  });
  return (
    <Modal
      open={line !== null}
      title={line ? t('settlement.noteTitle', { id: line.id }) : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      okButtonProps={{ loading: save.isPending, 'data-testid': 'note-ok' } as ButtonProps}
      destroyOnHidden
    >
      <Form<{ note: string }>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ note: line?.note ?? '' }}
        onFinish={(v) => line && save.mutate({ id: line.id, note: v.note.trim() })}
      >
        <Form.Item name="note" label={t('settlement.note')} extra={t('settlement.noteHint')} rules={[{ max: 500 }]}>
          <Input.TextArea rows={4} maxLength={500} showCount data-testid="note-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Submit the draft with the bank account to be paid (the last one used is offered again). */
function SubmitModal({ batch, open, onClose }: { batch: Batch; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const answered = useBatchAnswered();
  const [form] = Form.useForm<BankAccount>();
  const [problem, setProblem] = useState<string | null>(null);
  const others = useBatches();
  const last = (others.data ?? [])
    .filter((b) => b.bankAccount)
    .sort((a, b) => Date.parse(b.submittedAt ?? b.createdAt) - Date.parse(a.submittedAt ?? a.createdAt))[0];
  const active = batch.lines.filter((l) => l.status !== 'removed');
  const voucherFen = active.reduce((s, l) => s + l.voucherFen, 0);
  const submit = useMutation({
    mutationFn: (v: BankAccount) => settlementApi.submit(batch.id, v),
    onSuccess: (b) => {
      answered(b);
      onClose();
      void message.success(t('settlement.submitted'));
    },
    onError: (e) => {
      if (isApiError(e) && e.status === 400) {
        const fields = e.errors
          .filter((x) => x.path.startsWith('body.bankAccount.'))
          .map((x) => ({ name: x.path.slice('body.bankAccount.'.length) as keyof BankAccount, errors: [x.message] }));
        form.setFields(fields);
        const missing = e.errors.some((x) => x.path === 'lines');
        setProblem(
          missing
            ? t('settlement.missingInvoices', { n: active.filter((l) => !l.invoiceNo).length })
            : fields.length
              ? null
              : e.detail,
        );
      } else setProblem(isApiError(e) ? e.detail || t('common.errorGeneric') : t('common.errorGeneric'));
    },
  });
  return (
    <Modal
      open={open}
      title={t('settlement.submitTitle', { id: batch.id })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('settlement.submit')}
      okButtonProps={{ loading: submit.isPending, 'data-testid': 'submit-ok' } as ButtonProps}
      destroyOnHidden
      data-testid="submit-modal"
    >
      <Typography.Paragraph>
        {t('settlement.submitSummary', {
          n: active.length,
          amount: formatFen(voucherFen),
          office: batch.reviewOffice.name,
        })}
      </Typography.Paragraph>
      {problem ? (
        <Alert type="error" showIcon className="form-alert" title={problem} data-testid="submit-error" />
      ) : null}
      <Form<BankAccount>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={last?.bankAccount ?? { bankName: '', accountName: batch.claimant.name, accountNo: '' }}
        onValuesChange={() => setProblem(null)}
        onFinish={(v) =>
          submit.mutate({
            bankName: v.bankName.trim(),
            accountName: v.accountName.trim(),
            accountNo: v.accountNo.trim(),
          })
        }
      >
        <Form.Item
          name="bankName"
          label={t('settlement.bankName')}
          rules={[
            { required: true, whitespace: true, message: t('settlement.bankNameRequired') },
            { min: 2, max: 100 },
          ]}
        >
          <Input maxLength={100} placeholder={t('settlement.bankNamePlaceholder')} data-testid="bank-name" />
        </Form.Item>
        <Form.Item
          name="accountName"
          label={t('settlement.accountName')}
          rules={[
            { required: true, whitespace: true, message: t('settlement.accountNameRequired') },
            { min: 2, max: 100 },
          ]}
        >
          <Input maxLength={100} data-testid="bank-account-name" />
        </Form.Item>
        <Form.Item
          name="accountNo"
          label={t('settlement.accountNo')}
          rules={[
            { required: true, message: t('settlement.accountNoRequired') },
            { pattern: /^[\d ]{8,40}$/, message: t('settlement.accountNoFormat') },
          ]}
        >
          <Input inputMode="numeric" maxLength={40} data-testid="bank-account-no" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ClaimBatchView({ batch: b }: { batch: Batch }) {
  const { t } = useTranslation();
  // An enterprise's lines are all its own: name the service, not the enterprise, on each.
  const { kind } = useClaimantSide();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const [noting, setNoting] = useState<BatchLine | null>(null);
  const missing = b.status === 'draft' ? b.lines.filter((l) => l.status !== 'removed' && !l.invoiceNo).length : 0;
  return (
    <>
      <StageFlow batch={b} />
      <NoticeAlert batch={b} />
      <ReturnedAlert batch={b} />
      {missing ? (
        <Alert
          type="info"
          showIcon
          className="form-alert"
          data-testid="missing-invoices"
          title={t('settlement.missingInvoices', { n: missing })}
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
              bookingLink
              showEnterprise={kind === 'provider'}
              invoiceCell={(l) => (
                <>
                  <InvoiceEditor key={`${l.id}:${l.invoiceNo ?? ''}`} batch={b} line={l} />
                  <InvoiceUpload batch={b} line={l} />
                </>
              )}
              actions={(l) => (
                <>
                  <LineActions batch={b} line={l} onNote={setNoting} />
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
      <NoteModal batch={b} line={noting} onClose={() => setNoting(null)} />
    </>
  );
}

function SubmitButton({ batch }: { batch: Batch }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (batch.status !== 'draft') return null;
  const active = batch.lines.filter((l) => l.status !== 'removed');
  const missing = active.filter((l) => !l.invoiceNo).length;
  const why = !active.length
    ? t('settlement.submitEmpty')
    : missing
      ? t('settlement.missingInvoices', { n: missing })
      : null;
  return (
    <>
      <Tooltip title={why}>
        <Button
          type="primary"
          icon={<SendOutlined />}
          disabled={!!why}
          onClick={() => setOpen(true)}
          data-testid="submit-batch"
        >
          {t('settlement.submit')}
        </Button>
      </Tooltip>
      <SubmitModal batch={batch} open={open} onClose={() => setOpen(false)} />
    </>
  );
}

/**
 * One claim of its claimant: evidence per line, submit, fix returned lines, follow payment. The lab's
 * at `/lab/settlement/:id`, an enterprise's own (reimburse mode) at `/my/claims/:id`.
 */
export function ClaimBatchPage() {
  const { t } = useTranslation();
  const side = useClaimantSide();
  return (
    <BatchFrame
      back={side.basePath}
      backLabel={side.kind === 'enterprise' ? t('nav.myClaims') : t('nav.settlementClaims')}
      actions={(b) => (
        <>
          <BatchExports batch={b} />
          <SubmitButton batch={b} />
        </>
      )}
    >
      {(b) => <ClaimBatchView batch={b} />}
    </BatchFrame>
  );
}
