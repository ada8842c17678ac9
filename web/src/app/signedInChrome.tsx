import {
  AccountBookOutlined,
  ApiOutlined,
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  CalendarOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  FileDoneOutlined,
  FileSearchOutlined,
  FormOutlined,
  FundOutlined,
  GiftOutlined,
  LockOutlined,
  IdcardOutlined,
  LineChartOutlined,
  LogoutOutlined,
  MoneyCollectOutlined,
  ReconciliationOutlined,
  SafetyCertificateOutlined,
  ScheduleOutlined,
  SolutionOutlined,
  TeamOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import { App as AntApp, Avatar, Button, Dropdown, Tag } from 'antd';
import type { MenuProps } from 'antd';
import type { ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { User } from '../api/auth';
import { isProvinceFinance, LAB_ROLES, useAuth } from './auth';

/**
 * The header's signed-in parts: the role menus (with some thirty icons), the user menu and the notification
 * bell. A chunk of its own (AppLayout loads it once someone is signed in): the catalogue's anonymous
 * visitors never fetch it.
 */
export { HeaderNotifications } from '../features/notifications/NotificationBell';

type Items = NonNullable<MenuProps['items']>;

/**
 * The menu items after the public ones (catalogue, overview, public notices), by role. `claimsItself`:
 * the researcher's enterprise holds a reimburse-mode quota (先付后补), so 我的报销 is its to use; a
 * deduct-mode (通兑) enterprise never sees it.
 */
export function signedInNavItems(user: User, t: TFunction, { claimsItself = false } = {}): Items {
  const items: Items = [];
  if (user.restriction) return organisationNavItems(user, t);
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
    if (claimsItself) {
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
function organisationNavItems(user: User, t: TFunction) {
  const out: Items = [];
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

/** The signed-in user's menu: who, account security, sign-out. */
export function UserMenu({ user, compact }: { user: User; compact: boolean }) {
  const { t } = useTranslation();
  const { logout } = useAuth();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
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
