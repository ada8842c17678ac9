/**
 * Demo listing review (入网审核): a queue waiting for admin@demo.test — new records of the demo lab's
 * institution (lab@demo.test) and of two others, a key-field change (prices and original value) of one
 * of its published instruments, and one new record returned with reasons per field. Made through the
 * services, as a lab manager would, so the reviewers' notifications are there too.
 */
import type { Database } from '../port.ts';
import type { Actor } from '../../server/modules/auth/actor.ts';
import { CatalogRepo } from '../../server/modules/catalog/catalog.repo.ts';
import { CatalogService } from '../../server/modules/catalog/catalog.service.ts';
import type { InstrumentInput } from '../../server/modules/catalog/catalog.schemas.ts';
import { instrumentInputSchema } from '../../server/modules/catalog/catalog.schemas.ts';
import { ListingService } from '../../server/modules/listing/listing.service.ts';
import { NotificationsRepo } from '../../server/modules/notifications/notifications.repo.ts';
import { NotificationService } from '../../server/modules/notifications/notifications.service.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { DEMO_ACCOUNTS } from './accounts.ts';

const HOUR = 3_600_000;

const actorOf = (db: Database, email: string) =>
  db.get<Actor>(
    `SELECT u.id AS "userId", u.role, u.organisation_id AS "organisationId", o.kind AS "organisationKind",
       o.city_code AS "cityCode"
     FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.email = ?`,
    [email],
  );

const hourly = (label: string, internal: number, academic: number, enterprise: number) => ({
  items: [
    { unit: 'hour' as const, labelZh: label, internalFen: internal, academicFen: academic, enterpriseFen: enterprise },
  ],
});
const perSample = (label: string, internal: number, academic: number, enterprise: number) => ({
  items: [
    {
      unit: 'sample' as const,
      labelZh: label,
      internalFen: internal,
      academicFen: academic,
      enterpriseFen: enterprise,
    },
  ],
});

export async function seedListingDemo(db: Database, now: number): Promise<void> {
  if (Number(await db.value(`SELECT COUNT(*) FROM listing_submissions`)) > 0) return;
  const lab = await actorOf(db, DEMO_ACCOUNTS.labManager.email);
  const admin = await actorOf(db, DEMO_ACCOUNTS.platformAdmin.email);
  if (!lab || !admin || !lab.cityCode) return;
  const clock = fixedClock(now - 72 * HOUR);
  const catalog = new CatalogService(db, new CatalogRepo(db), clock);
  const listing = new ListingService({
    db,
    catalog,
    notifier: new NotificationService(db, new NotificationsRepo(db), clock),
    clock,
  });
  catalog.gateWith(listing.gate);
  const record = (r: Record<string, unknown>, cityCode: string): InstrumentInput =>
    instrumentInputSchema.parse({ sharingMode: 'external', runStatus: 'normal', origin: 'purchased', cityCode, ...r });
  const submit = async (who: Actor, r: Record<string, unknown>) => {
    clock.advance(5 * HOUR);
    const made = await catalog.create(who, record(r, who.cityCode!));
    if (!('submitted' in made)) throw new Error('a lab manager’s record goes to review');
    return made.submitted.id;
  };

  const year = new Date(now).getUTCFullYear();
  await submit(lab, {
    assetNumber: `SDATC-${year}-0412`,
    nameZh: '场发射扫描电子显微镜',
    nameEn: 'Field-emission scanning electron microscope',
    categoryCode: '010102',
    originalValueFen: 486_000_000,
    commissionedOn: `${year}-06-18`,
    country: '德国',
    manufacturer: '蔡司（Zeiss）',
    model: 'Sigma 360',
    specs: '分辨率 0.9 nm @ 15 kV；加速电压 0.02–30 kV；配能谱仪',
    functions: '材料表面形貌观察、微区成分分析',
    subjectAreas: ['材料科学', '化学'],
    address: '济南市历下区科院路 19 号 分析测试楼 105',
    contactName: '赵静',
    contactPhone: '0531-82605312',
    rateCard: hourly('SEM 形貌观察', 30000, 45000, 60000),
  });
  await submit(lab, {
    assetNumber: `SDATC-${year}-0418`,
    nameZh: '超高效液相色谱-串联质谱联用仪',
    nameEn: 'UHPLC-MS/MS',
    categoryCode: '010201',
    originalValueFen: 325_000_000,
    commissionedOn: `${year}-08-02`,
    country: '美国',
    manufacturer: '沃特世（Waters）',
    model: 'Xevo TQ-XS',
    functions: '痕量有机物定性定量分析',
    subjectAreas: ['化学', '食品科学'],
    address: '济南市历下区科院路 19 号 分析测试楼 302',
    contactName: '赵静',
    contactPhone: '0531-82605312',
    rateCard: perSample('常规样品测试', 30000, 45000, 60000),
  });
  const returned = await submit(lab, {
    assetNumber: `SDATC-${year}-0421`,
    nameZh: '流式细胞仪',
    nameEn: 'Flow cytometer',
    categoryCode: '011012',
    originalValueFen: 18_500,
    manufacturer: '贝克曼库尔特（Beckman Coulter）',
    model: 'CytoFLEX S',
    address: null,
    contactName: '赵静',
    rateCard: hourly('上机检测', 15000, 22000, 30000),
  });

  // A key-field change of a published, priced instrument of the demo lab: prices up 20 %, value corrected.
  const published = await db.get<{ id: number }>(
    `SELECT i.id FROM instruments i JOIN rate_cards r ON r.instrument_id = i.id
     WHERE i.institution_id = ? AND i.sharing_mode = 'external' ORDER BY i.id DESC LIMIT 1`,
    [lab.organisationId],
  );
  if (published) {
    const detail = await catalog.instrument(Number(published.id), lab);
    clock.advance(5 * HOUR);
    await catalog.update(lab, detail.id, {
      originalValueFen: Math.round(detail.originalValueFen * 1.05),
      rateCard: detail.rateCard
        ? {
            ...detail.rateCard,
            items: detail.rateCard.items.map(({ id: _id, ...i }) => ({
              ...i,
              academicFen: Math.round((i.academicFen * 1.2) / 100) * 100,
              enterpriseFen: Math.round((i.enterpriseFen * 1.2) / 100) * 100,
            })),
          }
        : undefined,
    });
  }

  // Two more institutions' new records, so the queue's filters have something to tell apart.
  for (const [email, r] of [
    [
      'lab2@demo.test',
      {
        assetNumber: `SDU-${year}-1107`,
        nameZh: 'X射线单晶衍射仪',
        categoryCode: '010301',
        originalValueFen: 412_000_000,
        manufacturer: '布鲁克（Bruker）',
        model: 'D8 Venture',
        rateCard: perSample('单晶结构测定', 40000, 60000, 80000),
      },
    ],
    [
      'lab3@demo.test',
      {
        assetNumber: `OUC-${year}-0733`,
        nameZh: '400 MHz 核磁共振波谱仪',
        categoryCode: '010601',
        originalValueFen: 298_000_000,
        manufacturer: '布鲁克（Bruker）',
        model: 'AVANCE NEO 400',
        rateCard: perSample('¹H 谱', 10000, 15000, 20000),
      },
    ],
  ] as const) {
    const who = await actorOf(db, email);
    if (who?.cityCode) await submit(who, r);
  }

  // The flow cytometer comes back to the lab with reasons per field.
  clock.advance(3 * HOUR);
  await listing.returnForChanges(admin, returned, {
    fieldReasons: {
      originalValueFen: '原值 185 元与固定资产卡片不符，请按卡片金额填写（应为 185 万元左右）',
      address: '请填写存放地点（楼宇及房间号）',
    },
    note: '请核对原值并补充存放地点后重新提交。',
  });
}
