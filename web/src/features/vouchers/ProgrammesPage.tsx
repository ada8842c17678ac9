import { PlusOutlined, ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  DatePicker,
  Drawer,
  Form,
  Grid,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  TreeSelect,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CategoryNode } from '../../api/catalog';
import { isApiError, type FieldError } from '../../api/client';
import {
  REJECT_OUTCOMES,
  REVIEW_LEVELS,
  SETTLEMENT_MODES,
  SHANDONG_RATIO_RULES,
  voucherApi,
  type Programme,
  type ProgrammeInput,
  type SettlementMode,
} from '../../api/vouchers';
import { fenToYuanString, parseYuanToFen } from '../../ui/money';
import { localName } from '../../ui/names';
import { dayjs } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { YuanInput } from '../../ui/YuanInput';
import { useCategories, useCities, useInstitutions } from '../catalog/queries';
import {
  blankIssueValues,
  issueInputOf,
  issueValuesOf,
  IssueModeCard,
  type IssueValues,
} from '../applications/IssueModeFields';
import { BudgetCell, ProgrammesTable } from './ProgrammesTable';
import {
  CountyRatioCard,
  EffectiveCard,
  PartsCard,
  RuleVersions,
  ruleInputOf,
  ruleValuesOf,
  type RuleValues,
} from './RuleFields';
import { useProgrammes, voucherKeys } from './queries';
import { ProgrammeStageFields } from '../settlement/ProgrammeStageFields';

const HOME_PROVINCE = '山东省';

type Values = {
  name: string;
  nameEn?: string;
  year: number;
  issuerCityCode?: string | null;
  settlementMode: SettlementMode;
  basePercent: number;
  /** City code → percent; empty = the base percent. */
  byCity: Record<string, number | null | undefined>;
  sameCityTopUpPercent: number;
  orderCapYuan?: string | null;
  enterpriseYearCapYuan: string;
  groupYearCapYuan?: string | null;
  budgetYuan: string;
  startsOn: Dayjs;
  useBy: Dayjs;
  claimBy: Dayjs;
  eligibleCategories: string[];
  eligibleProviders: number[];
  allowOutOfProvince: boolean;
  reviewLevel: ProgrammeInput['reviewLevel'];
  rejectOutcome: ProgrammeInput['rejectOutcome'];
  /** Kept as they are (the review stages and notice days are set elsewhere). */
  reviewStages?: ProgrammeInput['reviewStages'];
  publicNoticeDays?: number;
} & IssueValues &
  RuleValues;

const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? null : fenToYuanString(fen));

function blankValues(): Values {
  const year = dayjs().year();
  return {
    name: '',
    nameEn: '',
    year,
    issuerCityCode: null,
    settlementMode: 'deduct',
    basePercent: SHANDONG_RATIO_RULES.basePercent,
    byCity: { ...SHANDONG_RATIO_RULES.byCity },
    sameCityTopUpPercent: 0,
    orderCapYuan: null,
    enterpriseYearCapYuan: '500000.00',
    groupYearCapYuan: null,
    budgetYuan: '',
    startsOn: dayjs(`${year}-01-01`),
    useBy: dayjs(`${year}-12-31`),
    claimBy: dayjs(`${year + 1}-03-31`),
    eligibleCategories: [],
    eligibleProviders: [],
    allowOutOfProvince: false,
    reviewLevel: 'city',
    rejectOutcome: 'enterprise_debt',
    ...blankIssueValues(),
    ...ruleValuesOf(null),
  };
}

function valuesOf(p: Programme): Values {
  return {
    name: p.name,
    nameEn: p.nameEn ?? '',
    year: p.year,
    issuerCityCode: p.issuerCityCode,
    settlementMode: p.settlementMode,
    basePercent: p.ratioRules.basePercent,
    byCity: { ...p.ratioRules.byCity },
    sameCityTopUpPercent: p.ratioRules.sameCityTopUpPercent,
    orderCapYuan: yuan(p.orderCapFen),
    enterpriseYearCapYuan: fenToYuanString(p.enterpriseYearCapFen),
    groupYearCapYuan: yuan(p.groupYearCapFen),
    budgetYuan: p.budgetFen === null ? '' : fenToYuanString(p.budgetFen),
    startsOn: dayjs(p.startsOn),
    useBy: dayjs(p.useBy),
    claimBy: dayjs(p.claimBy),
    eligibleCategories: p.eligibleCategories,
    eligibleProviders: p.eligibleProviders,
    allowOutOfProvince: p.allowOutOfProvince,
    reviewLevel: p.reviewLevel,
    rejectOutcome: p.rejectOutcome,
    reviewStages: p.reviewStages,
    publicNoticeDays: p.publicNoticeDays,
    ...issueValuesOf(p),
    ...ruleValuesOf(p),
  };
}

function toInput(v: Values, province: string, editing: boolean): ProgrammeInput {
  const byCity: Record<string, number> = {};
  for (const [code, pct] of Object.entries(v.byCity ?? {})) {
    if (pct !== null && pct !== undefined && pct !== v.basePercent) byCity[code] = pct;
  }
  const optionalFen = (s: string | null | undefined) =>
    s === null || s === undefined || s === '' ? null : parseYuanToFen(s);
  const { byCounty, ...rules } = ruleInputOf(v, editing);
  return {
    name: v.name.trim(),
    nameEn: v.nameEn?.trim() || null,
    province,
    issuerCityCode: v.issuerCityCode || null,
    year: v.year,
    settlementMode: v.settlementMode,
    ratioRules: { basePercent: v.basePercent, byCity, sameCityTopUpPercent: v.sameCityTopUpPercent ?? 0, byCounty },
    orderCapFen: optionalFen(v.orderCapYuan),
    enterpriseYearCapFen: parseYuanToFen(v.enterpriseYearCapYuan)!,
    groupYearCapFen: optionalFen(v.groupYearCapYuan),
    budgetFen: parseYuanToFen(v.budgetYuan)!,
    startsOn: v.startsOn.format('YYYY-MM-DD'),
    useBy: v.useBy.format('YYYY-MM-DD'),
    claimBy: v.claimBy.format('YYYY-MM-DD'),
    eligibleCategories: v.eligibleCategories ?? [],
    eligibleProviders: v.eligibleProviders ?? [],
    allowOutOfProvince: !!v.allowOutOfProvince,
    reviewLevel: v.reviewLevel,
    rejectOutcome: v.rejectOutcome,
    reviewStages: v.reviewStages ?? null,
    publicNoticeDays: v.publicNoticeDays ?? 0,
    ...issueInputOf(v),
    ...rules,
  };
}

type TreeOption = { value: string; title: string; children?: TreeOption[] };
const toTree = (nodes: CategoryNode[], lang: string): TreeOption[] =>
  nodes.map((n) => ({
    value: n.code,
    title: `${localName(n, lang)} · ${n.code}`,
    children: n.children.length ? toTree(n.children, lang) : undefined,
  }));

export { BudgetCell };

function ProgrammeForm({ programme, onDone }: { programme: Programme | null; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const cities = useCities();
  const categories = useCategories();
  const institutions = useInstitutions();
  const [problem, setProblem] = useState<{ detail: string; errors: FieldError[] } | null>(null);
  const initialValues = useMemo(() => (programme ? valuesOf(programme) : blankValues()), [programme]);
  const treeData = useMemo(() => toTree(categories.data ?? [], i18n.language), [categories.data, i18n.language]);
  const base = Form.useWatch('basePercent', form);
  const mode = Form.useWatch('settlementMode', form) ?? initialValues.settlementMode;
  const province = programme?.province ?? HOME_PROVINCE;

  const save = useMutation({
    mutationFn: (v: Values) =>
      programme
        ? voucherApi.updateProgramme(programme.id, toInput(v, province, true))
        : voucherApi.createProgramme(toInput(v, province, false)),
    onSuccess: () => {
      // The programmes and their rule versions (a change of rules writes a version).
      void qc.invalidateQueries({ queryKey: voucherKeys.programmes });
      void message.success(programme ? t('programmes.saved') : t('programmes.created'));
      onDone();
    },
    onError: (e) =>
      setProblem(
        isApiError(e)
          ? { detail: e.status === 0 ? t('common.errorNetwork') : e.detail, errors: e.errors }
          : { detail: t('common.errorGeneric'), errors: [] },
      ),
  });

  const required = (field: string) => ({ required: true, message: t('programmes.required', { field }) });
  const percentRule = {
    validator: async (_: unknown, v: number | null | undefined) => {
      if (v === null || v === undefined) return;
      if (!Number.isInteger(v) || v < 0 || v > 100) throw new Error(t('programmes.percentRange'));
    },
  };
  const moneyRule = {
    validator: async (_: unknown, v: string | null | undefined) => {
      if (v === null || v === undefined || v === '') return;
      const fen = parseYuanToFen(v);
      if (fen === null || fen <= 0) throw new Error(t('programmes.moneyPositive'));
    },
  };
  const dateOrder = ({ getFieldValue }: { getFieldValue: (n: string) => Dayjs | undefined }) => ({
    validator: async () => {
      const s = getFieldValue('startsOn');
      const u = getFieldValue('useBy');
      const c = getFieldValue('claimBy');
      if (s && u && c && (u.isBefore(s, 'day') || c.isBefore(u, 'day'))) throw new Error(t('programmes.datesOrder'));
    },
  });
  const refill = () => {
    const byCity: Values['byCity'] = {};
    for (const c of cities.data ?? []) byCity[c.code] = null;
    form.setFieldsValue({
      basePercent: SHANDONG_RATIO_RULES.basePercent,
      byCity: { ...byCity, ...SHANDONG_RATIO_RULES.byCity },
    });
  };

  return (
    <Form<Values>
      form={form}
      id="programme-form"
      layout="vertical"
      initialValues={initialValues}
      onFinish={(v) => {
        setProblem(null);
        save.mutate(v);
      }}
      disabled={save.isPending}
      data-testid="programme-form"
    >
      {problem ? (
        <Alert
          type="error"
          showIcon
          className="form-alert"
          data-testid="form-error"
          title={t('lab.fixErrors')}
          description={
            <div>
              {problem.detail ? <div>{problem.detail}</div> : null}
              {problem.errors.length ? (
                <ul className="form-alert__list">
                  {problem.errors.map((e) => (
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
      {programme ? (
        <Card size="small" className="section-card" title={t('programmes.budgetUsage')}>
          <BudgetCell p={programme} />
        </Card>
      ) : null}
      <Row gutter={16}>
        <Col xs={24} md={16}>
          <Form.Item
            name="name"
            label={t('programmes.name')}
            rules={[required(t('programmes.name')), { min: 2, max: 100, whitespace: true }]}
          >
            <Input maxLength={100} placeholder="山东省2026年度科技创新券" data-testid="programme-name" />
          </Form.Item>
        </Col>
        <Col xs={12} md={8}>
          <Form.Item name="year" label={t('programmes.year')} rules={[required(t('programmes.year'))]}>
            <InputNumber<number> min={2000} max={2100} precision={0} className="full-width" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="nameEn" label={t('programmes.nameEn')} rules={[{ max: 200 }]}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="issuerCityCode" label={t('programmes.issuerCity')}>
            <Select<string>
              allowClear
              placeholder={t('programmes.issuerCityPlaceholder')}
              loading={cities.isPending}
              options={(cities.data ?? []).map((c) => ({ value: c.code, label: localName(c, i18n.language) }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item
            name="settlementMode"
            label={t('programmes.settlementMode')}
            extra={t(`voucher.settlementModeHint.${mode}`)}
          >
            <Radio.Group
              optionType="button"
              options={SETTLEMENT_MODES.map((m) => ({ value: m, label: t(`voucher.settlementMode.${m}`) }))}
            />
          </Form.Item>
        </Col>
      </Row>

      <Card
        size="small"
        className="section-card"
        title={t('programmes.ratioRules')}
        extra={
          <Button size="small" icon={<ReloadOutlined />} onClick={refill} data-testid="ratio-reset">
            {t('programmes.resetShandong')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary" className="small-text">
          {t('programmes.ratioHint')}
        </Typography.Paragraph>
        <Row gutter={16}>
          <Col xs={12}>
            <Form.Item
              name="basePercent"
              label={t('programmes.basePercent')}
              rules={[required(t('programmes.basePercent')), percentRule]}
            >
              <InputNumber<number> min={0} max={100} precision={0} suffix="%" className="full-width" />
            </Form.Item>
          </Col>
          <Col xs={12}>
            <Form.Item
              name="sameCityTopUpPercent"
              label={t('programmes.sameCityTopUp')}
              tooltip={t('programmes.sameCityTopUpHint')}
              rules={[percentRule]}
            >
              <InputNumber<number> min={0} max={100} precision={0} suffix="%" className="full-width" />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Text strong>{t('programmes.byCity')}</Typography.Text>
        <div className="ratio-grid" data-testid="ratio-table">
          {(cities.data ?? []).map((c) => (
            <Form.Item
              key={c.code}
              name={['byCity', c.code]}
              label={
                <span>
                  {localName(c, i18n.language)} <span className="ratio-grid__code">{c.code}</span>
                </span>
              }
              rules={[percentRule]}
              className="ratio-grid__item"
            >
              <InputNumber<number>
                min={0}
                max={100}
                precision={0}
                suffix="%"
                placeholder={base !== undefined && base !== null ? `${base}` : ''}
                className="full-width"
                data-testid={`ratio-city-${c.code}`}
                aria-label={`${localName(c, i18n.language)} ${t('programmes.cityPercent')}`}
              />
            </Form.Item>
          ))}
        </div>
      </Card>

      <CountyRatioCard percentRule={percentRule} />

      <Card size="small" className="section-card" title={t('programmes.caps')}>
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            <Form.Item
              name="enterpriseYearCapYuan"
              label={t('programmes.enterpriseYearCap')}
              rules={[required(t('programmes.enterpriseYearCap')), moneyRule]}
            >
              <YuanInput data-testid="programme-enterprise-cap" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="budgetYuan"
              label={t('programmes.budget')}
              rules={[required(t('programmes.budget')), moneyRule]}
            >
              <YuanInput data-testid="programme-budget-input" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="orderCapYuan" label={t('programmes.orderCap')} rules={[moneyRule]}>
              <YuanInput placeholder={t('programmes.noCap')} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="groupYearCapYuan" label={t('programmes.groupYearCap')} rules={[moneyRule]}>
              <YuanInput placeholder={t('programmes.noCap')} />
            </Form.Item>
          </Col>
        </Row>
      </Card>

      <IssueModeCard programme={programme} />

      <Card size="small" className="section-card" title={t('programmes.dates')}>
        <Row gutter={16}>
          {(['startsOn', 'useBy', 'claimBy'] as const).map((k) => (
            <Col key={k} xs={24} sm={8}>
              <Form.Item
                name={k}
                label={t(`programmes.${k}`)}
                dependencies={['startsOn', 'useBy', 'claimBy'].filter((x) => x !== k)}
                rules={[required(t(`programmes.${k}`)), dateOrder]}
              >
                <DatePicker className="full-width" />
              </Form.Item>
            </Col>
          ))}
        </Row>
      </Card>

      <Card size="small" className="section-card" title={t('programmes.scope')}>
        <Form.Item
          name="eligibleCategories"
          label={t('programmes.eligibleCategories')}
          extra={t('programmes.eligibleCategoriesHint')}
        >
          <TreeSelect
            multiple
            treeData={treeData}
            showSearch={{ treeNodeFilterProp: 'title' }}
            maxTagCount="responsive"
            loading={categories.isPending}
            placeholder={t('programmes.eligibleCategoriesHint')}
            className="full-width"
          />
        </Form.Item>
        <Form.Item
          name="eligibleProviders"
          label={t('programmes.eligibleProviders')}
          extra={t('programmes.eligibleProvidersHint')}
        >
          <Select<number[]>
            mode="multiple"
            showSearch={{ optionFilterProp: 'label' }}
            maxTagCount="responsive"
            loading={institutions.isPending}
            placeholder={t('programmes.eligibleProvidersHint')}
            options={(institutions.data ?? []).map((i) => ({ value: i.id, label: localName(i, i18n.language) }))}
          />
        </Form.Item>
        <Form.Item name="allowOutOfProvince" valuePropName="checked" label={t('programmes.allowOutOfProvince')}>
          <Switch />
        </Form.Item>
      </Card>

      <PartsCard />

      {programme ? <EffectiveCard /> : null}
      {programme ? <RuleVersions programmeId={programme.id} /> : null}

      <Card size="small" className="section-card" title={t('programmes.settlement')}>
        <Form.Item name="reviewLevel" label={t('programmes.reviewLevel')}>
          <Radio.Group
            className="radio-stack"
            options={REVIEW_LEVELS.map((r) => ({ value: r, label: t(`programmes.reviewLevels.${r}`) }))}
          />
        </Form.Item>
        <ProgrammeStageFields />
        <Form.Item name="rejectOutcome" label={t('programmes.rejectOutcome')}>
          <Radio.Group
            className="radio-stack"
            options={REJECT_OUTCOMES.map((r) => ({ value: r, label: t(`programmes.rejectOutcomes.${r}`) }))}
          />
        </Form.Item>
      </Card>
    </Form>
  );
}

/** `/admin/programmes`: the voucher programmes, their rules and budgets. */
export function ProgrammesPage() {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const list = useProgrammes();
  const [editing, setEditing] = useState<Programme | 'new' | null>(null);
  useDocumentTitle(t('programmes.title'));

  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('programmes.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('programmes.subtitle')}</Typography.Text>
        </div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="add-programme">
          {t('programmes.add')}
        </Button>
      </div>
      <ProgrammesTable list={list} phone={phone} onEdit={setEditing} />
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={
          editing && editing !== 'new' ? t('programmes.editTitle', { name: editing.name }) : t('programmes.addTitle')
        }
        size={phone ? '100%' : 720}
        destroyOnHidden
        data-testid="programme-drawer"
        footer={
          <Space className="bk-actions">
            <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              htmlType="submit"
              form="programme-form"
              icon={<SaveOutlined />}
              data-testid="save-programme"
            >
              {t('common.save')}
            </Button>
          </Space>
        }
      >
        {editing !== null ? (
          <ProgrammeForm programme={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />
        ) : null}
      </Drawer>
    </div>
  );
}
