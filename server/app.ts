import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import expressStaticGzip from 'express-static-gzip';
import express, { type Express, type Router } from 'express';
import nodemailer from 'nodemailer';
import swaggerUi from 'swagger-ui-express';
import type { Database } from '../db/client.ts';
import { createRegistry, openApiDocument } from './http/openapi.ts';
import { compressJson, compressTextOutside } from './http/compression.ts';
import { onlyItsPaths } from './http/first-segment.ts';
import { apiNotFound, problemHandler } from './http/problem.ts';
import { crossSiteGuard, securityHeaders } from './http/security.ts';
import { SESSION_COOKIE, sessionMiddleware } from './http/session.ts';
import type { TrustProxy } from './http/trust-proxy.ts';
import { AuthRepo } from './modules/auth/auth.repo.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { accountRoutes } from './modules/auth/account.routes.ts';
import { AccountService } from './modules/auth/account.service.ts';
import { AuthService } from './modules/auth/auth.service.ts';
import { DEFAULT_SECURITY, type SecuritySettings } from './modules/auth/settings.ts';
import { applicationRoutes } from './modules/applications/applications.routes.ts';
import { ApplicationsService } from './modules/applications/applications.service.ts';
import { AuditLog } from './modules/audit/audit-log.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { AuditReadService } from './modules/audit/audit.service.ts';
import { DocumentStore } from './modules/documents/documents.ts';
import { openFileStore } from './shared/files.ts';
import { BookingRepo } from './modules/booking/booking.repo.ts';
import { bookingRoutes } from './modules/booking/booking.routes.ts';
import { BookingService } from './modules/booking/booking.service.ts';
import { CatalogRepo } from './modules/catalog/catalog.repo.ts';
import { catalogRoutes, catalogSearchHandler } from './modules/catalog/catalog.routes.ts';
import { CatalogService } from './modules/catalog/catalog.service.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import { CheckoutService, type CheckoutFaults } from './modules/checkout/checkout.service.ts';
import type { CardAuthorisation } from './modules/checkout/context.ts';
import { agreementRoutes } from './modules/agreements/agreements.routes.ts';
import { AgreementsService } from './modules/agreements/agreements.service.ts';
import { Ledger } from './modules/ledger/ledger.ts';
import { NotificationsRepo } from './modules/notifications/notifications.repo.ts';
import { notificationRoutes } from './modules/notifications/notifications.routes.ts';
import { DEFAULT_MAIL_FROM, NotificationService } from './modules/notifications/notifications.service.ts';
import { ledgerRoutes } from './modules/ledger/ledger.routes.ts';
import { LedgerReadService } from './modules/ledger/ledger.service.ts';
import { PaymentsRepo } from './modules/payments/payments.repo.ts';
import { paymentRoutes } from './modules/payments/payments.routes.ts';
import type { PaymentProvider } from './modules/payments/provider.ts';
import { VouchersRepo } from './modules/vouchers/vouchers.repo.ts';
import { voucherRoutes } from './modules/vouchers/vouchers.routes.ts';
import { VouchersService } from './modules/vouchers/vouchers.service.ts';
import { ReconciliationService } from './modules/settlement/reconciliation.service.ts';
import { ReconciliationRepo } from './modules/settlement/reconciliation.repo.ts';
import { SettlementRepo } from './modules/settlement/settlement.repo.ts';
import { settlementRoutes } from './modules/settlement/settlement.routes.ts';
import { SettlementService } from './modules/settlement/settlement.service.ts';
import { statsRoutes } from './modules/stats/stats.routes.ts';
import { StatsService } from './modules/stats/stats.service.ts';
import { organisationRoutes } from './modules/organisations/organisations.routes.ts';
import { OrganisationsService } from './modules/organisations/organisations.service.ts';
import { transferRoutes } from './modules/transfers/transfers.routes.ts';
import { listingRoutes } from './modules/listing/listing.routes.ts';
import { ListingService, type ListingReviewer } from './modules/listing/listing.service.ts';
import { TransfersService } from './modules/transfers/transfers.service.ts';
import { importRoutes } from './modules/imports/imports.routes.ts';
import { ImportsService } from './modules/imports/imports.service.ts';
import { NeedsRepo } from './modules/needs/needs.repo.ts';
import { needRoutes } from './modules/needs/needs.routes.ts';
import { NeedsService } from './modules/needs/needs.service.ts';
import { ApiKeys } from './modules/integrations/api-keys.ts';
import { ExternalRecords } from './modules/integrations/external-records.ts';
import { externalPushRoutes, integrationRoutes } from './modules/integrations/integrations.routes.ts';

/** Routes whose body is a file (sent with the file's own type) rather than JSON. */
const isUploadPath = (path: string) =>
  /^\/(settlement-batches\/\d+\/lines\/\d+\/invoice|bookings\/\d+\/report|instruments\/\d+\/photo|(organisations|certification-applications)\/\d+\/documents\/[a-z_]+|payment-notices\/\d+\/receipts\/\d+\/proof|testing-needs\/\d+\/attachments|instrument-imports)$/.test(
    path,
  );

export function servicesOf(app: Express): AppServices {
  return app.locals.services as AppServices;
}

export interface AppDeps {
  /** The database, through the port (db/port.ts). */
  db: Database;
  clock?: Clock;
  /** Built SPA to serve (dist/web); omitted in API-only tests. */
  webRoot?: string | null;
  cookieSecure?: boolean;
  /** Production mode (see config.ts): nothing of the demo is offered. */
  production?: boolean;
  /** The platform's address as users reach it (PUBLIC_URL): a request from this origin is the platform's own. */
  publicUrl?: string | null;
  /** Hosts instrument photos may be linked from (PHOTO_HOSTS); the Content-Security-Policy allows their images. */
  photoHosts?: readonly string[];
  sessionTtlHours?: number;
  /** Account security settings (idle timeout, password expiry, second factor, who reviews registrations). */
  security?: Partial<SecuritySettings>;
  logRequests?: boolean;
  /** Express's `trust proxy`: which reverse proxies' X-Forwarded-For gives req.ip. Default: none. */
  trustProxy?: TrustProxy;
  /** Folder for uploaded files (service reports, instrument photos); default: `files` beside the database. */
  fileDir?: string;
  /** CATALOG_CACHE_MB: bound of the search's count cache (default 64 MiB; 0 turns it off). */
  catalogCacheMb?: number;
  /** The payment processor (the Stripe adapter, pointed at the local mock in development and tests). */
  payments: PaymentProvider;
  /** Test hook: simulated crashes between processor calls and local writes. */
  checkoutFaults?: CheckoutFaults;
  /** CARD_AUTHORISATION: `window` (default: authorised within 6 days of the service) or `confirmation` (captured when confirmed). */
  cardAuthorisation?: CardAuthorisation;
  /** LISTING_REVIEWER: who reviews listings — platform admins, or also the city office of the submission's city. */
  listingReviewer?: ListingReviewer;
  /** Days before the service a saved card is authorised and a hold renewed (default 6; tests move it). */
  authorisationWindowDays?: number;
  /**
   * Email: the SMTP server (smtp://host:port, or smtps://user:pass@host) and the sender. Without it
   * notifications are still written, in-app and to the outbox, but nothing is sent.
   */
  mail?: { url: string; from?: string; publicUrl?: string | null; autoDeliver?: boolean };
}

/** Services that run outside requests (start-up recovery, timers, tests). */
export interface AppServices {
  /** The catalogue (benchmarks and tests read and clear its search caches). */
  catalog: CatalogService;
  checkout: CheckoutService;
  vouchers: VouchersService;
  ledger: Ledger;
  reconciliation: ReconciliationService;
  /** Claims: the public notices the job ends. */
  settlement: SettlementService;
  stats: StatsService;
  /** In-app notifications and the email outbox (deliver(), remindTomorrow() run on the server's timer). */
  notifications: NotificationService;
  /** The security audit log (append-only). */
  audit: AuditLog;
  /** Registration and application documents. */
  documents: DocumentStore;
  /** SME certification and voucher applications; automatic quotas (grantAutomaticQuotas runs on a timer). */
  applications: ApplicationsService;
  /** Service agreements of confirmed bookings. */
  agreements: AgreementsService;
  /** Bank transfers: payment notices, receipts, the overdue rule (overdue() runs on a timer). */
  transfers: TransfersService;
  /** Bulk imports of instrument records: resume() takes over imports a stopped node left (job). */
  imports: ImportsService;
  /** Testing needs and quotes (需求发布): expire() runs on a timer. */
  needs: NeedsService;
  /** Finishes or undoes interrupted payments and gives expired quotas back. */
  maintenance(options?: {
    minAgeMs?: number;
  }): Promise<Awaited<ReturnType<CheckoutService['recover']>> & { expiredQuotas: number; statsRefreshed: number }>;
}

export const defaultWebRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'web');

/** `files/` next to the database file (a temp folder for in-memory databases). */
function defaultFileDir(db: Database): string {
  const file = db.engine === 'sqlite' ? db.location : ':memory:';
  return file === ':memory:' || !file
    ? path.join(os.tmpdir(), 'isp-files')
    : path.join(path.dirname(path.resolve(file)), 'files');
}

export function createApp(deps: AppDeps): Express {
  const clock = deps.clock ?? systemClock;
  const ttlMs = (deps.sessionTtlHours ?? 24 * 7) * 3600_000;
  const security: SecuritySettings = { ...DEFAULT_SECURITY, ...deps.security };
  const audit = new AuditLog(deps.db, clock);
  const authRepo = new AuthRepo(deps.db);
  const auth = new AuthService(deps.db, authRepo, clock, ttlMs, deps.production ?? false, security, audit);
  const catalogRepo = new CatalogRepo(deps.db);
  const fileDir = deps.fileDir ?? defaultFileDir(deps.db);
  /** Registration and application documents (licences, certificates). */
  const documents = new DocumentStore(deps.db, openFileStore(deps.db, fileDir), clock);
  const catalog = new CatalogService(deps.db, catalogRepo, clock, {
    fileDir,
    photoHosts: deps.photoHosts,
    audit,
    countCacheBytes: deps.catalogCacheMb === undefined ? undefined : deps.catalogCacheMb * 2 ** 20,
  });
  const notifications = new NotificationService(
    deps.db,
    new NotificationsRepo(deps.db),
    clock,
    deps.mail && {
      // Timeouts well inside the outbox's claim lease, so a slow server cannot make a mail go twice.
      // Pooled: a few SMTP connections reused for every message, not a new conversation per email.
      transport: nodemailer.createTransport({
        url: deps.mail.url,
        pool: true,
        maxConnections: 3,
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 30_000,
      }),
      from: deps.mail.from ?? DEFAULT_MAIL_FROM,
      publicUrl: deps.mail.publicUrl,
      autoDeliver: deps.mail.autoDeliver,
    },
  );
  const booking = new BookingService(
    deps.db,
    new BookingRepo(deps.db),
    catalogRepo,
    catalog,
    clock,
    fileDir,
    notifications,
    audit,
  );
  const ledger = new Ledger(deps.db);
  const vouchersRepo = new VouchersRepo(deps.db);
  const vouchers = new VouchersService(deps.db, vouchersRepo, ledger, clock, notifications, audit);
  const applications = new ApplicationsService({
    db: deps.db,
    vouchers,
    ledger,
    documents,
    audit,
    clock,
    notifier: notifications,
  });
  // Bank transfers: checkout issues, amends and cancels notices inside the booking's transactions;
  // the overdue rule cancels through the booking's own cancellation.
  const transfers = new TransfersService({
    db: deps.db,
    ledger,
    clock,
    notifier: notifications,
    audit,
    documents,
    bookings: booking,
  });
  /** Service agreements (服务协议), drawn up at confirmation and kept in the file store. */
  const agreements = new AgreementsService(deps.db, openFileStore(deps.db, fileDir), clock, audit);
  const checkout = new CheckoutService({
    db: deps.db,
    transfers: transfers.notices,
    bookings: booking,
    vouchers,
    ledger,
    payments: new PaymentsRepo(deps.db),
    provider: deps.payments,
    clock,
    faults: deps.checkoutFaults,
    audit,
    cardAuthorisation: deps.cardAuthorisation,
    authorisationWindowDays: deps.authorisationWindowDays,
    notifier: notifications,
  });
  // Testing needs and quotes: an accepted quote prices a booking through the normal checkout.
  const needs = new NeedsService({
    db: deps.db,
    repo: new NeedsRepo(deps.db),
    clock,
    catalog,
    catalogRepo,
    vouchers,
    documents,
    notifier: notifications,
  });
  booking.setQuotePricer(needs.quotes);
  const settlement = new SettlementService(
    deps.db,
    new SettlementRepo(deps.db),
    vouchersRepo,
    catalogRepo,
    ledger,
    clock,
    notifications,
    audit,
    documents,
  );
  const reconciliation = new ReconciliationService(
    deps.db,
    new ReconciliationRepo(deps.db),
    new PaymentsRepo(deps.db),
    ledger,
    deps.payments,
    clock,
    notifications,
    audit,
  );
  const stats = new StatsService(deps.db, clock);
  const imports = new ImportsService({
    db: deps.db,
    files: openFileStore(deps.db, fileDir),
    clock,
    notifier: notifications,
    audit,
  });
  const organisations = new OrganisationsService({ db: deps.db, clock, notifications, audit, documents, auth });
  /** Listing review (入网审核): lab managers' new records and key-field changes wait for a reviewer. */
  const listing = new ListingService({
    db: deps.db,
    catalog,
    notifier: notifications,
    clock,
    reviewer: deps.listingReviewer,
    audit,
  });
  catalog.gateWith(listing.gate);
  const services: AppServices = {
    catalog,
    checkout,
    vouchers,
    ledger,
    reconciliation,
    settlement,
    stats,
    notifications,
    audit,
    documents,
    applications,
    transfers,
    imports,
    agreements,
    needs,
    maintenance: async (options) => {
      const recovered = await checkout.recover(options);
      // A new month's rows, in chunks between requests.
      await stats.buildYear((await stats.years()).last);
      return { ...recovered, expiredQuotas: await vouchers.expireQuotas(), statsRefreshed: await stats.refresh() };
    },
  };
  const registry = createRegistry();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple'); // no nested objects from ?a[b]=c
  app.set('trust proxy', deps.trustProxy ?? false); // req.ip: the sign-in limits key on it
  app.use(securityHeaders({ secure: deps.cookieSecure ?? false, imageHosts: deps.photoHosts ?? [] }));
  // Text that is not JSON (HTML, the API docs' pages): brotli or gzip; the API's files (iCalendar, CSV) per route.
  app.use(compressTextOutside('/api/v1/'));
  if (deps.logRequests) {
    app.use((req, res, next) => {
      const start = performance.now();
      res.on('finish', () =>
        console.log(`${req.method} ${req.originalUrl} ${res.statusCode} ${(performance.now() - start).toFixed(1)}ms`),
      );
      next();
    });
  }

  const api = express.Router();
  api.use(compressJson()); // JSON answers of 1 KB or more, gzipped for callers that accept it
  // The catalogue search answers every caller alike: one without a session cookie is served before
  // cookies, sessions and the audit scope are set up (signed-in callers go the usual way, which
  // keeps their session's sliding expiry).
  const searchCatalog = catalogSearchHandler(catalog);
  api.get('/instruments', (req, res, next) =>
    req.headers.cookie?.includes(`${SESSION_COOKIE}=`) ? next() : searchCatalog(req, res, next),
  );
  api.use(onlyItsPaths(paymentRoutes(checkout, registry))); // before the JSON parser: webhooks need the raw body
  // Institutions' systems push with an API key alone (no cookie read there): before the cross-site guard.
  const apiKeys = new ApiKeys(deps.db, clock, audit);
  const externalRecords = new ExternalRecords(deps.db, clock);
  api.use(onlyItsPaths(externalPushRoutes(apiKeys, externalRecords, registry)));
  api.use(crossSiteGuard({ publicUrl: deps.publicUrl ?? null, isUpload: isUploadPath }));
  api.use(express.json({ limit: '64kb' }));
  api.use(cookieParser());
  api.use(sessionMiddleware(auth));
  api.use(audit.requestScope()); // entries recorded during a request name its person and address
  api.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  api.get('/health', async (_req, res) => {
    await deps.db.value('SELECT 1');
    res.json({ status: 'ok' });
  });
  const cookie = {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.cookieSecure ?? false,
    path: '/',
    maxAge: ttlMs,
  };
  // Each module's router is entered only for its own first path segments (http/first-segment.ts).
  const mount = (router: Router) => api.use(onlyItsPaths(router));
  mount(authRoutes(auth, registry, cookie));
  mount(accountRoutes(new AccountService(deps.db, authRepo, clock, auth, notifications), registry, cookie));
  mount(organisationRoutes(organisations, registry, cookie));
  mount(catalogRoutes(catalog, registry));
  mount(listingRoutes(listing, registry));
  mount(bookingRoutes(booking, checkout, registry));
  mount(agreementRoutes(agreements, registry));
  mount(voucherRoutes(vouchers, registry));
  mount(applicationRoutes(applications, registry));
  mount(ledgerRoutes(new LedgerReadService(ledger, deps.db), registry));
  mount(settlementRoutes(settlement, reconciliation, registry, audit));
  mount(transferRoutes(transfers, registry));
  mount(needRoutes(needs, registry));
  mount(integrationRoutes(apiKeys, externalRecords, registry));
  mount(notificationRoutes(notifications, registry));
  mount(statsRoutes(stats, deps.db, registry, audit));
  mount(importRoutes(imports, registry));
  mount(auditRoutes(new AuditReadService(deps.db, audit), registry));
  api.use(apiNotFound);
  app.use('/api/v1', api);

  const document = openApiDocument(registry);
  app.get('/api/openapi.json', compressJson(), (_req, res) => {
    res.json(document);
  });
  app.use(
    '/api/docs',
    swaggerUi.serve,
    // No validator badge: it would load an image from validator.swagger.io, which the CSP refuses.
    swaggerUi.setup(document, {
      customSiteTitle: 'API · 大型科学仪器共享服务平台',
      // Tags folded: ~190 operations in 15 tags; open the one you need.
      swaggerOptions: { validatorUrl: null, docExpansion: 'none' },
    }),
  );
  app.use('/api', apiNotFound);

  const webRoot = deps.webRoot === undefined ? defaultWebRoot : deps.webRoot;
  if (webRoot && fs.existsSync(path.join(webRoot, 'index.html'))) {
    // Hashed build output: compressed at build (brotli, gzip), cached for good — a new build has new names.
    app.use(
      '/assets',
      expressStaticGzip(path.join(webRoot, 'assets'), {
        enableBrotli: true,
        orderPreference: ['br', 'gz'],
        index: false,
        serveStatic: { immutable: true, maxAge: '1y', fallthrough: true },
      }),
    );
    app.use(
      express.static(webRoot, {
        index: false,
        maxAge: '1h',
        // The shell names the current build's assets: never kept without asking (ETag → 304 when unchanged).
        setHeaders: (res, file) => {
          if (path.basename(file) === 'index.html') res.setHeader('Cache-Control', 'no-cache');
        },
      }),
    );
    // Client-side routes: every other GET gets the SPA shell.
    // The shell is never used unasked (no-cache), and asking is cheap: an ETag of the file's size and time
    // (the app's ETags are off, so sendFile makes none) answers 304 until a new build is in place.
    app.get('/{*splat}', (_req, res) => {
      const shell = path.join(webRoot, 'index.html');
      const stat = fs.statSync(shell);
      res.set({
        'Cache-Control': 'no-cache',
        ETag: `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
      });
      res.sendFile(shell);
    });
  }
  app.use(problemHandler);
  app.locals.services = services;
  return app;
}

/**
 * Keep-alive past a reverse proxy's idle timeout (nginx and cloud load balancers keep idle upstream
 * connections ~60 s): with Node's default 5 s the server closes connections the proxy is about to
 * reuse, and the request sent on one is reset. Headers must be allowed to take longer than that.
 */
export function keepAlive(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}
