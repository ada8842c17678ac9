/**
 * Parts of the checkout drawer and the booking page: the rate item being priced, the voucher balance
 * left after the order, the cancellation rule in plain words, the sample form and the lab's address,
 * the one price block (estimate → final) and the first entries of the timeline as they happened.
 */
import { ArrowRightOutlined, EnvironmentOutlined, MailOutlined, PhoneOutlined, UserOutlined } from '@ant-design/icons';
import { Card, Checkbox, Form, Input, Radio, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  sampleDeliveries as SAMPLE_DELIVERIES,
  sampleHazards as SAMPLE_HAZARDS,
  sampleTypes as SAMPLE_TYPES,
  type SampleDelivery,
  type SampleHazard,
  type SampleType,
} from '../../../../db/schema/enums.ts';
import type { Booking, InstrumentSchedule, Quote } from '../../api/booking';
import type { InstrumentDetail, RateCardItem } from '../../api/catalog';
import type { Quota } from '../../api/vouchers';
import { isEnglish } from '../../i18n';
import { formatFen } from '../../ui/money';
import { formatDate } from '../../ui/time';
import { PriceLines } from './QuoteView';

export { SAMPLE_DELIVERIES, SAMPLE_HAZARDS, SAMPLE_TYPES };
export type { SampleDelivery, SampleHazard, SampleType };

type Item = RateCardItem & { id: number };
type UserType = Quote['userType'];

const unitFenOf = (item: Item, userType: UserType) =>
  userType === 'internal' ? item.internalFen : userType === 'academic' ? item.academicFen : item.enterpriseFen;

/** The card's items of the booking's unit: one named, several to pick from, each with the user's price. */
export function RateItemField({ items, userType }: { items: Item[]; userType: UserType }) {
  const { t, i18n } = useTranslation();
  const en = isEnglish(i18n.language);
  const label = (r: Item) => (en && r.labelEn ? r.labelEn : r.labelZh);
  const price = (r: Item) => `${formatFen(unitFenOf(r, userType))}${t(`perUnit.${r.unit}`)}`;
  if (!items.length) return null;
  return (
    <Form.Item
      name="rateItemId"
      label={t('booking.order.item')}
      extra={t('booking.order.itemHint', { type: t(`userType.${userType}`) })}
      data-testid="rate-item-field"
    >
      {items.length === 1 ? (
        <RateItemText text={`${label(items[0]!)} · ${price(items[0]!)}`} />
      ) : (
        <Radio.Group className="bk-items" data-testid="rate-item">
          {items.map((r) => (
            <Radio key={r.id} value={r.id} data-testid="rate-item-option" data-item-id={r.id}>
              <span className="bk-items__name">{label(r)}</span>
              <span className="bk-items__price">{price(r)}</span>
            </Radio>
          ))}
        </Radio.Group>
      )}
    </Form.Item>
  );
}

/** A Form.Item child that only shows (the value stays in the form). */
function RateItemText({ text }: { text: string; value?: number }) {
  return (
    <Typography.Text data-testid="rate-item-single" strong>
      {text}
    </Typography.Text>
  );
}

/** The item the quote is priced by (the chosen one, else the card's first of the unit) and its unit price. */
export function pricedItem(
  items: Item[],
  rateItemId: number | undefined,
  userType: UserType,
  lang: string,
): { name: string; unitFen: number; unit: Item['unit'] } | null {
  const item = items.find((r) => r.id === rateItemId) ?? items[0];
  if (!item) return null;
  return {
    name: isEnglish(lang) && item.labelEn ? item.labelEn : item.labelZh,
    unitFen: unitFenOf(item, userType),
    unit: item.unit,
  };
}

/** What the user pays, in the pay colour, when no voucher split shows it. */
export function PayRow({ fen }: { fen: number }) {
  const { t } = useTranslation();
  return (
    <div className="price-lines__row split-lines__self" data-testid="quote-pay" data-fen={fen}>
      <span>{t('booking.order.payNow')}</span>
      <span className="price-lines__amount">{formatFen(fen)}</span>
    </div>
  );
}

/** Each quota's available balance once this order holds its share (deduct) or claims it (reimburse). */
export function VoucherBalance({ quote, quotas }: { quote: Quote; quotas: Quota[] | undefined }) {
  const { t } = useTranslation();
  const shares = quote.vouchers.length
    ? quote.vouchers.map((v) => ({
        quotaId: v.quotaId,
        programme: v.programmeName,
        fen: v.settlementMode === 'reimburse' ? v.claimableFen : v.voucherFen,
      }))
    : quote.voucher
      ? [
          {
            quotaId: quote.voucher.quotaId,
            programme: quote.voucher.programmeName,
            fen: quote.voucher.settlementMode === 'reimburse' ? quote.voucher.claimableFen : quote.price.voucherFen,
          },
        ]
      : [];
  const rows = shares.flatMap((s) => {
    const quota = quotas?.find((q) => q.id === s.quotaId);
    return quota ? [{ ...s, available: quota.availableFen, left: Math.max(0, quota.availableFen - s.fen) }] : [];
  });
  if (!rows.length) return null;
  const left = rows.reduce((sum, r) => sum + r.left, 0);
  return (
    <div className="bk-balance" data-testid="voucher-balance" data-left-fen={left}>
      <div className="price-lines__row">
        <span>{t('booking.order.balanceAfter')}</span>
        <span className="price-lines__amount bk-balance__left">{formatFen(left)}</span>
      </div>
      {rows.map((r) => (
        <Typography.Text key={r.quotaId} type="secondary" className="small-text" data-quota-id={r.quotaId}>
          {t('booking.order.balanceDetail', {
            programme: r.programme,
            available: formatFen(r.available),
            used: formatFen(r.fen),
          })}
        </Typography.Text>
      ))}
    </div>
  );
}

/** The instrument's cancellation rule in plain words (machine time); sample jobs say their deadline instead. */
export function useFinePrint() {
  const { t, i18n } = useTranslation();
  return (
    schedule: Pick<InstrumentSchedule, 'cancellationDeadlineHours' | 'noShowChargePercent' | 'timeZone'>,
    mode: 'machine_time' | 'sample',
    wantedBy?: string | null,
  ): string => {
    if (mode === 'sample') {
      return wantedBy
        ? t('booking.order.sampleDeadline', { date: formatDate(wantedBy, schedule.timeZone, i18n.language) })
        : t('booking.order.sampleNoDeadline');
    }
    const h = schedule.cancellationDeadlineHours;
    const rule =
      h === 0
        ? t('booking.order.freeCancelAny')
        : h % 24 === 0 && h >= 48
          ? t('booking.order.freeCancelDays', { n: String(h / 24) })
          : t('booking.order.freeCancelHours', { n: String(h) });
    const sep = isEnglish(i18n.language) ? '. ' : '；';
    const parts = [rule + (h === 0 ? '' : sep + t('booking.order.afterDeadline'))];
    if (schedule.noShowChargePercent > 0)
      parts.push(t('booking.order.noShowFee', { percent: String(schedule.noShowChargePercent) }));
    return parts.join(isEnglish(i18n.language) ? ' ' : '');
  };
}

/** Where the instrument is and whom to ask, from the booking (the lab's record) or the catalogue. */
export type Place = {
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
};

export const placeOfInstrument = (i: InstrumentDetail): Place => ({
  address: i.address,
  contactName: i.contactName,
  contactPhone: i.contactPhone,
  contactEmail: i.contactEmail,
});

/** A route to the address on a map (Amap, which Chinese phones open in its app). */
export const mapLink = (address: string) => `https://uri.amap.com/search?keyword=${encodeURIComponent(address)}`;

/** The sample job's own questions: name, type, hazards and how the samples arrive; then the address. */
export function SampleFields({ place, delivery }: { place: Place; delivery: SampleDelivery | undefined }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  return (
    <div className="bk-samples" data-testid="sample-fields">
      <Typography.Text strong>{t('booking.order.sample.title')}</Typography.Text>
      <div className="bk-row">
        <Form.Item
          name="sampleName"
          label={t('booking.order.sample.name')}
          rules={[{ required: true, whitespace: true, message: t('booking.order.sample.nameRequired') }, { max: 200 }]}
          className="bk-row__grow"
        >
          <Input maxLength={200} placeholder={t('booking.order.sample.namePlaceholder')} data-testid="sample-name" />
        </Form.Item>
        <Form.Item
          name="sampleType"
          label={t('booking.order.sample.type')}
          rules={[{ required: true, message: t('booking.order.sample.typeRequired') }]}
          className="bk-row__grow"
        >
          <Select<SampleType>
            data-testid="sample-type"
            placeholder={t('booking.order.sample.typeRequired')}
            options={SAMPLE_TYPES.map((v) => ({ value: v, label: t(`booking.order.sample.types.${v}`) }))}
          />
        </Form.Item>
      </div>
      <Form.Item
        name="sampleHazards"
        label={t('booking.order.sample.hazards')}
        extra={t('booking.order.sample.hazardsHint')}
        rules={[{ required: true, type: 'array', min: 1, message: t('booking.order.sample.hazardsRequired') }]}
      >
        <Checkbox.Group
          className="bk-hazards"
          data-testid="sample-hazards"
          options={SAMPLE_HAZARDS.map((v) => ({ value: v, label: t(`booking.order.sample.hazardCodes.${v}`) }))}
          onChange={(next) => {
            // "None" stands alone: choosing it clears the rest, choosing a hazard clears "None".
            const before = (form.getFieldValue('sampleHazards') as SampleHazard[] | undefined) ?? [];
            const list = next as SampleHazard[];
            const value =
              list.includes('none') && !before.includes('none') ? ['none'] : list.filter((h) => h !== 'none');
            queueMicrotask(() => form.setFieldValue('sampleHazards', value.length ? value : list));
          }}
        />
      </Form.Item>
      <Form.Item
        name="sampleDelivery"
        label={t('booking.order.sample.delivery')}
        rules={[{ required: true, message: t('booking.order.sample.deliveryRequired') }]}
      >
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          data-testid="sample-delivery"
          options={SAMPLE_DELIVERIES.map((v) => ({ value: v, label: t(`booking.order.sample.deliveries.${v}`) }))}
        />
      </Form.Item>
      <ReceivingAddress place={place} delivery={delivery} />
    </div>
  );
}

/** The lab's receiving address (and whom to send to), worded for the way the samples arrive. */
export function ReceivingAddress({ place, delivery }: { place: Place; delivery?: SampleDelivery | undefined }) {
  const { t } = useTranslation();
  return (
    <div className="bk-receiving" data-testid="receiving-address" data-delivery={delivery ?? ''}>
      <Typography.Text strong>
        <EnvironmentOutlined /> {t('booking.order.sample.receiving')}
      </Typography.Text>
      {place.address ? (
        <>
          {delivery ? (
            <Typography.Text type="secondary" className="small-text">
              {t(delivery === 'courier' ? 'booking.order.sample.courierHint' : 'booking.order.sample.inPersonHint')}
            </Typography.Text>
          ) : null}
          <div className="bk-receiving__address">{place.address}</div>
          {place.contactName || place.contactPhone ? (
            <div className="small-text">{[place.contactName, place.contactPhone].filter(Boolean).join(' · ')}</div>
          ) : null}
        </>
      ) : (
        <Typography.Text type="secondary" className="small-text">
          {t('booking.order.sample.noAddress')}
        </Typography.Text>
      )}
    </div>
  );
}

/** The booking page's card with the lab's address, contact and a route on the map. */
export function PlaceCard({ place, delivery }: { place: Place; delivery?: SampleDelivery | undefined }) {
  const { t } = useTranslation();
  const none = <Typography.Text type="secondary">{t('booking.order.place.none')}</Typography.Text>;
  return (
    <Card className="section-card" title={t('booking.order.place.title')} data-testid="booking-place">
      {delivery && place.address ? (
        <Typography.Paragraph type="secondary" className="small-text" data-testid="place-delivery-hint">
          {t(delivery === 'courier' ? 'booking.order.sample.courierHint' : 'booking.order.sample.inPersonHint')}
        </Typography.Paragraph>
      ) : null}
      <dl className="bk-place">
        <dt>
          <EnvironmentOutlined /> {t('booking.order.place.address')}
        </dt>
        <dd data-testid="place-address">{place.address ?? none}</dd>
        <dt>
          <UserOutlined /> {t('booking.order.place.contact')}
        </dt>
        <dd>{place.contactName ?? none}</dd>
        <dt>
          <PhoneOutlined /> {t('booking.order.place.phone')}
        </dt>
        <dd>{place.contactPhone ? <a href={`tel:${place.contactPhone}`}>{place.contactPhone}</a> : none}</dd>
        <dt>
          <MailOutlined /> {t('booking.order.place.email')}
        </dt>
        <dd>{place.contactEmail ? <a href={`mailto:${place.contactEmail}`}>{place.contactEmail}</a> : none}</dd>
        <dt>
          <ArrowRightOutlined /> {t('booking.order.place.directions')}
        </dt>
        <dd>
          {place.address ? (
            <a href={mapLink(place.address)} target="_blank" rel="noreferrer" data-testid="place-directions">
              {t('booking.order.place.openMap')}
            </a>
          ) : (
            none
          )}
        </dd>
      </dl>
    </Card>
  );
}

/** The price as one block: estimate → final in one line, then the lines of the latest price. */
export function PriceFlow({ booking: b }: { booking: Booking }) {
  const { t } = useTranslation();
  const final = b.finalPrice;
  return (
    <div className="bk-price-flow" data-testid="booking-price-flow">
      <div className="bk-price-flow__steps">
        <div className="bk-price-flow__step" data-testid="price-estimate" data-fen={b.price.totalFen}>
          <Typography.Text type="secondary" className="small-text">
            {t('booking.order.price.estimate')}
          </Typography.Text>
          <span className={`bk-price-flow__amount${final ? ' bk-price-flow__amount--old' : ''}`}>
            {formatFen(b.price.totalFen)}
          </span>
        </div>
        <ArrowRightOutlined className="bk-price-flow__arrow" />
        <div className="bk-price-flow__step" data-testid="price-final" data-fen={final?.totalFen ?? ''}>
          <Typography.Text type="secondary" className="small-text">
            {t('booking.order.price.final')}
          </Typography.Text>
          {final ? (
            <span className="bk-price-flow__amount">{formatFen(final.totalFen)}</span>
          ) : (
            <Typography.Text type="secondary" className="small-text">
              {t('booking.order.price.finalPending')}
            </Typography.Text>
          )}
        </div>
      </div>
      {final ? (
        <PriceLines price={final} testId="booking-final-total" totalLabel={t('booking.finalTotal')} />
      ) : (
        <PriceLines price={b.price} testId="booking-quoted-total" />
      )}
    </div>
  );
}

type HistoryEntry = Booking['history'][number];
/** A timeline entry: what the server recorded, or the checkout's first steps told as one. */
export type TimelineEntry = HistoryEntry & { label?: 'authorised' | 'awaitingCard'; amountFen?: number };

/**
 * The history as it happened for the user: a card checkout records "pending payment" and then, once the
 * card is authorised, "requested"; the two are one step for the user (submitted, card authorised for …).
 * A checkout still waiting for the card says so instead of 待支付.
 */
export function timelineOf(b: Booking): TimelineEntry[] {
  const history = [...b.history].sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
  const [first, second, ...rest] = history;
  if (!first || first.from !== null || first.to !== 'pending_payment') return history;
  if (second && second.from === 'pending_payment' && second.to === 'requested') {
    // Authorised now (the server's reason "card authorised"), or saved for the card window (its own reason).
    const authorised = second.reason === null || second.reason === 'card authorised';
    return [
      {
        ...second,
        from: null,
        by: first.by,
        ...(authorised ? { reason: null, label: 'authorised' as const, amountFen: b.payment?.authorisedFen } : {}),
      },
      ...rest,
    ];
  }
  return [{ ...first, label: 'awaitingCard' }, ...(second ? [second] : []), ...rest];
}
