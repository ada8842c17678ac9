/**
 * The PostgreSQL tables, derived from the SQLite schema (one source for both engines): the same
 * tables, columns, keys, indexes and foreign keys, with each column in PostgreSQL's own type —
 * integers as `bigint` (epoch milliseconds and fen do not fit 32 bits), booleans as `boolean`, JSON as
 * `jsonb`, auto-increment keys as identity columns. drizzle-kit reads this file to write
 * db/migrations-pg (drizzle.pg.config.ts). CHECK constraints, triggers and the search index are
 * PostgreSQL's own SQL, appended to those migrations by hand.
 */
import { is, SQL } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  type PgColumnBuilderBase,
} from 'drizzle-orm/pg-core';
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import * as sqlite from './index.ts';

type Built = ReturnType<typeof pgTable>;
const built = new Map<string, Built>();

/** Binary content (uploaded files): drizzle's pg-core has no bytea builder of its own. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

function columnOf(c: SQLiteColumn): PgColumnBuilderBase {
  const config = c as unknown as {
    columnType: string;
    name: string;
    notNull: boolean;
    hasDefault: boolean;
    default: unknown;
    primary: boolean;
    autoIncrement?: boolean;
    isUnique: boolean;
    uniqueName?: string;
    enumValues?: string[];
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let b: any;
  switch (config.columnType) {
    case 'SQLiteInteger':
    case 'SQLiteTimestamp':
      b = bigint(config.name, { mode: 'number' });
      break;
    case 'SQLiteBoolean':
      b = boolean(config.name);
      break;
    case 'SQLiteTextJson':
      b = jsonb(config.name);
      break;
    case 'SQLiteReal':
      b = doublePrecision(config.name);
      break;
    case 'SQLiteText':
      b = text(config.name);
      break;
    case 'SQLiteBlobBuffer':
      b = bytea(config.name);
      break;
    default:
      throw new Error(`no PostgreSQL type for ${config.columnType} (${config.name})`);
  }
  if (config.primary) {
    b = b.primaryKey();
    if (config.autoIncrement) b = b.generatedByDefaultAsIdentity();
  }
  if (config.notNull && !config.primary) b = b.notNull();
  if (config.hasDefault && config.default !== undefined && !is(config.default, SQL)) b = b.default(config.default);
  if (config.isUnique) b = b.unique(config.uniqueName);
  return b as PgColumnBuilderBase;
}

/** The PostgreSQL version of one SQLite table (its foreign keys resolved when drizzle asks). */
function derive(table: SQLiteTable): Built {
  const config = getTableConfig(table);
  const keyOf = new Map<string, string>(); // column name → property key
  const columns: Record<string, PgColumnBuilderBase> = {};
  for (const [key, column] of Object.entries(table as unknown as Record<string, SQLiteColumn>)) {
    if (!config.columns.includes(column)) continue;
    keyOf.set(column.name, key);
    columns[key] = columnOf(column);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pgColumns = (t: any, cols: { name: string }[]) => cols.map((c) => t[keyOf.get(c.name)!]);
  return pgTable(config.name, columns, (t) => [
    ...config.primaryKeys.map((pk) => primaryKey({ columns: pgColumns(t, pk.columns) as [never] })),
    ...config.uniqueConstraints.map((u) => unique(u.name).on(...(pgColumns(t, u.columns) as [never]))),
    ...config.indexes.map((ix) => {
      const c = ix.config;
      const cols = (c.columns as unknown[]).map((col) =>
        is(col, SQL) ? col : t[keyOf.get((col as { name: string }).name)!],
      ) as [never];
      const made = (c.unique ? uniqueIndex(c.name) : index(c.name)).on(...cols);
      return c.where ? made.where(c.where) : made;
    }),
    ...config.foreignKeys.map((fk) => {
      const ref = fk.reference();
      const target = getTableConfig(ref.foreignTable).name;
      const foreign = built.get(target)!;
      const made = foreignKey({
        name: fk.getName(),
        columns: pgColumns(t, ref.columns) as [never],
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        foreignColumns: ref.foreignColumns.map((c) => (foreign as any)[keyOfTable(ref.foreignTable, c.name)]) as [
          never,
        ],
      });
      const onDelete = (fk as unknown as { onDelete?: string }).onDelete;
      return onDelete ? made.onDelete(onDelete as 'cascade') : made;
    }),
  ]);
}

function keyOfTable(table: SQLiteTable, columnName: string): string {
  for (const [key, column] of Object.entries(table as unknown as Record<string, SQLiteColumn>)) {
    if ((column as { name?: string })?.name === columnName) return key;
  }
  throw new Error(`no column ${columnName}`);
}

for (const value of Object.values(sqlite)) {
  if (is(value, SQLiteTable)) built.set(getTableConfig(value).name, derive(value));
}

const of = (table: SQLiteTable): Built => built.get(getTableConfig(table).name)!;

// One named export per table: drizzle-kit finds tables among a module's exports.
export const accountTokens = of(sqlite.accountTokens);
export const auditLog = of(sqlite.auditLog);
export const bookingEvents = of(sqlite.bookingEvents);
export const bookings = of(sqlite.bookings);
export const calendarTokens = of(sqlite.calendarTokens);
export const categories = of(sqlite.categories);
export const certificationApplications = of(sqlite.certificationApplications);
export const cities = of(sqlite.cities);
export const closures = of(sqlite.closures);
export const controllerGroups = of(sqlite.controllerGroups);
export const counties = of(sqlite.counties);
export const documents = of(sqlite.documents);
export const enterpriseCertifications = of(sqlite.enterpriseCertifications);
export const holidays = of(sqlite.holidays);
export const installation = of(sqlite.installation);
export const instrumentMonthEnterprises = of(sqlite.instrumentMonthEnterprises);
export const instrumentMonthStats = of(sqlite.instrumentMonthStats);
export const instrumentSchedules = of(sqlite.instrumentSchedules);
export const instrumentYearStats = of(sqlite.instrumentYearStats);
export const instruments = of(sqlite.instruments);
export const jobLeases = of(sqlite.jobLeases);
export const ledgerAccounts = of(sqlite.ledgerAccounts);
export const ledgerTransfers = of(sqlite.ledgerTransfers);
export const loginDevices = of(sqlite.loginDevices);
export const loginThrottle = of(sqlite.loginThrottle);
export const noticeObjections = of(sqlite.noticeObjections);
export const notificationEvents = of(sqlite.notificationEvents);
export const notificationPreferences = of(sqlite.notificationPreferences);
export const notifications = of(sqlite.notifications);
export const organisations = of(sqlite.organisations);
export const outbox = of(sqlite.outbox);
export const paymentNotices = of(sqlite.paymentNotices);
export const paymentRefunds = of(sqlite.paymentRefunds);
export const payments = of(sqlite.payments);
export const processorEvents = of(sqlite.processorEvents);
export const programmeRuleVersions = of(sqlite.programmeRuleVersions);
export const rateCardItems = of(sqlite.rateCardItems);
export const rateCards = of(sqlite.rateCards);
export const reconciliationFindings = of(sqlite.reconciliationFindings);
export const reconciliationRuns = of(sqlite.reconciliationRuns);
export const recoveryCodes = of(sqlite.recoveryCodes);
export const relatedParties = of(sqlite.relatedParties);
export const reviewEvents = of(sqlite.reviewEvents);
export const scopeMonthEnterprises = of(sqlite.scopeMonthEnterprises);
export const scopeMonthStats = of(sqlite.scopeMonthStats);
export const serviceAgreements = of(sqlite.serviceAgreements);
export const sessions = of(sqlite.sessions);
export const settlementBatches = of(sqlite.settlementBatches);
export const settlementEvents = of(sqlite.settlementEvents);
export const settlementLineReviews = of(sqlite.settlementLineReviews);
export const settlementLines = of(sqlite.settlementLines);
export const sharedCaps = of(sqlite.sharedCaps);
export const statsDirty = of(sqlite.statsDirty);
export const storedFiles = of(sqlite.storedFiles);
export const trainingRecords = of(sqlite.trainingRecords);
export const transferReceipts = of(sqlite.transferReceipts);
export const users = of(sqlite.users);
export const voucherApplications = of(sqlite.voucherApplications);
export const voucherProgrammes = of(sqlite.voucherProgrammes);
export const voucherQuotas = of(sqlite.voucherQuotas);
export const voucherUses = of(sqlite.voucherUses);
export const apiKeys = of(sqlite.apiKeys);
export const externalServiceRecords = of(sqlite.externalServiceRecords);
export const instrumentImports = of(sqlite.instrumentImports);
export const instrumentImportErrors = of(sqlite.instrumentImportErrors);
export const listingSubmissions = of(sqlite.listingSubmissions);
export const quotes = of(sqlite.quotes);
export const testingNeeds = of(sqlite.testingNeeds);
export const testingNeedInstitutions = of(sqlite.testingNeedInstitutions);
