/** The reviewing office's decision on an application: approve (with an amount, or the certification's dates), return or reject with reasons. */
import { CheckOutlined, CloseOutlined, RollbackOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App as AntApp, Button, DatePicker, Form, Input, Modal, Space, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applicationsApi, type CertificationDetail, type VoucherDetail } from '../../api/applications';
import { fenToYuanString, formatFen, parseYuanToFen } from '../../ui/money';
import { YuanInput } from '../../ui/YuanInput';
import { useFailedToast } from '../vouchers/useFailedToast';
import { useApplicationsChanged } from './queries';

type Decision = 'approve' | 'return' | 'reject';
type Subject =
  { kind: 'certification'; application: CertificationDetail } | { kind: 'voucher'; application: VoucherDetail };
type Values = { note?: string; approvedYuan?: string; certifiedOn?: Dayjs | null; expiresOn?: Dayjs | null };

function decide(subject: Subject, decision: Decision, v: Values): Promise<unknown> {
  const id = subject.application.id;
  const note = v.note?.trim() || undefined;
  if (subject.kind === 'certification') {
    if (decision === 'approve')
      return applicationsApi.approveCertification(id, {
        note,
        certifiedOn: v.certifiedOn?.format('YYYY-MM-DD'),
        expiresOn: v.expiresOn?.format('YYYY-MM-DD'),
      });
    return decision === 'return'
      ? applicationsApi.returnCertification(id, note ?? '')
      : applicationsApi.rejectCertification(id, note ?? '');
  }
  if (decision === 'approve')
    return applicationsApi.approveVoucher(id, { approvedFen: parseYuanToFen(v.approvedYuan ?? '')!, note });
  return decision === 'return'
    ? applicationsApi.returnVoucher(id, note ?? '')
    : applicationsApi.rejectVoucher(id, note ?? '');
}

export function ReviewActions(subject: Subject) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const failed = useFailedToast();
  const changed = useApplicationsChanged();
  const [deciding, setDeciding] = useState<Decision | null>(null);
  const [form] = Form.useForm<Values>();
  const a = subject.application;
  const mutation = useMutation({
    mutationFn: ({ decision, values }: { decision: Decision; values: Values }) => decide(subject, decision, values),
    onSuccess: () => {
      changed();
      setDeciding(null);
      void message.success(t('applications.review.done'));
    },
    onError: failed,
  });
  if (!a.mayReview) return null;
  const askedFen = subject.kind === 'voucher' ? subject.application.amountFen : 0;
  const year = subject.kind === 'certification' ? subject.application.registrationYear : 0;
  const reasonRules = [
    { required: true, whitespace: true, min: 2, message: t('applications.review.reasonRequired') },
    { max: 1000 },
  ];
  const amountRule = {
    validator: async (_: unknown, v: string | undefined) => {
      const fen = parseYuanToFen(v ?? '');
      if (fen === null || fen <= 0 || fen > askedFen)
        throw new Error(t('applications.review.approvedRange', { max: formatFen(askedFen) }));
    },
  };
  return (
    <>
      <Space wrap className="bk-actions" data-testid="review-actions">
        <Button
          type="primary"
          icon={<CheckOutlined />}
          onClick={() => setDeciding('approve')}
          data-testid="review-approve"
        >
          {t('applications.review.approve')}
        </Button>
        <Button icon={<RollbackOutlined />} onClick={() => setDeciding('return')} data-testid="review-return">
          {t('applications.review.return')}
        </Button>
        <Button danger icon={<CloseOutlined />} onClick={() => setDeciding('reject')} data-testid="review-reject">
          {t('applications.review.reject')}
        </Button>
      </Space>
      <Modal
        open={deciding !== null}
        title={deciding ? t(`applications.review.${deciding}Title`) : ''}
        onCancel={() => setDeciding(null)}
        onOk={() => form.submit()}
        okText={deciding ? t(`applications.review.${deciding}`) : ''}
        okButtonProps={
          { danger: deciding === 'reject', loading: mutation.isPending, 'data-testid': 'review-ok' } as ButtonProps
        }
        destroyOnHidden
        data-testid="review-modal"
      >
        <Typography.Paragraph type="secondary">
          {a.enterprise.name}
          {subject.kind === 'voucher'
            ? ` · ${subject.application.programme.name} · ${t('applications.voucher.amount')} ${formatFen(askedFen)}`
            : ` · ${subject.application.registrationNo}`}
        </Typography.Paragraph>
        <Form<Values>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ approvedYuan: askedFen ? fenToYuanString(askedFen) : undefined }}
          onFinish={(values) => deciding && mutation.mutate({ decision: deciding, values })}
        >
          {deciding === 'approve' && subject.kind === 'voucher' ? (
            <Form.Item
              name="approvedYuan"
              label={t('applications.review.approvedAmountYuan')}
              rules={[amountRule]}
              extra={
                subject.application.budgetAvailableFen !== null
                  ? `${t('applications.review.budgetLeft')} ${formatFen(subject.application.budgetAvailableFen)}`
                  : undefined
              }
            >
              <YuanInput data-testid="approved-amount" />
            </Form.Item>
          ) : null}
          {deciding === 'approve' && subject.kind === 'certification' ? (
            <Space wrap>
              <Form.Item name="certifiedOn" label={t('applications.review.certifiedOn')}>
                <DatePicker />
              </Form.Item>
              <Form.Item
                name="expiresOn"
                label={t('applications.review.expiresOn')}
                tooltip={t('applications.review.expiresHint')}
              >
                <DatePicker placeholder={`${year}-12-31`} />
              </Form.Item>
            </Space>
          ) : null}
          <Form.Item
            name="note"
            label={deciding === 'approve' ? t('applications.review.note') : t('applications.review.reason')}
            rules={deciding === 'approve' ? [{ max: 1000 }] : reasonRules}
          >
            <Input.TextArea rows={3} maxLength={1000} showCount data-testid="review-note" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
