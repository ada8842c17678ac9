/** 发布需求: what to measure, samples, deadline, budget, city, public or invited, attachments. */
import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Upload,
  type UploadFile,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { catalogApi } from '../../api/catalog';
import { isApiError, problemText } from '../../api/client';
import { needsApi, type NewNeed } from '../../api/needs';
import { parseYuanToFen } from '../../ui/money';
import { todayIn } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';

type Values = {
  title: string;
  description: string;
  categoryCode?: string;
  sampleType?: string;
  sampleCount?: number;
  deadline?: Dayjs | null;
  budgetMin?: number;
  budgetMax?: number;
  cityCode?: string;
  visibility: 'public' | 'invited';
  institutionIds?: number[];
  expiresOn?: Dayjs | null;
};

const fenOf = (yuan: number | undefined) =>
  yuan === undefined || yuan === null ? undefined : (parseYuanToFen(String(yuan)) ?? undefined);

export function NeedFormPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('needs.form.title'));
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const visibility = Form.useWatch('visibility', form);
  const cities = useQuery({
    queryKey: ['cities'],
    queryFn: ({ signal }) => catalogApi.cities(signal),
    staleTime: 600_000,
  });
  const institutions = useQuery({
    queryKey: ['institutions', 'all'],
    queryFn: ({ signal }) => catalogApi.institutions(undefined, signal),
    staleTime: 600_000,
  });
  const today = todayIn('Asia/Shanghai');

  const post = useMutation({
    mutationFn: async (v: Values) => {
      const body: NewNeed = {
        title: v.title,
        description: v.description,
        ...(v.categoryCode ? { categoryCode: v.categoryCode } : {}),
        ...(v.sampleType ? { sampleType: v.sampleType } : {}),
        ...(v.sampleCount ? { sampleCount: v.sampleCount } : {}),
        ...(v.deadline ? { deadline: v.deadline.format('YYYY-MM-DD') } : {}),
        ...(fenOf(v.budgetMin) !== undefined ? { budgetMinFen: fenOf(v.budgetMin) } : {}),
        ...(fenOf(v.budgetMax) !== undefined ? { budgetMaxFen: fenOf(v.budgetMax) } : {}),
        ...(v.cityCode ? { cityCode: v.cityCode } : {}),
        visibility: v.visibility,
        institutionIds: v.institutionIds ?? [],
        ...(v.expiresOn ? { expiresOn: v.expiresOn.format('YYYY-MM-DD') } : {}),
      };
      const need = await needsApi.post(body);
      for (const f of files) {
        try {
          await needsApi.attach(need.id, f.originFileObj as File);
        } catch (e) {
          message.warning(
            t('needs.form.attachFailed', { name: f.name, reason: isApiError(e) ? problemText(e) : String(e) }),
          );
        }
      }
      return need;
    },
    onSuccess: (need) => {
      message.success(t('needs.form.posted'));
      void qc.invalidateQueries({ queryKey: ['needs'] });
      void navigate(`/my/needs/${need.id}`);
    },
  });

  const required = [{ required: true, message: t('needs.form.required') }];
  return (
    <Card title={t('needs.form.title')} data-testid="need-form-page">
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ visibility: 'public', sampleCount: 1 }}
        onFinish={(v) => post.mutate(v)}
        data-testid="need-form"
        className="form-narrow"
      >
        <Form.Item name="title" label={t('needs.fields.title')} rules={[...required, { min: 2, max: 100 }]}>
          <Input maxLength={100} placeholder={t('needs.form.titlePlaceholder')} data-testid="need-title" />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('needs.fields.description')}
          rules={[...required, { min: 2, max: 2000 }]}
        >
          <Input.TextArea
            rows={4}
            maxLength={2000}
            showCount
            placeholder={t('needs.form.descriptionPlaceholder')}
            data-testid="need-description"
          />
        </Form.Item>
        <Space wrap size={16} className="full-width">
          <Form.Item name="sampleType" label={t('needs.fields.sampleType')}>
            <Input maxLength={100} data-testid="need-sample-type" />
          </Form.Item>
          <Form.Item name="sampleCount" label={t('needs.fields.sampleCount')}>
            <InputNumber<number> min={1} max={10_000} precision={0} data-testid="need-sample-count" />
          </Form.Item>
          <Form.Item name="categoryCode" label={t('needs.fields.category')} rules={[{ pattern: /^\d{6}$/ }]}>
            <Input maxLength={6} placeholder={t('needs.form.categoryPlaceholder')} data-testid="need-category" />
          </Form.Item>
        </Space>
        <Space wrap size={16} className="full-width">
          <Form.Item name="deadline" label={t('needs.fields.deadline')}>
            <DatePicker disabledDate={(d) => d.format('YYYY-MM-DD') < today} data-testid="need-deadline" />
          </Form.Item>
          <Form.Item name="expiresOn" label={t('needs.fields.expiresOn')} extra={t('needs.form.expiresHint')}>
            <DatePicker disabledDate={(d) => d.format('YYYY-MM-DD') < today} data-testid="need-expires" />
          </Form.Item>
        </Space>
        <Form.Item label={t('needs.fields.budget')}>
          <Space wrap>
            <Form.Item name="budgetMin" noStyle>
              <InputNumber<number>
                min={0}
                precision={2}
                placeholder={t('needs.form.budgetMin')}
                data-testid="need-budget-min"
              />
            </Form.Item>
            <Form.Item name="budgetMax" noStyle>
              <InputNumber<number>
                min={0}
                precision={2}
                placeholder={t('needs.form.budgetMax')}
                data-testid="need-budget-max"
              />
            </Form.Item>
          </Space>
        </Form.Item>
        <Form.Item name="cityCode" label={t('needs.fields.city')}>
          <Select
            allowClear
            placeholder={t('needs.form.cityAny')}
            loading={cities.isPending}
            options={(cities.data ?? []).map((c) => ({ value: c.code, label: c.name }))}
            data-testid="need-city"
          />
        </Form.Item>
        <Form.Item
          name="visibility"
          label={t('needs.fields.visibility')}
          extra={visibility === 'invited' ? t('needs.form.invitedHint') : t('needs.form.publicHint')}
        >
          <Radio.Group
            options={[
              { value: 'public', label: t('needs.visibility.public') },
              { value: 'invited', label: t('needs.visibility.invited') },
            ]}
            data-testid="need-visibility"
          />
        </Form.Item>
        {visibility === 'invited' ? (
          <Form.Item name="institutionIds" label={t('needs.fields.institutions')} rules={required}>
            <Select
              mode="multiple"
              showSearch
              optionFilterProp="label"
              loading={institutions.isPending}
              options={(institutions.data ?? []).map((i) => ({ value: i.id, label: i.name }))}
              data-testid="need-institutions"
            />
          </Form.Item>
        ) : null}
        <Form.Item label={t('needs.fields.attachments')} extra={t('needs.form.attachHint')}>
          <Upload
            multiple
            accept=".pdf,.jpg,.jpeg,.png"
            fileList={files}
            beforeUpload={() => false}
            onChange={({ fileList }) => setFiles(fileList)}
            data-testid="need-attachments-input"
          >
            <Button icon={<UploadOutlined />}>{t('needs.form.addFile')}</Button>
          </Upload>
        </Form.Item>
        {post.error ? (
          <Alert
            type="error"
            showIcon
            className="bk-alert"
            title={isApiError(post.error) ? problemText(post.error) : String(post.error)}
            data-testid="need-error"
          />
        ) : null}
        <Button type="primary" htmlType="submit" loading={post.isPending} data-testid="need-submit">
          {t('needs.form.submit')}
        </Button>
      </Form>
    </Card>
  );
}
