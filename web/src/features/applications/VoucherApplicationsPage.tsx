/** `/my/voucher-applications`: the programmes open to the enterprise, the application form, and its applications. */
import { FormOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Form,
  Grid,
  Input,
  List,
  Skeleton,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { applicationsApi, type OpenProgramme, type VoucherChange } from '../../api/applications';
import { fenToYuanString, formatFen, parseYuanToFen } from '../../ui/money';
import { EmptyState, ErrorState } from '../../ui/states';
import { formatDateTime } from '../../ui/time';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { YuanInput } from '../../ui/YuanInput';
import { useFailedToast } from '../vouchers/useFailedToast';
import { ApplicationStatusTag, HOME_ZONE } from './parts';
import { useApplicationsChanged, useEligibility, useVoucherApplications } from './queries';

type Values = { amountYuan: string; plannedUse: string; declaresNoRelatedParties: boolean };

/** Amount, planned use, the declaration: a new application, or a returned one's changes. */
export function VoucherForm({
  capFen,
  initial,
  pending,
  onSubmit,
  submitLabel,
}: {
  capFen: number;
  initial?: VoucherChange;
  pending: boolean;
  onSubmit: (v: VoucherChange) => void;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  return (
    <Form<Values>
      layout="vertical"
      disabled={pending}
      data-testid="voucher-application-form"
      initialValues={
        initial
          ? { ...initial, amountYuan: fenToYuanString(initial.amountFen) }
          : { amountYuan: '', plannedUse: '', declaresNoRelatedParties: false }
      }
      onFinish={(v) =>
        onSubmit({
          amountFen: parseYuanToFen(v.amountYuan)!,
          plannedUse: v.plannedUse.trim(),
          declaresNoRelatedParties: v.declaresNoRelatedParties,
        })
      }
    >
      <Form.Item
        name="amountYuan"
        label={t('applications.voucher.amountYuan')}
        rules={[
          {
            validator: async (_, v: string | undefined) => {
              const fen = parseYuanToFen(v ?? '');
              if (fen === null || fen <= 0 || fen > capFen)
                throw new Error(t('applications.voucher.amountRange', { cap: formatFen(capFen) }));
            },
          },
        ]}
      >
        <YuanInput data-testid="application-amount" />
      </Form.Item>
      <Form.Item
        name="plannedUse"
        label={t('applications.voucher.plannedUse')}
        extra={t('applications.voucher.plannedUseHint')}
        rules={[{ required: true, whitespace: true, min: 10, message: t('applications.voucher.plannedUseHint') }]}
      >
        <Input.TextArea rows={4} maxLength={2000} showCount data-testid="application-planned-use" />
      </Form.Item>
      <Form.Item
        name="declaresNoRelatedParties"
        valuePropName="checked"
        rules={[
          {
            validator: async (_, v: boolean) => {
              if (!v) throw new Error(t('applications.voucher.declarationRequired'));
            },
          },
        ]}
      >
        <Checkbox data-testid="application-declaration">{t('applications.voucher.declaration')}</Checkbox>
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={pending} data-testid="submit-voucher-application">
        {submitLabel}
      </Button>
    </Form>
  );
}

function ProgrammeItem({ p, onApply }: { p: OpenProgramme; onApply: (p: OpenProgramme) => void }) {
  const { t } = useTranslation();
  return (
    <List.Item
      data-testid="open-programme"
      data-programme-id={p.id}
      actions={[
        p.application ? (
          <Link key="a" to={`/my/voucher-applications/${p.application.id}`}>
            <ApplicationStatusTag status={p.application.status} />
          </Link>
        ) : (
          <Button
            key="a"
            type="primary"
            icon={<FormOutlined />}
            disabled={p.blockedBy !== null}
            onClick={() => onApply(p)}
            data-testid="apply-programme"
          >
            {t('applications.voucher.apply')}
          </Button>
        ),
      ]}
    >
      <List.Item.Meta
        title={
          <span>
            {p.name}{' '}
            {p.blockedBy && !p.application ? <Tag>{t(`applications.voucher.block.${p.blockedBy}`)}</Tag> : null}
          </span>
        }
        description={
          <span className="small-text">
            {t('applications.voucher.window')} {p.applicationOpensOn} – {p.applicationClosesOn} ·{' '}
            {t('applications.voucher.cap')} {formatFen(p.enterpriseYearCapFen)} · {t('applications.voucher.issuer')}{' '}
            {p.issuerCityName
              ? t('applications.voucher.officeCity', { city: p.issuerCityName })
              : t('applications.voucher.officeProvince')}{' '}
            · {t('applications.voucher.useBy')} {p.useBy}
          </span>
        }
      />
    </List.Item>
  );
}

export function VoucherApplicationsPage() {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const phone = Grid.useBreakpoint().md === false;
  useDocumentTitle(t('applications.voucher.title'));
  const failed = useFailedToast();
  const changed = useApplicationsChanged();
  const eligibility = useEligibility();
  const mine = useVoucherApplications();
  const [applying, setApplying] = useState<OpenProgramme | null>(null);
  const apply = useMutation({
    mutationFn: (v: VoucherChange) => applicationsApi.applyForVouchers({ ...v, programmeId: applying!.id }),
    onSuccess: (a) => {
      changed();
      setApplying(null);
      void message.success(t('applications.common.submitted'));
      void navigate(`/my/voucher-applications/${a.id}`);
    },
    onError: failed,
  });
  const certified = eligibility.data?.certification?.valid ?? false;

  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('applications.voucher.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('applications.voucher.subtitle')}</Typography.Text>
        </div>
      </div>
      {eligibility.data && !certified ? (
        <Alert
          type="warning"
          showIcon
          className="form-alert"
          data-testid="needs-certification"
          title={t('applications.voucher.needCertification')}
          action={
            <Link to="/my/certification">
              <Button size="small" icon={<SafetyCertificateOutlined />}>
                {t('applications.voucher.goCertify')}
              </Button>
            </Link>
          }
        />
      ) : null}
      <Card className="section-card" title={t('applications.voucher.open')}>
        {eligibility.isPending ? (
          <Skeleton active paragraph={{ rows: 3 }} />
        ) : eligibility.isError ? (
          <ErrorState error={eligibility.error} onRetry={() => void eligibility.refetch()} />
        ) : eligibility.data.programmes.length === 0 ? (
          <EmptyState title={t('applications.voucher.openEmpty')} />
        ) : (
          <List
            data-testid="open-programmes"
            dataSource={eligibility.data.programmes}
            renderItem={(p) => <ProgrammeItem key={p.id} p={p} onApply={setApplying} />}
          />
        )}
      </Card>
      <Card className="section-card" title={t('applications.voucher.mine')}>
        {mine.isPending ? (
          <Skeleton active paragraph={{ rows: 3 }} />
        ) : mine.isError ? (
          <ErrorState error={mine.error} onRetry={() => void mine.refetch()} />
        ) : mine.data.length === 0 ? (
          <EmptyState title={t('applications.voucher.mineEmpty')} />
        ) : (
          <List
            data-testid="my-voucher-applications"
            dataSource={mine.data}
            renderItem={(a) => (
              <List.Item
                key={a.id}
                data-application-id={a.id}
                data-status={a.status}
                actions={[
                  <Link key="o" to={`/my/voucher-applications/${a.id}`}>
                    {t('applications.common.open')}
                  </Link>,
                ]}
              >
                <List.Item.Meta
                  title={
                    <span>
                      {a.programme.name} <ApplicationStatusTag status={a.status} />
                    </span>
                  }
                  description={
                    <span className="small-text">
                      {t('applications.voucher.amount')} {formatFen(a.amountFen)}
                      {a.approvedFen !== null
                        ? ` · ${t('applications.voucher.approvedAmount')} ${formatFen(a.approvedFen)}`
                        : ''}{' '}
                      · {formatDateTime(a.submittedAt, HOME_ZONE, i18n.language)}
                    </span>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </Card>
      <Drawer
        open={applying !== null}
        onClose={() => setApplying(null)}
        size={phone ? '100%' : 560}
        destroyOnHidden
        title={applying ? t('applications.voucher.applyTitle', { name: applying.name }) : ''}
        data-testid="apply-drawer"
      >
        {applying ? (
          <>
            <Descriptions
              size="small"
              column={1}
              items={[
                {
                  key: 'cap',
                  label: t('applications.voucher.cap'),
                  children: formatFen(applying.enterpriseYearCapFen),
                },
                {
                  key: 'window',
                  label: t('applications.voucher.window'),
                  children: `${applying.applicationOpensOn} – ${applying.applicationClosesOn}`,
                },
                { key: 'useBy', label: t('applications.voucher.useBy'), children: applying.useBy },
              ]}
            />
            <VoucherForm
              capFen={applying.enterpriseYearCapFen}
              pending={apply.isPending}
              onSubmit={(v) => apply.mutate(v)}
              submitLabel={t('applications.common.submit')}
            />
          </>
        ) : null}
      </Drawer>
    </div>
  );
}
