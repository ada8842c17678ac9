/**
 * Demo testing needs (需求发布) and quotes: open needs of demo enterprises with quotes of demo labs — one
 * of researcher@demo.test's with three quotes to compare (rate card and negotiated) — one accepted, one
 * expired. Times are the real clock's (as the transfer demo's): open needs must still be open, and their
 * quotes valid, when the demo is started. Skipped when needs exist already.
 */
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Database } from '../port.ts';
import { quotes, testingNeedInstitutions, testingNeeds, type QuoteLine } from '../schema/index.ts';
import { DEMO_ACCOUNTS } from './accounts.ts';

const DAY = 86_400_000;
const ZONE = 'Asia/Shanghai';

interface Person {
  userId: number;
  organisationId: number;
}

interface Offer {
  instrumentId: number;
  institutionId: number;
  categoryCode: string;
  nameZh: string;
  itemId: number;
  labelZh: string;
  enterpriseFen: number;
}

export async function seedNeedsDemo(db: Database): Promise<void> {
  if (Number(await db.value('SELECT COUNT(*) FROM testing_needs')) > 0) return;
  const person = async (email: string) =>
    db.get<Person>(`SELECT id AS "userId", organisation_id AS "organisationId" FROM users WHERE email = ?`, [email]);
  const [researcher, researcher3, lab, lab2, lab3] = await Promise.all(
    [
      DEMO_ACCOUNTS.researcher.email,
      'researcher3@demo.test',
      DEMO_ACCOUNTS.labManager.email,
      'lab2@demo.test',
      'lab3@demo.test',
    ].map(person),
  );
  if (!researcher || !researcher3 || !lab || !lab2) return;
  /** A lab's externally shared instruments in service with a per-sample price (of a category, if given). */
  const offers = async (institutionId: number, categoryPrefix?: string) =>
    (
      await db.all<Offer>(
        `SELECT i.id AS "instrumentId", i.institution_id AS "institutionId", i.category_code AS "categoryCode",
            i.name_zh AS "nameZh", r.id AS "itemId", r.label_zh AS "labelZh", r.enterprise_fen AS "enterpriseFen"
          FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
          WHERE i.institution_id = ? AND r.unit = 'sample' AND i.sharing_mode = 'external' AND i.run_status = 'normal'
            AND i.category_code LIKE ?
          ORDER BY i.id LIMIT 3`,
        [institutionId, `${categoryPrefix ?? ''}%`],
      )
    ).map((o) => ({ ...o, enterpriseFen: Number(o.enterpriseFen) }));
  const first = (await offers(lab.organisationId))[0];
  if (!first) return;
  const category = first.categoryCode.slice(0, 4);
  const labOffers = [first, ...(await offers(lab.organisationId))].slice(0, 2);
  const lab2Offer = (await offers(lab2.organisationId, category))[0] ?? (await offers(lab2.organisationId))[0];
  const lab3Offer = lab3
    ? ((await offers(lab3.organisationId, category))[0] ?? (await offers(lab3.organisationId))[0])
    : undefined;

  const now = Date.now();
  const date = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE }).toISODate()!;
  const endOf = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE }).endOf('day').toMillis() + 1;
  const cityOf = async (orgId: number) => db.value<string>('SELECT city_code FROM organisations WHERE id = ?', [orgId]);

  await db.write(async (tx) => {
    const need = async (
      who: Person,
      n: {
        title: string;
        description: string;
        sampleType: string;
        sampleCount: number;
        createdAgo: number;
        status: 'open' | 'accepted' | 'expired';
        visibility?: 'public' | 'invited';
        budget: [number, number];
      },
    ) => {
      const createdAt = now - n.createdAgo;
      const expiresAt = n.status === 'expired' ? createdAt + 14 * DAY : endOf(now + 14 * DAY);
      const made = await tx.orm
        .insert(testingNeeds)
        .values({
          enterpriseId: who.organisationId,
          createdBy: who.userId,
          title: n.title,
          description: n.description,
          categoryCode: first.categoryCode,
          sampleType: n.sampleType,
          sampleCount: n.sampleCount,
          deadline: date(expiresAt + 7 * DAY),
          budgetMinFen: n.budget[0],
          budgetMaxFen: n.budget[1],
          cityCode: (await cityOf(who.organisationId)) ?? null,
          visibility: n.visibility ?? 'public',
          status: n.status,
          expiresAt,
          createdAt,
          updatedAt: n.status === 'expired' ? expiresAt : createdAt,
        })
        .returning({ id: testingNeeds.id })
        .get();
      const id = made!.id;
      // The labs the catalogue matched and told.
      const told = new Map<number, number[]>();
      for (const o of [...labOffers, lab2Offer, lab3Offer]) {
        if (!o) continue;
        told.set(o.institutionId, [...(told.get(o.institutionId) ?? []), o.instrumentId]);
      }
      await tx.orm
        .insert(testingNeedInstitutions)
        .values(
          [...told.entries()].map(([institutionId, instrumentIds]) => ({
            needId: id,
            institutionId,
            reason: 'matched' as const,
            instrumentIds,
            notifiedAt: createdAt,
          })),
        )
        .run();
      return { id, createdAt, expiresAt };
    };
    const quote = async (
      needId: number,
      by: Person,
      o: Offer,
      q: {
        samples: number;
        negotiatedFen?: number;
        after: number;
        status: 'submitted' | 'accepted' | 'declined' | 'expired';
        createdAt: number;
        decidedAt?: number;
        note?: string;
      },
    ) => {
      const unitFen = q.negotiatedFen ?? o.enterpriseFen;
      const lines: QuoteLine[] = [
        {
          rateItemId: q.negotiatedFen === undefined ? o.itemId : null,
          label: q.negotiatedFen === undefined ? o.labelZh : `${o.labelZh}（议价）`,
          unit: 'sample',
          quantity: q.samples,
          unitFen,
          amountFen: unitFen * q.samples,
        },
      ];
      const at = q.createdAt + q.after;
      const made = await tx.orm
        .insert(quotes)
        .values({
          needId,
          institutionId: o.institutionId,
          instrumentId: o.instrumentId,
          rateItemId: lines[0]!.rateItemId,
          lines,
          totalFen: lines[0]!.amountFen,
          negotiated: q.negotiatedFen !== undefined,
          earliestDate: date(now + 2 * DAY),
          validUntil: q.status === 'expired' ? date(at + 7 * DAY) : date(now + 20 * DAY),
          note: q.note ?? null,
          status: q.status,
          createdBy: by.userId,
          createdAt: at,
          updatedAt: q.decidedAt ?? at,
          decidedAt: q.decidedAt ?? null,
        })
        .returning({ id: quotes.id })
        .get();
      return made!.id;
    };

    // researcher@demo.test's need with three quotes to compare.
    const a = await need(researcher, {
      title: `${first.nameZh}检测`,
      description: `新产品研发需对一批样品进行${first.nameZh}测试，出具检测报告，要求两周内完成。`,
      sampleType: '高分子复合材料',
      sampleCount: 6,
      createdAgo: 2 * DAY,
      status: 'open',
      budget: [50_000, 600_000],
    });
    await quote(a.id, lab, first, {
      samples: 6,
      after: 3 * 3600_000,
      status: 'submitted',
      createdAt: a.createdAt,
      note: '可提供加急服务',
    });
    if (lab2Offer)
      await quote(a.id, lab2, lab2Offer, {
        samples: 6,
        negotiatedFen: Math.max(100, Math.round((first.enterpriseFen * 0.85) / 100) * 100),
        after: 20 * 3600_000,
        status: 'submitted',
        createdAt: a.createdAt,
        note: '批量样品优惠价',
      });
    if (lab3 && lab3Offer)
      await quote(a.id, lab3, lab3Offer, {
        samples: 6,
        after: 30 * 3600_000,
        status: 'submitted',
        createdAt: a.createdAt,
      });

    // Another enterprise's open need, one quote so far.
    const b = await need(researcher3, {
      title: '材料成分与结构表征',
      description: `需对 3 个金属样品进行${labOffers[1]?.nameZh ?? first.nameZh}分析。`,
      sampleType: '金属样品',
      sampleCount: 3,
      createdAgo: DAY,
      status: 'open',
      budget: [20_000, 200_000],
    });
    await quote(b.id, lab, labOffers[1] ?? first, {
      samples: 3,
      after: 5 * 3600_000,
      status: 'submitted',
      createdAt: b.createdAt,
    });

    // An accepted need: the lab's quote taken, the other declined.
    const c = await need(researcher, {
      title: '涂层厚度与形貌检测',
      description: `${first.nameZh}测试 4 个涂层样品。`,
      sampleType: '涂层试片',
      sampleCount: 4,
      createdAgo: 6 * DAY,
      status: 'accepted',
      budget: [10_000, 300_000],
    });
    const decided = c.createdAt + 3 * DAY;
    const accepted = await quote(c.id, lab, first, {
      samples: 4,
      after: 4 * 3600_000,
      status: 'accepted',
      createdAt: c.createdAt,
      decidedAt: decided,
    });
    if (lab2Offer)
      await quote(c.id, lab2, lab2Offer, {
        samples: 4,
        after: 10 * 3600_000,
        status: 'declined',
        createdAt: c.createdAt,
        decidedAt: decided,
      });
    await tx.orm
      .update(testingNeeds)
      .set({ acceptedQuoteId: accepted, updatedAt: decided })
      .where(eq(testingNeeds.id, c.id))
      .run();

    // An expired need: its quote expired with it.
    const d = await need(researcher, {
      title: '食品添加剂残留检测',
      description: '5 个食品样品的添加剂残留测定。',
      sampleType: '食品',
      sampleCount: 5,
      createdAgo: 40 * DAY,
      status: 'expired',
      budget: [5_000, 80_000],
    });
    await quote(d.id, lab, first, {
      samples: 5,
      after: 6 * 3600_000,
      status: 'expired',
      createdAt: d.createdAt,
      decidedAt: d.expiresAt,
    });
  });
}
