/**
 * `/public/notices` (创新券兑付公示): the claims in public notice, for anyone without signing in —
 * provider, programme and period per batch; enterprise, service, date and voucher amount per line —
 * and an objection form (name and contact go to the reviewing office only).
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  List,
  Modal,
  Select,
  Skeleton,
  Table,
  Typography,
} from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { publicNoticeApi, type ObjectionInput, type PublicNotice } from '../../api/settlement';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { HOME_ZONE } from './BatchParts';

type Values = { name: string; contact: string; content: string; lineId?: number };

function ObjectionModal({ notice, onClose }: { notice: PublicNotice | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const lodge = useMutation({
    mutationFn: (v: ObjectionInput) => publicNoticeApi.object(notice!.batchId, v),
    onSuccess: () => {
      onClose();
      void message.success(t('staged.public.lodged'));
    },
    onError: (e) =>
      setError(isApiError(e) && e.status === 429 ? t('staged.public.limited') : e instanceof Error ? e.message : ''),
  });
  return (
    <Modal
      open={notice !== null}
      title={t('staged.public.objectTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('staged.public.submit')}
      okButtonProps={{ loading: lodge.isPending, 'data-testid': 'objection-ok' } as ButtonProps}
      destroyOnHidden
      data-testid="objection-modal"
    >
      {error ? <Alert type="error" showIcon className="form-alert" title={error} /> : null}
      <Typography.Paragraph type="secondary">{t('staged.public.privacy')}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        preserve={false}
        onValuesChange={() => setError(null)}
        onFinish={(v) =>
          lodge.mutate({
            name: v.name.trim(),
            contact: v.contact.trim(),
            content: v.content.trim(),
            ...(v.lineId ? { lineId: v.lineId } : {}),
          })
        }
      >
        <Form.Item name="lineId" label={t('staged.public.lineLabel')}>
          <Select<number>
            allowClear
            placeholder={t('staged.public.wholeBatch')}
            options={(notice?.lines ?? []).map((l) => ({
              value: l.lineId,
              label: `${l.enterprise} · ${l.instrumentName} · ${l.serviceDate} · ${formatFen(l.voucherFen)}`,
            }))}
            data-testid="objection-line"
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('staged.public.name')}
          rules={[{ required: true, min: 2, whitespace: true, message: t('staged.public.nameRequired') }]}
        >
          <Input maxLength={50} autoComplete="name" data-testid="objection-name" />
        </Form.Item>
        <Form.Item
          name="contact"
          label={t('staged.public.contact')}
          rules={[{ required: true, min: 5, whitespace: true, message: t('staged.public.contactRequired') }]}
        >
          <Input maxLength={100} data-testid="objection-contact" />
        </Form.Item>
        <Form.Item
          name="content"
          label={t('staged.public.content')}
          extra={t('staged.public.contentHint')}
          rules={[{ required: true, min: 10, whitespace: true, message: t('staged.public.contentRequired') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} data-testid="objection-content" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function NoticeCard({ notice: n, onObject }: { notice: PublicNotice; onObject: () => void }) {
  const { t, i18n } = useTranslation();
  return (
    <Card
      className="section-card public-notice"
      data-testid="public-notice"
      data-batch-id={n.batchId}
      title={
        <div className="public-notice__title">
          <Typography.Text strong>{n.provider}</Typography.Text>
          <Typography.Text type="secondary">
            {n.programmeName} · {n.month}
          </Typography.Text>
        </div>
      }
      extra={
        <Button type="primary" onClick={onObject} data-testid="object">
          {t('staged.public.object')}
        </Button>
      }
    >
      <Typography.Paragraph data-testid="notice-period">
        {t('staged.public.period', {
          from: formatDateTime(n.startsAt, HOME_ZONE, i18n.language),
          lastDay: n.lastDay,
        })}
        {' · '}
        <Typography.Text strong>{t('staged.public.total', { amount: formatFen(n.totalFen) })}</Typography.Text>
        {n.objections ? (
          <Typography.Text type="secondary"> · {t('staged.public.objections', { n: n.objections })}</Typography.Text>
        ) : null}
      </Typography.Paragraph>
      {/* Phones get a list; wider screens a table. */}
      <List
        className="public-notice__list"
        dataSource={n.lines}
        renderItem={(l) => (
          <List.Item data-testid="notice-line">
            <List.Item.Meta title={l.enterprise} description={`${l.instrumentName} · ${l.serviceDate}`} />
            <Typography.Text strong>{formatFen(l.voucherFen)}</Typography.Text>
          </List.Item>
        )}
      />
      <Table
        className="public-notice__table"
        size="small"
        rowKey="lineId"
        pagination={false}
        dataSource={n.lines}
        columns={[
          { key: 'enterprise', title: t('staged.public.enterprise'), dataIndex: 'enterprise' },
          { key: 'service', title: t('staged.public.service'), dataIndex: 'instrumentName' },
          { key: 'date', title: t('staged.public.date'), dataIndex: 'serviceDate' },
          {
            key: 'amount',
            title: t('staged.public.amount'),
            align: 'right',
            render: (_, l) => formatFen(l.voucherFen),
          },
        ]}
      />
    </Card>
  );
}

export function PublicNoticesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('staged.public.title'));
  const notices = useQuery({ queryKey: ['public-notices'], queryFn: ({ signal }) => publicNoticeApi.list(signal) });
  const [objecting, setObjecting] = useState<PublicNotice | null>(null);
  return (
    <div className="lab-page public-notices-page" data-testid="public-notices">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('staged.public.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('staged.public.subtitle')}</Typography.Text>
        </div>
      </div>
      {notices.isPending ? (
        <Card className="section-card">
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      ) : notices.isError ? (
        <ErrorState error={notices.error} onRetry={() => void notices.refetch()} />
      ) : !notices.data.length ? (
        <Card className="section-card">
          <EmptyState title={t('staged.public.empty')} />
        </Card>
      ) : (
        notices.data.map((n) => <NoticeCard key={n.batchId} notice={n} onObject={() => setObjecting(n)} />)
      )}
      <ObjectionModal notice={objecting} onClose={() => setObjecting(null)} />
    </div>
  );
}
