/**
 * The registration form's fields of an organisation (registering and editing), with the credit code
 * checked as it is typed (GB 32100 and whether it is registered already), and the mapping of the
 * server's field errors back onto them.
 */
import { CheckCircleFilled } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Col, Form, Input, Row, Select, Typography, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError, problemText } from '../../api/client';
import { organisationsApi, type InstitutionType } from '../../api/organisations';
import { useDebounced } from '../../ui/useDebounced';
import { PlaceCascader, type FieldKey } from './parts';

const INSTITUTION_TYPES: InstitutionType[] = ['university', 'institute', 'test_centre', 'enterprise_lab'];
export const MOBILE = /^1[3-9]\d{9}$/;

/** Puts a 400's or 409's field errors (`body.creditCode`) on the form's fields; true when any took one. */
export function placeErrors(form: FormInstance, e: unknown, fields: Record<string, string | string[]>): boolean {
  if (!isApiError(e) || (e.status !== 400 && e.status !== 409) || !e.errors.length) return false;
  const placed = e.errors.flatMap((err) => {
    const name = fields[err.path.replace(/^body\./, '')];
    if (!name) return [];
    const text = /^[a-z0-9_]+$/.test(err.message) ? e.detail : err.message;
    return [{ name, errors: [e.status === 409 ? problemText(e) : text] }];
  });
  if (placed.length) form.setFields(placed);
  return placed.length > 0;
}

/** Where the server's field paths go on the organisation's fields. */
export const ORGANISATION_ERROR_FIELDS: Record<string, string | string[]> = {
  name: 'name',
  creditCode: 'creditCode',
  institutionType: 'institutionType',
  cityCode: 'place',
  countyCode: 'place',
  address: 'address',
  legalRepresentative: 'legalRepresentative',
  contactName: 'contactName',
  contactPhone: 'contactPhone',
  contactEmail: 'contactEmail',
};

/** The credit code's check, as it is typed; `onJoin` offers joining an organisation already registered. */
function CreditCodeStatus({ code, onJoin }: { code: string; onJoin?: (code: string) => void }) {
  const { t } = useTranslation();
  const typed = useDebounced(code.replace(/[\s-]/g, '').toUpperCase(), 400);
  const check = useQuery({
    queryKey: ['organisations', 'credit-code', typed],
    queryFn: ({ signal }) => organisationsApi.checkCreditCode(typed, signal),
    enabled: typed.length === 18,
    staleTime: 60_000,
  });
  if (typed.length !== 18 || !check.data) return null;
  const { valid, problem, registered } = check.data;
  if (!valid) return <Typography.Text type="danger">{problem}</Typography.Text>;
  if (registered) {
    return (
      <Alert
        type="warning"
        showIcon
        data-testid="code-registered"
        style={{ marginBottom: 12 }}
        title={t('organisations.register.registeredTitle')}
        description={
          registered.joinable
            ? t('organisations.register.registeredText', { name: registered.name })
            : t('organisations.register.notJoinable')
        }
        action={
          registered.joinable && onJoin ? (
            <Button size="small" type="primary" onClick={() => onJoin(typed)} data-testid="join-instead">
              {t('organisations.register.joinInstead')}
            </Button>
          ) : undefined
        }
      />
    );
  }
  return (
    <Typography.Text type="success" className="small-text">
      <CheckCircleFilled /> {t('organisations.hint.creditCodeOk')}
    </Typography.Text>
  );
}

/** The organisation's fields, in a <Form>; `kind` decides whether the institution's type is asked. */
export function OrganisationFields({
  kind,
  onJoin,
  withContactEmail = false,
}: {
  kind: 'enterprise' | 'institution';
  onJoin?: (code: string) => void;
  withContactEmail?: boolean;
}) {
  const { t } = useTranslation();
  const f = (k: FieldKey) => t(`organisations.field.${k}`);
  const required = (k: FieldKey) => ({
    required: true,
    whitespace: true,
    message: t('organisations.rule.required', { field: f(k) }),
  });
  const code = (Form.useWatch('creditCode') as string | undefined) ?? '';
  return (
    <>
      <Form.Item name="name" label={f('name')} rules={[required('name'), { min: 2, max: 100 }]}>
        <Input maxLength={100} autoComplete="organization" data-testid="org-name" />
      </Form.Item>
      <Form.Item
        name="creditCode"
        label={f('creditCode')}
        extra={code.replace(/[\s-]/g, '').length === 18 ? <CreditCodeStatus code={code} onJoin={onJoin} /> : undefined}
        rules={[
          required('creditCode'),
          { len: 18, transform: (v: string) => v?.replace(/[\s-]/g, ''), message: t('organisations.hint.creditCode') },
        ]}
        normalize={(v: string) => v.toUpperCase()}
      >
        <Input
          maxLength={24}
          placeholder={t('organisations.hint.creditCode')}
          className="nowrap"
          autoComplete="off"
          data-testid="org-credit-code"
        />
      </Form.Item>
      {kind === 'institution' ? (
        <Form.Item
          name="institutionType"
          label={f('institutionType')}
          rules={[{ required: true, message: t('organisations.rule.choose', { field: f('institutionType') }) }]}
        >
          <Select
            data-testid="org-institution-type"
            options={INSTITUTION_TYPES.map((v) => ({ value: v, label: t(`organisations.institutionType.${v}`) }))}
          />
        </Form.Item>
      ) : null}
      <Row gutter={16}>
        <Col xs={24} md={10}>
          <Form.Item
            name="place"
            label={f('place')}
            rules={[
              { required: true, message: t('organisations.rule.choose', { field: f('place') }) },
              { type: 'array', len: 2, message: t('organisations.rule.choose', { field: f('countyCode') }) },
            ]}
          >
            <PlaceCascader />
          </Form.Item>
        </Col>
        <Col xs={24} md={14}>
          <Form.Item name="address" label={f('address')} rules={[required('address'), { min: 5, max: 200 }]}>
            <Input maxLength={200} placeholder={t('organisations.hint.address')} data-testid="org-address" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item
            name="legalRepresentative"
            label={f('legalRepresentative')}
            rules={[required('legalRepresentative'), { min: 2, max: 50 }]}
          >
            <Input maxLength={50} data-testid="org-legal" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="contactName" label={f('contactName')} rules={[required('contactName'), { min: 2, max: 50 }]}>
            <Input maxLength={50} autoComplete="name" data-testid="org-contact-name" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="contactPhone"
            label={f('contactPhone')}
            rules={[required('contactPhone'), { pattern: MOBILE, message: t('organisations.rule.mobile') }]}
          >
            <Input maxLength={11} inputMode="tel" autoComplete="tel" data-testid="org-contact-phone" />
          </Form.Item>
        </Col>
      </Row>
      {withContactEmail ? (
        <Form.Item
          name="contactEmail"
          label={f('contactEmail')}
          rules={[required('contactEmail'), { type: 'email', message: t('organisations.rule.email') }]}
        >
          <Input maxLength={200} inputMode="email" />
        </Form.Item>
      ) : null}
    </>
  );
}
