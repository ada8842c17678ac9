import {
  BarChartOutlined,
  NotificationOutlined,
  GlobalOutlined,
  MenuOutlined,
  SearchOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Dropdown, Grid, Layout, Menu, Space } from 'antd';
import type { MenuProps } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, ScrollRestoration, useLocation } from 'react-router';
import { loadPageTexts } from '../i18n';
import { LogoMark } from '../ui/LogoMark';
import { RestrictionBanner, useAuth } from './auth';
import type * as SignedInChrome from './signedInChrome';
import { Text } from '../ui/Text';
import { LazyDrawer } from '../ui/LazyDrawer';

const { Header, Sider, Content, Footer } = Layout;

type Chrome = typeof SignedInChrome;
let chromeModule: Chrome | null = null;
let chromeLoading: Promise<Chrome> | null = null;

/** The signed-in header parts (./signedInChrome), fetched once someone is signed in; null until they arrive. */
function useSignedInChrome(): Chrome | null {
  const { user } = useAuth();
  const [chrome, setChrome] = useState(chromeModule);
  useEffect(() => {
    if (!user || chrome) return;
    let live = true;
    // The header's texts are the pages' own (account, needs…): they come with it.
    chromeLoading ??= Promise.all([import('./signedInChrome'), loadPageTexts()]).then(
      ([m]) => (chromeModule = m),
      (e: unknown) => {
        chromeLoading = null; // a failed fetch is tried again on the next render that wants it
        throw e;
      },
    );
    chromeLoading.then(
      (m) => live && setChrome(m),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [user, chrome]);
  return chrome;
}

function useNavItems(chrome: Chrome | null): MenuProps['items'] {
  const { t } = useTranslation();
  const { user } = useAuth();
  const items: NonNullable<MenuProps['items']> = [
    { key: 'catalog', icon: <SearchOutlined />, label: <Link to="/instruments">{t('nav.catalog')}</Link> },
    {
      key: 'overview',
      icon: <BarChartOutlined />,
      label: (
        <Link to="/overview" data-testid="nav-overview">
          {t('nav.overview')}
        </Link>
      ),
    },
    {
      key: 'public-notices',
      icon: <NotificationOutlined />,
      label: (
        <Link to="/public/notices" data-testid="nav-public-notices">
          {t('nav.publicNotices')}
        </Link>
      ),
    },
  ];
  // 我的报销 only for an enterprise holding a reimburse-mode quota: the quotas say each programme's mode.
  const enterprise = user?.role === 'researcher' && user.organisation.kind === 'enterprise' && !user.restriction;
  const quotas = useQuery({
    queryKey: ['vouchers', 'mine'],
    queryFn: ({ signal }) => import('../api/vouchers').then((m) => m.voucherApi.myQuotas(signal)),
    enabled: enterprise && !!chrome,
    staleTime: 5 * 60_000,
  });
  const claimsItself = enterprise && !!quotas.data?.some((q) => q.settlementMode === 'reimburse');
  // A restricted account (e-mail unverified, registration in review…) can do nothing else yet.
  if (!user) return items;
  return chrome ? [...items, ...chrome.signedInNavItems(user, t, { claimsItself })] : items;
}

function selectedKey(pathname: string): string {
  if (pathname.startsWith('/registration')) return 'registration';
  if (pathname.startsWith('/organisation/people')) return 'people';
  if (pathname.startsWith('/admin/registrations')) return 'admin-registrations';
  if (pathname.startsWith('/admin/organisations')) return 'admin-organisations';
  if (pathname.startsWith('/lab/bookings')) return 'lab-bookings';
  if (pathname.startsWith('/lab/imports')) return 'lab-imports';
  if (pathname.startsWith('/my/needs')) return 'my-needs';
  if (pathname.startsWith('/lab/needs')) return 'lab-needs';
  if (pathname.startsWith('/lab/quotes')) return 'lab-quotes';
  if (pathname.startsWith('/lab/training')) return 'lab-training';
  if (pathname.startsWith('/admin/holidays')) return 'admin-holidays';
  if (pathname.startsWith('/admin/listing-review')) return 'admin-listing-review';
  if (pathname.startsWith('/admin/audit-log')) return 'admin-audit-log';
  if (pathname.startsWith('/admin/programmes')) return 'admin-programmes';
  if (pathname.startsWith('/admin/enterprises')) return 'admin-enterprises';
  if (pathname.startsWith('/admin/related-parties')) return 'admin-related-parties';
  if (pathname.startsWith('/admin/quotas')) return 'admin-quotas';
  if (pathname.startsWith('/ledger')) return 'ledger';
  if (pathname.startsWith('/lab/settlement')) return 'lab-settlement';
  if (pathname.startsWith('/my/claims')) return 'my-claims';
  if (pathname.startsWith('/my/payment-notices')) return 'my-payment-notices';
  if (pathname.startsWith('/lab/payment-notices')) return 'lab-receipts';
  if (pathname.startsWith('/lab/integrations')) return 'lab-integrations';
  if (pathname.startsWith('/my/voucher-applications')) return 'my-voucher-applications';
  if (pathname.startsWith('/my/certification')) return 'my-certification';
  if (pathname.startsWith('/finance/voucher-applications')) return 'finance-voucher-applications';
  if (pathname.startsWith('/finance/certification-applications')) return 'finance-certification-applications';
  if (pathname.startsWith('/finance/dashboard')) return 'finance-dashboard';
  if (pathname.startsWith('/finance/settlement')) return 'finance-settlement';
  if (pathname.startsWith('/finance/reconciliation')) return 'finance-reconciliation';
  if (pathname.startsWith('/vouchers')) return 'vouchers';
  if (pathname.startsWith('/bookings')) return 'bookings';
  if (pathname.startsWith('/lab/stats')) return 'lab-stats';
  if (pathname.startsWith('/overview')) return 'overview';
  if (pathname.startsWith('/public/notices')) return 'public-notices';
  if (pathname.startsWith('/lab')) return 'lab';
  if (pathname === '/' || pathname.startsWith('/instruments')) return 'catalog';
  return '';
}

function LanguageSwitch({ compact }: { compact: boolean }) {
  const { t, i18n } = useTranslation();
  const current = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [current],
        items: [
          { key: 'zh-CN', label: <span lang="zh-CN">{t('lang.zh')}</span> },
          { key: 'en', label: <span lang="en">{t('lang.en')}</span> },
        ],
        onClick: ({ key }) => void i18n.changeLanguage(key),
      }}
    >
      <Button
        type="text"
        className="header-btn"
        icon={<GlobalOutlined />}
        aria-label={t('lang.label')}
        data-testid="lang-switch"
      >
        {compact ? null : current === 'en' ? 'English' : '中文'}
      </Button>
    </Dropdown>
  );
}

function UserArea({ compact, chrome }: { compact: boolean; chrome: Chrome | null }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const location = useLocation();
  if (!user) {
    if (location.pathname === '/login') return null;
    return (
      <Link to="/login" state={{ from: location.pathname + location.search }}>
        <Button type="primary" className="header-signin" icon={<UserOutlined />} data-testid="sign-in">
          {t('auth.signIn')}
        </Button>
      </Link>
    );
  }
  if (chrome) return <chrome.UserMenu user={user} compact={compact} />;
  // The user menu's chunk is on its way: its initial in the same place, not yet clickable.
  return (
    <span className="header-btn header-user header-user--pending" aria-busy="true">
      <span className="header-avatar header-avatar--pending">{user.displayName.slice(0, 1)}</span>
    </span>
  );
}

export function AppLayout() {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const location = useLocation();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const chrome = useSignedInChrome();
  const items = useNavItems(chrome);
  // Before the first measurement useBreakpoint() is empty; treat that as desktop to avoid a flash of the phone layout.
  const desktop = screens.lg ?? true;
  const phone = screens.md === false;
  const selected = selectedKey(location.pathname);

  return (
    <Layout className="app-shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Header className="app-header">
        {!desktop ? (
          <Button
            type="text"
            className="header-btn"
            icon={<MenuOutlined />}
            aria-label={t('app.menu')}
            onClick={() => setDrawerOpen(true)}
            data-testid="nav-drawer-toggle"
          />
        ) : null}
        <Link to="/instruments" className="brand" aria-label={t('app.name')}>
          <LogoMark size={phone ? 28 : 34} />
          <span className="brand__text">
            <span className="brand__name">{phone ? t('app.shortName') : t('app.name')}</span>
            {phone ? null : <span className="brand__tagline">{t('app.tagline')}</span>}
          </span>
        </Link>
        <Space size={phone ? 0 : 8} className="header-actions">
          <LanguageSwitch compact={phone} />
          {chrome ? <chrome.HeaderNotifications /> : null}
          <UserArea compact={phone} chrome={chrome} />
        </Space>
      </Header>
      <Layout className="app-body">
        {desktop ? (
          <Sider width={208} theme="light" className="app-sider" breakpoint="lg">
            <Menu mode="inline" selectedKeys={[selected]} items={items} className="app-menu" />
          </Sider>
        ) : (
          <LazyDrawer
            placement="left"
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            size={264}
            title={
              <span className="drawer-brand">
                <Text strong>{t('app.shortName')}</Text>
              </span>
            }
            styles={{ body: { padding: 0 } }}
          >
            <Menu
              mode="inline"
              selectedKeys={[selected]}
              items={items}
              onClick={() => setDrawerOpen(false)}
              className="app-menu"
            />
          </LazyDrawer>
        )}
        <Layout className="app-main">
          <Content id="main" className="app-content" tabIndex={-1}>
            {chrome && <RestrictionBanner />}
            <Outlet />
          </Content>
          <Footer className="app-footer">
            <div>{t('app.footer')}</div>
            <div className="app-footer__links">
              <a href="/api/docs" target="_blank" rel="noreferrer" data-testid="api-docs-link">
                {t('app.apiDocs')}
              </a>
            </div>
          </Footer>
        </Layout>
      </Layout>
      <ScrollRestoration />
    </Layout>
  );
}
