import { Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDebounced } from '../../ui/useDebounced';
import { useEnterprises } from './queries';

/** An enterprise, found by typing part of its name (the server searches). */
export function EnterprisePicker({
  value,
  onChange,
  placeholder,
  allowClear = false,
  certifiedOnly = false,
  className,
  testId,
}: {
  value?: number | null;
  onChange?: (id: number | undefined) => void;
  placeholder?: string;
  allowClear?: boolean;
  certifiedOnly?: boolean;
  className?: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 300);
  const list = useEnterprises(query);
  const options = (list.data ?? [])
    .filter((e) => !certifiedOnly || (e.certification?.valid && !e.certification.revokedAt))
    .map((e) => ({ value: e.id, label: e.cityName ? `${e.name} · ${e.cityName}` : e.name }));
  return (
    <Select<number>
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? undefined)}
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear={allowClear}
      loading={list.isFetching}
      placeholder={placeholder ?? t('related.searchEnterprise')}
      options={options}
      className={className}
      data-testid={testId}
      notFoundContent={list.isFetching ? t('common.loading') : t('enterprises.empty')}
    />
  );
}
