/**
 * Bank-transfer pages: the enterprise's payment notices (/my/payment-notices), and the lab's (or the
 * finance desk's) 到账确认 (/lab/payment-notices): notices to handle, found by reference, each with its
 * receipt form; the lab's transfer settings below.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Collapse,
  Form,
  Input,
  InputNumber,
  Segmented,
  Skeleton,
  Space,
  Switch,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../../app/auth';
import { isApiError, problemText } from '../../api/client';
import { transfersApi, type PaymentNotice, type TransferSettings } from '../../api/transfers';
import { formatFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { canRecordOn, NoticeDetails, NoticeStatusTag, ReceiptForm } from './NoticeParts';

/** One notice as a collapsible row: reference, who, amount, status; opened: the details (and the form). */
function NoticeList({ items, lab }: { items: PaymentNotice[]; lab: boolean }) {
  const { t } = useTranslation();
  return (
    <Collapse
      data-testid="notice-list"
      items={items.map((n) => ({
        key: n.id,
        label: (
          <Space wrap size={[8, 2]} data-testid="notice-row" data-reference={n.reference}>
            <Typography.Text code>{n.reference}</Typography.Text>
            <span>{lab ? n.enterprise.name : n.provider.name}</span>
            <span>{formatFen(n.amountFen)}</span>
            <NoticeStatusTag notice={n} />
            <Typography.Text type="secondary">
              {t('transfers.notice.dueOn')} {n.dueOn}
            </Typography.Text>
          </Space>
        ),
        children: (
          <Space direction="vertical" size="middle" className="full-width">
            <Link to={`/bookings/${n.bookingId}`}>
              {t('transfers.mine.booking')} #{n.bookingId}
              {n.instrumentName ? ` · ${n.instrumentName}` : ''}
            </Link>
            <NoticeDetails notice={n} />
            {canRecordOn(n) ? <ReceiptForm notice={n} /> : null}
          </Space>
        ),
      }))}
    />
  );
}

export function MyNoticesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('transfers.mine.title'));
  const q = useQuery({ queryKey: ['transfers', 'list', 'mine'], queryFn: () => transfersApi.list() });
  return (
    <Card title={t('transfers.mine.title')} data-testid="my-notices">
      <Typography.Paragraph type="secondary">{t('transfers.mine.intro')}</Typography.Paragraph>
      {q.isPending ? (
        <Skeleton active />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length ? (
        <NoticeList items={q.data.items} lab={false} />
      ) : (
        <EmptyState title={t('transfers.mine.empty')} />
      )}
    </Card>
  );
}

export function LabReceiptsPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  useDocumentTitle(t('transfers.lab.title'));
  const [filter, setFilter] = useState<'active' | 'all'>('active');
  const [reference, setReference] = useState('');
  const q = useQuery({
    queryKey: ['transfers', 'list', 'lab', filter, reference],
    queryFn: () => transfersApi.list(reference ? { reference } : filter === 'active' ? { status: 'active' } : {}),
  });
  return (
    <Space direction="vertical" size="large" className="full-width">
      <Card title={t('transfers.lab.title')} data-testid="lab-receipts">
        <Typography.Paragraph type="secondary">{t('transfers.lab.intro')}</Typography.Paragraph>
        <Space wrap className="toolbar">
          <Segmented
            value={filter}
            onChange={(v) => setFilter(v as 'active' | 'all')}
            options={[
              { value: 'active', label: t('transfers.lab.filterActive') },
              { value: 'all', label: t('transfers.lab.filterAll') },
            ]}
          />
          <Input.Search
            allowClear
            placeholder={t('transfers.lab.search')}
            onSearch={(v) => setReference(v.trim())}
            data-testid="notice-search"
            style={{ maxWidth: 260 }}
          />
        </Space>
        {q.isPending ? (
          <Skeleton active />
        ) : q.error ? (
          <ErrorState error={q.error} onRetry={() => void q.refetch()} />
        ) : q.data.items.length ? (
          <NoticeList items={q.data.items} lab />
        ) : (
          <EmptyState title={t('transfers.mine.empty')} />
        )}
      </Card>
      {user?.role === 'lab_manager' ? <TransferSettingsCard /> : null}
    </Space>
  );
}

type SettingsForm = {
  accepts: boolean;
  bankName?: string;
  accountName?: string;
  accountNo?: string;
  transferDueDays: number;
  transferCancelUnpaid: boolean;
};

function TransferSettingsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<SettingsForm>();
  const q = useQuery({ queryKey: ['transfers', 'settings'], queryFn: transfersApi.settings });
  const save = useMutation({
    mutationFn: (v: SettingsForm) => {
      const body: TransferSettings = {
        bankAccount: v.accepts
          ? { bankName: v.bankName ?? '', accountName: v.accountName ?? '', accountNo: v.accountNo ?? '' }
          : null,
        transferDueDays: v.transferDueDays,
        transferCancelUnpaid: v.transferCancelUnpaid,
      };
      return transfersApi.saveSettings(body);
    },
    onSuccess: () => {
      message.success(t('transfers.settings.saved'));
      void qc.invalidateQueries({ queryKey: ['transfers', 'settings'] });
    },
    onError: (e) => {
      if (!isApiError(e)) return;
      const names: Record<string, keyof SettingsForm> = {
        'body.bankAccount.bankName': 'bankName',
        'body.bankAccount.accountName': 'accountName',
        'body.bankAccount.accountNo': 'accountNo',
        'body.transferDueDays': 'transferDueDays',
      };
      form.setFields(e.errors.filter((x) => names[x.path]).map((x) => ({ name: names[x.path]!, errors: [x.message] })));
    },
  });
  const accepts = Form.useWatch('accepts', form);
  return (
    <Card title={t('transfers.settings.title')} data-testid="transfer-settings">
      <Typography.Paragraph type="secondary">{t('transfers.settings.intro')}</Typography.Paragraph>
      {q.isPending ? (
        <Skeleton active />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Form<SettingsForm>
          form={form}
          layout="vertical"
          className="narrow-form"
          initialValues={{
            accepts: q.data.bankAccount !== null,
            ...q.data.bankAccount,
            transferDueDays: q.data.transferDueDays,
            transferCancelUnpaid: q.data.transferCancelUnpaid,
          }}
          onFinish={(v) => save.mutate(v)}
        >
          {save.error && isApiError(save.error) ? (
            <Alert type="error" showIcon title={problemText(save.error)} />
          ) : null}
          <Form.Item
            name="accepts"
            valuePropName="checked"
            label={t('transfers.settings.accepts')}
            extra={accepts ? undefined : t('transfers.settings.noAccount')}
          >
            <Switch data-testid="transfer-accepts" />
          </Form.Item>
          {accepts ? (
            <>
              <Form.Item name="bankName" label={t('transfers.settings.bankName')} rules={[{ required: true }]}>
                <Input maxLength={100} />
              </Form.Item>
              <Form.Item name="accountName" label={t('transfers.settings.accountName')} rules={[{ required: true }]}>
                <Input maxLength={100} />
              </Form.Item>
              <Form.Item name="accountNo" label={t('transfers.settings.accountNo')} rules={[{ required: true }]}>
                <Input maxLength={40} inputMode="numeric" />
              </Form.Item>
            </>
          ) : null}
          <Form.Item
            name="transferDueDays"
            label={t('transfers.settings.dueDays')}
            extra={t('transfers.settings.dueDaysHint')}
          >
            <InputNumber min={1} max={60} precision={0} />
          </Form.Item>
          <Form.Item name="transferCancelUnpaid" valuePropName="checked">
            <Checkbox>{t('transfers.settings.cancelUnpaid')}</Checkbox>
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('transfers.settings.save')}
          </Button>
        </Form>
      )}
    </Card>
  );
}
