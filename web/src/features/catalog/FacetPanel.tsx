import { CloseCircleOutlined, LeftOutlined } from '@ant-design/icons';
import { Button, Divider, InputNumber, Skeleton, Space } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { RUN_STATUSES, SHARING_MODES, type CategoryNode, type Facets, type RunStatus } from '../../api/catalog';
import { parseYuanToFen } from '../../ui/money';
import { localName } from '../../ui/names';
import { findCategoryPath } from './queries';
import type { CatalogSearch } from './searchState';
import { Text, Title5 } from '../../ui/Text';
import { NativeSelect } from '../../ui/NativeSelect';

type Props = {
  search: CatalogSearch;
  facets: Facets | null | undefined;
  tree: CategoryNode[] | undefined;
  onChange: (patch: Partial<CatalogSearch>) => void;
  onClear: () => void;
  /** False inside the phone drawer, whose own title already says 筛选条件. */
  showTitle?: boolean;
};

function Section({ title, children, extra }: { title: string; children: ReactNode; extra?: ReactNode }) {
  return (
    <section className="facet-section">
      <div className="facet-section__head">
        <Text strong>{title}</Text>
        {extra}
      </div>
      {children}
    </section>
  );
}

function FacetOption({
  label,
  count,
  selected,
  onClick,
  depth = 0,
  testId,
  value,
  disabled = false,
}: {
  label: string;
  count?: number;
  selected: boolean;
  onClick: () => void;
  depth?: number;
  testId?: string;
  value?: string;
  disabled?: boolean;
}) {
  return (
    <button
      type="button"
      className={`facet-option${selected ? ' facet-option--selected' : ''}${disabled ? ' facet-option--empty' : ''}`}
      disabled={disabled && !selected}
      style={depth ? { paddingLeft: 8 + depth * 14 } : undefined}
      aria-pressed={selected}
      onClick={onClick}
      data-testid={testId}
      data-value={value}
    >
      <span className="facet-option__label">{label}</span>
      {count !== undefined ? <span className="facet-option__count">{count.toLocaleString()}</span> : null}
    </button>
  );
}

const FacetSkeleton = () => <Skeleton active title={false} paragraph={{ rows: 4, width: '100%' }} />;

function CategoryFacet({ search, facets, tree, onChange }: Omit<Props, 'onClear' | 'showTitle'>) {
  const { t, i18n } = useTranslation();
  if (!facets) return <FacetSkeleton />;
  const counts = new Map((facets?.categories ?? []).map((b) => [b.code, b.count]));
  const selected = search.category;
  // The category facet only counts top-level codes. Without any other criterion the tree's own
  // counts (all instruments) are exactly what a search would find, so they can label the sub-levels.
  const unfiltered =
    !search.q.trim() && !search.city && !search.status && !search.sharingMode && !search.minPrice && !search.maxPrice;
  const countOf = (n: CategoryNode) => counts.get(n.code) ?? (unfiltered ? n.count : undefined);
  const path = findCategoryPath(tree, selected);

  if (!selected) {
    // Categories with no match under the other filters are left out: the list is long.
    const roots = (facets?.categories ?? []).filter((b) => b.count > 0);
    return (
      <div className="facet-list" data-testid="facet-categories">
        {roots.map((b) => (
          <FacetOption
            key={b.code}
            label={localName(b, i18n.language)}
            count={b.count}
            selected={false}
            value={b.code}
            testId={`facet-category-${b.code}`}
            onClick={() => onChange({ category: b.code })}
          />
        ))}
      </div>
    );
  }
  const node = path[path.length - 1];
  return (
    <div className="facet-list" data-testid="facet-categories">
      <FacetOption
        label={`‹ ${t('catalog.showAllCategories')}`}
        selected={false}
        onClick={() => onChange({ category: undefined })}
      />
      {path.length === 0 ? (
        <FacetOption label={selected} selected onClick={() => onChange({ category: undefined })} />
      ) : null}
      {path.map((n, i) => (
        <FacetOption
          key={n.code}
          label={localName(n, i18n.language)}
          count={countOf(n)}
          depth={i}
          selected={n.code === selected}
          value={n.code}
          testId={`facet-category-${n.code}`}
          onClick={() => onChange({ category: n.code === selected ? path[i - 1]?.code : n.code })}
        />
      ))}
      {(node?.children ?? [])
        .filter((c) => !unfiltered || c.count > 0)
        .map((c) => (
          <FacetOption
            key={c.code}
            label={localName(c, i18n.language)}
            count={countOf(c)}
            depth={path.length}
            selected={false}
            value={c.code}
            testId={`facet-category-${c.code}`}
            onClick={() => onChange({ category: c.code })}
          />
        ))}
    </div>
  );
}

function PriceRange({ search, onChange }: Pick<Props, 'search' | 'onChange'>) {
  const { t } = useTranslation();
  const [min, setMin] = useState<string | null>(search.minPrice ?? null);
  const [max, setMax] = useState<string | null>(search.maxPrice ?? null);
  const minFen = min ? parseYuanToFen(min) : null;
  const maxFen = max ? parseYuanToFen(max) : null;
  const invalid = minFen !== null && maxFen !== null && minFen > maxFen;
  const apply = () => {
    if (invalid) return;
    onChange({ minPrice: min || undefined, maxPrice: max || undefined });
  };
  return (
    <div className="price-range">
      <Space.Compact block>
        <InputNumber<string>
          stringMode
          min="0"
          precision={2}
          placeholder={t('catalog.priceMin')}
          value={min}
          onChange={setMin}
          onPressEnter={apply}
          aria-label={t('catalog.priceMin')}
          data-testid="price-min"
          style={{ width: '50%' }}
        />
        <InputNumber<string>
          stringMode
          min="0"
          precision={2}
          placeholder={t('catalog.priceMax')}
          value={max}
          onChange={setMax}
          onPressEnter={apply}
          aria-label={t('catalog.priceMax')}
          data-testid="price-max"
          style={{ width: '50%' }}
        />
      </Space.Compact>
      {invalid ? (
        <Text type="danger" className="price-range__error">
          {t('catalog.priceInvalid')}
        </Text>
      ) : null}
      <Button block onClick={apply} disabled={invalid} data-testid="price-apply" className="price-range__apply">
        {t('common.apply')}
      </Button>
    </div>
  );
}

export function FacetPanel({ search, facets, tree, onChange, onClear, showTitle = true }: Props) {
  const { t, i18n } = useTranslation();
  const sharingCounts = new Map((facets?.sharingModes ?? []).map((b) => [b.value, b.count]));
  const hasAny = Boolean(
    search.category || search.city || search.sharingMode || search.status || search.minPrice || search.maxPrice,
  );
  return (
    <div className="facet-panel" data-testid="facet-panel">
      <div className="facet-panel__head">
        {showTitle ? <Title5>{t('catalog.filterTitle')}</Title5> : <span />}
        {hasAny ? (
          <Button type="link" size="small" icon={<CloseCircleOutlined />} onClick={onClear} data-testid="clear-filters">
            {t('common.clear')}
          </Button>
        ) : null}
      </div>

      <Section title={t('catalog.category')}>
        <CategoryFacet search={search} facets={facets} tree={tree} onChange={onChange} />
      </Section>
      <Divider className="facet-divider" />

      <Section
        title={t('catalog.city')}
        extra={
          search.city ? (
            <Button type="link" size="small" icon={<LeftOutlined />} onClick={() => onChange({ city: undefined })}>
              {t('common.all')}
            </Button>
          ) : null
        }
      >
        {facets ? null : <FacetSkeleton />}
        <div className="facet-grid" data-testid="facet-cities">
          {(facets?.cities ?? []).map((c) => (
            <FacetOption
              key={c.code}
              label={localName(c, i18n.language)}
              count={c.count}
              selected={search.city === c.code}
              disabled={c.count === 0}
              value={c.code}
              testId={`facet-city-${c.code}`}
              onClick={() => onChange({ city: search.city === c.code ? undefined : c.code })}
            />
          ))}
        </div>
      </Section>
      <Divider className="facet-divider" />

      <Section title={t('catalog.sharingMode')}>
        <div className="facet-list" data-testid="facet-sharing-modes">
          {SHARING_MODES.map((m) => (
            <FacetOption
              key={m}
              label={t(`sharingMode.${m}`)}
              count={sharingCounts.get(m) ?? 0}
              selected={search.sharingMode === m}
              disabled={(sharingCounts.get(m) ?? 0) === 0}
              value={m}
              testId={`facet-sharing-${m}`}
              onClick={() => onChange({ sharingMode: search.sharingMode === m ? undefined : m })}
            />
          ))}
        </div>
      </Section>
      <Divider className="facet-divider" />

      <Section title={t('catalog.runStatus')}>
        <NativeSelect<RunStatus>
          className="full-width"
          placeholder={t('catalog.anyStatus')}
          value={search.status}
          onChange={(v) => onChange({ status: v })}
          options={RUN_STATUSES.map((s) => ({ value: s, label: t(`runStatus.${s}`) }))}
          data-testid="status-select"
          aria-label={t('catalog.runStatus')}
        />
      </Section>
      <Divider className="facet-divider" />

      <Section title={t('catalog.price')}>
        <PriceRange key={`${search.minPrice ?? ''}-${search.maxPrice ?? ''}`} search={search} onChange={onChange} />
      </Section>
    </div>
  );
}
