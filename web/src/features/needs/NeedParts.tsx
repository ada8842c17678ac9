/** Small pieces the needs pages share: status tags, the budget, the history, attachments, quote lines. */
import { PaperClipOutlined } from '@ant-design/icons';
import { Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Need, NeedQuote, NeedSummary } from '../../api/needs';
import { formatFen } from '../../ui/money';
import { inZone } from '../../ui/time';

const NEED_COLOR: Record<Need['status'], string> = {
  open: 'processing',
  accepted: 'success',
  expired: 'default',
  withdrawn: 'default',
};
const QUOTE_COLOR: Record<NeedQuote['status'], string> = {
  submitted: 'processing',
  accepted: 'success',
  declined: 'default',
  expired: 'default',
  withdrawn: 'default',
};

export function NeedStatusTag({ status }: { status: Need['status'] }) {
  const { t } = useTranslation();
  return (
    <Tag color={NEED_COLOR[status]} data-testid="need-status" data-status={status}>
      {t(`needs.status.${status}`)}
    </Tag>
  );
}

export function QuoteStatusTag({ status }: { status: NeedQuote['status'] }) {
  const { t } = useTranslation();
  return (
    <Tag color={QUOTE_COLOR[status]} data-testid="quote-status" data-status={status}>
      {t(`needs.quoteStatus.${status}`)}
    </Tag>
  );
}

export function budgetText(n: Pick<NeedSummary, 'budgetMinFen' | 'budgetMaxFen'>): string {
  if (n.budgetMinFen === null && n.budgetMaxFen === null) return '—';
  if (n.budgetMinFen !== null && n.budgetMaxFen !== null)
    return `${formatFen(n.budgetMinFen)} – ${formatFen(n.budgetMaxFen)}`;
  return n.budgetMinFen !== null ? `≥ ${formatFen(n.budgetMinFen)}` : `≤ ${formatFen(n.budgetMaxFen!)}`;
}

export const day = (iso: string) => inZone(iso, 'Asia/Shanghai').format('YYYY-MM-DD');
export const dayTime = (iso: string) => inZone(iso, 'Asia/Shanghai').format('YYYY-MM-DD HH:mm');

export function NeedHistory({ need }: { need: Need }) {
  const { t } = useTranslation();
  return (
    <Timeline
      data-testid="need-history"
      items={need.timeline.map((e, i) => ({
        key: i,
        children: (
          <Space direction="vertical" size={0}>
            <span>
              {t(`needs.events.${e.event}` as never, { defaultValue: e.event })}
              {e.institutionName ? ` · ${e.institutionName}` : ''}
              {e.quoteId ? ` · #${e.quoteId}` : ''}
            </span>
            <Typography.Text type="secondary" className="small-text">
              {dayTime(e.at)}
            </Typography.Text>
          </Space>
        ),
      }))}
    />
  );
}

export function Attachments({ need }: { need: Need }) {
  const { t } = useTranslation();
  if (!need.attachments.length)
    return <Typography.Text type="secondary">{t('needs.detail.noAttachments')}</Typography.Text>;
  return (
    <Space direction="vertical" size={2} data-testid="need-attachments">
      {need.attachments.map((a) => (
        <a key={a.id} href={a.url} download={a.fileName}>
          <PaperClipOutlined /> {a.fileName}
        </a>
      ))}
    </Space>
  );
}

export function QuoteLines({ quote }: { quote: NeedQuote }) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" size={0}>
      {quote.lines.map((l, i) => (
        <Typography.Text key={i} className="small-text">
          {l.label} · {l.quantity} {t(`needs.unit.${l.unit}`)} × {formatFen(l.unitFen)} = {formatFen(l.amountFen)}
        </Typography.Text>
      ))}
    </Space>
  );
}
