/**
 * The programme form's versioned rules: county ratios (省财政直管县), the eligible parts of a price, the
 * co-funding order, when changed rules take effect; and the programme's rule versions.
 */
import { DeleteOutlined, HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  List,
  Row,
  Select,
  Skeleton,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { voucherApi, type RuleVersion } from '../../api/vouchers';
import { formatFen } from '../../ui/money';
import { ErrorState } from '../../ui/states';
import { dayjs, formatDateTime, PLATFORM_ZONE } from '../../ui/time';
import { useCounties } from '../organisations/queries';

/** The form's values of these fields. */
export type RuleValues = {
  /** County code and percent, one row each. */
  byCounty: { countyCode?: string; percent?: number | null }[];
  partsSurcharges: boolean;
  partsSetupFee: boolean;
  fundingOrder: number;
  effectiveFrom?: Dayjs | null;
  versionNote?: string;
};

export function ruleValuesOf(
  p: {
    ratioRules: { byCounty?: Record<string, number> };
    eligibleParts: { surcharges: boolean; setupFee: boolean } | null;
    fundingOrder?: number;
  } | null,
): RuleValues {
  return {
    byCounty: Object.entries(p?.ratioRules.byCounty ?? {}).map(([countyCode, percent]) => ({ countyCode, percent })),
    partsSurcharges: p?.eligibleParts?.surcharges ?? true,
    partsSetupFee: p?.eligibleParts?.setupFee ?? true,
    fundingOrder: p?.fundingOrder ?? 0,
    effectiveFrom: null,
    versionNote: '',
  };
}

/** What the input carries of these fields (`editing`: the version fields only for a change). */
export function ruleInputOf(v: RuleValues, editing: boolean) {
  const byCounty: Record<string, number> = {};
  for (const row of v.byCounty ?? [])
    if (row.countyCode && row.percent !== null && row.percent !== undefined) byCounty[row.countyCode] = row.percent;
  const all = v.partsSurcharges !== false && v.partsSetupFee !== false;
  return {
    byCounty,
    eligibleParts: all ? null : { surcharges: v.partsSurcharges !== false, setupFee: v.partsSetupFee !== false },
    fundingOrder: v.fundingOrder ?? 0,
    ...(editing && v.effectiveFrom ? { effectiveFrom: v.effectiveFrom.toISOString() } : {}),
    ...(editing && v.versionNote?.trim() ? { versionNote: v.versionNote.trim() } : {}),
  };
}

/** County ratios: a county and its percent per row (the province's counties, grouped by city). */
export function CountyRatioCard({ percentRule }: { percentRule: object }) {
  const { t, i18n } = useTranslation();
  const counties = useCounties();
  const en = i18n.language.startsWith('en');
  const options = (counties.data ?? []).map((c) => ({
    label: en && c.nameEn ? c.nameEn : c.name,
    title: c.name,
    options: c.counties.map((k) => ({
      value: k.code,
      label: `${en && k.nameEn ? k.nameEn : k.name} · ${k.code}`,
    })),
  }));
  return (
    <Card size="small" className="section-card" title={t('rules.county.title')} data-testid="county-ratios">
      <Typography.Paragraph type="secondary" className="small-text">
        {t('rules.county.hint')}
      </Typography.Paragraph>
      <Form.List name="byCounty">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Row key={field.key} gutter={8} align="top" wrap={false}>
                <Col flex="auto">
                  <Form.Item
                    name={[field.name, 'countyCode']}
                    rules={[{ required: true, message: t('rules.county.countyRequired') }]}
                  >
                    <Select<string>
                      showSearch={{ optionFilterProp: 'label' }}
                      placeholder={t('rules.county.county')}
                      loading={counties.isPending}
                      options={options}
                      aria-label={t('rules.county.county')}
                      data-testid="county-select"
                    />
                  </Form.Item>
                </Col>
                <Col flex="110px">
                  <Form.Item name={[field.name, 'percent']} rules={[{ required: true, message: '%' }, percentRule]}>
                    <InputNumber<number>
                      min={0}
                      max={100}
                      precision={0}
                      suffix="%"
                      className="full-width"
                      aria-label={t('rules.county.percent')}
                      data-testid="county-percent"
                    />
                  </Form.Item>
                </Col>
                <Col flex="none">
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t('rules.county.remove')}
                    onClick={() => remove(field.name)}
                  />
                </Col>
              </Row>
            ))}
            <Button icon={<PlusOutlined />} onClick={() => add({ percent: null })} data-testid="add-county">
              {t('rules.county.add')}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}

/** Which parts of a price the voucher pays for, and the co-funding order. */
export function PartsCard() {
  const { t } = useTranslation();
  return (
    <Card size="small" className="section-card" title={t('rules.parts.title')} data-testid="eligible-parts">
      <Typography.Paragraph type="secondary" className="small-text">
        {t('rules.parts.hint')}
      </Typography.Paragraph>
      <Row gutter={16}>
        <Col xs={24} sm={12}>
          <Form.Item name="partsSurcharges" valuePropName="checked" label={t('rules.parts.surcharges')}>
            <Switch data-testid="parts-surcharges" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="partsSetupFee" valuePropName="checked" label={t('rules.parts.setupFee')}>
            <Switch data-testid="parts-setup-fee" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="fundingOrder" label={t('rules.coFunding.order')} extra={t('rules.coFunding.orderHint')}>
            <InputNumber<number> min={0} max={100} precision={0} className="full-width" />
          </Form.Item>
        </Col>
      </Row>
    </Card>
  );
}

/** When changed rules take effect (editing only): now, or a later time; and why. */
export function EffectiveCard() {
  const { t } = useTranslation();
  return (
    <Card size="small" className="section-card" title={t('rules.versions.effectiveLabel')}>
      <Row gutter={16}>
        <Col xs={24} sm={12}>
          <Form.Item
            name="effectiveFrom"
            label={t('rules.versions.effectiveFrom')}
            extra={t('rules.versions.effectiveHint')}
          >
            <DatePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              className="full-width"
              disabledDate={(d) => d.isBefore(dayjs(), 'day')}
              data-testid="effective-from"
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="versionNote" label={t('rules.versions.noteLabel')} rules={[{ max: 500 }]}>
            <Input maxLength={500} placeholder={t('rules.versions.notePlaceholder')} />
          </Form.Item>
        </Col>
      </Row>
    </Card>
  );
}

/** A programme's rule versions, newest first: which one is in force, from when, who changed it, why. */
export function RuleVersions({ programmeId }: { programmeId: number }) {
  const { t, i18n } = useTranslation();
  const versions = useQuery({
    queryKey: ['vouchers', 'programmes', programmeId, 'versions'],
    queryFn: ({ signal }) => voucherApi.programmeVersions(programmeId, signal),
  });
  const summary = (v: RuleVersion) => {
    const r = v.rules;
    const parts = r.eligibleParts;
    const partText =
      parts.surcharges && parts.setupFee
        ? t('rules.parts.allIn')
        : t('rules.parts.summary', {
            parts: [
              t('rules.parts.service'),
              parts.surcharges ? t('rules.parts.surcharges') : null,
              parts.setupFee ? t('rules.parts.setupFee') : null,
            ]
              .filter(Boolean)
              .join(i18n.language.startsWith('en') ? ', ' : '、'),
          });
    return `${t('rules.versions.summary', {
      base: r.ratioRules.basePercent,
      cities: Object.keys(r.ratioRules.byCity).length,
      counties: Object.keys(r.ratioRules.byCounty ?? {}).length,
      orderCap: r.orderCapFen === null ? t('rules.versions.noCap') : formatFen(r.orderCapFen),
    })} · ${r.startsOn} – ${r.useBy} · ${partText}`;
  };
  return (
    <Card
      size="small"
      className="section-card"
      title={
        <Space>
          <HistoryOutlined />
          {t('rules.versions.title')}
        </Space>
      }
      data-testid="rule-versions"
    >
      <Typography.Paragraph type="secondary" className="small-text">
        {t('rules.versions.hint')}
      </Typography.Paragraph>
      {versions.isError ? (
        <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />
      ) : versions.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : (
        <List
          size="small"
          dataSource={versions.data}
          locale={{ emptyText: t('rules.versions.empty') }}
          renderItem={(v) => {
            const upcoming = !v.inForce && Date.parse(v.effectiveFrom) > Date.now();
            return (
              <List.Item data-testid="rule-version" data-version={v.version} data-in-force={v.inForce}>
                <div className="use-cell">
                  <Space size={4} wrap>
                    <Typography.Text strong>{t('rules.versions.version', { n: v.version })}</Typography.Text>
                    {v.inForce ? <Tag color="green">{t('rules.versions.inForce')}</Tag> : null}
                    {upcoming ? <Tag color="blue">{t('rules.versions.upcoming')}</Tag> : null}
                    <Typography.Text type="secondary" className="small-text">
                      {t('rules.versions.effectiveFrom')}{' '}
                      {formatDateTime(v.effectiveFrom, PLATFORM_ZONE, i18n.language)}
                    </Typography.Text>
                  </Space>
                  <Typography.Text className="small-text">{summary(v)}</Typography.Text>
                  {v.note || v.createdBy ? (
                    <Typography.Text type="secondary" className="small-text">
                      {[v.createdBy ? `${t('rules.versions.by')}：${v.createdBy}` : null, v.note]
                        .filter(Boolean)
                        .join(' · ')}
                    </Typography.Text>
                  ) : null}
                </div>
              </List.Item>
            );
          }}
        />
      )}
    </Card>
  );
}
