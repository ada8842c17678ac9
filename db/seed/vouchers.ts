/**
 * Demo vouchers: the 2026 provincial programme with Shandong's ratio rules (60% in 枣庄 临沂 德州
 * 聊城 滨州 菏泽, 40% elsewhere), certificates for the certified enterprises, one controller group,
 * one declared related party, and quotas for the demo enterprises. Also a city programme paid the
 * other way (先付后补): 临沂's 2026 vouchers, where the enterprise pays in full and claims the share
 * itself — researcher3's enterprise holds a quota. Written through the voucher service, so the
 * programme budgets and the quotas are funded in the ledger like any other.
 */
import type { Database, Tx } from '../port.ts';
import { reviewEvents, voucherApplications } from '../schema/index.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import type { Actor } from '../../server/modules/auth/actor.ts';
import { Ledger } from '../../server/modules/ledger/ledger.ts';
import { VouchersRepo } from '../../server/modules/vouchers/vouchers.repo.ts';
import { VouchersService } from '../../server/modules/vouchers/vouchers.service.ts';
import { DEMO_ACCOUNTS } from './accounts.ts';

const YUAN = 100;

/** 聊城's programme, co-funding orders with the province's; and the demo's directly administered county (冠县). */
export const LIAOCHENG_PROGRAMME_NAME = '2026年度聊城市科技创新券';
const LIAOCHENG_COUNTY = '371525';

/** The city programme in reimburse mode (先付后补): its enterprises claim their shares themselves. */
export const LINYI_PROGRAMME_NAME = '2026年度临沂市科技创新券（先付后补）';

export async function seedVoucherDemo(db: Database, now: number): Promise<void> {
  if (Number(await db.value('SELECT COUNT(*) FROM voucher_programmes')) > 0) return;
  const admin = await db.get<{ userId: number; organisationId: number }>(
    `SELECT u.id AS "userId", u.organisation_id AS "organisationId" FROM users u WHERE email = ?`,
    [DEMO_ACCOUNTS.platformAdmin.email],
  );
  if (!admin) return;
  const actor: Actor = { ...admin, role: 'platform_admin', organisationKind: 'platform', cityCode: null };
  // The programme opened in spring; its grants are dated then, before any use.
  const opened = Math.min(now, Date.parse('2026-03-20T09:00:00+08:00'));
  const service = new VouchersService(db, new VouchersRepo(db), new Ledger(db), fixedClock(opened));
  const orgOf = (email: string) => db.value<number>('SELECT organisation_id FROM users WHERE email = ?', [email]);

  await db.write(async (tx) => {
    const programme = await service.createProgramme(actor, {
      name: '2026年度山东省科技创新券',
      nameEn: 'Shandong Innovation Vouchers 2026',
      province: '山东省',
      issuerCityCode: null,
      year: 2026,
      settlementMode: 'deduct',
      ratioRules: {
        basePercent: 40,
        byCity: { '370400': 60, '371300': 60, '371400': 60, '371500': 60, '371600': 60, '371700': 60 },
        sameCityTopUpPercent: 0,
        // A county the provincial finance administers directly (省财政直管县; demo figure): a higher ratio.
        byCounty: { [LIAOCHENG_COUNTY]: 70 },
      },
      orderCapFen: null,
      enterpriseYearCapFen: 500_000 * YUAN,
      groupYearCapFen: 800_000 * YUAN,
      budgetFen: 20_000_000 * YUAN,
      startsOn: '2026-01-01',
      // Vouchers issued in 2026 stay usable for a year and a half, claims for three months more.
      useBy: '2027-06-30',
      claimBy: '2027-09-30',
      eligibleCategories: [],
      eligibleProviders: [],
      allowOutOfProvince: false,
      // Shandong reviews claims monthly at city level: the office of the enterprise's city.
      reviewLevel: 'city',
      rejectOutcome: 'enterprise_debt',
      quotaIssueMode: 'admin',
    });

    const enterprises = await tx.all<{ id: number; creditCode: string | null }>(
      `SELECT id, credit_code AS "creditCode" FROM organisations WHERE kind = 'enterprise' AND certified = TRUE ORDER BY id`,
    );
    const group = await service.createControllerGroup({ name: '鲁信科创集团', controller: '鲁信科技投资控股有限公司' });
    for (const [i, e] of enterprises.entries()) {
      await service.certify(actor, e.id, {
        certificateNo: `2026370${String(100000 + e.id).slice(1)}`,
        certifiedOn: '2026-03-15',
        expiresOn: '2027-03-14',
        controllerGroupId: i === 3 || i === 4 ? group.id : null,
      });
    }

    const quotas: [string | undefined, number][] = [
      [DEMO_ACCOUNTS.researcher.email, 50_000 * YUAN],
      ['researcher2@demo.test', 30_000 * YUAN],
      ['researcher3@demo.test', 80_000 * YUAN],
    ];
    const granted = new Set<number>();
    for (const [email, capFen] of quotas) {
      const org = email ? await orgOf(email) : undefined;
      if (!org || granted.has(org) || !enterprises.some((e) => e.id === org)) continue;
      await service.grantQuota(actor, { programmeId: programme.id, enterpriseId: org, capFen });
      granted.add(org);
    }
    // Every other certified enterprise holds a quota too: ¥20,000 for the first dozen, then ¥20,000–¥100,000.
    const sizes = [20_000, 30_000, 50_000, 30_000, 100_000, 50_000, 20_000];
    for (const [i, e] of enterprises.entries()) {
      if (granted.has(e.id)) continue;
      const capFen = (i < 12 ? 20_000 : sizes[i % sizes.length]!) * YUAN;
      await service.grantQuota(actor, { programmeId: programme.id, enterpriseId: e.id, capFen });
      granted.add(e.id);
    }

    // 临沂's own vouchers, paid afterwards: the enterprise pays the whole price, then claims 50% of it
    // from 临沂市科学技术局 (which reviews claims of its city's enterprises).
    const linyiEnterprise = await orgOf('researcher3@demo.test');
    if (linyiEnterprise && enterprises.some((e) => e.id === linyiEnterprise)) {
      const linyi = await service.createProgramme(actor, {
        name: LINYI_PROGRAMME_NAME,
        nameEn: 'Linyi Innovation Vouchers 2026 (pay first, claim after)',
        province: '山东省',
        issuerCityCode: '371300',
        year: 2026,
        settlementMode: 'reimburse',
        ratioRules: { basePercent: 50, byCity: {}, sameCityTopUpPercent: 0 },
        orderCapFen: 20_000 * YUAN,
        enterpriseYearCapFen: 100_000 * YUAN,
        groupYearCapFen: null,
        budgetFen: 3_000_000 * YUAN,
        startsOn: '2026-01-01',
        useBy: '2026-12-31',
        claimBy: '2027-03-31',
        eligibleCategories: [],
        eligibleProviders: [],
        allowOutOfProvince: false,
        reviewLevel: 'city',
        // The enterprise has paid the provider in full: a rejected share is simply not reimbursed.
        rejectOutcome: 'written_off',
        quotaIssueMode: 'admin',
      });
      await service.grantQuota(actor, { programmeId: linyi.id, enterpriseId: linyiEnterprise, capFen: 50_000 * YUAN });
    }

    // 聊城's own vouchers co-fund with the province's (province first), under a combined ceiling.
    const liaocheng = await orgOf('researcher4@demo.test');
    if (liaocheng && enterprises.some((e) => e.id === liaocheng)) {
      await tx.run(`UPDATE organisations SET county_code = ? WHERE id = ?`, [LIAOCHENG_COUNTY, liaocheng]);
      const city = await service.createProgramme(actor, {
        name: LIAOCHENG_PROGRAMME_NAME,
        nameEn: 'Liaocheng Innovation Vouchers 2026',
        province: '山东省',
        issuerCityCode: '371500',
        year: 2026,
        settlementMode: 'deduct',
        ratioRules: { basePercent: 20, byCity: {}, sameCityTopUpPercent: 0 },
        orderCapFen: 10_000 * YUAN,
        enterpriseYearCapFen: 50_000 * YUAN,
        groupYearCapFen: null,
        budgetFen: 2_000_000 * YUAN,
        startsOn: '2026-01-01',
        useBy: '2026-12-31',
        claimBy: '2027-03-31',
        eligibleCategories: [],
        eligibleProviders: [],
        allowOutOfProvince: false,
        reviewLevel: 'city',
        rejectOutcome: 'enterprise_debt',
        quotaIssueMode: 'admin',
        // Surcharges are the enterprise's own choice: 聊城 pays for the service and its start-up fee only.
        eligibleParts: { surcharges: false, setupFee: true },
        fundingOrder: 1,
        // 聊城's office reviews every line, the province re-checks every line, then 7 days of public notice.
        reviewStages: [
          { kind: 'city', samplePercent: 100 },
          { kind: 'province', samplePercent: 100 },
        ],
        publicNoticeDays: 7,
      });
      await service.grantQuota(actor, { programmeId: city.id, enterpriseId: liaocheng, capFen: 30_000 * YUAN });
      await service.createSharedCap(actor, {
        name: '2026年度省市创新券合计上限（聊城）',
        year: 2026,
        scope: 'enterprise',
        capFen: 100_000 * YUAN,
        programmeIds: [programme.id, city.id],
      });
    }

    // A declared relation: the second demo enterprise shares an owner with 山东大学.
    const related = await orgOf('researcher2@demo.test');
    const sdu = await orgOf('lab2@demo.test');
    if (related && sdu) {
      await service.declareRelated(actor, {
        enterpriseId: related,
        providerId: sdu,
        relation: 'shared_owner',
        note: '股东相同（演示数据）',
      });
    }

    await seedApplicationProgramme(service, actor, tx, now);
  });
}

/** The programme enterprises apply to (申领): its window runs through the winter of 2026–27. */
export const APPLICATION_PROGRAMME_NAME = '山东省2026年度第二批科技创新券（企业申领）';

/**
 * A second provincial programme that issues quotas on application (申领), open for applications from
 * October 2026 to March 2027 — around the demo's "now" (1 November 2026) and the months after it —
 * and the demo researcher's enterprise's application under it, awaiting 济南's finance office
 * (finance@demo.test; the programme reviews at city level). No quota until it is approved.
 */
async function seedApplicationProgramme(service: VouchersService, actor: Actor, tx: Tx, now: number): Promise<void> {
  const researcher = await tx.get<{ id: number; organisationId: number }>(
    `SELECT u.id, u.organisation_id AS "organisationId" FROM users u
     JOIN enterprise_certifications c ON c.organisation_id = u.organisation_id WHERE u.email = ?`,
    [DEMO_ACCOUNTS.researcher.email],
  );
  const programme = await service.createProgramme(actor, {
    name: APPLICATION_PROGRAMME_NAME,
    nameEn: 'Shandong Innovation Vouchers 2026, second round (on application)',
    province: '山东省',
    issuerCityCode: null,
    year: 2026,
    settlementMode: 'deduct',
    ratioRules: {
      basePercent: 40,
      byCity: { '370400': 60, '371300': 60, '371400': 60, '371500': 60, '371600': 60, '371700': 60 },
      sameCityTopUpPercent: 0,
    },
    orderCapFen: null,
    enterpriseYearCapFen: 200_000 * YUAN,
    groupYearCapFen: null,
    budgetFen: 5_000_000 * YUAN,
    startsOn: '2026-10-01',
    useBy: '2027-06-30',
    claimBy: '2027-09-30',
    eligibleCategories: [],
    eligibleProviders: [],
    allowOutOfProvince: false,
    reviewLevel: 'city',
    rejectOutcome: 'enterprise_debt',
    quotaIssueMode: 'application',
    applicationOpensOn: '2026-10-01',
    applicationClosesOn: '2027-03-31',
    automaticQuotaFen: null,
  });
  if (!researcher) return;
  // Submitted three days before the demo's "now".
  const submittedAt = Math.min(now, DEMO_APPLIED_AT);
  const application = await tx.orm
    .insert(voucherApplications)
    .values({
      programmeId: programme.id,
      enterpriseId: researcher.organisationId,
      amountFen: 80_000 * YUAN,
      plannedUse:
        '新型复合材料研发项目的微观结构表征：扫描电镜、X射线衍射和热分析测试，预计 2026 年 11 月至 2027 年 4 月使用。',
      declaresNoRelatedParties: true,
      status: 'submitted',
      submittedBy: researcher.id,
      submittedAt,
      updatedAt: submittedAt,
    })
    .returning({ id: voucherApplications.id })
    .get();
  await tx.orm
    .insert(reviewEvents)
    .values({
      subjectType: 'voucher_application',
      subjectId: application!.id,
      action: 'submitted',
      actorUserId: researcher.id,
      at: submittedAt,
    })
    .run();
}

const DEMO_APPLIED_AT = Date.parse('2026-10-29T10:30:00+08:00');
