/**
 * The programme form's review stages and public-notice days (staged claim review): one stage at the
 * review level, or the enterprise's city office first and the province re-checking a sample or every
 * line; then a notice of N calendar days before payment opens.
 */
import { Form, InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ProgrammeInput } from '../../api/vouchers';

type Stages = ProgrammeInput['reviewStages'];

function StagesInput({ value, onChange }: { value?: Stages; onChange?: (v: Stages) => void }) {
  const { t } = useTranslation();
  const staged = !!value?.length;
  const percent = value?.[1]?.samplePercent ?? 100;
  const set = (on: boolean, pct = percent) =>
    onChange?.(
      on
        ? [
            { kind: 'city', samplePercent: 100 },
            { kind: 'province', samplePercent: pct },
          ]
        : null,
    );
  return (
    <Space wrap>
      <Select<'one' | 'staged'>
        value={staged ? 'staged' : 'one'}
        onChange={(v) => set(v === 'staged')}
        options={[
          { value: 'one', label: t('staged.programme.one') },
          { value: 'staged', label: t('staged.programme.cityProvince') },
        ]}
        className="stage-select"
        data-testid="programme-stages"
      />
      {staged ? (
        <InputNumber<number>
          min={1}
          max={100}
          precision={0}
          value={percent}
          onChange={(v) => set(true, v ?? 100)}
          addonBefore={t('staged.programme.samplePercent')}
          data-testid="programme-sample-percent"
        />
      ) : null}
    </Space>
  );
}

/** The two fields, inside the programme form (its values `reviewStages` and `publicNoticeDays`). */
export function ProgrammeStageFields() {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item
        name="reviewStages"
        label={t('staged.programme.stages')}
        extra={t('staged.programme.samplePercentHint')}
      >
        <StagesInput />
      </Form.Item>
      <Form.Item
        name="publicNoticeDays"
        label={t('staged.programme.noticeDays')}
        extra={t('staged.programme.noticeDaysHint')}
      >
        <InputNumber<number> min={0} max={30} precision={0} data-testid="programme-notice-days" />
      </Form.Item>
    </>
  );
}
