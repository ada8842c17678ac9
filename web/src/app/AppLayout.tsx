import {
  AccountBookOutlined,
  ApiOutlined,
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  NotificationOutlined,
  CalendarOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  FileDoneOutlined,
  FileSearchOutlined,
  FormOutlined,
  FundOutlined,
  GiftOutlined,
  GlobalOutlined,
  LockOutlined,
  IdcardOutlined,
  LineChartOutlined,
  LogoutOutlined,
  MenuOutlined,
  MoneyCollectOutlined,
  ReconciliationOutlined,
  SafetyCertificateOutlined,
  ScheduleOutlined,
  SearchOutlined,
  SolutionOutlined,
  TeamOutlined,
  UserOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import { App as AntApp, Avatar, Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Tag, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, ScrollRestoration, useLocation, useNavigate } from 'react-router';
import { LogoMark } from '../ui/LogoMark';
import { HeaderNotifications } from '../features/notifications/NotificationBell';
import { isProvinceFinance, LAB_ROLES, RestrictionBanner, useAuth } from './auth';

const { Header, Sider, Content, Footer } = Layout;

function useNavItems(): MenuProps['items'] {
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
          {t('staged.public.title')}
        </Link>
      ),
    },
  ];
  // A restricted account (e-mail unverified, registration in review…) can do nothing else yet.
  if (user?.restriction) return [...items, ...organisationNavItems(user, t)];
  if (user?.role === 'researcher') {
    items.push({
      key: 'bookings',
      icon: <CalendarOutlined />,
      label: (
        <Link to="/bookings" data-testid="nav-my-bookings">
          {t('nav.myBookings')}
        </Link>
      ),
    });
    items.push({
      key: 'vouchers',
      icon: <GiftOutlined />,
      label: (
        <Link to="/vouchers" data-testid="nav-my-vouchers">
          {t('nav.myVouchers')}
        </Link>
      ),
    });
    if (user.organisation.kind === 'enterprise') {
      items.push({
        key: 'my-voucher-applications',
        icon: <FormOutlined />,
        label: (
          <Link to="/my/voucher-applications" data-testid="nav-voucher-applications">
            {t('applications.nav.vouchers')}
          </Link>
        ),
      });
      items.push({
        key: 'my-certification',
        icon: <SafetyCertificateOutlined />,
        label: (
          <Link to="/my/certification" data-testid="nav-certification">
            {t('applications.nav.certification')}
          </Link>
        ),
      });
    }
    // Testing needs (需求发布) are enterprises'.
    if (user.organisation.kind === 'enterprise') {
      items.push({
        key: 'my-needs',
        icon: <FormOutlined />,
        label: (
          <Link to="/my/needs" data-testid="nav-my-needs">
            {t('needs.menu.mine')}
          </Link>
        ),
      });
    }
    items.push({
      key: 'my-payment-notices',
      icon: <MoneyCollectOutlined />,
      label: (
        <Link to="/my/payment-notices" data-testid="nav-my-payment-notices">
          {t('nav.myPaymentNotices')}
        </Link>
      ),
    });
    items.push({
      key: 'my-claims',
      icon: <MoneyCollectOutlined />,
      label: (
        <Link to="/my/claims" data-testid="nav-my-claims">
          {t('nav.myClaims')}
        </Link>
      ),
    });
  }
  if (user && LAB_ROLES.includes(user.role)) {
    items.push({
      key: 'lab-bookings',
      icon: <AuditOutlined />,
      label: (
        <Link to="/lab/bookings" data-testid="nav-lab-bookings">
          {t('nav.labBookings')}
        </Link>
      ),
    });
    items.push({
      key: 'lab',
      icon: <DatabaseOutlined />,
      label: (
        <Link to="/lab/instruments" data-testid="nav-lab-instruments">
          {user.role === 'platform_admin' ? t('nav.manageInstruments') : t('nav.myInstruments')}
        </Link>
      ),
    });
    items.push({
      key: 'lab-imports',
      icon: <CloudUploadOutlined />,
      label: (
        <Link to="/lab/imports" data-testid="nav-lab-imports">
          {t('imports.page.menu')}
        </Link>
      ),
    });
    items.push({
      key: 'lab-needs',
      icon: <FormOutlined />,
      label: (
        <Link to="/lab/needs" data-testid="nav-lab-needs">
          {t('needs.menu.hall')}
        </Link>
      ),
    });
    items.push({
      key: 'lab-quotes',
      icon: <FileDoneOutlined />,
      label: (
        <Link to="/lab/quotes" data-testid="nav-lab-quotes">
          {t('needs.menu.quotes')}
        </Link>
      ),
    });
    items.push({
      key: 'lab-training',
      icon: <SafetyCertificateOutlined />,
      label: (
        <Link to="/lab/training" data-testid="nav-lab-training">
          {t('nav.training')}
        </Link>
      ),
    });
    if (user.role === 'lab_manager') {
      items.push({
        key: 'lab-settlement',
        icon: <MoneyCollectOutlined />,
        label: (
          <Link to="/lab/settlement" data-testid="nav-lab-settlement">
            {t('nav.settlementClaims')}
          </Link>
        ),
      });
    }
    if (user.role === 'lab_manager') {
      items.push({
        key: 'lab-receipts',
        icon: <MoneyCollectOutlined />,
        label: (
          <Link to="/lab/payment-notices" data-testid="nav-lab-receipts">
            {t('nav.labReceipts')}
          </Link>
        ),
      });
    }
    if (user.role === 'lab_manager') {
      items.push({
        key: 'lab-integrations',
        icon: <ApiOutlined />,
        label: (
          <Link to="/lab/integrations" data-testid="nav-lab-integrations">
            {t('integrations.nav')}
          </Link>
        ),
      });
    }
  }
  if (user?.role === 'platform_admin') {
    items.push({
      key: 'admin-listing-review',
      icon: <FileDoneOutlined />,
      label: (
        <Link to="/admin/listing-review" data-testid="nav-admin-listing-review">
          {t('listing.nav')}
        </Link>
      ),
    });
    items.push({
      key: 'admin-holidays',
      icon: <ScheduleOutlined />,
      label: (
        <Link to="/admin/holidays" data-testid="nav-admin-holidays">
          {t('nav.holidays')}
        </Link>
      ),
    });
    const voucherAdmin: [string, string, ReactNode, string][] = [
      ['admin-programmes', '/admin/programmes', <FundOutlined key="i" />, t('nav.programmes')],
      ['admin-enterprises', '/admin/enterprises', <IdcardOutlined key="i" />, t('nav.enterprises')],
      ['admin-related-parties', '/admin/related-parties', <ApartmentOutlined key="i" />, t('nav.relatedParties')],
      ['admin-quotas', '/admin/quotas', <WalletOutlined key="i" />, t('nav.quotas')],
    ];
    items.push({
      key: 'admin-audit-log',
      icon: <FileSearchOutlined />,
      label: (
        <Link to="/admin/audit-log" data-testid="nav-admin-audit-log">
          {t('audit.nav')}
        </Link>
      ),
    });
    items.push({
      key: 'voucher-admin',
      type: 'group',
      label: t('nav.voucherAdmin'),
      children: voucherAdmin.map(([key, to, icon, label]) => ({
        key,
        icon,
        label: (
          <Link to={to} data-testid={`nav-${key}`}>
            {label}
          </Link>
        ),
      })),
    });
  }
  if (user?.role === 'finance_officer' || user?.role === 'platform_admin') {
    const finance: [string, string, ReactNode, string][] = [
      ['finance-dashboard', '/finance/dashboard', <DashboardOutlined key="i" />, t('nav.financeDashboard')],
      ['finance-settlement', '/finance/settlement', <FileDoneOutlined key="i" />, t('nav.settlementReview')],
      [
        'finance-voucher-applications',
        '/finance/voucher-applications',
        <FormOutlined key="i" />,
        t('applications.nav.reviewVouchers'),
      ],
      [
        'finance-certification-applications',
        '/finance/certification-applications',
        <SafetyCertificateOutlined key="i" />,
        t('applications.nav.reviewCertification'),
      ],
    ];
    // Reconciliation is the province's; a city's office does not see it.
    if (isProvinceFinance(user)) {
      finance.push([
        'finance-reconciliation',
        '/finance/reconciliation',
        <ReconciliationOutlined key="i" />,
        t('nav.reconciliation'),
      ]);
    }
    // The platform's finance desk also confirms transfers received.
    if (user.role === 'platform_admin' || user.organisation.kind === 'platform')
      finance.push(['lab-receipts', '/lab/payment-notices', <MoneyCollectOutlined key="i" />, t('nav.labReceipts')]);
    for (const [key, to, icon, label] of finance) {
      items.push({
        key,
        icon,
        label: (
          <Link to={to} data-testid={`nav-${key}`}>
            {label}
          </Link>
        ),
      });
    }
    items.push({
      key: 'ledger',
      icon: <AccountBookOutlined />,
      label: (
        <Link to="/ledger" data-testid="nav-ledger">
          {t('nav.ledger')}
        </Link>
      ),
    });
  }
  if (user && (user.role === 'lab_manager' || user.role === 'finance_officer' || user.role === 'platform_admin')) {
    items.push({
      key: 'lab-stats',
      icon: <LineChartOutlined />,
      label: (
        <Link to="/lab/stats" data-testid="nav-lab-stats">
          {t('nav.labStats')}
        </Link>
      ),
    });
  }
  items.push(...organisationNavItems(user, t));
  return items;
}

/** Registration and people (features/organisations): the applicant's page, people, the reviewers' pages. */
function organisationNavItems(user: ReturnType<typeof useAuth>['user'], t: TFunction) {
  const out: NonNullable<MenuProps['items']> = [];
  const link = (key: string, to: string, icon: ReactNode, label: string) =>
    out.push({
      key,
      icon,
      label: (
        <Link to={to} data-testid={`nav-${key}`}>
          {label}
        </Link>
      ),
    });
  if (!user) return out;
  const applying = ['email_unverified', 'organisation_unapproved', 'membership_pending'].includes(
    user.restriction ?? '',
  );
  if (applying)
    link('registration', '/registration', <SolutionOutlined key="i" />, t('organisations.nav.registration'));
  if (user.orgAdmin && !user.restriction)
    link('people', '/organisation/people', <TeamOutlined key="i" />, t('organisations.nav.people'));
  if (user.role === 'platform_admin') {
    link(
      'admin-registrations',
      '/admin/registrations',
      <SolutionOutlined key="i" />,
      t('organisations.nav.reviewRegistrations'),
    );
    link('admin-organisations', '/admin/organisations', <BankOutlined key="i" />, t('organisations.nav.organisations'));
  }
  return out;
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

function UserArea({ compact }: { compact: boolean }) {
  const { t } = useTranslation();
  const { user, logout } = useAuth();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
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
  const items: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div className="user-card">
          <div className="user-card__name">{user.displayName}</div>
          <div className="user-card__meta">{user.email}</div>
          <div className="user-card__meta">{user.organisation.name}</div>
          <Tag color="blue" className="user-card__role">
            {t(`role.${user.role}`)}
          </Tag>
        </div>
      ),
    },
    { type: 'divider' },
    {
      key: 'security',
      icon: <LockOutlined />,
      label: (
        <Link to="/account/security" data-testid="nav-account-security">
          {t('account.nav.security')}
        </Link>
      ),
    },
    { key: 'logout', icon: <LogoutOutlined />, label: t('auth.signOut'), danger: true },
  ];
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items,
        onClick: async ({ key }) => {
          if (key !== 'logout') return;
          await logout().catch(() => undefined);
          void message.success(t('auth.signedOut'));
          navigate('/instruments');
        },
      }}
    >
      <Button type="text" className="header-btn header-user" data-testid="user-menu">
        <Avatar size="small" className="header-avatar">
          {user.displayName.slice(0, 1)}
        </Avatar>
        {compact ? null : (
          <span className="header-user__text">
            <span className="header-user__name">{user.displayName}</span>
            <span className="header-user__role">{t(`role.${user.role}`)}</span>
          </span>
        )}
      </Button>
    </Dropdown>
  );
}

export function AppLayout() {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const location = useLocation();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const items = useNavItems();
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
          <HeaderNotifications />
          <UserArea compact={phone} />
        </Space>
      </Header>
      <Layout className="app-body">
        {desktop ? (
          <Sider width={208} theme="light" className="app-sider" breakpoint="lg">
            <Menu mode="inline" selectedKeys={[selected]} items={items} className="app-menu" />
          </Sider>
        ) : (
          <Drawer
            placement="left"
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            size={264}
            title={
              <span className="drawer-brand">
                <Typography.Text strong>{t('app.shortName')}</Typography.Text>
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
          </Drawer>
        )}
        <Layout className="app-main">
          <Content id="main" className="app-content" tabIndex={-1}>
            <RestrictionBanner />
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
