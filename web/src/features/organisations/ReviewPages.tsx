/**
 * `/admin/registrations` and `/admin/registrations/:id`: the reviewers' queue (by status and kind,
 * searched, sorted and paged on the server)
 * and a registration's page — its details, documents (downloadable), people and history — where it
 * is approved, returned with reasons, or rejected with reasons.
 */
import {
  ArrowLeftOutlined,
  CheckOutlined,
  CloseOutlined,
  RollbackOutlined,
  SearchOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Input,
  Modal,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
  type ButtonProps,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError, problemText } from '../../api/client';
import {
  organisationsApi,
  type Decision,
  type Organisation,
  type Person,
  type RegistrationSort,
} from '../../api/organisations';
import { useAuth } from '../../app/auth';
import { RowActions } from '../../ui/RowActions';
import { EmptyState, ErrorState, NotFoundPage } from '../../ui/states';
import { tableChange, usePageReset } from '../../ui/listTable';
import { useDebounced } from '../../ui/useDebounced';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { DocumentsList, formatTime, HistoryTimeline, OrganisationDescriptions, OrgStatusTag } from './parts';
import { useOrganisationsChanged, useRegistrationDetail, useRegistrationsPage } from './queries';
import './organisations.css';

const STATUSES = ['pending_review', 'returned', 'unverified', 'approved', 'rejected', 'all'] as const;
const KINDS = ['enterprise', 'institution'] as const;
const PAGE_SIZE = 20;
type Status = (typeof STATUSES)[number];
type Kind = '' | (typeof KINDS)[number];

/**
 * The reviewers' queue: by status (with the counts waiting) and kind, searched (name, credit code,
 * contact, applicant), sorted by the time sent to review or by name and paged by number on the server;
 * a row opens the registration, its menu decides it at once or opens the organisation's people.
 */
export function RegistrationsReviewPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { user } = useAuth();
  const [status, setStatus] = useState<Status>('pending_review');
  const [kind, setKind] = useState<Kind>('');
  const [sort, setSort] = useState<RegistrationSort>('newest');
  const { page, setPage, from1 } = usePageReset();
  const [q, setQ] = useState('');
  const [deciding, setDeciding] = useState<{ org: Organisation; decision: Decision | null } | null>(null);
  const query = useDebounced(q.trim(), 300);
  const list = useRegistrationsPage({ status, kind, q: query, sort, page, pageSize: PAGE_SIZE });
  useDocumentTitle(t('organisations.review.title'));
  const items = list.data?.items ?? [];
  const counts = list.data?.counts ?? {};
  const total = list.data?.total ?? 0;
  const busy = list.isPending || list.isFetching;
  const onTableChange = tableChange({
    filter: (filters) => {
      setKind(((filters.kind?.[0] as Kind | undefined) ?? '') as Kind);
      setStatus(((filters.status?.[0] as Status | undefined) ?? 'all') as Status);
      setPage(1);
    },
    sort: {
      columns: { name: { ascend: 'name', descend: 'name' }, submitted: { ascend: 'oldest' } },
      fallback: 'newest',
      set: from1(setSort),
    },
  });
  const open = (o: Organisation) => navigate(`/admin/registrations/${o.id}`);

  return (
    <div className="org-page" data-testid="registrations-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {t('organisations.review.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('organisations.review.subtitle')}</Typography.Text>
        </div>
      </div>
      <div className="filter-bar settle-filter">
        <Segmented
          value={status}
          onChange={(v) => from1(setStatus)(v as Status)}
          options={STATUSES.map((s) => ({
            value: s,
            label:
              s === 'all'
                ? t('organisations.review.allStatuses')
                : `${t(`organisations.status.${s}`)}${counts[s] ? ` (${counts[s]})` : ''}`,
          }))}
          data-testid="status-filter"
        />
      </div>
      <div className="filter-bar">
        <Select<Kind>
          value={kind}
          onChange={from1(setKind)}
          className="filter-bar__narrow"
          aria-label={t('organisations.field.kind')}
          data-testid="registration-kind"
          options={[
            { value: '', label: t('organisations.review.allKinds') },
            ...KINDS.map((k) => ({ value: k, label: t(`organisations.kind.${k}`) })),
          ]}
        />
        <Select<RegistrationSort>
          value={sort}
          onChange={from1(setSort)}
          className="filter-bar__narrow"
          aria-label={t('catalog.sort')}
          data-testid="registration-sort"
          options={(['newest', 'oldest', 'name'] as const).map((v) => ({
            value: v,
            label: t(`organisations.review.sort.${v}`),
          }))}
        />
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('organisations.review.search')}
          value={q}
          onChange={(e) => from1(setQ)(e.target.value)}
          className="filter-bar__wide"
          data-testid="registration-search"
        />
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Card className="section-card table-card">
          <Table<Organisation>
            rowKey="id"
            size="middle"
            loading={busy}
            dataSource={items}
            tableLayout="fixed"
            scroll={{ x: 860 }}
            onChange={onTableChange}
            onRow={(o) => ({ onClick: () => open(o), style: { cursor: 'pointer' } })}
            data-testid="registrations"
            data-busy={busy ? 'true' : 'false'}
            locale={{ emptyText: list.isPending ? ' ' : <EmptyState title={t('organisations.review.empty')} /> }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total,
              showSizeChanger: false,
              showTotal: (n) => t('work.table.total', { total: n.toLocaleString() }),
              onChange: setPage,
              hideOnSinglePage: true,
            }}
            columns={[
              {
                key: 'name',
                title: t('organisations.field.name'),
                ellipsis: true,
                sorter: true,
                sortOrder: sort === 'name' ? 'ascend' : null,
                sortDirections: ['ascend'],
                render: (_, o) => (
                  <div className="lab-name lab-name--fit">
                    <Link
                      to={`/admin/registrations/${o.id}`}
                      onClick={(e) => e.stopPropagation()}
                      title={o.name}
                      data-testid="registration-name"
                    >
                      <Typography.Text strong>{o.name}</Typography.Text>
                    </Link>
                    <Typography.Text type="secondary" className="small-text nowrap">
                      {o.creditCode}
                    </Typography.Text>
                  </div>
                ),
              },
              {
                key: 'kind',
                title: t('organisations.field.kind'),
                width: 140,
                ellipsis: true,
                filters: KINDS.map((k) => ({ value: k, text: t(`organisations.kind.${k}`) })),
                filterMultiple: false,
                filteredValue: kind ? [kind] : null,
                render: (_, o) => t(`organisations.kind.${o.kind}`),
              },
              {
                key: 'place',
                title: t('organisations.field.place'),
                width: 130,
                ellipsis: true,
                responsive: ['md'],
                render: (_, o) => [o.cityName, o.countyName].filter(Boolean).join(' · ') || '—',
              },
              {
                key: 'contact',
                title: t('organisations.field.contactName'),
                width: 150,
                ellipsis: true,
                responsive: ['xl'],
                render: (_, o) => (
                  <div className="lab-name lab-name--fit">
                    <span>{o.contactName ?? '—'}</span>
                    <Typography.Text type="secondary" className="small-text" ellipsis>
                      {o.contactPhone}
                    </Typography.Text>
                  </div>
                ),
              },
              {
                key: 'submitted',
                title: t('organisations.field.submittedAt'),
                width: 160,
                responsive: ['lg'],
                sorter: true,
                sortOrder: sort === 'newest' ? 'descend' : sort === 'oldest' ? 'ascend' : null,
                sortDirections: ['descend', 'ascend'],
                render: (_, o) => <span className="nowrap">{formatTime(o.submittedAt ?? o.createdAt)}</span>,
              },
              {
                key: 'status',
                title: t('organisations.field.status'),
                width: 120,
                filters: STATUSES.filter((s) => s !== 'all').map((s) => ({
                  value: s,
                  text: t(`organisations.status.${s}`),
                })),
                filterMultiple: false,
                filteredValue: status === 'all' ? null : [status],
                render: (_, o) => <OrgStatusTag status={o.status} />,
              },
              {
                key: 'actions',
                title: t('lab.columns.actions'),
                width: 110,
                fixed: 'right',
                render: (_, o) => {
                  const pending = o.status === 'pending_review';
                  const decide = (decision: Decision) => () => setDeciding({ org: o, decision });
                  return (
                    <RowActions
                      primary={
                        <Button type="link" size="small" onClick={() => open(o)} data-testid="registration-open">
                          {pending ? t('organisations.review.open') : t('organisations.review.view')}
                        </Button>
                      }
                      items={[
                        ...(pending
                          ? [
                              {
                                key: 'approve',
                                icon: <CheckOutlined />,
                                label: t('organisations.review.approve'),
                                onClick: decide('approve'),
                              },
                              {
                                key: 'return',
                                icon: <RollbackOutlined />,
                                label: t('organisations.review.return'),
                                onClick: decide('return'),
                              },
                              {
                                key: 'reject',
                                icon: <CloseOutlined />,
                                danger: true,
                                label: t('organisations.review.reject'),
                                onClick: decide('reject'),
                              },
                            ]
                          : []),
                        ...(user?.role === 'platform_admin'
                          ? [
                              {
                                key: 'people',
                                icon: <TeamOutlined />,
                                label: (
                                  <Link to={`/organisation/people?org=${o.id}`}>
                                    {t('organisations.directory.people')}
                                  </Link>
                                ),
                              },
                            ]
                          : []),
                      ]}
                      testId="registration-more"
                    />
                  );
                },
              },
            ]}
          />
        </Card>
      )}
      {deciding ? (
        <DecisionModal
          org={deciding.org}
          decision={deciding.decision}
          onClose={() => setDeciding((d) => (d ? { ...d, decision: null } : null))}
        />
      ) : null}
    </div>
  );
}

function DecisionModal({
  org,
  decision,
  onClose,
}: {
  org: Organisation;
  decision: Decision | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const changed = useOrganisationsChanged();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const decide = useMutation({
    mutationFn: () => organisationsApi.decide(org.id, decision!, note.trim() || undefined),
    onSuccess: () => {
      changed();
      setNote('');
      onClose();
      void message.success(t('organisations.review.decided'));
    },
    onError: (e) => setError(isApiError(e) ? problemText(e) : t('organisations.common.failed')),
  });
  const needsNote = decision === 'return' || decision === 'reject';
  return (
    <Modal
      open={decision !== null}
      title={decision ? t(`organisations.review.decisionTitle.${decision}`, { name: org.name }) : ''}
      onCancel={onClose}
      onOk={() => {
        if (needsNote && note.trim().length < 2) setError(t('organisations.rule.noteRequired'));
        else decide.mutate();
      }}
      okText={decision ? t(`organisations.review.${decision}`) : ''}
      okButtonProps={{ danger: decision === 'reject', 'data-testid': 'decision-ok' } as ButtonProps}
      cancelText={t('organisations.common.cancel')}
      confirmLoading={decide.isPending}
      destroyOnHidden
      data-testid="decision-modal"
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <Input.TextArea
        rows={4}
        maxLength={1000}
        showCount
        value={note}
        onChange={(e) => {
          setNote(e.target.value);
          setError(null);
        }}
        placeholder={
          needsNote ? t('organisations.review.notePlaceholder') : t('organisations.review.notePlaceholderApprove')
        }
        data-testid="decision-note"
      />
    </Modal>
  );
}

export function RegistrationReviewPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const detail = useRegistrationDetail(Number(id));
  const [decision, setDecision] = useState<Decision | null>(null);
  useDocumentTitle(detail.data?.organisation.name ?? t('organisations.review.detailTitle'));
  if (detail.isPending) return <Skeleton active className="org-page" />;
  if (detail.isError) {
    if (isApiError(detail.error) && detail.error.status === 404) return <NotFoundPage />;
    return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  }
  const d = detail.data;
  const o = d.organisation;
  const have = new Set(d.documents.map((x) => x.kind));
  const missing = d.requiredDocuments.filter((k) => !have.has(k));
  return (
    <div className="org-page" data-testid="registration-review">
      <Link to="/admin/registrations" className="page-breadcrumb">
        <ArrowLeftOutlined /> {t('organisations.review.back')}
      </Link>
      <div className="page-head">
        <div>
          <Typography.Title level={3} className="page-head__title">
            {o.name} <OrgStatusTag status={o.status} />
          </Typography.Title>
          <Typography.Text type="secondary">
            {t(`organisations.kind.${o.kind}`)} · {o.creditCode}
          </Typography.Text>
        </div>
        {d.canDecide ? (
          <Space wrap>
            <Button
              type="primary"
              icon={<CheckOutlined />}
              onClick={() => setDecision('approve')}
              data-testid="approve"
            >
              {t('organisations.review.approve')}
            </Button>
            <Button icon={<RollbackOutlined />} onClick={() => setDecision('return')} data-testid="return">
              {t('organisations.review.return')}
            </Button>
            <Button danger icon={<CloseOutlined />} onClick={() => setDecision('reject')} data-testid="reject">
              {t('organisations.review.reject')}
            </Button>
          </Space>
        ) : null}
      </div>
      {!d.canDecide ? (
        <Alert type="info" showIcon className="org-card" title={t('organisations.review.notPending')} />
      ) : null}
      {missing.length ? (
        <Alert
          type="warning"
          showIcon
          className="org-card"
          title={t('organisations.review.documentsMissing', {
            kinds: missing.map((k) => t(`organisations.docKind.${k}`)).join('、'),
          })}
        />
      ) : null}
      <Row gutter={16}>
        <Col xs={24} lg={15}>
          <Card className="org-card" title={t('organisations.application.organisation')}>
            <OrganisationDescriptions org={o} />
            {o.reviewNote ? (
              <div style={{ marginTop: 12 }}>
                <Typography.Text strong>{t('organisations.application.reviewNote')}</Typography.Text>
                <div className="org-note">{o.reviewNote}</div>
              </div>
            ) : null}
          </Card>
          <Card className="org-card" title={t('organisations.application.documents')}>
            <DocumentsList documents={d.documents} required={d.requiredDocuments} />
          </Card>
          <Card className="org-card" title={t('organisations.review.people')}>
            <Table<Person>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={d.people}
              scroll={{ x: 'max-content' }}
              columns={[
                {
                  key: 'name',
                  title: t('organisations.people.name'),
                  render: (_, p) => (
                    <Space size={4}>
                      {p.displayName}
                      {p.orgAdmin ? <Tag color="gold">{t('organisations.people.admin')}</Tag> : null}
                    </Space>
                  ),
                },
                { key: 'email', title: t('organisations.people.email'), dataIndex: 'email' },
                { key: 'phone', title: t('organisations.people.phone'), render: (_, p) => p.phone ?? '—' },
                {
                  key: 'verified',
                  title: t('organisations.people.status'),
                  render: (_, p) =>
                    p.emailVerified
                      ? t(`organisations.membership.${p.membership}`)
                      : t('organisations.people.unverified'),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <Card className="org-card" title={t('organisations.application.history')}>
            <HistoryTimeline items={d.history} />
          </Card>
        </Col>
      </Row>
      <DecisionModal org={o} decision={decision} onClose={() => setDecision(null)} />
    </div>
  );
}
