import { YuanInput } from '../../ui/YuanInput';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Col, Form, Input, InputNumber, Row, Select, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { useTranslation } from 'react-i18next';
import { PRICE_UNITS } from '../../api/catalog';
import { emptyRateItem, LIMITS } from './instrumentForm';
import { useFormRules } from './rules';

export function RateCardEditor({ compact }: { compact: boolean }) {
  const { t } = useTranslation();
  const rules = useFormRules();
  const price = (field: 'internal' | 'academic' | 'enterprise'): Rule[] => [
    { required: true, message: t('lab.rules.required', { field: t(`lab.fields.${field}`) }) },
    rules.money,
    rules.price,
  ];
  return (
    <div className="rate-editor" data-testid="rate-card-editor">
      <Form.List
        name={['rateCard', 'items']}
        rules={[
          {
            validator: async (_, items: unknown[] | undefined) => {
              if ((items?.length ?? 0) > LIMITS.rateItems) throw new Error(t('lab.rules.maxItems'));
            },
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.length === 0 ? (
              <Typography.Text type="secondary" className="rate-editor__empty">
                {t('lab.noRateItems')}
              </Typography.Text>
            ) : null}
            {fields.map((field, index) => (
              <div key={field.key} className="rate-editor__row" data-testid="rate-item-row">
                <Row gutter={[12, 0]} align="top">
                  <Col xs={8} sm={6} md={4} lg={3}>
                    <Form.Item
                      name={[field.name, 'unit']}
                      label={t('lab.fields.unit')}
                      rules={[{ required: true, message: t('lab.rules.required', { field: t('lab.fields.unit') }) }]}
                    >
                      <Select
                        options={PRICE_UNITS.map((u) => ({ value: u, label: t(`priceUnit.${u}`) }))}
                        data-testid={`rate-item-unit-${index}`}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={16} sm={18} md={10} lg={5}>
                    <Form.Item
                      name={[field.name, 'labelZh']}
                      label={t('lab.fields.labelZh')}
                      rules={[
                        {
                          required: true,
                          whitespace: true,
                          message: t('lab.rules.required', { field: t('lab.fields.labelZh') }),
                        },
                        rules.max('labelZh', LIMITS.labelZh),
                      ]}
                    >
                      <Input placeholder={t('lab.placeholders.labelZh')} data-testid={`rate-item-label-${index}`} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={10} lg={4}>
                    <Form.Item
                      name={[field.name, 'labelEn']}
                      label={t('lab.fields.labelEn')}
                      rules={[rules.max('labelEn', LIMITS.labelEn)]}
                    >
                      <Input placeholder={t('lab.placeholders.labelEn')} />
                    </Form.Item>
                  </Col>
                  {(['internal', 'academic', 'enterprise'] as const).map((k) => (
                    <Col key={k} xs={8} md={7} lg={3}>
                      <Form.Item name={[field.name, `${k}Yuan`]} label={t(`lab.fields.${k}`)} rules={price(k)}>
                        <YuanInput data-testid={`rate-item-${k}-${index}`} />
                      </Form.Item>
                    </Col>
                  ))}
                  <Col xs={24} md={3} lg={3} className="rate-editor__remove">
                    <Form.Item label={compact ? undefined : ' '} colon={false}>
                      <Button
                        danger
                        type="text"
                        icon={<DeleteOutlined />}
                        onClick={() => remove(field.name)}
                        aria-label={t('lab.removeRateItem')}
                        data-testid={`rate-item-remove-${index}`}
                      >
                        {t('lab.removeRateItem')}
                      </Button>
                    </Form.Item>
                  </Col>
                </Row>
              </div>
            ))}
            <Form.ErrorList errors={errors} />
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              onClick={() => add(emptyRateItem())}
              disabled={fields.length >= LIMITS.rateItems}
              className="rate-editor__add"
              data-testid="rate-item-add"
            >
              {t('lab.addRateItem')}
            </Button>
          </>
        )}
      </Form.List>

      <Row gutter={[16, 0]} className="rate-editor__terms">
        <Col xs={12} lg={6}>
          <Form.Item
            name={['rateCard', 'setupFeeYuan']}
            label={t('lab.fields.setupFee')}
            rules={[rules.money, rules.price]}
          >
            <YuanInput data-testid="setup-fee" />
          </Form.Item>
        </Col>
        <Col xs={12} lg={6}>
          <Form.Item
            name={['rateCard', 'minimumChargeYuan']}
            label={t('lab.fields.minimumCharge')}
            rules={[rules.money, rules.price]}
          >
            <YuanInput data-testid="minimum-charge" />
          </Form.Item>
        </Col>
        <Col xs={12} lg={6}>
          <Form.Item
            name={['rateCard', 'urgentSurchargePercent']}
            label={t('lab.fields.urgentSurcharge')}
            rules={[rules.percent]}
          >
            <InputNumber
              min={0}
              max={300}
              precision={0}
              suffix="%"
              className="full-width"
              data-testid="urgent-surcharge"
            />
          </Form.Item>
        </Col>
        <Col xs={12} lg={6}>
          <Form.Item
            name={['rateCard', 'offHoursSurchargePercent']}
            label={t('lab.fields.offHoursSurcharge')}
            tooltip={t('detail.offHoursDefinition')}
            rules={[rules.percent]}
          >
            <InputNumber min={0} max={300} precision={0} suffix="%" className="full-width" />
          </Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item
            name={['rateCard', 'notes']}
            label={t('lab.fields.rateNotes')}
            rules={[rules.max('rateNotes', LIMITS.rateNotes)]}
          >
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} showCount maxLength={LIMITS.rateNotes} />
          </Form.Item>
        </Col>
      </Row>
    </div>
  );
}
