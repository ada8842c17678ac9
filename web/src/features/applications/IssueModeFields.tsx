/**
 * The programme form's section on how quotas are issued (admins, on application within a window, or
 * automatically to every certified enterprise of the area), its values' conversion to and from the
 * API, and the tag the programme list shows.
 */
import { ThunderboltOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App as AntApp, Button, Card, DatePicker, Form, Radio, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { applicationsApi, QUOTA_ISSUE_MODES, type QuotaIssueMode } from '../../api/applications';
import type { Programme, ProgrammeInput } from '../../api/vouchers';
import { fenToYuanString, parseYuanToFen } from '../../ui/money';
import { dayjs } from '../../ui/time';
import { YuanInput } from '../../ui/YuanInput';
import { useFailedToast } from '../vouchers/useFailedToast';
import { useApplicationsChanged } from './queries';

export type IssueValues = {
  quotaIssueMode: QuotaIssueMode;
  applicationWindow?: [Dayjs, Dayjs] | null;
  automaticQuotaYuan?: string | null;
};

export const blankIssueValues = (): IssueValues => ({
  quotaIssueMode: 'admin',
  applicationWindow: null,
  automaticQuotaYuan: null,
});

export function issueValuesOf(p: Programme): IssueValues {
  return {
    quotaIssueMode: p.quotaIssueMode,
    applicationWindow:
      p.applicationOpensOn && p.applicationClosesOn
        ? [dayjs(p.applicationOpensOn), dayjs(p.applicationClosesOn)]
        : null,
    automaticQuotaYuan: p.automaticQuotaFen === null ? null : fenToYuanString(p.automaticQuotaFen),
  };
}

export function issueInputOf(
  v: IssueValues,
): Pick<ProgrammeInput, 'quotaIssueMode' | 'applicationOpensOn' | 'applicationClosesOn' | 'automaticQuotaFen'> {
  const window = v.quotaIssueMode === 'application' ? v.applicationWindow : null;
  return {
    quotaIssueMode: v.quotaIssueMode ?? 'admin',
    applicationOpensOn: window ? window[0].format('YYYY-MM-DD') : null,
    applicationClosesOn: window ? window[1].format('YYYY-MM-DD') : null,
    automaticQuotaFen:
      v.quotaIssueMode === 'automatic' && v.automaticQuotaYuan ? parseYuanToFen(v.automaticQuotaYuan) : null,
  };
}

/** The form section (inside the programme form: reads its enterprise cap for the automatic amount's check). */
export function IssueModeCard({ programme }: { programme: Programme | null }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const mode = (Form.useWatch('quotaIssueMode', form) as QuotaIssueMode | undefined) ?? 'admin';
  return (
    <Card
      size="small"
      className="section-card"
      title={t('applications.issueMode.title')}
      extra={programme && programme.quotaIssueMode === 'automatic' ? <GrantNow programmeId={programme.id} /> : null}
    >
      <Form.Item name="quotaIssueMode" label={t('applications.issueMode.mode')}>
        <Radio.Group
          className="radio-stack"
          data-testid="issue-mode"
          options={QUOTA_ISSUE_MODES.map((m) => ({ value: m, label: t(`applications.issueMode.${m}`) }))}
        />
      </Form.Item>
      {mode === 'application' ? (
        <Form.Item
          name="applicationWindow"
          label={t('applications.issueMode.window')}
          extra={t('applications.issueMode.windowHint')}
          rules={[{ required: true, message: t('applications.issueMode.windowRequired') }]}
        >
          <DatePicker.RangePicker className="full-width" data-testid="application-window" />
        </Form.Item>
      ) : null}
      {mode === 'automatic' ? (
        <Form.Item
          name="automaticQuotaYuan"
          label={t('applications.issueMode.automaticAmount')}
          extra={t('applications.issueMode.automaticHint')}
          dependencies={['enterpriseYearCapYuan']}
          rules={[
            ({ getFieldValue }) => ({
              validator: async (_: unknown, v: string | null | undefined) => {
                const fen = parseYuanToFen(v ?? '');
                if (fen === null || fen <= 0) throw new Error(t('applications.issueMode.automaticRequired'));
                const cap = parseYuanToFen(String(getFieldValue('enterpriseYearCapYuan') ?? ''));
                if (cap !== null && fen > cap) throw new Error(t('applications.issueMode.automaticOverCap'));
              },
            }),
          ]}
        >
          <YuanInput data-testid="automatic-quota" />
        </Form.Item>
      ) : null}
    </Card>
  );
}

function GrantNow({ programmeId }: { programmeId: number }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const failed = useFailedToast();
  const changed = useApplicationsChanged();
  const grant = useMutation({
    mutationFn: () => applicationsApi.grantAutomaticQuotas(programmeId),
    onSuccess: (r) => {
      changed();
      void message.success(t('applications.issueMode.granted', { n: r.granted }));
    },
    onError: failed,
  });
  return (
    <Button size="small" icon={<ThunderboltOutlined />} loading={grant.isPending} onClick={() => grant.mutate()}>
      {t('applications.issueMode.grantNow')}
    </Button>
  );
}

/** In the programme list: how its quotas are issued (nothing for admin grants, the usual way). */
export function IssueModeTag({ p }: { p: Programme }) {
  const { t } = useTranslation();
  if (p.quotaIssueMode === 'admin') return null;
  return p.quotaIssueMode === 'application' ? (
    <Tag color="blue" data-testid="issue-mode-tag">
      {t('applications.issueMode.tagApplication')} {p.applicationOpensOn} – {p.applicationClosesOn}
    </Tag>
  ) : (
    <Tag color="purple" data-testid="issue-mode-tag">
      {t('applications.issueMode.tagAutomatic')}
    </Tag>
  );
}
