import { Spin } from 'antd';
import type { ComponentType } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { loadPageTexts } from '../i18n';
import { CatalogPage } from '../features/catalog/CatalogPage';
import { NotFoundPage } from '../ui/states';
import { AppLayout } from './AppLayout';
import type { Role, User } from '../api/auth';
import { isProvinceFinance, LAB_ROLES, RequireRole } from './auth';

/** Signed-in pages load on demand (they bring the form machinery); the public catalogue stays lean. */
const rolePage = (roles: Role[], load: () => Promise<ComponentType>, allow?: (user: User) => boolean) => ({
  lazy: async () => {
    const Page = await load();
    return {
      element: (
        <RequireRole roles={roles} allow={allow}>
          <Page />
        </RequireRole>
      ),
    };
  },
});
const labPage = (load: () => Promise<ComponentType>) => rolePage(LAB_ROLES, load);
const adminPage = (load: () => Promise<ComponentType>) => rolePage(['platform_admin'], load);
const financePage = (load: () => Promise<ComponentType>) => rolePage(['finance_officer', 'platform_admin'], load);
/** Reconciliation is the province's: not a city's finance office. */
const provinceFinancePage = (load: () => Promise<ComponentType>) =>
  rolePage(['finance_officer', 'platform_admin'], load, isProvinceFinance);
const ALL_ROLES: Role[] = ['researcher', ...LAB_ROLES];
/** An enterprise's researchers (applications are made by enterprises). */
const enterprisePage = (load: () => Promise<ComponentType>) =>
  rolePage(['researcher'], load, (user) => user.organisation.kind === 'enterprise');

/** Every route but the catalogue loads the pages' own texts (i18n/zh-parts) along with its code. */
function withPageTexts(routes: RouteObject[]): RouteObject[] {
  for (const route of routes) {
    const load = route.lazy;
    if (typeof load === 'function') {
      route.lazy = (async (...args: Parameters<typeof load>) =>
        (await Promise.all([load(...args), loadPageTexts()]))[0]) as typeof load;
    }
    if (route.children) withPageTexts(route.children);
  }
  return routes;
}

export const router = createBrowserRouter(
  withPageTexts([
    {
      element: <AppLayout />,
      hydrateFallbackElement: (
        <div className="page-spin">
          <Spin size="large" />
        </div>
      ),
      children: [
        { index: true, element: <CatalogPage /> },
        { path: 'instruments', element: <CatalogPage /> },
        // The detail page brings booking (calendar, drawer, date pickers): not part of the catalogue's first screen.
        {
          path: 'instruments/:id',
          lazy: async () => ({
            Component: (await import('../features/catalog/InstrumentDetailPage')).InstrumentDetailPage,
          }),
        },
        { path: 'login', lazy: async () => ({ Component: (await import('../features/auth/LoginPage')).LoginPage }) },
        {
          path: 'forgot-password',
          lazy: async () => ({
            Component: (await import('../features/account/ForgotPasswordPage')).ForgotPasswordPage,
          }),
        },
        {
          path: 'reset-password',
          lazy: async () => ({ Component: (await import('../features/account/ResetPasswordPage')).ResetPasswordPage }),
        },
        {
          // Restricted accounts too: an expired password is changed, a required second factor set up here.
          path: 'account/security',
          lazy: async () => {
            const { AccountSecurityPage } = await import('../features/account/AccountSecurityPage');
            return {
              element: (
                <RequireRole roles={['researcher', 'lab_manager', 'finance_officer', 'platform_admin']} allowRestricted>
                  <AccountSecurityPage />
                </RequireRole>
              ),
            };
          },
        },
        {
          // The public notice (公示) of voucher claims: no sign-in.
          path: 'public/notices',
          lazy: async () => ({
            Component: (await import('../features/settlement/PublicNoticesPage')).PublicNoticesPage,
          }),
        },
        {
          path: 'overview',
          lazy: async () => ({ Component: (await import('../features/stats/OverviewPage')).OverviewPage }),
        },
        {
          path: 'lab/stats',
          ...rolePage(['lab_manager', 'finance_officer', 'platform_admin'], () =>
            import('../features/stats/LabStatsPage').then((m) => m.LabStatsPage),
          ),
        },
        {
          path: 'lab/instruments',
          ...labPage(() => import('../features/lab/LabInstrumentsPage').then((m) => m.LabInstrumentsPage)),
        },
        {
          path: 'lab/imports',
          ...labPage(() => import('../features/imports/ImportPage').then((m) => m.ImportPage)),
        },
        {
          path: 'lab/instruments/new',
          ...labPage(() => import('../features/lab/InstrumentFormPage').then((m) => m.InstrumentFormPage)),
        },
        {
          path: 'lab/instruments/:id/edit',
          ...labPage(() => import('../features/lab/InstrumentFormPage').then((m) => m.InstrumentFormPage)),
        },
        {
          path: 'bookings',
          ...rolePage(['researcher'], () => import('../features/booking/MyBookingsPage').then((m) => m.MyBookingsPage)),
        },
        {
          path: 'bookings/:id',
          ...rolePage(ALL_ROLES, () => import('../features/booking/BookingPage').then((m) => m.BookingPage)),
        },
        {
          path: 'lab/instruments/:id/schedule',
          ...labPage(() => import('../features/booking/ScheduleSettingsPage').then((m) => m.ScheduleSettingsPage)),
        },
        {
          path: 'lab/bookings',
          ...labPage(() => import('../features/booking/LabBookingsPage').then((m) => m.LabBookingsPage)),
        },
        {
          path: 'lab/training',
          ...labPage(() => import('../features/booking/TrainingPage').then((m) => m.TrainingPage)),
        },
        {
          path: 'my/needs',
          ...enterprisePage(() => import('../features/needs/MyNeedsPage').then((m) => m.MyNeedsPage)),
        },
        {
          path: 'my/needs/new',
          ...enterprisePage(() => import('../features/needs/NeedFormPage').then((m) => m.NeedFormPage)),
        },
        {
          path: 'my/needs/:id',
          ...enterprisePage(() => import('../features/needs/NeedPage').then((m) => m.NeedPage)),
        },
        {
          path: 'lab/needs',
          ...labPage(() => import('../features/needs/LabNeedsPages').then((m) => m.NeedsHallPage)),
        },
        {
          path: 'lab/needs/:id',
          ...labPage(() => import('../features/needs/NeedPage').then((m) => m.NeedPage)),
        },
        {
          path: 'lab/quotes',
          ...labPage(() => import('../features/needs/LabNeedsPages').then((m) => m.MyQuotesPage)),
        },
        {
          path: 'vouchers',
          ...rolePage(['researcher'], () =>
            import('../features/vouchers/MyVouchersPage').then((m) => m.MyVouchersPage),
          ),
        },
        {
          path: 'admin/programmes',
          ...adminPage(() => import('../features/vouchers/ProgrammesPage').then((m) => m.ProgrammesPage)),
        },
        {
          path: 'admin/enterprises',
          ...adminPage(() => import('../features/vouchers/EnterprisesPage').then((m) => m.EnterprisesPage)),
        },
        {
          path: 'admin/related-parties',
          ...adminPage(() => import('../features/vouchers/RelatedPartiesPage').then((m) => m.RelatedPartiesPage)),
        },
        {
          path: 'admin/quotas',
          ...adminPage(() => import('../features/vouchers/QuotasPage').then((m) => m.QuotasPage)),
        },
        {
          path: 'ledger',
          ...rolePage(['finance_officer', 'platform_admin'], () =>
            import('../features/ledger/LedgerPage').then((m) => m.LedgerPage),
          ),
        },
        {
          path: 'lab/settlement',
          ...rolePage(['lab_manager'], () => import('../features/settlement/ClaimsPage').then((m) => m.ClaimsPage)),
        },
        {
          path: 'lab/settlement/:id',
          ...rolePage(['lab_manager'], () =>
            import('../features/settlement/ClaimBatchPage').then((m) => m.ClaimBatchPage),
          ),
        },
        // Bank transfers (对公转账): the enterprise's notices; the lab's (or the finance desk's) receipts.
        {
          path: 'my/payment-notices',
          ...rolePage(['researcher'], () => import('../features/transfers/NoticesPages').then((m) => m.MyNoticesPage)),
        },
        // 数据对接: the lab's API keys and the records its own systems push.
        {
          path: 'lab/integrations',
          ...rolePage(['lab_manager'], () =>
            import('../features/integrations/IntegrationsPage').then((m) => m.IntegrationsPage),
          ),
        },
        {
          path: 'lab/payment-notices',
          ...rolePage(
            ['lab_manager', 'finance_officer', 'platform_admin'],
            () => import('../features/transfers/NoticesPages').then((m) => m.LabReceiptsPage),
            (user) => user.role !== 'finance_officer' || user.organisation.kind === 'platform',
          ),
        },
        // The same pages for an enterprise's own claims in reimburse-mode programmes (先付后补).
        {
          path: 'my/claims',
          ...rolePage(['researcher'], () => import('../features/settlement/MyClaimsGate').then((m) => m.MyClaimsPage)),
        },
        {
          path: 'my/claims/:id',
          ...rolePage(['researcher'], () =>
            import('../features/settlement/MyClaimsGate').then((m) => m.MyClaimBatchPage),
          ),
        },
        {
          path: 'finance/dashboard',
          ...financePage(() => import('../features/settlement/DashboardPage').then((m) => m.DashboardPage)),
        },
        {
          path: 'finance/settlement',
          ...financePage(() => import('../features/settlement/ReviewPages').then((m) => m.SettlementReviewPage)),
        },
        {
          path: 'finance/settlement/:id',
          ...financePage(() => import('../features/settlement/ReviewPages').then((m) => m.ReviewBatchPage)),
        },
        {
          path: 'finance/reconciliation',
          ...provinceFinancePage(() =>
            import('../features/settlement/ReconciliationPages').then((m) => m.ReconciliationPage),
          ),
        },
        {
          path: 'finance/reconciliation/:id',
          ...provinceFinancePage(() => import('../features/settlement/ReconciliationPages').then((m) => m.RunPage)),
        },
        // Listing review (入网审核): platform admins; a city's finance office when LISTING_REVIEWER=city.
        {
          path: 'admin/listing-review',
          ...financePage(() => import('../features/listing/ListingReviewPage').then((m) => m.ListingReviewPage)),
        },
        {
          path: 'admin/audit-log',
          ...adminPage(() => import('../features/audit/AuditLogPage').then((m) => m.AuditLogPage)),
        },
        // SME certification and voucher applications (申领): the enterprise's pages and the reviewers'.
        {
          path: 'my/certification',
          ...enterprisePage(() =>
            import('../features/applications/CertificationPage').then((m) => m.CertificationPage),
          ),
        },
        {
          path: 'my/voucher-applications',
          ...enterprisePage(() =>
            import('../features/applications/VoucherApplicationsPage').then((m) => m.VoucherApplicationsPage),
          ),
        },
        {
          path: 'my/voucher-applications/:id',
          ...enterprisePage(() =>
            import('../features/applications/MyVoucherApplicationPage').then((m) => m.MyVoucherApplicationPage),
          ),
        },
        {
          path: 'finance/certification-applications',
          ...financePage(() => import('../features/applications/ReviewQueues').then((m) => m.CertificationQueuePage)),
        },
        {
          path: 'finance/certification-applications/:id',
          ...financePage(() => import('../features/applications/ReviewDetails').then((m) => m.CertificationReviewPage)),
        },
        {
          path: 'finance/voucher-applications',
          ...financePage(() => import('../features/applications/ReviewQueues').then((m) => m.VoucherQueuePage)),
        },
        {
          path: 'finance/voucher-applications/:id',
          ...financePage(() => import('../features/applications/ReviewDetails').then((m) => m.VoucherReviewPage)),
        },
        {
          path: 'admin/holidays',
          ...rolePage(['platform_admin'], () => import('../features/booking/HolidaysPage').then((m) => m.HolidaysPage)),
        },
        {
          path: 'notifications',
          ...rolePage(['researcher', 'lab_manager', 'finance_officer', 'platform_admin'], () =>
            import('../features/notifications/NotificationsPage').then((m) => m.NotificationsPage),
          ),
        },
        // Registration of organisations and their people (features/organisations).
        {
          path: 'register',
          lazy: async () => ({ Component: (await import('../features/organisations/RegisterPage')).RegisterPage }),
        },
        {
          path: 'verify-email',
          lazy: async () => ({
            Component: (await import('../features/organisations/VerifyEmailPage')).VerifyEmailPage,
          }),
        },
        {
          path: 'accept-invitation',
          lazy: async () => ({
            Component: (await import('../features/organisations/AcceptInvitationPage')).AcceptInvitationPage,
          }),
        },
        {
          path: 'registration',
          lazy: async () => {
            const { RegistrationStatusPage } = await import('../features/organisations/RegistrationStatusPage');
            return {
              element: (
                <RequireRole roles={['researcher', ...LAB_ROLES, 'finance_officer']} allowRestricted>
                  <RegistrationStatusPage />
                </RequireRole>
              ),
            };
          },
        },
        {
          path: 'organisation/people',
          ...rolePage(['researcher', ...LAB_ROLES, 'finance_officer'], () =>
            import('../features/organisations/PeoplePage').then((m) => m.PeoplePage),
          ),
        },
        {
          path: 'admin/registrations',
          ...financePage(() => import('../features/organisations/ReviewPages').then((m) => m.RegistrationsReviewPage)),
        },
        {
          path: 'admin/registrations/:id',
          ...financePage(() => import('../features/organisations/ReviewPages').then((m) => m.RegistrationReviewPage)),
        },
        {
          path: 'admin/organisations',
          ...adminPage(() =>
            import('../features/organisations/OrganisationsAdminPage').then((m) => m.OrganisationsAdminPage),
          ),
        },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]),
);
