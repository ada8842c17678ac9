import { Select } from 'antd';
import { DateTime } from 'luxon';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

type ZoneOption = { value: string; label: string; offset: number; search: string };

/** Every IANA zone the browser knows (Intl), with today's offset from luxon; Asia/Shanghai when Intl cannot list them. */
function zoneOptions(current: string | undefined, beijing: string): ZoneOption[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = ['Asia/Shanghai', 'UTC'];
  }
  if (!zones.includes('UTC')) zones = [...zones, 'UTC'];
  if (current && !zones.includes(current) && DateTime.now().setZone(current).isValid) zones = [...zones, current];
  const now = DateTime.now();
  return zones
    .map((zone) => {
      const at = now.setZone(zone);
      const offset = at.isValid ? at.offset : 0;
      const utc = `UTC${at.toFormat('ZZ')}`;
      // "UTC+8" and "+8" find UTC+08:00 too; 北京时间 / 中国 find Asia/Shanghai.
      const short = `UTC${offset >= 0 ? '+' : '-'}${Math.floor(Math.abs(offset) / 60)}${Math.abs(offset) % 60 ? `:${Math.abs(offset) % 60}` : ''}`;
      const extra = zone === 'Asia/Shanghai' ? beijing : '';
      return {
        value: zone,
        label: `${zone} (${utc})${extra ? ` · ${extra}` : ''}`,
        offset,
        search: `${zone} ${zone.replace(/_/g, ' ')} ${utc} ${short} ${extra}`.toLowerCase(),
      };
    })
    .sort((a, b) => a.offset - b.offset || a.value.localeCompare(b.value));
}

/** A searchable select of IANA time zones, each with its offset today ("Asia/Shanghai (UTC+08:00)"). */
export function ZoneSelect({
  value,
  onChange,
  id,
}: {
  value?: string;
  onChange?: (zone: string) => void;
  id?: string;
}) {
  const { t } = useTranslation();
  const beijing = t('work.schedule.beijing');
  // The list once per page (some 400 zones); the current value is kept even if this browser does not list it.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const options = useMemo(() => zoneOptions(value, beijing), [beijing]);
  return (
    <Select<string>
      id={id}
      value={value}
      onChange={onChange}
      options={options}
      showSearch={{
        filterOption: (input, option) => !!option && (option as ZoneOption).search.includes(input.trim().toLowerCase()),
      }}
      placeholder={t('work.schedule.zoneSearch')}
      className="full-width"
      data-testid="zone-select"
      virtual
    />
  );
}
