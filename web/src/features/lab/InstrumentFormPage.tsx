import { YuanInput } from '../../ui/YuanInput';
import { ArrowLeftOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Grid,
  Input,
  Row,
  Select,
  Skeleton,
  Space,
  Switch,
  TreeSelect,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import {
  catalogApi,
  INSTRUMENT_PURPOSES,
  isWebAddress,
  ORIGINS,
  PURCHASE_FUNDINGS,
  RUN_STATUSES,
  SHARING_MODES,
  type CategoryNode,
  type InstrumentDetail,
} from '../../api/catalog';
import { isApiError, type FieldError } from '../../api/client';
import { isSubmission } from '../../api/listing';
import { useAuth } from '../../app/auth';
import { isEnglish } from '../../i18n';
import { localName } from '../../ui/names';
import { ErrorState, ForbiddenPage, NotFoundPage } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useCategories, useCities, useInstitutions, useInstrument } from '../catalog/queries';
import { blankValues, LIMITS, mapFieldErrors, toInput, valuesFromDetail, type FormValues } from './instrumentForm';
import { PhotoControls } from './PhotoField';
import { RateCardEditor } from './RateCardEditor';
import { useFormRules } from './rules';

type TreeOption = { value: string; title: string; children?: TreeOption[] };

function toTreeData(nodes: CategoryNode[], lang: string): TreeOption[] {
  return nodes.map((n) => ({
    value: n.code,
    title: `${localName(n, lang)} · ${n.code}`,
    children: n.children.length ? toTreeData(n.children, lang) : undefined,
  }));
}

type SubmitError = { title: string; detail: string; other: FieldError[] };

function InstrumentForm({ detail }: { detail: InstrumentDetail | null }) {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const compact = screens.md === false;
  const rules = useFormRules();
  const [form] = Form.useForm<FormValues>();
  const [submitError, setSubmitError] = useState<SubmitError | null>(null);
  const admin = user?.role === 'platform_admin';
  const creating = detail === null;

  const categories = useCategories();
  const cities = useCities();
  const institutions = useInstitutions(undefined, admin && creating);
  const treeData = useMemo(() => toTreeData(categories.data ?? [], i18n.language), [categories.data, i18n.language]);
  const initialValues = useMemo(
    () => (detail ? valuesFromDetail(detail) : blankValues(user?.organisation.cityCode)),
    [detail, user?.organisation.cityCode],
  );

  const save = useMutation({
    mutationFn: (values: FormValues) => {
      const includeRateCard = Boolean(detail?.rateCard) || (values.rateCard.items?.length ?? 0) > 0;
      const input = toInput(values, { includeRateCard });
      if (detail) {
        // The patch schema has no institutionId: an instrument stays with its institution.
        const { institutionId: _institutionId, ...patch } = input;
        return catalogApi.update(detail.id, patch);
      }
      return catalogApi.create(input);
    },
    onSuccess: (saved) => {
      void qc.invalidateQueries({ queryKey: ['listing'] });
      // A lab manager's new record went to listing review (入网审核): nothing published yet.
      if (isSubmission(saved)) {
        void message.success({ content: t('listing.lab.submittedNew'), duration: 6 });
        navigate('/lab/instruments');
        return;
      }
      qc.setQueryData(['instruments', 'detail', saved.id], saved);
      void qc.invalidateQueries({ queryKey: ['instruments', 'search'] });
      void qc.invalidateQueries({ queryKey: ['categories'] });
      void qc.invalidateQueries({ queryKey: ['cities'] });
      if (!admin && saved.pendingChange?.status === 'pending')
        void message.info({ content: t('listing.lab.submittedChange'), duration: 6 });
      else void message.success(creating ? t('lab.created') : t('lab.saved'));
      navigate(`/instruments/${saved.id}`);
    },
    onError: (e) => {
      if (isApiError(e) && e.errors.length) {
        // Rules only the server can check get Chinese messages; anything else shows the server's words.
        const { fields, other } = mapFieldErrors(e.errors, (name, msg) => {
          if (name.join('.') === 'assetNumber' && e.status === 409) return t('lab.rules.assetNumberTaken');
          if (name.join('.') === 'categoryCode') return t('lab.rules.unknownCategory');
          // A host not on the platform's list, or another upload's address: say what to do instead.
          if (name.join('.') === 'photoUrl') return t('lab.rules.photoRefused');
          return msg;
        });
        form.setFields(fields.map((f) => ({ name: f.name, errors: f.errors })) as Parameters<typeof form.setFields>[0]);
        if (fields[0]) form.scrollToField(fields[0].name, { behavior: 'smooth', block: 'center' });
        setSubmitError({ title: t('lab.fixErrors'), detail: e.detail, other });
      } else if (isApiError(e)) {
        const title =
          e.status === 409 ? t('lab.conflict') : e.status === 403 ? t('common.forbiddenTitle') : t('common.errorTitle');
        setSubmitError({ title, detail: e.status === 0 ? t('common.errorNetwork') : e.detail, other: [] });
      } else {
        setSubmitError({ title: t('common.errorTitle'), detail: t('common.errorGeneric'), other: [] });
      }
    },
  });

  const title = creating ? t('lab.newTitle') : t('lab.editTitle');
  const name = detail ? (isEnglish(i18n.language) && detail.nameEn ? detail.nameEn : detail.nameZh) : null;
  const span = { xs: 24, md: 12 } as const;
  const half = { xs: 12, md: 12 } as const;

  return (
    <div className="form-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {title}
          </Typography.Title>
          {name ? <Typography.Text type="secondary">{name}</Typography.Text> : null}
        </div>
        <Space wrap>
          <Link to={detail ? `/instruments/${detail.id}` : '/lab/instruments'}>
            <Button icon={<ArrowLeftOutlined />}>{t('common.back')}</Button>
          </Link>
          <Button
            type="primary"
            htmlType="submit"
            form="instrument-form"
            icon={<SaveOutlined />}
            loading={save.isPending}
            data-testid="save-instrument-top"
          >
            {t('common.save')}
          </Button>
        </Space>
      </div>

      {submitError ? (
        <Alert
          type="error"
          showIcon
          closable={{ onClose: () => setSubmitError(null) }}
          className="form-alert"
          data-testid="form-error"
          title={submitError.title}
          description={
            <div>
              {submitError.detail ? <div>{submitError.detail}</div> : null}
              {submitError.other.length ? (
                <ul className="form-alert__list">
                  {submitError.other.map((e) => (
                    <li key={`${e.path}:${e.message}`}>
                      {e.path ? <code>{e.path}</code> : null} {e.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          }
        />
      ) : null}

      <Form<FormValues>
        form={form}
        id="instrument-form"
        layout="vertical"
        initialValues={initialValues}
        onFinish={(v) => {
          setSubmitError(null);
          save.mutate(v);
        }}
        onFinishFailed={({ errorFields }) => {
          if (errorFields[0]) form.scrollToField(errorFields[0].name, { behavior: 'smooth', block: 'center' });
        }}
        scrollToFirstError={false}
        disabled={save.isPending}
        data-testid="instrument-form"
        className="instrument-form"
      >
        <Card title={t('lab.sections.basic')} className="section-card">
          <Row gutter={[16, 0]}>
            {admin && creating ? (
              <Col xs={24}>
                <Form.Item
                  name="institutionId"
                  label={t('lab.fields.institution')}
                  rules={[{ required: true, message: t('lab.rules.required', { field: t('lab.fields.institution') }) }]}
                >
                  <Select<number>
                    showSearch={{ optionFilterProp: 'label' }}
                    loading={institutions.isPending}
                    options={(institutions.data ?? []).map((i) => ({ value: i.id, label: i.name }))}
                    onChange={(id) => {
                      // An instrument usually stands in its institution's city.
                      const city = institutions.data?.find((i) => i.id === id)?.city?.code;
                      if (city) form.setFieldValue('cityCode', city);
                    }}
                  />
                </Form.Item>
              </Col>
            ) : null}
            <Col {...span}>
              <Form.Item
                name="nameZh"
                label={t('lab.fields.nameZh')}
                rules={[rules.required('nameZh'), rules.max('nameZh', LIMITS.nameZh)]}
              >
                <Input maxLength={LIMITS.nameZh} data-testid="field-nameZh" />
              </Form.Item>
            </Col>
            <Col {...span}>
              <Form.Item name="nameEn" label={t('lab.fields.nameEn')} rules={[rules.max('nameEn', LIMITS.nameEn)]}>
                <Input maxLength={LIMITS.nameEn} />
              </Form.Item>
            </Col>
            <Col {...span}>
              <Form.Item
                name="assetNumber"
                label={t('lab.fields.assetNumber')}
                rules={[rules.required('assetNumber'), rules.max('assetNumber', LIMITS.assetNumber)]}
              >
                <Input maxLength={LIMITS.assetNumber} data-testid="field-assetNumber" />
              </Form.Item>
            </Col>
            <Col {...span}>
              <Form.Item
                name="categoryCode"
                label={t('lab.fields.categoryCode')}
                rules={[{ required: true, message: t('lab.rules.required', { field: t('lab.fields.categoryCode') }) }]}
              >
                <TreeSelect
                  treeData={treeData}
                  showSearch={{ treeNodeFilterProp: 'title' }}
                  placeholder={t('lab.placeholders.categoryCode')}
                  loading={categories.isPending}
                  treeDefaultExpandedKeys={detail ? [detail.category.code] : undefined}
                  data-testid="field-categoryCode"
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="origin" label={t('lab.fields.origin')}>
                <Select options={ORIGINS.map((o) => ({ value: o, label: t(`origin.${o}`) }))} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item
                name="originalValueYuan"
                label={t('lab.fields.originalValue')}
                rules={[
                  { required: true, message: t('lab.rules.required', { field: t('lab.fields.originalValue') }) },
                  rules.money,
                ]}
              >
                <YuanInput data-testid="field-originalValue" />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="commissionedOn" label={t('lab.fields.commissionedOn')}>
                <DatePicker className="full-width" />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="country" label={t('lab.fields.country')} rules={[rules.max('country', LIMITS.country)]}>
                <Input maxLength={LIMITS.country} />
              </Form.Item>
            </Col>
            <Col {...span}>
              <Form.Item
                name="manufacturer"
                label={t('lab.fields.manufacturer')}
                rules={[rules.max('manufacturer', LIMITS.manufacturer)]}
              >
                <Input maxLength={LIMITS.manufacturer} />
              </Form.Item>
            </Col>
            <Col {...span}>
              <Form.Item name="model" label={t('lab.fields.model')} rules={[rules.max('model', LIMITS.model)]}>
                <Input maxLength={LIMITS.model} />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card title={t('lab.sections.technical')} className="section-card">
          <Form.Item name="specs" label={t('lab.fields.specs')} rules={[rules.max('specs', LIMITS.specs)]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} showCount maxLength={LIMITS.specs} />
          </Form.Item>
          <Form.Item
            name="functions"
            label={t('lab.fields.functions')}
            rules={[rules.max('functions', LIMITS.functions)]}
          >
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} showCount maxLength={LIMITS.functions} />
          </Form.Item>
          <Form.Item name="subjectAreas" label={t('lab.fields.subjectAreas')} rules={[rules.subjectAreas]}>
            <Select
              mode="tags"
              maxCount={LIMITS.subjectAreas}
              placeholder={t('lab.placeholders.subjectAreas')}
              open={false}
            />
          </Form.Item>
          <Form.Item
            name="serviceContent"
            label={t('lab.fields.serviceContent')}
            rules={[rules.max('serviceContent', LIMITS.serviceContent)]}
          >
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} showCount maxLength={LIMITS.serviceContent} />
          </Form.Item>
          <Form.Item name="feeNote" label={t('lab.fields.feeNote')} rules={[rules.max('feeNote', LIMITS.feeNote)]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} showCount maxLength={LIMITS.feeNote} />
          </Form.Item>
        </Card>

        <Card title={t('lab.sections.sharing')} className="section-card">
          <Row gutter={[16, 0]}>
            <Col {...half}>
              <Form.Item name="sharingMode" label={t('lab.fields.sharingMode')} rules={[{ required: true }]}>
                <Select options={SHARING_MODES.map((m) => ({ value: m, label: t(`sharingMode.${m}`) }))} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="runStatus" label={t('lab.fields.runStatus')} rules={[{ required: true }]}>
                <Select options={RUN_STATUSES.map((s) => ({ value: s, label: t(`runStatus.${s}`) }))} />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card title={t('imports.fields.section')} className="section-card">
          <Row gutter={[16, 0]}>
            <Col {...half}>
              <Form.Item
                name="nationalNumber"
                label={t('imports.fields.nationalNumber')}
                rules={[rules.maxText(t('imports.fields.nationalNumber'), LIMITS.nationalNumber)]}
              >
                <Input maxLength={LIMITS.nationalNumber} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="purchaseFunding" label={t('imports.fields.purchaseFunding')}>
                <Select
                  allowClear
                  options={PURCHASE_FUNDINGS.map((f) => ({ value: f, label: t(`imports.funding.${f}`) }))}
                />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="purpose" label={t('imports.fields.purpose')}>
                <Select
                  allowClear
                  options={INSTRUMENT_PURPOSES.map((p) => ({ value: p, label: t(`imports.purposes.${p}`) }))}
                />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item
                name="hostFacility"
                label={t('imports.fields.hostFacility')}
                rules={[rules.maxText(t('imports.fields.hostFacility'), LIMITS.hostFacility)]}
              >
                <Input maxLength={LIMITS.hostFacility} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="customsSupervised" label={t('imports.fields.customsSupervised')} valuePropName="checked">
                <Switch checkedChildren={t('imports.fields.yes')} unCheckedChildren={t('imports.fields.no')} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item
                name="bookingUrl"
                label={t('imports.fields.bookingUrl')}
                rules={[
                  rules.maxText(t('imports.fields.bookingUrl'), LIMITS.bookingUrl),
                  {
                    validator: async (_: unknown, value: string | null | undefined) => {
                      if (value && value.trim() && !isWebAddress(value.trim()))
                        throw new Error(t('imports.fields.bookingUrlInvalid'));
                    },
                  },
                ]}
              >
                <Input placeholder="https://" maxLength={LIMITS.bookingUrl} inputMode="url" />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="sharingRules"
            label={t('imports.fields.sharingRules')}
            rules={[rules.maxText(t('imports.fields.sharingRules'), LIMITS.sharingRules)]}
          >
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} showCount maxLength={LIMITS.sharingRules} />
          </Form.Item>
        </Card>

        <Card title={t('lab.sections.location')} className="section-card">
          <Row gutter={[16, 0]}>
            <Col xs={12} md={6}>
              <Form.Item
                name="cityCode"
                label={t('lab.fields.cityCode')}
                rules={[{ required: true, message: t('lab.rules.required', { field: t('lab.fields.cityCode') }) }]}
              >
                <Select
                  loading={cities.isPending}
                  options={(cities.data ?? []).map((c) => ({ value: c.code, label: localName(c, i18n.language) }))}
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item
                name="district"
                label={t('lab.fields.district')}
                rules={[rules.max('district', LIMITS.district)]}
              >
                <Input maxLength={LIMITS.district} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="address" label={t('lab.fields.address')} rules={[rules.max('address', LIMITS.address)]}>
                <Input maxLength={LIMITS.address} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item
                name="contactName"
                label={t('lab.fields.contactName')}
                rules={[rules.max('contactName', LIMITS.contactName)]}
              >
                <Input maxLength={LIMITS.contactName} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item
                name="contactPhone"
                label={t('lab.fields.contactPhone')}
                rules={[rules.max('contactPhone', LIMITS.contactPhone)]}
              >
                <Input maxLength={LIMITS.contactPhone} inputMode="tel" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="contactEmail"
                label={t('lab.fields.contactEmail')}
                rules={[rules.email, rules.max('contactEmail', LIMITS.contactEmail)]}
              >
                <Input maxLength={LIMITS.contactEmail} inputMode="email" />
              </Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item
                name="photoUrl"
                label={t('lab.fields.photoUrl')}
                rules={[rules.photoUrl, rules.max('photoUrl', LIMITS.photoUrl)]}
                extra={t('lab.photo.hint')}
              >
                <Input maxLength={LIMITS.photoUrl} placeholder="https://" allowClear data-testid="field-photoUrl" />
              </Form.Item>
              <PhotoControls detail={detail} />
            </Col>
          </Row>
        </Card>

        <Card title={t('lab.sections.rateCard')} className="section-card">
          <RateCardEditor compact={compact} />
        </Card>

        <div className="form-actions">
          <Space>
            <Link to={detail ? `/instruments/${detail.id}` : '/lab/instruments'}>
              <Button disabled={save.isPending}>{t('common.cancel')}</Button>
            </Link>
            <Button
              type="primary"
              htmlType="submit"
              icon={<SaveOutlined />}
              loading={save.isPending}
              data-testid="save-instrument"
            >
              {t('common.save')}
            </Button>
          </Space>
        </div>
      </Form>
    </div>
  );
}

export function InstrumentFormPage() {
  const { t } = useTranslation();
  const { id: rawId } = useParams();
  const editing = rawId !== undefined;
  const id = /^\d{1,15}$/.test(rawId ?? '') ? Number(rawId) : NaN;
  const query = useInstrument(editing ? id : NaN);
  useDocumentTitle(editing ? t('lab.editTitle') : t('lab.newTitle'));

  if (!editing) return <InstrumentForm detail={null} />;
  if (!Number.isSafeInteger(id) || (isApiError(query.error) && query.error.status === 404)) {
    return <NotFoundPage title={t('detail.notFoundTitle')} text={t('detail.notFoundText', { id: rawId ?? '' })} />;
  }
  if (query.isPending) {
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 12 }} />
      </Card>
    );
  }
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data.editable) return <ForbiddenPage text={t('lab.notEditable')} />;
  return <InstrumentForm key={`${query.data.id}:${query.data.updatedAt}`} detail={query.data} />;
}
