/**
 * The parts of a batch page for staged review: the stages and where the batch stands, the public
 * notice (公示) with its objections and their answers, who approved and who paid (four-eyes), a line's
 * stage decisions, and the claimant's invoice upload.
 */
import { UploadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Descriptions,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Space,
  Steps,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { ButtonProps, UploadFile } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import { settlementApi, type Batch, type BatchLine, type Objection } from '../../api/settlement';
import { formatFen } from '../../ui/money';
import { EmptyState } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { useFailedToast } from '../vouchers/useFailedToast';
import { HOME_ZONE } from './BatchParts';
import { useBatchAnswered } from './queries';

/** The review stages, the notice and payment, with where the batch stands. */
export function StageFlow({ batch: b }: { batch: Batch }) {
  const { t } = useTranslation();
  if (b.status === 'draft') return null;
  const noticeStep = b.notice !== null || b.status === 'in_notice';
  const steps = [
    ...b.stages.map((s) => ({
      title: s.kind === 'city' ? t('staged.stages.city') : t('staged.stages.province'),
      description:
        s.samplePercent >= 100 ? t('staged.stages.all') : t('staged.stages.sample', { percent: s.samplePercent }),
    })),
    ...(noticeStep ? [{ title: t('staged.notice.title'), description: b.notice?.lastDay ?? '' }] : []),
    { title: t('staged.stages.pay'), description: '' },
  ];
  const current =
    b.status === 'submitted'
      ? b.stage
      : b.status === 'in_notice'
        ? b.stages.length
        : b.status === 'reviewed'
          ? steps.length - 1
          : steps.length;
  return (
    <Steps
      size="small"
      responsive
      current={current}
      items={steps}
      className="staged-steps"
      data-testid="stage-flow"
      data-stage={b.stage}
    />
  );
}

/** The notice's period and what still keeps payment closed. */
export function NoticeAlert({ batch: b }: { batch: Batch }) {
  const { t, i18n } = useTranslation();
  if (!b.notice || (b.status !== 'in_notice' && b.status !== 'reviewed')) return null;
  const open = b.objections.filter((o) => o.status === 'open').length;
  const running = b.status === 'in_notice' && Date.now() < Date.parse(b.notice.endsAt);
  return (
    <Alert
      type={running || open ? 'warning' : 'info'}
      showIcon
      className="form-alert"
      data-testid="notice-alert"
      title={
        running
          ? t('staged.notice.running', {
              from: formatDateTime(b.notice.startsAt, HOME_ZONE, i18n.language),
              lastDay: b.notice.lastDay,
            })
          : t('staged.notice.ended', { lastDay: b.notice.lastDay })
      }
      description={open ? t('staged.notice.openObjections', { n: open }) : undefined}
    />
  );
}

/** A city office sees only its lines of a batch that spans cities: said once above them. */
export function ScopeNote({ batch: b }: { batch: Batch }) {
  const { t } = useTranslation();
  if (b.scope !== 'own_lines') return null;
  return (
    <Alert type="info" showIcon className="form-alert" data-testid="scope-note" title={t('staged.scope.ownLines')} />
  );
}

/** Who approved the lines and who recorded the payment (never the same person). */
export function FourEyes({ batch: b }: { batch: Batch }) {
  const { t } = useTranslation();
  if (!b.approvers.length && !b.paidBy) return null;
  return (
    <Descriptions
      size="small"
      column={1}
      className="four-eyes"
      data-testid="four-eyes"
      items={[
        {
          key: 'approvers',
          label: t('staged.fourEyes.approvers'),
          children: <span data-testid="approvers">{b.approvers.join('、') || '—'}</span>,
        },
        {
          key: 'paidBy',
          label: t('staged.fourEyes.paidBy'),
          children: <span data-testid="paid-by">{b.paidBy ?? '—'}</span>,
        },
      ]}
    />
  );
}

/** A line's place in the stages and each stage's decision on it. */
export function LineStages({ line: l, stages }: { line: BatchLine; stages: number }) {
  const { t } = useTranslation();
  if (stages < 2 && !l.reviews.length) return null;
  return (
    <div className="line-stages" data-testid="line-stages" data-stage={l.stage}>
      {l.status === 'pending' ? (
        <Typography.Text type="secondary">{t('staged.line.waiting', { n: l.stage + 1 })}</Typography.Text>
      ) : null}
      <Space size={[4, 4]} wrap>
        {l.reviews.map((r, i) => (
          <Tag
            key={i}
            color={
              r.decision === 'approved' || r.decision === 'passed'
                ? 'green'
                : r.decision === 'returned'
                  ? 'orange'
                  : 'red'
            }
            data-testid="line-review"
            data-decision={r.decision}
          >
            {t('staged.line.stage', { n: r.stage + 1 })} · {t(`staged.decision.${r.decision}`)}
            {r.by ? ` · ${r.by}` : ''}
          </Tag>
        ))}
      </Space>
    </div>
  );
}

/** The objections to the batch's notice; finance answers the open ones it may answer. */
export function ObjectionsCard({ batch: b }: { batch: Batch }) {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const [answering, setAnswering] = useState<Objection | null>(null);
  if (!b.notice && !b.objections.length) return null;
  const mayAnswer = (o: Objection) =>
    o.status === 'open' &&
    user?.role === 'finance_officer' &&
    (user.organisation.id === b.reviewOffice.id ||
      (o.lineId !== null && b.lines.some((l) => l.id === o.lineId && l.reviewOffice.id === user.organisation.id)));
  return (
    <>
      <Typography.Title level={5}>{t('staged.objections.title')}</Typography.Title>
      {b.objections.length ? (
        <List
          data-testid="objections"
          dataSource={b.objections}
          renderItem={(o) => (
            <List.Item
              data-testid="objection"
              data-status={o.status}
              actions={
                mayAnswer(o)
                  ? [
                      <Button key="answer" size="small" onClick={() => setAnswering(o)} data-testid="objection-answer">
                        {t('staged.objections.answer')}
                      </Button>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space size={4} wrap>
                    <Tag color={o.status === 'open' ? 'orange' : 'green'}>
                      {o.status === 'open' ? t('staged.objections.open') : t('staged.objections.answered')}
                    </Tag>
                    <Typography.Text type="secondary">
                      {o.lineId !== null ? t('staged.objections.line', { id: o.lineId }) : t('staged.objections.batch')}
                    </Typography.Text>
                    {o.name ? (
                      <Typography.Text type="secondary">
                        {t('staged.objections.from', { name: o.name, contact: o.contact ?? '' })}
                      </Typography.Text>
                    ) : null}
                  </Space>
                }
                description={
                  <>
                    <div className="objection-content">{o.content}</div>
                    <Typography.Text type="secondary" className="objection-meta">
                      {t('staged.objections.lodgedAt', { time: formatDateTime(o.lodgedAt, HOME_ZONE, i18n.language) })}
                    </Typography.Text>
                    {o.answer ? (
                      <div className="objection-answer" data-testid="objection-answer-text">
                        <Typography.Text strong>{o.answer}</Typography.Text>
                        <br />
                        <Typography.Text type="secondary">
                          {t('staged.objections.by', {
                            name: o.answeredBy ?? '',
                            time: o.answeredAt ? formatDateTime(o.answeredAt, HOME_ZONE, i18n.language) : '',
                          })}
                        </Typography.Text>
                      </div>
                    ) : null}
                  </>
                }
              />
            </List.Item>
          )}
        />
      ) : (
        <EmptyState title={t('staged.objections.empty')} />
      )}
      <AnswerModal batch={b} objection={answering} onClose={() => setAnswering(null)} />
    </>
  );
}

function AnswerModal({
  batch,
  objection,
  onClose,
}: {
  batch: Batch;
  objection: Objection | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const answered = useBatchAnswered();
  const failed = useFailedToast();
  const [form] = Form.useForm<{ answer: string }>();
  const answer = useMutation({
    mutationFn: (text: string) => settlementApi.answerObjection(batch.id, objection!.id, text),
    onSuccess: (b) => {
      answered(b);
      onClose();
      void message.success(t('staged.objections.answerOk'));
    },
    onError: failed,
  });
  return (
    <Modal
      open={objection !== null}
      title={t('staged.objections.answerTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: answer.isPending, 'data-testid': 'objection-answer-ok' } as ButtonProps}
      destroyOnHidden
    >
      {objection ? (
        <Typography.Paragraph className="objection-content">{objection.content}</Typography.Paragraph>
      ) : null}
      <Form form={form} layout="vertical" preserve={false} onFinish={(v) => answer.mutate(v.answer.trim())}>
        <Form.Item
          name="answer"
          label={t('staged.objections.answerLabel')}
          rules={[{ required: true, min: 4, whitespace: true, message: t('staged.objections.answerRequired') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} data-testid="objection-answer-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type InvoiceValues = { invoiceNo: string; amountYuan: number; buyer: string };

/** The claimant uploads a line's invoice file with its number, amount and buyer. */
export function InvoiceUpload({ batch, line }: { batch: Batch; line: BatchLine }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const answered = useBatchAnswered();
  const failed = useFailedToast();
  const [open, setOpen] = useState(false);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [form] = Form.useForm<InvoiceValues>();
  const upload = useMutation({
    mutationFn: (v: InvoiceValues) =>
      settlementApi.uploadInvoice(batch.id, line.id, files[0]!.originFileObj as File, {
        invoiceNo: v.invoiceNo.trim(),
        amountFen: Math.round(v.amountYuan * 100),
        buyer: v.buyer.trim(),
      }),
    onSuccess: (b) => {
      answered(b);
      setOpen(false);
      setFiles([]);
      void message.success(t('staged.invoice.uploaded'));
    },
    onError: failed,
  });
  const editable = batch.status === 'draft' || line.status === 'returned';
  return (
    <Space size={4} wrap>
      {line.invoice.url ? (
        <a href={line.invoice.url} data-testid="invoice-download">
          {t('staged.invoice.download')}
        </a>
      ) : null}
      {editable ? (
        <Button size="small" icon={<UploadOutlined />} onClick={() => setOpen(true)} data-testid="invoice-upload">
          {line.invoice.url ? t('staged.invoice.replace') : t('staged.invoice.upload')}
        </Button>
      ) : null}
      <Modal
        open={open}
        title={t('staged.invoice.title')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okButtonProps={{ loading: upload.isPending, 'data-testid': 'invoice-upload-ok' } as ButtonProps}
        destroyOnHidden
      >
        <Form<InvoiceValues>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{
            invoiceNo: line.invoiceNo ?? '',
            amountYuan: (line.invoice.amountFen ?? line.totalFen) / 100,
            buyer: line.invoice.buyer ?? line.enterprise.name,
          }}
          onFinish={(v) => {
            if (!files.length) return void message.error(t('staged.invoice.fileRequired'));
            upload.mutate(v);
          }}
        >
          <Form.Item label={t('staged.invoice.file')} required>
            <Upload
              accept=".pdf,.ofd,.jpg,.jpeg,.png"
              maxCount={1}
              fileList={files}
              beforeUpload={() => false}
              onChange={({ fileList }) => setFiles(fileList.slice(-1))}
              data-testid="invoice-file"
            >
              <Button icon={<UploadOutlined />}>{t('staged.invoice.choose')}</Button>
            </Upload>
          </Form.Item>
          <Form.Item
            name="invoiceNo"
            label={t('staged.invoice.no')}
            rules={[{ required: true, pattern: /^[A-Za-z0-9-]{6,40}$/, message: t('staged.invoice.noRequired') }]}
          >
            <Input maxLength={40} data-testid="invoice-no-input" />
          </Form.Item>
          <Form.Item
            name="amountYuan"
            label={t('staged.invoice.amount')}
            extra={t('staged.invoice.amountHint', { amount: formatFen(line.totalFen) })}
            rules={[{ required: true, message: t('staged.invoice.amountRequired') }]}
          >
            <InputNumber<number> min={0.01} precision={2} className="full-width" data-testid="invoice-amount" />
          </Form.Item>
          <Form.Item
            name="buyer"
            label={t('staged.invoice.buyer')}
            extra={t('staged.invoice.buyerHint', { name: line.enterprise.name })}
            rules={[{ required: true, min: 2, message: t('staged.invoice.buyerRequired') }]}
          >
            <Input maxLength={100} data-testid="invoice-buyer" />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
