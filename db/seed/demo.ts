/**
 * Demo data: organisations, demo users and a synthetic catalogue of instruments with rate cards,
 * every instrument indexed for search. Deterministic for a given seed (password hashes aside).
 *
 * Built for size: raw prepared statements, explicit ids (so the search key is known before the
 * insert), one transaction per `batchSize` instruments, search rows inserted in key order, and a
 * bulk mode for big loads. 10^6 instruments cost about 70 s of CPU (1.6 GB of SQLite file).
 * A bulk load that dies half-way leaves the instruments table without its secondary indexes:
 * seed big catalogues into a fresh file.
 */
import type { Database } from '../port.ts';
import { SqliteDatabase } from '../sqlite.ts';
import { advanceIdentities, insertRows } from './bulk.ts';
import { seedClaimHistory } from './claims.ts';
import { seedUsageHistory } from './history.ts';
import { seedNoticeDemo, seedReimburseDemo, seedSettlementDemo, seedTransferDemo } from './settlement.ts';
import { seedVoucherDemo } from './vouchers.ts';
import { seedListingDemo } from './listing.ts';
import { seedNeedsDemo } from './needs.ts';
import { seedIntegrationsDemo } from './integrations.ts';
import { seedRegistrationDemo } from './registrations.ts';
import { seedBookingDemo, seedHolidays } from './booking.ts';
import { UNPRICED_SORT_FEN, type RunStatus, type SharingMode } from '../schema/index.ts';
import { hashPassword } from '../../server/modules/auth/password.ts';
import {
  SEARCH_INDEX_VERSION,
  searchDocument,
  searchIndexRow,
  searchIndexSql,
} from '../../server/modules/catalog/search-index.ts';
import { instrumentTypes, type InstrumentType, type ItemTemplate } from './instrument-types.ts';
import { buildingsFor, buildOrganisations, DEMO_LAB_NAME, PROFILE_WEIGHTS, type OrgSeed } from './organisations.ts';
import { BUILDINGS, landline, mobile, person, room } from './places.ts';
import { Rng, Weighted } from './random.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, MORE_DEMO_ACCOUNTS, type DemoAccount } from './accounts.ts';
import { categoryInfo, cityInfo, PROVINCE, seedReference } from './reference.ts';

/** The columns the demo's users are written with (its accounts, then the usage history's members). */
const USER_COLUMNS = [
  'id',
  'email',
  'password_hash',
  'display_name',
  'role',
  'organisation_id',
  'phone',
  'created_at',
  'email_verified_at',
  'password_changed_at',
  'org_admin',
];

/** "Now" of the demo data (2026-11-01 00:00 Asia/Shanghai): every generated time lies before it. */
export const DEMO_NOW = Date.UTC(2026, 9, 31, 16, 0, 0);
const PLATFORM_START = Date.UTC(2016, 2, 1, 0, 0, 0);
const DAY = 86_400_000;

export interface SeedDemoOptions {
  /** Number of instruments (default 3,000). */
  instruments?: number;
  /** PRNG seed (default 20261128). */
  seed?: number;
  /** Generated times lie before this instant (default DEMO_NOW, fixed so runs are reproducible). */
  now?: number;
  /** Number of enterprises (default 360: the province's SMEs that used the platform this year). */
  enterprises?: number;
  /** Instruments per transaction (default 10,000). */
  batchSize?: number;
  /** A precomputed hash of DEMO_PASSWORD, to skip hashing (tests). */
  passwordHash?: string;
  /**
   * Bulk mode (default for ≥ 100,000 instruments): the instruments table's secondary indexes are
   * dropped for the load and rebuilt after it (from their own SQL in sqlite_master), and foreign
   * keys are not checked during it; both are restored before seedDemo returns (also on error).
   */
  bulk?: boolean;
  /** Called after each batch that crosses a multiple of 50,000 instruments, and once at the very end. */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedDemoResult {
  /** True when the database already had organisations and nothing was written. */
  skipped: boolean;
  organisations: number;
  users: number;
  instruments: number;
  rateCards: number;
  rateCardItems: number;
}

const SHARING = new Weighted<SharingMode>([
  ['external', 80],
  ['internal', 15],
  ['not_shared', 5],
]);
const STATUS = new Weighted<RunStatus>([
  ['normal', 85],
  ['standby', 5],
  ['remote', 1.5],
  ['occasional_fault', 4],
  ['frequent_fault', 1],
  ['awaiting_repair', 2.5],
  ['to_be_retired', 1],
]);
const ORIGIN = new Weighted<'purchased' | 'donated' | 'other'>([
  ['purchased', 96],
  ['donated', 3],
  ['other', 1],
]);
/** Commissioning years 2005–2026, more of them recent. */
const YEARS = new Weighted<number>(Array.from({ length: 22 }, (_, i) => [2005 + i, 1 + i * 0.15] as const));
const SUBJECT_COUNT = new Weighted<number>([
  [1, 20],
  [2, 40],
  [3, 30],
  [4, 10],
]);
const ACADEMIC_FACTOR = [0.7, 0.8, 0.8, 0.8, 0.85];
const INTERNAL_FACTOR = [0.4, 0.5, 0.5, 0.5, 0.6];
const RATE_NOTES = [
  null,
  null,
  null,
  '自主上机须经培训考核合格。',
  '请提前3个工作日预约，样品需附检测委托单。',
  '测试结果以检测报告形式出具，加急样品3个工作日内完成。',
  '节假日及夜间使用须提前申请。',
];
const UNIT_ZH = { hour: '小时', sample: '样' } as const;

interface Contact {
  name: string;
  phone: string;
  email: string;
}

interface Provider {
  org: OrgSeed;
  cityOrdinal: number;
  types: Weighted<InstrumentType>;
  contacts: Contact[];
  buildings: string[];
  /** Last asset-number sequence per commissioning year. */
  assetSeq: Map<number, number>;
  internalWord: string;
}

interface TypeInfo {
  categoryNames: string[];
  categoryOrdinal: number;
  subjectsJson: Map<string, string>;
}

const BULK_THRESHOLD = 100_000;

/**
 * Bulk-load settings: drop the instruments table's secondary indexes, stop checking foreign keys
 * (the generator assigns every id itself; the small seeds of the tests check them) and let FTS5
 * buffer more. Returns the function that rebuilds the indexes, with SQLite's multi-threaded
 * sorter, and restores the rest.
 */
function enterBulkMode(sqlite: SqliteDatabase['client']): () => void {
  const indexes = sqlite
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instruments' AND sql IS NOT NULL",
    )
    .all() as { name: string; sql: string }[];
  const foreignKeys = sqlite.pragma('foreign_keys', { simple: true }) as number;
  const threads = sqlite.pragma('threads', { simple: true }) as number;
  // (An integer literal: FTS5 rejects the REAL that better-sqlite3 would bind for a JS number.)
  const setHashSize = (bytes: number) =>
    sqlite.exec(`INSERT INTO instrument_fts (instrument_fts, rank) VALUES ('hashsize', ${Math.trunc(bytes)})`);
  const hashSize = sqlite.prepare("SELECT v FROM instrument_fts_config WHERE k = 'hashsize'").pluck().get() as
    number | undefined;
  sqlite.pragma('foreign_keys = OFF');
  // FTS5 writes a segment whenever its pending terms pass hashsize (1 MiB by default): fewer, larger ones.
  setHashSize(64 * 1024 * 1024);
  for (const ix of indexes) sqlite.exec(`DROP INDEX "${ix.name}"`);
  return () => {
    setHashSize(hashSize ?? 1024 * 1024);
    sqlite.pragma('threads = 2');
    try {
      for (const ix of indexes) sqlite.exec(ix.sql);
    } finally {
      sqlite.pragma(`threads = ${threads}`);
      sqlite.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
  };
}

/** ¥1,200 (whole yuan, thousands separated). */
function yuan(fen: number): string {
  let y = Math.round(fen / 100);
  let out = '';
  while (y >= 1000) {
    out = `,${String(y % 1000).padStart(3, '0')}${out}`;
    y = Math.floor(y / 1000);
  }
  return `¥${y}${out}`;
}

/** An enterprise price inside the vocabulary's range, in whole ¥10 (or ¥5 for cheap services), above `floor` when it can be. */
function priceFor(rng: Rng, range: [number, number], band: [number, number], floor: number): number {
  const [lo, hi] = range;
  const u = band[0] + rng.next() * (band[1] - band[0]);
  const step = hi >= 20_000 ? 1_000 : 500; // ¥10 or ¥5
  const raw = Math.max(Math.round((lo + (hi - lo) * u) / step) * step, floor + step);
  return Math.min(hi, Math.max(lo, raw));
}

const roundYuan = (fen: number) => Math.round(fen / 100) * 100;
const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

function isoDate(year: number, rng: Rng, notAfter: number): { iso: string; at: number } {
  const month = rng.int(1, 12);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  let at = Date.UTC(year, month - 1, rng.int(1, days)) - 8 * 3_600_000; // midnight in Shanghai
  if (at > notAfter) at = notAfter - rng.int(1, 365) * DAY;
  const d = new Date(at + 8 * 3_600_000);
  return { iso: d.toISOString().slice(0, 10), at };
}

/** Write the demo data unless the database already has organisations. Runs seedReference first. */
export async function seedDemo(db: Database, options: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const total = options.instruments ?? 3000;
  const seed = options.seed ?? 20261128;
  const now = options.now ?? DEMO_NOW;
  const batchSize = options.batchSize ?? 10_000;
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`bad instrument count ${total}`);
  const existing = Number(await db.value('SELECT count(*) FROM organisations'));
  if (existing > 0) {
    return { skipped: true, organisations: 0, users: 0, instruments: 0, rateCards: 0, rateCardItems: 0 };
  }
  // Hash once, before any transaction (a write transaction holds the database while it runs).
  const passwordHash = options.passwordHash ?? (await hashPassword(DEMO_PASSWORD));
  await seedReference(db);

  const cities = await cityInfo(db);
  const categories = await categoryInfo(db);
  const types = instrumentTypes();
  const orgRng = Rng.stream(seed, 'organisations');
  const orgs = buildOrganisations(orgRng, { enterprises: options.enterprises ?? 360, start: PLATFORM_START, end: now });

  // ---- organisations and users ----
  const peopleRng = Rng.stream(seed, 'people');
  const accounts: DemoAccount[] = [...Object.values(DEMO_ACCOUNTS), ...MORE_DEMO_ACCOUNTS];
  await db.write(async () => {
    await insertRows(
      db,
      'organisations',
      [
        'id',
        'kind',
        'name',
        'name_en',
        'credit_code',
        'city_code',
        'address',
        'institution_type',
        'certified',
        'contact_phone',
        'website',
        'created_at',
      ],
      orgs.all.map((o) => [
        o.id,
        o.kind,
        o.name,
        o.nameEn,
        o.creditCode,
        o.cityCode,
        o.address,
        o.institutionType,
        o.certified,
        o.contactPhone,
        o.website,
        o.createdAt,
      ]),
    );
    await insertRows(
      db,
      'users',
      USER_COLUMNS,
      accounts.map((a, i) => {
        const org = orgs.byName.get(a.organisation);
        if (!org) throw new Error(`demo account ${a.email}: no organisation ${a.organisation}`);
        return [
          i + 1,
          a.email.toLowerCase(),
          passwordHash,
          a.displayName,
          a.role,
          org.id,
          mobile(peopleRng),
          org.createdAt,
          org.createdAt,
          org.createdAt,
          // Each demo account administers its organisation (as the person who registered it would).
          true,
        ];
      }),
    );
    // One member for each enterprise and provider without a demo account: the people of the usage history.
    const members = demoMembers(orgs.all, accounts, Rng.stream(seed, 'members'), accounts.length + 1);
    await insertRows(
      db,
      'users',
      USER_COLUMNS,
      members.map((m) => {
        const at = m.org.createdAt;
        return [m.id, m.email, passwordHash, m.displayName, 'researcher', m.org.id, m.phone, at, at, at, true];
      }),
    );
    // The province's department and the cities' bureaus: their level, as an admin creating them would set it.
    await db.run(
      `UPDATE organisations SET finance_level = CASE WHEN city_code IS NULL THEN 'province' ELSE 'city' END
       WHERE kind = 'finance_office'`,
    );
    // Providers' receiving accounts: what payment notices for bank transfers (对公转账) name as the payee.
    for (const o of orgs.all) {
      if (o.kind !== 'institution') continue;
      await db.run(`UPDATE organisations SET bank_account = ? WHERE id = ?`, [
        JSON.stringify(demoBankAccount(o.id, o.name)),
        o.id,
      ]);
    }
  });

  // ---- per-type and per-provider tables, prepared once ----
  const typeInfo = new Map<InstrumentType, TypeInfo>();
  for (const t of types) {
    const info = categories.get(t.code);
    if (!info) throw new Error(`category ${t.code} missing: run seedReference`);
    typeInfo.set(t, { categoryNames: info.names, categoryOrdinal: info.topOrdinal, subjectsJson: new Map() });
  }
  const providers = orgs.providers.map((org): Provider => {
    const weights = PROFILE_WEIGHTS[org.profile];
    const table = new Weighted<InstrumentType>(
      types.map((t) => {
        const affinity = Math.max(...t.domains.map((d) => weights[d] ?? weights.other ?? 0.2));
        return [t, t.freq * affinity] as const;
      }),
    );
    const contacts = Array.from({ length: peopleRng.int(3, 8) }, () => {
      const p = person(peopleRng);
      return {
        name: p.name,
        phone: peopleRng.chance(0.4) ? landline(peopleRng, org.cityCode!) : mobile(peopleRng),
        email: `${p.pinyin}${peopleRng.chance(0.3) ? peopleRng.int(1, 99) : ''}@${org.mailDomain}.demo.test`,
      };
    });
    return {
      org,
      cityOrdinal: cities.get(org.cityCode!)!.ordinal,
      types: table,
      contacts,
      buildings: buildingsFor(org, peopleRng, BUILDINGS),
      assetSeq: new Map(),
      internalWord: org.institutionType === 'university' ? '校内' : '内部',
    };
  });
  const demoLab = providers.find((p) => p.org.name === DEMO_LAB_NAME)!;
  const providerTable = new Weighted<Provider>(providers.filter((p) => p.org.weight > 0).map((p) => [p, p.org.weight]));

  const rng = Rng.stream(seed, 'instruments');
  // The demo lab gets one of (nearly) every type: a varied, realistic set for the lab manager's pages.
  const demoLabTypes = rng.sample(
    types.filter((t) => !t.domains.includes('marine')),
    types.length,
  );
  while (demoLabTypes.length < 40) demoLabTypes.push(demoLab.types.draw(rng));
  const demoLabCount = Math.min(total, demoLabTypes.length);

  // ---- instruments ----
  const INSTRUMENT_COLUMNS = [
    'id',
    'institution_id',
    'asset_number',
    'name_zh',
    'name_en',
    'category_code',
    'origin',
    'original_value_fen',
    'commissioned_on',
    'country',
    'manufacturer',
    'model',
    'specs',
    'functions',
    'subject_areas',
    'service_content',
    'fee_note',
    'sharing_mode',
    'run_status',
    'province',
    'city_code',
    'district',
    'address',
    'contact_name',
    'contact_phone',
    'contact_email',
    'photo_url',
    'time_zone',
    'annual_run_hours',
    'annual_service_hours',
    'list_price_fen',
    'list_price_unit',
    'price_sort_fen',
    'search_key',
    'created_at',
    'updated_at',
  ];
  const CARD_COLUMNS = [
    'instrument_id',
    'setup_fee_fen',
    'minimum_charge_fen',
    'urgent_surcharge_percent',
    'off_hours_surcharge_percent',
    'notes',
    'updated_at',
  ];
  const ITEM_COLUMNS = [
    'id',
    'instrument_id',
    'unit',
    'label_zh',
    'label_en',
    'internal_fen',
    'academic_fen',
    'enterprise_fen',
    'sort_order',
  ];

  let itemId = 0;
  let cards = 0;
  const namesByType = new Map(types.map((t) => [t, new Weighted(t.names.map((n) => [n, n[2]] as const))]));

  const writeOne = (id: number) => {
    const p = id <= demoLabCount ? demoLab : providerTable.draw(rng);
    const t = id <= demoLabCount ? demoLabTypes[id - 1]! : p.types.draw(rng);
    const ti = typeInfo.get(t)!;
    const org = p.org;

    const [nameZh, nameEn] = namesByType.get(t)!.draw(rng);
    const mm = rng.pick(t.makeModels);
    const sharingMode = SHARING.draw(rng);
    const runStatus = STATUS.draw(rng);
    const selfBuildable = t.code === '130201' || t.code === '120201';
    const origin = selfBuildable && rng.chance(0.2) ? 'self_built' : ORIGIN.draw(rng);
    const commissioned = isoDate(YEARS.draw(rng), rng, now);
    const valueFen = rng.int(t.valueYuan[0], t.valueYuan[1]) * 100;
    const year = Number(commissioned.iso.slice(0, 4));
    const seq = (p.assetSeq.get(year) ?? 0) + 1;
    p.assetSeq.set(year, seq);
    const assetNumber = `${year}-${String(seq).padStart(4, '0')}`;

    let specs = '';
    for (const options of t.specs) {
      const f = rng.pick(options);
      if (f) specs += (specs ? '；' : '') + f;
    }
    specs += '。';

    const k = SUBJECT_COUNT.draw(rng);
    const chosen = rng.sample(t.subjects, k).sort((a, b) => t.subjects.indexOf(a) - t.subjects.indexOf(b));
    const subjectKey = chosen.join('|');
    let subjectsJson = ti.subjectsJson.get(subjectKey);
    if (!subjectsJson) {
      subjectsJson = JSON.stringify(chosen);
      ti.subjectsJson.set(subjectKey, subjectsJson);
    }

    const contact = rng.pick(p.contacts);
    const building = rng.pick(p.buildings);
    const address = `${org.address} ${building}${room(rng)}`;

    const broken = runStatus === 'awaiting_repair' || runStatus === 'to_be_retired' || runStatus === 'frequent_fault';
    const runHours = broken ? rng.int(200, 900) : rng.int(800, 2000);
    const serviceHours = sharingMode === 'not_shared' ? rng.int(0, 60) : Math.min(runHours, rng.int(100, 600));

    // On the platform after commissioning (and after the platform opened), edited since in most cases.
    const listedFrom = Math.max(commissioned.at, PLATFORM_START);
    const createdAt = wholeSecond(listedFrom + rng.next() * (now - listedFrom));
    const updatedAt = rng.chance(0.3) ? createdAt : wholeSecond(createdAt + rng.next() * (now - createdAt));

    // ---- rate card ----
    const priced = sharingMode !== 'not_shared' || rng.chance(0.25);
    let listPrice: number | null = null;
    let listUnit: 'hour' | 'sample' | null = null;
    let feeNote: string;
    let card: (string | number | null)[] | null = null;
    const items: (string | number)[][] = [];
    if (priced) {
      const count = Math.min(t.items.length, rng.int(1, 3));
      const templates: ItemTemplate[] = [t.items[0]!];
      if (count > 1) {
        for (const extra of rng.sample(t.items.slice(1), count - 1)) templates.push(extra);
        templates.sort((a, b) => t.items.indexOf(a) - t.items.indexOf(b));
      }
      const academicFactor = rng.pick(ACADEMIC_FACTOR);
      const internalFactor = rng.pick(INTERNAL_FACTOR);
      let hourPrice = 0;
      // Items come in band order; a later item of the same unit costs more (¹H < ¹³C < 2D).
      const lastByUnit = { hour: 0, sample: 0 };
      const parts: string[] = [];
      const internalParts: string[] = [];
      templates.forEach((tpl, i) => {
        const enterprise = priceFor(rng, t.rates[tpl.unit]!, tpl.band, lastByUnit[tpl.unit]);
        lastByUnit[tpl.unit] = enterprise;
        const academic = roundYuan(enterprise * academicFactor);
        const internal = roundYuan(enterprise * internalFactor);
        items.push([++itemId, id, tpl.unit, tpl.labelZh, tpl.labelEn, internal, academic, enterprise, i]);
        if (listPrice === null || enterprise < listPrice) {
          listPrice = enterprise;
          listUnit = tpl.unit;
        }
        if (tpl.unit === 'hour' && (hourPrice === 0 || enterprise < hourPrice)) hourPrice = enterprise;
        parts.push(`${tpl.labelZh} ${yuan(enterprise)}/${UNIT_ZH[tpl.unit]}`);
        internalParts.push(`${tpl.labelZh} ${yuan(internal)}/${UNIT_ZH[tpl.unit]}`);
      });
      const setupFee = rng.chance(hourPrice ? 0.45 : 0.2) ? rng.int(2, 10) * 5_000 : 0;
      const minimumCharge = hourPrice && rng.chance(0.3) ? 2 * hourPrice : 0;
      const offHours = rng.chance(0.35) ? 20 : 0;
      card = [id, setupFee, minimumCharge, 50, offHours, rng.pick(RATE_NOTES), updatedAt];
      cards++;
      const extras =
        (setupFee ? `开机费${yuan(setupFee)}/次；` : '') +
        (minimumCharge ? '单次预约最低按2小时收费；' : '') +
        '加急加收50%' +
        (offHours ? '，节假日及夜间加收20%' : '') +
        '。';
      if (sharingMode === 'external') {
        feeNote = `企业用户：${parts.join('，')}；高校及科研院所按${Math.round(academicFactor * 100)}%收费，${p.internalWord}用户按${Math.round(internalFactor * 100)}%收费；${extras}`;
      } else if (sharingMode === 'internal') {
        feeNote = `仅对${p.internalWord}用户开放：${internalParts.join('，')}；${extras}`;
      } else {
        feeNote = `暂不对外开放；${p.internalWord}核算价：${internalParts.join('，')}。`;
      }
    } else {
      feeNote = '暂不对外开放，不收费。';
    }

    const serviceContent = sharingMode === 'not_shared' ? `仅供本单位科研使用。${t.service}` : t.service;
    const doc = searchDocument({
      id,
      nameZh,
      nameEn,
      model: mm.model,
      manufacturer: mm.manufacturer,
      categoryCode: t.code,
      categoryNames: ti.categoryNames,
      categoryOrdinal: ti.categoryOrdinal,
      institutionId: org.id,
      institutionName: org.name,
      cityCode: org.cityCode!,
      cityOrdinal: p.cityOrdinal,
      sharingMode,
      runStatus,
    });

    instrumentRows.push([
      id,
      org.id,
      assetNumber,
      nameZh,
      nameEn,
      t.code,
      origin,
      valueFen,
      commissioned.iso,
      mm.country,
      mm.manufacturer,
      mm.model,
      specs,
      t.functions,
      subjectsJson,
      serviceContent,
      feeNote,
      sharingMode,
      runStatus,
      PROVINCE,
      org.cityCode,
      org.district!.name,
      address,
      contact.name,
      contact.phone,
      contact.email,
      null,
      'Asia/Shanghai',
      runHours,
      serviceHours,
      listPrice,
      listUnit,
      listPrice ?? UNPRICED_SORT_FEN,
      doc.key,
      createdAt,
      updatedAt,
    ]);
    if (card) {
      cardRows.push(card);
      for (const item of items) itemRows.push(item);
    }
    indexRows.push(searchIndexRow(db.engine, doc));
  };

  const instrumentRows: unknown[][] = [];
  const cardRows: unknown[][] = [];
  const itemRows: unknown[][] = [];
  const indexRows: ReturnType<typeof searchIndexRow>[] = [];
  const writeBatch = () =>
    db.write(async () => {
      await insertRows(db, 'instruments', INSTRUMENT_COLUMNS, instrumentRows);
      await insertRows(db, 'rate_cards', CARD_COLUMNS, cardRows);
      await insertRows(db, 'rate_card_items', ITEM_COLUMNS, itemRows);
      // FTS5 flushes its pending terms whenever a rowid is lower than the one before, and the search
      // key's high bits are status and sharing mode: in key order the batch becomes one segment.
      // (Also kept after the table inserts: their statement savepoints would flush FTS5 too.)
      indexRows.sort((a, b) => Number(a.values[0]) - Number(b.values[0]));
      const first = indexRows[0];
      if (first)
        await insertRows(
          db,
          first.table,
          first.columns,
          indexRows.map((r) => r.values),
        );
    });

  const bulk = options.bulk ?? total >= BULK_THRESHOLD;
  // Bulk mode is SQLite's (its indexes dropped and rebuilt around the load).
  const leaveBulkMode = bulk && db instanceof SqliteDatabase ? enterBulkMode(db.client) : () => undefined;
  const PROGRESS_EVERY = 50_000;
  try {
    for (let from = 1; from <= total; from += batchSize) {
      const to = Math.min(total, from + batchSize - 1);
      instrumentRows.length = cardRows.length = itemRows.length = indexRows.length = 0;
      for (let id = from; id <= to; id++) writeOne(id);
      await writeBatch();
      if (
        options.onProgress &&
        to < total &&
        Math.floor(to / PROGRESS_EVERY) > Math.floor((from - 1) / PROGRESS_EVERY)
      ) {
        options.onProgress(to, total);
      }
    }
  } finally {
    leaveBulkMode();
  }
  options.onProgress?.(total, total);
  // The index above is the code's own text: no rebuild at the server's start (search-index-refresh.ts).
  await db.run(searchIndexSql.markVersion, [SEARCH_INDEX_VERSION]);
  // The rows above carry their ids: what the platform inserts from here on gets new ones.
  await advanceIdentities(db);
  await seedHolidays(db);
  await seedBookingDemo(db, now);
  await seedVoucherDemo(db, now);
  await seedUsageHistory(db, { seed, instruments: Math.min(total, 3000) });
  await advanceIdentities(db);
  await seedClaimHistory(db, { seed }); // the history's voucher uses claimed by their labs and paid, month by month
  await seedSettlementDemo(db);
  await seedReimburseDemo(db);
  await seedNoticeDemo(db);
  await seedTransferDemo(db);
  await seedListingDemo(db, now);
  await seedNeedsDemo(db); // testing needs with quotes to compare, one accepted, one expired
  await seedIntegrationsDemo(db, now, seed); // the demo lab's own LIMS: an API key and pushed records
  // An enterprise's registration awaiting review (after the rest: its ids come from the database).
  await seedRegistrationDemo(db, { now, passwordHash, seed });

  return {
    skipped: false,
    organisations: orgs.all.length,
    users: Number(await db.value('SELECT COUNT(*) FROM users')),
    instruments: total,
    rateCards: cards,
    rateCardItems: itemId,
  };
}

/**
 * A researcher of each enterprise and provider that has no demo account: who booked the instruments in
 * the usage history (history.ts). They sign in with the demo password too, under `<pinyin>.<org id>@…`.
 */
function demoMembers(orgs: OrgSeed[], accounts: DemoAccount[], rng: Rng, firstId: number) {
  const taken = new Set(accounts.map((a) => a.organisation));
  return orgs
    .filter((o) => (o.kind === 'enterprise' || (o.kind === 'institution' && o.weight > 0)) && !taken.has(o.name))
    .map((org, i) => {
      const p = person(rng);
      return {
        id: firstId + i,
        org,
        email: `${p.pinyin}.${org.id}@${org.mailDomain}.demo.test`,
        displayName: p.name,
        phone: mobile(rng),
      };
    });
}

const DEMO_BANKS = ['中国工商银行', '中国建设银行', '中国农业银行', '中国银行', '交通银行', '齐鲁银行'];

/** A plausible, stable receiving account of a demo provider (19 digits, like a corporate account). */
function demoBankAccount(id: number, name: string) {
  const bank = DEMO_BANKS[id % DEMO_BANKS.length]!;
  return {
    bankName: `${bank}济南分行营业部`,
    accountName: name,
    accountNo: `1602${String(id).padStart(6, '0')}${String((id * 7919) % 1_000_000_000).padStart(9, '0')}`,
  };
}
