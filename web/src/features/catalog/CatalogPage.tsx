import { ClockCircleOutlined, FilterOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Grid, Space, Tag } from 'antd';
// The plain input, not antd's Input with its TextArea, Password, OTP and Search attached (~3 KB gzipped).
import Input from 'antd/es/input/Input';
import { useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { SORTS, type Sort } from '../../api/catalog';
import { EmptyState, ErrorState } from '../../ui/states';
import { localName } from '../../ui/names';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { FreeTimeFilter, FreeTimeResults, parseFreeTime, type FreeTime } from '../booking/FreeTimeSearch';
import { OverviewBanner } from '../stats/OverviewBanner';
import { FacetPanel } from './FacetPanel';
import { InstrumentCard, InstrumentCardSkeleton } from './InstrumentCard';
import { findCategoryPath, useCategories, useCities, useInstrumentSearch } from './queries';
import { hasFilters, parseSearch, toApiParams, toUrlParams, type CatalogSearch } from './searchState';
import { Text } from '../../ui/Text';
import { NativeSelect } from '../../ui/NativeSelect';
import { LazyDrawer } from '../../ui/LazyDrawer';

function SearchBox({ initial, onSearch, large }: { initial: string; onSearch: (q: string) => void; large: boolean }) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  const submit = () => onSearch(text.trim());
  return (
    <form
      role="search"
      className="catalog-search"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Space.Compact block size="large">
        <Input
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            // Clearing the box (×) clears the search at once.
            if (e.type === 'click' && e.target.value === '') onSearch('');
          }}
          onKeyDown={(e) => {
            // Enter that confirms an IME composition (pinyin) is not a search.
            if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
          placeholder={large ? t('catalog.searchPlaceholder') : t('catalog.searchPlaceholderShort')}
          prefix={<SearchOutlined className="catalog-search__icon" />}
          allowClear
          maxLength={100}
          enterKeyHint="search"
          aria-label={t('catalog.searchButton')}
          data-testid="search-input"
        />
        <Button type="primary" htmlType="submit" className="catalog-search__button" data-testid="search-submit">
          {large ? t('catalog.searchButton') : <SearchOutlined aria-label={t('catalog.searchButton')} />}
        </Button>
      </Space.Compact>
    </form>
  );
}

export function CatalogPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const search = useMemo(() => parseSearch(params), [params]);
  const screens = Grid.useBreakpoint();
  const wide = screens.lg ?? true;
  const compact = screens.md === false;
  const [filtersOpen, setFiltersOpen] = useState(false);
  /** The compact bar's free-time row: open or shut by its button; unset, it shows while free time is applied. */
  const [freeOpen, setFreeOpen] = useState<boolean | null>(null);
  useDocumentTitle(search.q ? `${search.q} - ${t('nav.catalog')}` : t('nav.catalog'));

  const apiParams = useMemo(() => toApiParams(search), [search]);
  const results = useInstrumentSearch(apiParams, { keepPrevious: true });
  const categories = useCategories();
  const cities = useCities();

  const free = useMemo(() => parseFreeTime(params), [params]);
  /** The free-time filter rides along in the URL with the other parameters. */
  const withFree = (p: URLSearchParams, f: FreeTime | null = free) => {
    if (f) {
      p.set('freeFrom', f.from);
      p.set('freeTo', f.to);
      p.set('freeHours', String(f.hours));
    }
    return p;
  };
  const update = (patch: Partial<CatalogSearch>) => setParams(withFree(toUrlParams({ ...search, ...patch })));
  const clearFilters = () => setParams(withFree(toUrlParams({ q: search.q, sort: search.sort })));
  const applyFree = (f: FreeTime | null) => setParams(withFree(toUrlParams(search), f));

  const first = results.data?.pages[0];
  const items = results.data?.pages.flatMap((p) => p.items) ?? [];
  const total = first?.total ?? null;
  const facets = first?.facets;
  const busy = results.isFetching && !results.isFetchingNextPage;
  const provinceTotal = (cities.data ?? []).reduce((sum, c) => sum + c.instrumentCount, 0);

  const cityName = (code: string) => {
    const c = facets?.cities.find((x) => x.code === code) ?? cities.data?.find((x) => x.code === code);
    return c ? localName(c, i18n.language) : code;
  };
  const categoryName = (code: string) => {
    const path = findCategoryPath(categories.data, code);
    const node = path[path.length - 1] ?? facets?.categories.find((x) => x.code === code);
    return node ? localName(node, i18n.language) : code;
  };

  const chips: { key: string; label: string; clear: Partial<CatalogSearch> }[] = [];
  if (search.category)
    chips.push({ key: 'category', label: categoryName(search.category), clear: { category: undefined } });
  if (search.city) chips.push({ key: 'city', label: cityName(search.city), clear: { city: undefined } });
  if (search.sharingMode)
    chips.push({ key: 'sharing', label: t(`sharingMode.${search.sharingMode}`), clear: { sharingMode: undefined } });
  if (search.status)
    chips.push({ key: 'status', label: t(`runStatus.${search.status}`), clear: { status: undefined } });
  if (search.minPrice || search.maxPrice)
    chips.push({
      key: 'price',
      label: t('catalog.priceChip', {
        range: `¥${search.minPrice ?? '0'} – ${search.maxPrice ? `¥${search.maxPrice}` : '∞'}`,
      }),
      clear: { minPrice: undefined, maxPrice: undefined },
    });

  const panel = (
    <FacetPanel
      search={search}
      facets={facets}
      tree={categories.data}
      onChange={(patch) => update(patch)}
      onClear={clearFilters}
      showTitle={wide}
    />
  );

  let body;
  if (results.isPending) {
    body = Array.from({ length: 6 }, (_, i) => <InstrumentCardSkeleton key={i} compact={compact} />);
  } else if (results.isError && !results.data) {
    body = <ErrorState error={results.error} onRetry={() => void results.refetch()} />;
  } else if (items.length === 0) {
    body = (
      <EmptyState
        title={t('catalog.emptyTitle')}
        hint={t('catalog.emptyHint')}
        action={
          hasFilters(search) || search.q ? (
            <Button type="primary" onClick={() => setParams(new URLSearchParams())} data-testid="empty-clear">
              {t('catalog.clearAll')}
            </Button>
          ) : null
        }
      />
    );
  } else {
    body = items.map((item) => <InstrumentCard key={item.id} item={item} compact={compact} />);
  }

  const searchBox = <SearchBox key={search.q} initial={search.q} onSearch={(q) => update({ q })} large={!compact} />;
  const freeFilter = (
    <FreeTimeFilter key={free ? `${free.from}${free.to}${free.hours}` : 'none'} value={free} onApply={applyFree} />
  );
  // Once there is a query (text, a filter or free time), the hero, the province's figures and the
  // overview banner fold into one bar, so the results start near the top of the screen.
  const querying = Boolean(search.q) || hasFilters(search) || free !== null;
  const showFree = freeOpen ?? free !== null;

  return (
    <div className="catalog-page">
      {querying ? (
        <section className="catalog-bar" data-testid="search-bar-compact">
          <div className="catalog-bar__row">
            {/* The page's heading: the name the navigation and the tab title give it. */}
            <h1 className={wide ? 'catalog-bar__title' : 'visually-hidden'}>{t('nav.catalog')}</h1>
            <div className="catalog-bar__search">{searchBox}</div>
            <Button
              size="large"
              className={`catalog-bar__free${showFree ? ' catalog-bar__free--open' : ''}`}
              icon={<ClockCircleOutlined />}
              onClick={() => setFreeOpen(!showFree)}
              aria-expanded={showFree}
              aria-label={compact ? t('freeSearch.title') : undefined}
              data-testid="free-search-toggle"
            >
              {compact ? null : t('freeSearch.title')}
            </Button>
          </div>
          {showFree ? freeFilter : null}
        </section>
      ) : (
        <>
          <section className="catalog-hero" data-testid="catalog-hero">
            <h1 className="catalog-hero__title">{t('catalog.heroTitle')}</h1>
            {compact ? null : <p className="catalog-hero__subtitle">{t('catalog.heroSubtitle')}</p>}
            <div className="catalog-hero__search">{searchBox}</div>
            {freeFilter}
            {provinceTotal > 0 ? (
              <div className="catalog-hero__stats">{t('catalog.heroStats', { n: provinceTotal.toLocaleString() })}</div>
            ) : null}
          </section>
          <OverviewBanner />
        </>
      )}

      <div className="catalog-layout">
        {wide ? <aside className="catalog-filters">{panel}</aside> : null}
        {free ? (
          <FreeTimeResults
            free={free}
            filters={{ q: search.q || undefined, category: search.category, city: search.city }}
            compact={compact}
            onClear={() => applyFree(null)}
          />
        ) : (
          <section
            className="catalog-results"
            aria-busy={busy}
            data-testid="results"
            data-busy={busy ? 'true' : 'false'}
            data-search={params.toString()}
          >
            <div className="results-toolbar">
              <div className="results-toolbar__total" data-testid="result-total" data-total={total ?? ''}>
                {total !== null ? (
                  <Trans
                    i18nKey={search.q ? 'catalog.totalForQuery' : 'catalog.total'}
                    values={{ n: total.toLocaleString(), q: search.q }}
                    components={{ strong: <strong /> }}
                  />
                ) : (
                  <span>&nbsp;</span>
                )}
              </div>
              <Space size={8} className="results-toolbar__actions">
                {wide ? null : (
                  <Button icon={<FilterOutlined />} onClick={() => setFiltersOpen(true)} data-testid="open-filters">
                    {t('catalog.filters')}
                    {chips.length ? ` (${chips.length})` : ''}
                  </Button>
                )}
                <NativeSelect<Sort>
                  value={search.sort}
                  onChange={(sort) => update({ sort: sort ?? 'relevance' })}
                  options={SORTS.map((s) => ({ value: s, label: t(`catalog.sorts.${s}`) }))}
                  style={{ width: compact ? 140 : 168 }}
                  aria-label={t('catalog.sort')}
                  data-testid="sort-select"
                />
              </Space>
            </div>
            {chips.length ? (
              <div className="results-chips" data-testid="active-filters">
                {chips.map((c) => (
                  <Tag key={c.key} closable onClose={() => update(c.clear)} color="blue">
                    {c.label}
                  </Tag>
                ))}
                <Button type="link" size="small" onClick={clearFilters}>
                  {t('catalog.clearFilters')}
                </Button>
              </div>
            ) : null}
            {results.isError && results.data ? (
              <Alert
                type="error"
                showIcon
                className="results-alert"
                title={t('common.errorTitle')}
                action={
                  <Button size="small" onClick={() => void results.refetch()}>
                    {t('common.retry')}
                  </Button>
                }
              />
            ) : null}
            <div className={`results-list${busy && !results.isPending ? ' results-list--stale' : ''}`}>{body}</div>
            {items.length > 0 ? (
              <div className="results-more">
                <Text type="secondary" data-testid="loaded-count">
                  {total !== null
                    ? results.hasNextPage
                      ? t('common.loadedOf', { shown: items.length, total })
                      : t('common.loadedAll', { total })
                    : t('common.loadedCount', { shown: items.length })}
                </Text>
                {results.hasNextPage ? (
                  <Button
                    size="large"
                    onClick={() => void results.fetchNextPage()}
                    loading={results.isFetchingNextPage}
                    data-testid="load-more"
                    className="results-more__button"
                  >
                    {t('common.loadMore')}
                  </Button>
                ) : null}
              </div>
            ) : null}
          </section>
        )}
      </div>

      {wide ? null : (
        <LazyDrawer
          placement="right"
          open={filtersOpen}
          onClose={() => setFiltersOpen(false)}
          title={t('catalog.filterTitle')}
          size={compact ? '100%' : 360}
          footer={
            <Button type="primary" block onClick={() => setFiltersOpen(false)} data-testid="filters-done">
              {total !== null ? t('catalog.viewResults', { n: total.toLocaleString() }) : t('common.apply')}
            </Button>
          }
        >
          {panel}
        </LazyDrawer>
      )}
    </div>
  );
}
