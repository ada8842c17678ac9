import {
  ArrowLeftOutlined,
  BankOutlined,
  CalendarOutlined,
  EditOutlined,
  EnvironmentOutlined,
  ExperimentOutlined,
  LinkOutlined,
  MailOutlined,
  PhoneOutlined,
  SafetyCertificateOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Alert, Breadcrumb, Button, Card, Col, Descriptions, Grid, Row, Skeleton, Space, Tag, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { InstrumentDetail } from '../../api/catalog';
import { isApiError } from '../../api/client';
import { isEnglish } from '../../i18n';
import { InstrumentThumb } from '../../ui/InstrumentThumb';
import { formatFen } from '../../ui/money';
import { localName } from '../../ui/names';
import { FromPrice } from '../../ui/Price';
import { ErrorState, NotFoundPage } from '../../ui/states';
import { RunStatusTag, SharingModeTag } from '../../ui/tags';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { InstrumentBookingCard } from '../booking/InstrumentBookingCard';
import { useSchedule } from '../booking/queries';
import { InstrumentSharingCard } from '../stats/InstrumentSharingCard';
import { useInstrument } from './queries';
import { RateCardView } from './RateCardView';

const INSTITUTION_TYPES = ['university', 'institute', 'test_centre', 'enterprise_lab'] as const;

const text = (v: string | null | undefined, none: string) => (v && v.trim() ? v : none);

function Multiline({ value, none }: { value: string | null; none: string }) {
  return <div className="multiline">{text(value, none)}</div>;
}

function RecordDescriptions({ d, compact }: { d: InstrumentDetail; compact: boolean }) {
  const { t, i18n } = useTranslation();
  const none = t('common.none');
  const short: NonNullable<DescriptionsProps['items']> = [
    { key: 'nameZh', label: t('detail.nameZh'), children: d.nameZh },
    { key: 'nameEn', label: t('detail.nameEn'), children: text(d.nameEn, none) },
    { key: 'asset', label: t('detail.assetNumber'), children: d.assetNumber },
    {
      key: 'category',
      label: t('detail.category'),
      children: (
        <span data-testid="category-path">
          {d.categoryPath.map((c) => localName(c, i18n.language)).join(' / ') || localName(d.category, i18n.language)}
          <Typography.Text type="secondary" className="small-text">
            {' '}
            ({d.category.code})
          </Typography.Text>
        </span>
      ),
    },
    { key: 'model', label: t('detail.model'), children: text(d.model, none) },
    { key: 'manufacturer', label: t('detail.manufacturer'), children: text(d.manufacturer, none) },
    { key: 'country', label: t('detail.country'), children: text(d.country, none) },
    {
      key: 'value',
      label: t('detail.originalValue'),
      children: <span data-testid="original-value">{formatFen(d.originalValueFen)}</span>,
    },
    {
      key: 'commissioned',
      label: t('detail.commissionedOn'),
      children: d.commissionedOn
        ? dayjs(d.commissionedOn).format(isEnglish(i18n.language) ? 'D MMM YYYY' : 'YYYY年M月D日')
        : none,
    },
    { key: 'origin', label: t('detail.origin'), children: t(`origin.${d.origin}`) },
    { key: 'sharing', label: t('detail.sharingMode'), children: <SharingModeTag mode={d.sharingMode} /> },
    { key: 'status', label: t('detail.runStatus'), children: <RunStatusTag status={d.runStatus} /> },
    {
      key: 'subjects',
      label: t('detail.subjectAreas'),
      span: 'filled',
      children: d.subjectAreas.length ? d.subjectAreas.map((s) => <Tag key={s}>{s}</Tag>) : none,
    },
    ...(d.nationalNumber
      ? [{ key: 'nationalNumber', label: t('imports.fields.nationalNumber'), children: d.nationalNumber }]
      : []),
    ...(d.purchaseFunding
      ? [
          {
            key: 'funding',
            label: t('imports.fields.purchaseFunding'),
            children: t(`imports.funding.${d.purchaseFunding}`),
          },
        ]
      : []),
    ...(d.purpose
      ? [{ key: 'purpose', label: t('imports.fields.purpose'), children: t(`imports.purposes.${d.purpose}`) }]
      : []),
    ...(d.hostFacility ? [{ key: 'facility', label: t('imports.fields.hostFacility'), children: d.hostFacility }] : []),
    {
      key: 'customs',
      label: t('imports.fields.customsSupervised'),
      children: d.customsSupervised ? t('imports.fields.yes') : t('imports.fields.no'),
    },
    ...(d.annualRunHours !== null
      ? [{ key: 'runHours', label: t('detail.annualRunHours'), children: t('common.hours', { n: d.annualRunHours }) }]
      : []),
    ...(d.annualServiceHours !== null
      ? [
          {
            key: 'serviceHours',
            label: t('detail.annualServiceHours'),
            children: t('common.hours', { n: d.annualServiceHours }),
          },
        ]
      : []),
  ];
  const long: NonNullable<DescriptionsProps['items']> = [
    { key: 'specs', label: t('detail.specs'), span: 'filled', children: <Multiline value={d.specs} none={none} /> },
    {
      key: 'functions',
      label: t('detail.functions'),
      span: 'filled',
      children: <Multiline value={d.functions} none={none} />,
    },
    {
      key: 'service',
      label: t('detail.serviceContent'),
      span: 'filled',
      children: <Multiline value={d.serviceContent} none={none} />,
    },
    { key: 'fee', label: t('detail.feeNote'), span: 'filled', children: <Multiline value={d.feeNote} none={none} /> },
    ...(d.sharingRules
      ? [
          {
            key: 'rules',
            label: t('imports.fields.sharingRules'),
            span: 'filled' as const,
            children: <Multiline value={d.sharingRules} none={none} />,
          },
        ]
      : []),
  ];
  if (compact) {
    // Phones: short facts side by side with their labels, long texts below their labels at full width.
    return (
      <div className="record" data-testid="national-record">
        <Descriptions bordered size="small" column={1} items={short} styles={{ label: { width: 96 } }} />
        <Descriptions bordered size="small" column={1} layout="vertical" items={long} className="record__long" />
      </div>
    );
  }
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, sm: 1, md: 2, lg: 1, xl: 1, xxl: 2 }}
      items={[...short, ...long]}
      className="record"
      data-testid="national-record"
      styles={{ label: { width: 148 } }}
    />
  );
}

function DetailSkeleton() {
  return (
    <div className="detail-page">
      <Card>
        <Skeleton active avatar={{ shape: 'square', size: 96 }} paragraph={{ rows: 3 }} />
      </Card>
      <Card className="section-card">
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    </div>
  );
}

export function InstrumentDetailPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { id: rawId } = useParams();
  const id = /^\d{1,15}$/.test(rawId ?? '') ? Number(rawId) : NaN;
  const screens = Grid.useBreakpoint();
  const compact = screens.md === false;
  const query = useInstrument(id);
  const d = query.data;
  // Sample-only instruments lead with 送样检测 (the booking card's schedule, one request for both).
  const schedule = useSchedule(id);
  const samplesOnly = !!schedule.data && !schedule.data.machineTimeEnabled && schedule.data.sampleEnabled;
  useDocumentTitle(d ? (isEnglish(i18n.language) && d.nameEn ? d.nameEn : d.nameZh) : t('nav.catalog'));

  if (!Number.isSafeInteger(id) || id <= 0 || (isApiError(query.error) && query.error.status === 404)) {
    return <NotFoundPage title={t('detail.notFoundTitle')} text={t('detail.notFoundText', { id: rawId ?? '' })} />;
  }
  if (query.isPending) return <DetailSkeleton />;
  if (query.isError || !d) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;

  const en = isEnglish(i18n.language);
  const title = en && d.nameEn ? d.nameEn : d.nameZh;
  const subtitle = en ? (d.nameEn ? d.nameZh : null) : d.nameEn;
  const cityName = localName(d.city, i18n.language);
  // Addresses often already name the city and district ("济南市历下区…"): do not repeat them.
  const location = [d.province, d.city.name, d.district]
    .filter((part): part is string => !!part && !(d.address ?? '').includes(part))
    .concat(d.address ? [d.address] : [])
    .join(' ');
  const inst = d.institution;
  const institutionTypeLabel = (type: string) =>
    (INSTITUTION_TYPES as readonly string[]).includes(type)
      ? t(`institutionType.${type as (typeof INSTITUTION_TYPES)[number]}`)
      : type;

  return (
    <div className="detail-page" data-testid="instrument-detail">
      <Breadcrumb
        className="page-breadcrumb"
        items={[
          { title: <Link to="/instruments">{t('detail.breadcrumb')}</Link> },
          ...d.categoryPath.slice(0, 2).map((c) => ({
            key: c.code,
            title: <Link to={`/instruments?category=${c.code}`}>{localName(c, i18n.language)}</Link>,
          })),
          { title },
        ]}
      />
      <Card className="detail-header">
        <div className="detail-header__inner">
          <InstrumentThumb src={d.photoUrl} alt={title} size={compact ? 72 : 120} />
          <div className="detail-header__main">
            <Typography.Title level={compact ? 4 : 3} className="detail-header__title" data-testid="detail-title">
              {title}
            </Typography.Title>
            {subtitle ? <div className="detail-header__subtitle">{subtitle}</div> : null}
            <div className="detail-header__tags">
              <Tag variant="filled">{localName(d.category, i18n.language)}</Tag>
              <SharingModeTag mode={d.sharingMode} />
              <RunStatusTag status={d.runStatus} />
              {inst.certified ? (
                <Tag color="green" icon={<SafetyCertificateOutlined />}>
                  {t('common.certified')}
                </Tag>
              ) : null}
            </div>
            <div className="detail-header__facts">
              <span>
                <BankOutlined /> {inst.name}
              </span>
              <span>
                <EnvironmentOutlined /> {cityName}
              </span>
              {d.model ? <span>{[d.model, d.manufacturer].filter(Boolean).join(' · ')}</span> : null}
            </div>
          </div>
          <div className="detail-header__aside">
            <div className="detail-header__price" data-testid="detail-price">
              <FromPrice price={d.listPrice} />
            </div>
            <Space wrap>
              <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)}>
                {t('common.back')}
              </Button>
              <Button
                type={d.editable ? 'default' : 'primary'}
                icon={samplesOnly ? <ExperimentOutlined /> : <CalendarOutlined />}
                href="#booking"
                onClick={(e) => {
                  e.preventDefault();
                  document.getElementById('booking')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
                }}
                data-testid="book-now"
              >
                {samplesOnly ? t('booking.calendar.sendSamples') : t('booking.calendar.bookNow')}
              </Button>
              {d.editable ? (
                <Link to={`/lab/instruments/${d.id}/edit`}>
                  <Button type="primary" icon={<EditOutlined />} data-testid="edit-instrument">
                    {t('common.edit')}
                  </Button>
                </Link>
              ) : null}
            </Space>
          </div>
        </div>
      </Card>

      {d.pendingChange ? (
        <Alert
          className="section-card"
          type={d.pendingChange.status === 'returned' ? 'warning' : 'info'}
          showIcon
          data-testid="pending-change"
          message={t(
            d.pendingChange.status === 'returned'
              ? 'listing.lab.returnedChangeAlert'
              : 'listing.lab.pendingChangeAlert',
            {
              fields: d.pendingChange.fields
                .map((f) => t(`listing.fields.${f}` as never, { defaultValue: f }))
                .join('、'),
            },
          )}
        />
      ) : null}

      <InstrumentBookingCard instrument={d} />

      <Row gutter={[16, 16]} className="detail-grid">
        <Col xs={24} xl={16}>
          <Card title={t('detail.record')} className="section-card">
            <RecordDescriptions d={d} compact={compact} />
          </Card>
          <Card title={t('detail.rateCard')} className="section-card" data-testid="rate-card-section">
            <RateCardView rateCard={d.rateCard} compact={compact} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('detail.institution')} className="section-card" data-testid="institution-card">
            <div className="inst-card">
              <div className="inst-card__name">
                <BankOutlined /> {inst.name}
              </div>
              {inst.nameEn ? <div className="inst-card__en">{inst.nameEn}</div> : null}
              <Space wrap className="inst-card__tags">
                {inst.type ? <Tag>{institutionTypeLabel(inst.type)}</Tag> : null}
                <Tag color={inst.certified ? 'green' : 'default'}>
                  {inst.certified ? t('common.certified') : t('common.uncertified')}
                </Tag>
              </Space>
              {inst.address ? <div className="inst-card__addr">{inst.address}</div> : null}
              <Link to={`/instruments?q=${encodeURIComponent(inst.name)}`} className="inst-card__more">
                {t('nav.catalog')} →
              </Link>
            </div>
          </Card>
          <InstrumentSharingCard instrumentId={d.id} />
          <Card title={t('detail.location')} className="section-card" data-testid="location-card">
            <Descriptions
              column={1}
              size="small"
              items={[
                {
                  key: 'addr',
                  label: (
                    <>
                      <EnvironmentOutlined /> {t('detail.address')}
                    </>
                  ),
                  children: location || t('common.none'),
                },
                {
                  key: 'contact',
                  label: (
                    <>
                      <UserOutlined /> {t('detail.contact')}
                    </>
                  ),
                  children: text(d.contactName, t('common.none')),
                },
                {
                  key: 'phone',
                  label: (
                    <>
                      <PhoneOutlined /> {t('detail.phone')}
                    </>
                  ),
                  children: d.contactPhone ? <a href={`tel:${d.contactPhone}`}>{d.contactPhone}</a> : t('common.none'),
                },
                {
                  key: 'email',
                  label: (
                    <>
                      <MailOutlined /> {t('detail.email')}
                    </>
                  ),
                  children: d.contactEmail ? (
                    <a href={`mailto:${d.contactEmail}`}>{d.contactEmail}</a>
                  ) : (
                    t('common.none')
                  ),
                },
                ...(d.bookingUrl
                  ? [
                      {
                        key: 'booking',
                        label: (
                          <>
                            <LinkOutlined /> {t('imports.fields.bookingLink')}
                          </>
                        ),
                        children: (
                          <a href={d.bookingUrl} target="_blank" rel="noopener noreferrer" data-testid="booking-url">
                            {t('imports.fields.bookingLink')}
                          </a>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
            <Typography.Text type="secondary" className="small-text">
              {t('detail.updatedAt', { date: dayjs(d.updatedAt).format('YYYY-MM-DD HH:mm') })}
              {d.timeZone && d.timeZone !== 'Asia/Shanghai' ? ` · ${t('detail.timeZone')} ${d.timeZone}` : ''}
            </Typography.Text>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
