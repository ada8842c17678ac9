/** Pieces of listing review shared by the reviewers' page and the lab's: status tags, values, history. */
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Tag, Timeline, Typography } from 'antd';
import { useMemo } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { CategoryNode, RunStatus, SharingMode } from '../../api/catalog';
import { listingApi, type ListingFilter, type ListingStatus, type ListingSubmissionDetail } from '../../api/listing';
import { isEnglish } from '../../i18n';
import { formatFen } from '../../ui/money';
import { localName } from '../../ui/names';
import { RunStatusTag, SharingModeTag } from '../../ui/tags';
import { useCategories, useCities } from '../catalog/queries';

export const listingKeys = {
  all: ['listing'] as const,
  list: (filter: ListingFilter) => ['listing', 'list', filter] as const,
  one: (id: number) => ['listing', 'one', id] as const,
};

export function useListingPage(filter: ListingFilter, enabled = true) {
  return useQuery({
    queryKey: listingKeys.list(filter),
    queryFn: ({ signal }) => listingApi.list(filter, signal),
    placeholderData: keepPreviousData,
    enabled,
    retry: (count, e) => (e as { status?: number }).status !== 403 && count < 2,
  });
}

export function useListingSubmission(id: number | null) {
  return useQuery({
    queryKey: listingKeys.one(id ?? 0),
    queryFn: ({ signal }) => listingApi.get(id!, signal),
    enabled: id !== null,
  });
}

/** After a decision or a lab's change: every list and detail, and the catalogue (an approval publishes). */
export function useListingChanged() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: listingKeys.all });
    void qc.invalidateQueries({ queryKey: ['instruments'] });
  };
}

const STATUS_COLOR: Record<ListingStatus, string> = {
  pending: 'processing',
  returned: 'warning',
  approved: 'success',
  rejected: 'error',
  withdrawn: 'default',
};

export function ListingStatusTag({ status }: { status: ListingStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="listing-status">
      {t(`listing.statuses.${status}`)}
    </Tag>
  );
}

function flatten(nodes: CategoryNode[] | undefined, out = new Map<string, CategoryNode>()) {
  for (const n of nodes ?? []) {
    out.set(n.code, n);
    flatten(n.children, out);
  }
  return out;
}

type RateCardValue = { items?: { labelZh: string; unit: string; enterpriseFen: number }[] } | null;

/** One field's value as a person reads it (money in yuan, codes by name, the rate card by its items). */
export function FieldValue({ field, value }: { field: string; value: unknown }) {
  const { t, i18n } = useTranslation();
  const categories = useCategories();
  const cities = useCities();
  const byCode = useMemo(() => flatten(categories.data), [categories.data]);
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length))
    return <Typography.Text type="secondary">{t('listing.detail.none')}</Typography.Text>;
  switch (field) {
    case 'originalValueFen':
      return <span>{formatFen(value as number)}</span>;
    case 'categoryCode': {
      const c = byCode.get(value as string);
      return <span>{c ? `${localName(c, i18n.language)} · ${c.code}` : String(value)}</span>;
    }
    case 'cityCode': {
      const c = cities.data?.find((x) => x.code === value);
      return <span>{c ? localName(c, i18n.language) : String(value)}</span>;
    }
    case 'sharingMode':
      return <SharingModeTag mode={value as SharingMode} />;
    case 'runStatus':
      return <RunStatusTag status={value as RunStatus} />;
    case 'origin':
      return <span>{t(`origin.${value as string}` as never, { defaultValue: String(value) }) as string}</span>;
    case 'rateCard': {
      const card = value as RateCardValue;
      if (!card?.items?.length) return <span>{t('listing.detail.noRateCard')}</span>;
      return (
        <ul className="listing-rate-items">
          {card.items.map((item, i) => (
            <li key={i}>
              {item.labelZh}：{formatFen(item.enterpriseFen)}/{t(`priceUnit.${item.unit}`, { defaultValue: item.unit })}
            </li>
          ))}
        </ul>
      );
    }
    default:
      if (typeof value === 'boolean') return <span>{value ? t('common.yes', '是') : t('common.no', '否')}</span>;
      if (Array.isArray(value)) return <span>{value.join('、')}</span>;
      if (typeof value === 'object') return <span>{JSON.stringify(value)}</span>;
      return <span className="listing-text">{String(value)}</span>;
  }
}

export function fieldLabel(t: TFunction, field: string): string {
  return t(`listing.fields.${field}` as never, { defaultValue: field }) as string;
}

export function ListingHistory({ history }: { history: ListingSubmissionDetail['history'] }) {
  const { t, i18n } = useTranslation();
  const fmt = (ms: number) =>
    new Date(ms).toLocaleString(isEnglish(i18n.language) ? 'en-GB' : 'zh-CN', {
      timeZone: 'Asia/Shanghai',
      dateStyle: 'medium',
      timeStyle: 'short',
    });
  return (
    <Timeline
      data-testid="listing-history"
      items={history.map((h) => ({
        color:
          h.action === 'approved'
            ? 'green'
            : h.action === 'rejected'
              ? 'red'
              : h.action === 'returned'
                ? 'orange'
                : 'blue',
        children: (
          <div>
            <Typography.Text strong>
              {t(`listing.actions.${h.action}` as never, { defaultValue: h.action }) as string}
            </Typography.Text>{' '}
            <Typography.Text type="secondary" className="small-text">
              {fmt(h.at)}
              {h.actorName ? ` · ${h.actorName}` : ''}
              {h.actorOrganisation ? `（${h.actorOrganisation}）` : ''}
            </Typography.Text>
            {h.note ? <div className="small-text">{h.note}</div> : null}
          </div>
        ),
      }))}
    />
  );
}

export const formatWhen = (ms: number, lang: string) =>
  new Date(ms).toLocaleString(isEnglish(lang) ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'medium',
    timeStyle: 'short',
  });
