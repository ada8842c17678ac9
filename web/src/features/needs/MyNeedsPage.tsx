/** The enterprise's testing needs (我的需求): its list, each with status, quotes and validity. */
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, List, Skeleton, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { needsApi, type NeedSummary } from '../../api/needs';
import { EmptyState, ErrorState } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { budgetText, day, NeedStatusTag } from './NeedParts';

export function NeedRow({ need, to }: { need: NeedSummary; to: string }) {
  const { t } = useTranslation();
  return (
    <List.Item data-testid="need-row" data-need-id={need.id}>
      <Space direction="vertical" size={2} className="full-width">
        <Space wrap size={[8, 2]}>
          <Link to={to} data-testid="need-link">
            <Typography.Text strong>{need.title}</Typography.Text>
          </Link>
          <NeedStatusTag status={need.status} />
          {need.visibility === 'invited' ? <Tag>{t('needs.visibility.invited')}</Tag> : null}
          {need.reason ? <Tag color="blue">{t(`needs.reason.${need.reason}`)}</Tag> : null}
        </Space>
        <Typography.Text type="secondary" className="small-text">
          {need.enterprise.name}
          {need.category ? ` · ${need.category.name}` : ''}
          {need.city ? ` · ${need.city.name}` : ''}
          {need.sampleCount ? ` · ${need.sampleCount} ${t('needs.unit.sample')}` : ''}
        </Typography.Text>
        <Typography.Text type="secondary" className="small-text">
          {t('needs.fields.budget')} {budgetText(need)} · {t('needs.fields.quotes')} {need.quoteCount} ·{' '}
          {t('needs.fields.expiresOn')} {day(need.expiresAt)}
        </Typography.Text>
      </Space>
    </List.Item>
  );
}

export function MyNeedsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('needs.mine.title'));
  const q = useQuery({ queryKey: ['needs', 'list', 'mine'], queryFn: ({ signal }) => needsApi.list({}, signal) });
  return (
    <Card
      title={t('needs.mine.title')}
      data-testid="my-needs"
      extra={
        <Link to="/my/needs/new">
          <Button type="primary" icon={<PlusOutlined />} data-testid="post-need">
            {t('needs.mine.post')}
          </Button>
        </Link>
      }
    >
      <Typography.Paragraph type="secondary">{t('needs.mine.intro')}</Typography.Paragraph>
      {q.isPending ? (
        <Skeleton active />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.length ? (
        <List dataSource={q.data} renderItem={(n) => <NeedRow need={n} to={`/my/needs/${n.id}`} />} />
      ) : (
        <EmptyState title={t('needs.mine.empty')} hint={t('needs.mine.emptyHint')} />
      )}
    </Card>
  );
}
