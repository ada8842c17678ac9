/**
 * A payment notice (付款通知书) on screen: payee, amount, reference, due date, PDF, what has arrived;
 * and, for the lab paid or the finance desk, the form that records a receipt (到账确认) or a return.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Descriptions, Form, Input, Space, Table, Tag, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError, problemText } from '../../api/client';
import { transfersApi, type NoticeStatus, type PaymentNotice } from '../../api/transfers';
import { formatFen, parseYuanToFen } from '../../ui/money';
import { dayjs, PLATFORM_ZONE, todayIn } from '../../ui/time';
import { YuanInput } from '../../ui/YuanInput';

const STATUS_COLOUR: Record<NoticeStatus, string> = {
  open: 'gold',
  partly_paid: 'orange',
  paid: 'green',
  overpaid: 'purple',
  cancelled: 'default',
  debt: 'red',
};

/** Whether the caller records money here now: something still owed, or an excess to give back. */
export const canRecordOn = (n: PaymentNotice) => n.canRecord && (n.outstandingFen > 0 || n.excessFen > 0);

export function NoticeStatusTag({ notice }: { notice: Pick<PaymentNotice, 'status' | 'overdue'> }) {
  const { t } = useTranslation();
  return (
    <Space size={4} wrap>
      <Tag color={STATUS_COLOUR[notice.status]} data-testid="notice-status" data-status={notice.status}>
        {t(`transfers.notice.statuses.${notice.status}`)}
      </Tag>
      {notice.overdue && notice.status !== 'debt' ? <Tag color="red">{t('transfers.notice.overdue')}</Tag> : null}
    </Space>
  );
}

/** The notice's particulars and receipts. */
export function NoticeDetails({ notice: n }: { notice: PaymentNotice }) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" size="middle" className="full-width" data-testid="payment-notice" data-id={n.id}>
      <Descriptions
        size="small"
        column={1}
        bordered
        items={[
          { key: 'status', label: t('payment.statusLabel'), children: <NoticeStatusTag notice={n} /> },
          { key: 'payee', label: t('transfers.notice.payee'), children: n.payee.accountName },
          { key: 'bank', label: t('transfers.notice.bank'), children: n.payee.bankName },
          {
            key: 'no',
            label: t('transfers.notice.accountNo'),
            children: (
              <Typography.Text copyable strong>
                {n.payee.accountNo}
              </Typography.Text>
            ),
          },
          {
            key: 'amount',
            label: t('transfers.notice.amount'),
            children: (
              <Typography.Text strong data-testid="notice-amount" data-fen={n.amountFen}>
                {formatFen(n.amountFen)}
              </Typography.Text>
            ),
          },
          {
            key: 'reference',
            label: t('transfers.notice.reference'),
            children: (
              <Space direction="vertical" size={0}>
                <Typography.Text copyable code strong data-testid="notice-reference">
                  {n.reference}
                </Typography.Text>
                <Typography.Text type="secondary">{t('transfers.notice.referenceHint')}</Typography.Text>
              </Space>
            ),
          },
          { key: 'due', label: t('transfers.notice.dueOn'), children: <span data-testid="notice-due">{n.dueOn}</span> },
          {
            key: 'received',
            label: t('transfers.notice.received'),
            children: (
              <Space wrap>
                <span data-testid="notice-received" data-fen={n.receivedFen}>
                  {formatFen(n.receivedFen)}
                </span>
                {n.outstandingFen ? (
                  <Typography.Text type="warning">
                    {t('transfers.notice.outstanding')} {formatFen(n.outstandingFen)}
                  </Typography.Text>
                ) : null}
                {n.excessFen ? (
                  <Typography.Text type="danger">
                    {t('transfers.notice.excess')} {formatFen(n.excessFen)}
                  </Typography.Text>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <Button href={n.pdfUrl} target="_blank" rel="noopener" data-testid="notice-pdf">
        {t('transfers.notice.pdf')}
      </Button>
      <ReceiptTable notice={n} />
    </Space>
  );
}

function ReceiptTable({ notice: n }: { notice: PaymentNotice }) {
  const { t } = useTranslation();
  if (!n.receipts.length) return <Typography.Text type="secondary">{t('transfers.notice.noReceipts')}</Typography.Text>;
  return (
    <Table
      size="small"
      rowKey="id"
      pagination={false}
      scroll={{ x: true }}
      data-testid="notice-receipts"
      dataSource={n.receipts}
      columns={[
        { title: t('transfers.lab.receivedOn'), dataIndex: 'receivedOn' },
        {
          title: t('transfers.lab.amount'),
          render: (_, r) => `${t(`transfers.notice.kinds.${r.kind}`)} ${formatFen(r.amountFen)}`,
        },
        { title: t('transfers.notice.bankReference'), dataIndex: 'bankReference' },
        {
          title: t('transfers.notice.proof'),
          render: (_, r) =>
            r.proof ? (
              <a href={r.proof.url} target="_blank" rel="noopener">
                {r.proof.fileName}
              </a>
            ) : (
              '—'
            ),
        },
        { title: t('transfers.notice.recordedBy'), render: (_, r) => r.recordedBy ?? '—' },
      ]}
    />
  );
}

type FormValues = { amount: string; on: dayjs.Dayjs; bankReference: string; note?: string };

/** The lab's (or the finance desk's) form: a receipt, or — when more arrived than is owed — a return. */
export function ReceiptForm({ notice: n, onDone }: { notice: PaymentNotice; onDone?: (n: PaymentNotice) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const [kind, setKind] = useState<'receipt' | 'return'>('receipt');
  const [files, setFiles] = useState<UploadFile[]>([]);
  const today = todayIn(PLATFORM_ZONE);
  const save = useMutation({
    mutationFn: async (v: FormValues) => {
      const amountFen = parseYuanToFen(v.amount) ?? 0;
      const on = v.on.format('YYYY-MM-DD');
      const base = {
        amountFen,
        bankReference: v.bankReference.trim(),
        ...(v.note?.trim() ? { note: v.note.trim() } : {}),
      };
      const after =
        kind === 'receipt'
          ? await transfersApi.receipt(n.id, { ...base, receivedOn: on })
          : await transfersApi.giveBack(n.id, { ...base, returnedOn: on });
      const file = files[0]?.originFileObj;
      if (kind === 'receipt' && file) {
        const latest = after.receipts[after.receipts.length - 1]!;
        try {
          return await transfersApi.proof(n.id, latest.id, file);
        } catch (e) {
          message.warning(t('transfers.lab.proofFailed', { reason: isApiError(e) ? problemText(e) : String(e) }));
        }
      }
      return after;
    },
    onSuccess: (after) => {
      message.success(t(kind === 'receipt' ? 'transfers.lab.recorded' : 'transfers.lab.returned'));
      form.resetFields();
      setFiles([]);
      void qc.invalidateQueries({ queryKey: ['transfers'] });
      onDone?.(after);
    },
    onError: (e) => {
      if (!isApiError(e)) return;
      const fields: Record<string, keyof FormValues> = {
        'body.amountFen': 'amount',
        'body.receivedOn': 'on',
        'body.returnedOn': 'on',
        'body.bankReference': 'bankReference',
        'body.note': 'note',
      };
      const mapped = e.errors.filter((x) => fields[x.path]);
      if (mapped.length) form.setFields(mapped.map((x) => ({ name: fields[x.path]!, errors: [x.message] })));
    },
  });
  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      onFinish={(v) => save.mutate(v)}
      initialValues={{ on: dayjs(today) }}
      data-testid="receipt-form"
    >
      {n.excessFen > 0 ? (
        <Space className="form-kind">
          <Button type={kind === 'receipt' ? 'primary' : 'default'} onClick={() => setKind('receipt')}>
            {t('transfers.lab.record')}
          </Button>
          <Button
            type={kind === 'return' ? 'primary' : 'default'}
            onClick={() => setKind('return')}
            data-testid="return-mode"
          >
            {t('transfers.lab.giveBack')}
          </Button>
        </Space>
      ) : null}
      {save.error && isApiError(save.error) ? <Alert type="error" showIcon title={problemText(save.error)} /> : null}
      <Form.Item
        name="amount"
        label={t('transfers.lab.amount')}
        rules={[{ required: true, message: t('transfers.lab.required') }]}
      >
        <YuanInput data-testid="receipt-amount" />
      </Form.Item>
      <Form.Item
        name="on"
        label={t(kind === 'receipt' ? 'transfers.lab.receivedOn' : 'transfers.lab.returnedOn')}
        rules={[{ required: true, message: t('transfers.lab.required') }]}
      >
        <DatePicker
          className="full-width"
          disabledDate={(d) => d.format('YYYY-MM-DD') > today}
          data-testid="receipt-date"
        />
      </Form.Item>
      <Form.Item
        name="bankReference"
        label={t('transfers.lab.bankReference')}
        rules={[{ required: true, message: t('transfers.lab.required') }]}
      >
        <Input maxLength={64} data-testid="receipt-bank-reference" />
      </Form.Item>
      <Form.Item name="note" label={t('transfers.lab.note')}>
        <Input maxLength={500} />
      </Form.Item>
      {kind === 'receipt' ? (
        <Form.Item label={t('transfers.lab.proofFile')}>
          <Upload
            accept=".pdf,.jpg,.jpeg,.png"
            maxCount={1}
            fileList={files}
            beforeUpload={() => false}
            onChange={({ fileList }) => setFiles(fileList.slice(-1))}
          >
            <Button>{t('transfers.lab.proofFile')}</Button>
          </Upload>
        </Form.Item>
      ) : null}
      <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="receipt-save">
        {kind === 'receipt' ? t('transfers.lab.record') : t('transfers.lab.giveBack')}
      </Button>
    </Form>
  );
}
