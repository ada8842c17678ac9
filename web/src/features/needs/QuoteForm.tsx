/** The lab's quote (提交报价): one of its instruments, lines from its rate card or negotiated, dates, note. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Form, Input, InputNumber, Select, Space, Switch, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import { catalogApi } from '../../api/catalog';
import { isApiError, problemText } from '../../api/client';
import { needsApi, type Need, type NewQuote } from '../../api/needs';
import { formatFen, parseYuanToFen } from '../../ui/money';
import { todayIn } from '../../ui/time';

type Line = { rateItemId?: number; label?: string; unit?: 'hour' | 'sample'; quantity?: number; unitYuan?: number };
type Values = {
  instrumentId?: number;
  negotiated: boolean;
  lines: Line[];
  earliestDate?: Dayjs;
  validUntil?: Dayjs;
  note?: string;
};

export function QuoteForm({ need }: { need: Need }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { user } = useAuth();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const values = Form.useWatch([], form) as Values | undefined;
  const today = todayIn('Asia/Shanghai');
  const suggested = need.suggestions.flatMap((s) => s.instruments);
  const own = useQuery({
    queryKey: ['instruments', 'own', user?.organisation.id],
    queryFn: ({ signal }) =>
      catalogApi.search({ institutionId: user!.organisation.id, limit: 100, include: '' }, signal),
    enabled: !!user,
  });
  const options = [...suggested, ...(own.data?.items ?? []).filter((i) => !suggested.some((s) => s.id === i.id))];
  const instrument = useQuery({
    queryKey: ['instruments', 'detail', values?.instrumentId],
    queryFn: ({ signal }) => catalogApi.instrument(values!.instrumentId!, signal),
    enabled: !!values?.instrumentId,
  });
  const items = instrument.data?.rateCard?.items ?? [];
  const negotiated = !!values?.negotiated;
  const unitFenOf = (l: Line) =>
    negotiated
      ? (parseYuanToFen(l.unitYuan ?? null) ?? 0)
      : (items.find((i) => i.id === l.rateItemId)?.enterpriseFen ?? 0);
  const total = (values?.lines ?? []).reduce((s, l) => s + Math.round(unitFenOf(l) * (l.quantity ?? 0)), 0);

  const submit = useMutation({
    mutationFn: (v: Values) => {
      const body: NewQuote = {
        instrumentId: v.instrumentId!,
        negotiated: v.negotiated,
        lines: v.lines.map((l) => ({
          ...(l.rateItemId ? { rateItemId: l.rateItemId } : {}),
          ...(v.negotiated && !l.rateItemId ? { label: l.label, unit: l.unit } : {}),
          quantity: l.quantity!,
          ...(v.negotiated ? { unitFen: parseYuanToFen(l.unitYuan ?? null) ?? 0 } : {}),
        })),
        earliestDate: v.earliestDate!.format('YYYY-MM-DD'),
        validUntil: v.validUntil!.format('YYYY-MM-DD'),
        ...(v.note ? { note: v.note } : {}),
      };
      return needsApi.quote(need.id, body);
    },
    onSuccess: () => {
      message.success(t('needs.quoteForm.sent'));
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['needs'] });
    },
  });
  const required = [{ required: true, message: t('needs.form.required') }];
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={{ negotiated: false, lines: [{ quantity: need.sampleCount ?? 1 }] }}
      onFinish={(v) => submit.mutate(v)}
      data-testid="quote-form"
    >
      <Form.Item name="instrumentId" label={t('needs.quoteForm.instrument')} rules={required}>
        <Select
          showSearch
          optionFilterProp="label"
          loading={own.isPending}
          placeholder={t('needs.quoteForm.instrumentPlaceholder')}
          options={options.map((i) => ({ value: i.id, label: `${i.nameZh}${i.model ? ` ${i.model}` : ''}` }))}
          onChange={() => form.setFieldValue('lines', [{ quantity: need.sampleCount ?? 1 }])}
          data-testid="quote-instrument"
        />
      </Form.Item>
      <Form.Item name="negotiated" label={t('needs.quoteForm.negotiated')} valuePropName="checked">
        <Switch data-testid="quote-negotiated" />
      </Form.Item>
      <Form.List name="lines">
        {(fields, { add, remove }) => (
          <Space direction="vertical" className="full-width" size={4}>
            {fields.map((f) => (
              <Space key={f.key} wrap align="end" data-testid="quote-line">
                <Form.Item
                  name={[f.name, 'rateItemId']}
                  label={t('needs.quoteForm.rateItem')}
                  rules={negotiated ? [] : required}
                >
                  <Select<number>
                    allowClear={negotiated}
                    className="quote-item-select"
                    options={items.map((i) => ({
                      value: i.id,
                      label: `${i.labelZh} · ${formatFen(i.enterpriseFen)}/${t(`needs.unit.${i.unit}`)}`,
                    }))}
                    data-testid="quote-rate-item"
                  />
                </Form.Item>
                {negotiated && !values?.lines?.[f.name]?.rateItemId ? (
                  <>
                    <Form.Item name={[f.name, 'label']} label={t('needs.quoteForm.label')} rules={required}>
                      <Input maxLength={100} data-testid="quote-label" />
                    </Form.Item>
                    <Form.Item name={[f.name, 'unit']} label={t('needs.quoteForm.unit')} rules={required}>
                      <Select
                        className="quote-unit-select"
                        options={(['sample', 'hour'] as const).map((u) => ({ value: u, label: t(`needs.unit.${u}`) }))}
                        data-testid="quote-unit"
                      />
                    </Form.Item>
                  </>
                ) : null}
                <Form.Item name={[f.name, 'quantity']} label={t('needs.quoteForm.quantity')} rules={required}>
                  <InputNumber<number> min={0.25} max={10_000} step={1} data-testid="quote-quantity" />
                </Form.Item>
                {negotiated ? (
                  <Form.Item name={[f.name, 'unitYuan']} label={t('needs.quoteForm.unitPrice')} rules={required}>
                    <InputNumber<number> min={0} precision={2} data-testid="quote-unit-price" />
                  </Form.Item>
                ) : null}
                {fields.length > 1 ? (
                  <Form.Item>
                    <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label="remove" />
                  </Form.Item>
                ) : null}
              </Space>
            ))}
            <Button icon={<PlusOutlined />} onClick={() => add({ quantity: 1 })} size="small">
              {t('needs.quoteForm.addLine')}
            </Button>
          </Space>
        )}
      </Form.List>
      <Space wrap size={16} className="quote-dates">
        <Form.Item name="earliestDate" label={t('needs.fields.earliest')} rules={required}>
          <DatePicker disabledDate={(d) => d.format('YYYY-MM-DD') < today} data-testid="quote-earliest" />
        </Form.Item>
        <Form.Item name="validUntil" label={t('needs.fields.validUntil')} rules={required}>
          <DatePicker disabledDate={(d) => d.format('YYYY-MM-DD') < today} data-testid="quote-valid-until" />
        </Form.Item>
      </Space>
      <Form.Item name="note" label={t('needs.fields.note')}>
        <Input.TextArea rows={2} maxLength={1000} data-testid="quote-note" />
      </Form.Item>
      <Typography.Paragraph>
        {t('needs.quoteForm.total')}:{' '}
        <Typography.Text strong data-testid="quote-form-total">
          {formatFen(total)}
        </Typography.Text>
      </Typography.Paragraph>
      {submit.error ? (
        <Alert
          type="error"
          showIcon
          className="bk-alert"
          title={isApiError(submit.error) ? problemText(submit.error) : String(submit.error)}
          data-testid="quote-error"
        />
      ) : null}
      <Button type="primary" htmlType="submit" loading={submit.isPending} data-testid="quote-submit">
        {t('needs.quoteForm.submit')}
      </Button>
    </Form>
  );
}
