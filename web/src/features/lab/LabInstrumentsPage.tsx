import { CalendarOutlined, EditOutlined, EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Grid, Select, Skeleton, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { InstrumentSummary } from '../../api/catalog';
import { useAuth } from '../../app/auth';
import { isEnglish } from '../../i18n';
import { formatFenCompact } from '../../ui/money';
import { localName } from '../../ui/names';
import { FromPrice } from '../../ui/Price';
import { EmptyState, ErrorState } from '../../ui/states';
import { RunStatusTag, SharingModeTag } from '../../ui/tags';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useInstitutions, useInstrumentSearch } from '../catalog/queries';
import { LabSubmissions, ReviewStatusTag, useLabListings } from '../listing/LabListings';

export function LabInstrumentsPage() {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const admin = user?.role === 'platform_admin';
  const screens = Grid.useBreakpoint();
  const compact = screens.md === false;
  const [institutionFilter, setInstitutionFilter] = useState<number | undefined>(undefined);
  const institutions = useInstitutions(undefined, admin);
  const institutionId = admin ? institutionFilter : user?.organisation.id;
  const params = useMemo(() => ({ institutionId, sort: 'newest' as const }), [institutionId]);
  const list = useInstrumentSearch(params, { pageSize: 50, keepPrevious: true });
  // Listing review (入网审核): the lab's own submissions and each published record's open change.
  const listings = useLabListings(user?.role === 'lab_manager');
  const [submissionId, setSubmissionId] = useState<number | null>(null);
  const title = admin ? t('lab.adminTitle') : t('lab.title');
  useDocumentTitle(title);

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total ?? null;
  const en = isEnglish(i18n.language);

  const columns: ColumnsType<InstrumentSummary> = [
    {
      key: 'name',
      title: t('lab.columns.name'),
      render: (_, r) => (
        <div className="lab-name">
          <Link to={`/instruments/${r.id}`}>{en && r.nameEn ? r.nameEn : r.nameZh}</Link>
          {(en ? r.nameZh : r.nameEn) ? (
            <Typography.Text type="secondary" className="small-text lab-name__sub">
              {en ? r.nameZh : r.nameEn}
            </Typography.Text>
          ) : null}
          {admin ? (
            <Typography.Text type="secondary" className="small-text lab-name__sub">
              {r.institution.name}
            </Typography.Text>
          ) : null}
        </div>
      ),
    },
    { key: 'model', title: t('lab.columns.model'), render: (_, r) => r.model ?? t('common.none'), responsive: ['lg'] },
    {
      key: 'category',
      title: t('lab.columns.category'),
      render: (_, r) => localName(r.category, i18n.language),
      responsive: ['xxl'],
    },
    {
      key: 'sharing',
      title: t('lab.columns.sharingMode'),
      render: (_, r) => <SharingModeTag mode={r.sharingMode} />,
      responsive: ['md'],
    },
    { key: 'status', title: t('lab.columns.runStatus'), render: (_, r) => <RunStatusTag status={r.runStatus} /> },
    ...(admin
      ? []
      : [
          {
            key: 'review',
            title: t('listing.lab.reviewStatus'),
            render: (_: unknown, r: InstrumentSummary) => (
              <ReviewStatusTag change={listings.changes.get(r.id)} onOpen={setSubmissionId} />
            ),
          },
        ]),
    {
      key: 'price',
      title: t('lab.columns.price'),
      align: 'right',
      render: (_, r) => <FromPrice price={r.listPrice} />,
      responsive: ['sm'],
    },
    {
      key: 'value',
      title: t('lab.columns.value'),
      align: 'right',
      render: (_, r) => formatFenCompact(r.originalValueFen, i18n.language),
      responsive: ['lg'],
    },
    {
      key: 'actions',
      title: t('lab.columns.actions'),
      width: 240,
      render: (_, r) => (
        <Space size={0} wrap>
          <Link to={`/lab/instruments/${r.id}/edit`} data-testid="lab-edit-link" data-id={r.id}>
            <Button type="link" size="small" icon={<EditOutlined />}>
              {t('common.edit')}
            </Button>
          </Link>
          <Link to={`/lab/instruments/${r.id}/schedule`} data-testid="lab-schedule-link">
            <Button type="link" size="small" icon={<CalendarOutlined />}>
              {t('bookingSettings.open')}
            </Button>
          </Link>
          <Link to={`/instruments/${r.id}`}>
            <Button type="link" size="small" icon={<EyeOutlined />}>
              {t('common.view')}
            </Button>
          </Link>
        </Space>
      ),
    },
  ];

  return (
    <div className="lab-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {title}
          </Typography.Title>
          <Typography.Text type="secondary">
            {admin ? t('lab.adminSubtitle') : t('lab.subtitle', { org: user?.organisation.name ?? '' })}
            {total !== null ? ` · ${t('catalog.heroStats', { n: total.toLocaleString() })}` : ''}
          </Typography.Text>
        </div>
        <Link to="/lab/instruments/new">
          <Button type="primary" icon={<PlusOutlined />} data-testid="add-instrument">
            {t('lab.add')}
          </Button>
        </Link>
      </div>
      {!admin ? (
        <LabSubmissions items={listings.page.data?.items ?? []} openId={submissionId} onOpen={setSubmissionId} />
      ) : null}
      <Card className="section-card">
        {admin ? (
          <div className="lab-filter">
            <Select<number>
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('lab.fields.institution')}
              value={institutionFilter}
              onChange={(v) => setInstitutionFilter(v ?? undefined)}
              loading={institutions.isPending}
              options={(institutions.data ?? []).map((i) => ({ value: i.id, label: i.name }))}
              style={{ width: compact ? '100%' : 360 }}
            />
          </div>
        ) : null}
        {list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <>
            {compact ? (
              <ul className="lab-list" data-testid="lab-instruments">
                {list.isPending ? <Skeleton active paragraph={{ rows: 6 }} /> : null}
                {!list.isPending && items.length === 0 ? <EmptyState title={t('lab.empty')} /> : null}
                {items.map((r) => (
                  <li key={r.id} className="lab-list__item ant-table-row">
                    <div className="lab-list__main">
                      <Link to={`/instruments/${r.id}`} className="lab-list__name">
                        {en && r.nameEn ? r.nameEn : r.nameZh}
                      </Link>
                      <div className="lab-list__meta">
                        {[r.model, admin ? r.institution.name : null].filter(Boolean).join(' · ')}
                      </div>
                      <div className="lab-list__tags">
                        <SharingModeTag mode={r.sharingMode} />
                        <RunStatusTag status={r.runStatus} />
                        {!admin ? (
                          <ReviewStatusTag change={listings.changes.get(r.id)} onOpen={setSubmissionId} />
                        ) : null}
                      </div>
                      <FromPrice price={r.listPrice} />
                    </div>
                    <Space orientation="vertical" size={4}>
                      <Link to={`/lab/instruments/${r.id}/edit`} data-testid="lab-edit-link" data-id={r.id}>
                        <Button icon={<EditOutlined />} aria-label={t('common.edit')}>
                          {t('common.edit')}
                        </Button>
                      </Link>
                      <Link to={`/lab/instruments/${r.id}/schedule`}>
                        <Button icon={<CalendarOutlined />} aria-label={t('bookingSettings.open')} />
                      </Link>
                    </Space>
                  </li>
                ))}
              </ul>
            ) : (
              <Table<InstrumentSummary>
                rowKey="id"
                columns={columns}
                dataSource={items}
                loading={list.isPending || (list.isFetching && !list.isFetchingNextPage)}
                pagination={false}
                size="middle"
                scroll={{ x: 'max-content' }}
                data-testid="lab-instruments"
                locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('lab.empty')} /> }}
              />
            )}
            {list.hasNextPage ? (
              <div className="results-more">
                <Typography.Text type="secondary">
                  {total !== null
                    ? t('common.loadedOf', { shown: items.length, total })
                    : t('common.loadedCount', { shown: items.length })}
                </Typography.Text>
                <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                  {t('common.loadMore')}
                </Button>
              </div>
            ) : null}
          </>
        )}
      </Card>
    </div>
  );
}
