import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Modal,
  Popconfirm,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bookingApi, type Holiday } from '../../api/booking';
import { isApiError, problemText } from '../../api/client';
import { isEnglish } from '../../i18n';
import { EmptyState, ErrorState } from '../../ui/states';
import { dayjs } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useHolidays } from './queries';

type Values = { date: Dayjs; kind: Holiday['kind']; nameZh: string; nameEn?: string };

/** `/admin/holidays`: the province's public holidays and make-up workdays, by year. */
export function HolidaysPage() {
  const { t, i18n } = useTranslation();
  const en = isEnglish(i18n.language);
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [year, setYear] = useState(2026);
  const [editing, setEditing] = useState<Holiday | 'new' | null>(null);
  const [form] = Form.useForm<Values>();
  const list = useHolidays(year);
  useDocumentTitle(t('holidays.title'));
  const failed = (e: unknown) => void message.error(isApiError(e) ? problemText(e) : t('booking.actions.failed'));
  const refresh = () => void qc.invalidateQueries({ queryKey: ['holidays'] });
  const save = useMutation({
    mutationFn: (v: Values) =>
      bookingApi.saveHoliday(v.date.format('YYYY-MM-DD'), {
        kind: v.kind,
        nameZh: v.nameZh.trim(),
        nameEn: v.nameEn?.trim() || null,
      }),
    onSuccess: () => {
      setEditing(null);
      refresh();
      void message.success(t('holidays.saved'));
    },
    onError: failed,
  });
  const remove = useMutation({
    mutationFn: (date: string) => bookingApi.deleteHoliday(date),
    onSuccess: () => {
      refresh();
      void message.success(t('holidays.deleted'));
    },
    onError: failed,
  });
  const items = [...(list.data ?? [])].sort((a, b) => a.date.localeCompare(b.date));
  const off = items.filter((h) => h.kind === 'off').length;
  const years = [2025, 2026, 2027, 2028];

  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('holidays.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('holidays.subtitle')}</Typography.Text>
        </div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="add-holiday">
          {t('holidays.add')}
        </Button>
      </div>
      <Card className="section-card">
        <div className="admin-toolbar">
          <Select<number>
            value={year}
            onChange={setYear}
            options={years.map((y) => ({ value: y, label: en ? String(y) : `${y} 年` }))}
            style={{ width: 120 }}
          />
          {list.data ? (
            <Typography.Text type="secondary">
              {t('holidays.offCount', { off, work: items.length - off })}
            </Typography.Text>
          ) : null}
        </div>
        {list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<Holiday>
            rowKey="date"
            size="middle"
            loading={list.isPending}
            dataSource={items}
            pagination={false}
            scroll={{ x: 'max-content' }}
            data-testid="holidays"
            locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('holidays.empty')} /> }}
            columns={[
              { key: 'date', title: t('holidays.date'), dataIndex: 'date' },
              {
                key: 'weekday',
                title: t('holidays.weekday'),
                render: (_, h) =>
                  dayjs(h.date)
                    .locale(en ? 'en' : 'zh-cn')
                    .format('ddd'),
              },
              {
                key: 'kind',
                title: t('holidays.kind'),
                render: (_, h) =>
                  h.kind === 'off' ? (
                    <Tag color="magenta">{t('holidays.kindOff')}</Tag>
                  ) : (
                    <Tag color="blue">{t('holidays.kindWorkday')}</Tag>
                  ),
              },
              { key: 'name', title: t('holidays.nameZh'), render: (_, h) => (en && h.nameEn ? h.nameEn : h.nameZh) },
              {
                key: 'actions',
                title: '',
                render: (_, h) => (
                  <Space size={0}>
                    <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(h)}>
                      {t('common.edit')}
                    </Button>
                    <Popconfirm
                      title={t('holidays.deleteConfirm', { date: h.date })}
                      onConfirm={() => remove.mutate(h.date)}
                      okButtonProps={{ danger: true }}
                    >
                      <Button
                        type="link"
                        danger
                        size="small"
                        icon={<DeleteOutlined />}
                        aria-label={t('bookingSettings.deleteClosure')}
                      />
                    </Popconfirm>
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Card>
      <Modal
        open={editing !== null}
        title={editing && editing !== 'new' ? t('holidays.editTitle', { date: editing.date }) : t('holidays.addTitle')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okButtonProps={{ loading: save.isPending }}
        destroyOnHidden
      >
        <Form<Values>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={
            editing && editing !== 'new'
              ? { date: dayjs(editing.date), kind: editing.kind, nameZh: editing.nameZh, nameEn: editing.nameEn ?? '' }
              : { kind: 'off' }
          }
          onFinish={(v) => save.mutate(v)}
        >
          <Form.Item
            name="date"
            label={t('holidays.date')}
            rules={[{ required: true, message: t('holidays.dateRequired') }]}
          >
            <DatePicker className="full-width" disabled={editing !== 'new'} />
          </Form.Item>
          <Form.Item name="kind" label={t('holidays.kind')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'off', label: t('holidays.kindOff') },
                { value: 'workday', label: t('holidays.kindWorkday') },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="nameZh"
            label={t('holidays.nameZh')}
            rules={[{ required: true, whitespace: true, message: t('holidays.nameRequired') }]}
          >
            <Input maxLength={40} placeholder="元旦" />
          </Form.Item>
          <Form.Item name="nameEn" label={t('holidays.nameEn')}>
            <Input maxLength={60} placeholder="New Year's Day" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
