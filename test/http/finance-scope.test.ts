/**
 * A city's finance office reads its own city's money and no other city's: voucher quotas, ledger
 * accounts and transfers, enterprises (credit codes, certificates), related parties, controller
 * groups and the budget figures of city programmes; the whole ledger's check and reconciliation
 * (runs, findings) are the provincial office's and the platform finance desk's. 青岛's office
 * (finance3) is the one who tries.
 */
import type { Param } from '../../db/port.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/shared/clock.ts';
import { captureUnknownToTheProcessor } from '../support/money.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { testStripe } from '../support/stripe.ts';
import { slotTimes } from '../support/schedule.ts';

// Thursday 2026-11-05, 10:00 in Shanghai, as in the settlement tests.
const NOW = Date.parse('2026-11-05T10:00:00+08:00');
const JINAN = '370100';
const QINGDAO = '370200';
const LINYI = '371300';
let t: TestApp;
type Agent = Awaited<ReturnType<typeof signIn>>;
let jinan: Agent; // 济南市科学技术局
let qingdao: Agent; // 青岛市科学技术局
let linyi: Agent; // 临沂市科学技术局
let province: Agent; // 山东省科学技术厅
let desk: Agent; // the platform's finance desk
let admin: Agent;
let researcher: Agent;
/** A card-and-voucher booking of 济南's demo enterprise, and one of 青岛's. */
let jinanBooking: number;
let qingdaoBooking: number;

type Quota = { id: number; enterprise: { id: number }; programmeId: number };
type Account = { id: number; code: string; organisationId: number | null; programmeId: number | null };
type Transfer = {
  id: string;
  bookingId: number | null;
  debitAccount: { id: number };
  creditAccount: { id: number };
};

const all = async <T>(sql: string, ...params: Param[]) => (await t.db.all(sql, params)) as T[];
const ids = async (sql: string, ...params: Param[]) => new Set((await t.db.column(sql, params)) as number[]);

/** Enterprises of a city, and the programmes it issued. */
const enterprisesOf = (city: string) =>
  ids(`SELECT id FROM organisations WHERE kind = 'enterprise' AND city_code = ?`, city);
const programmesOf = (city: string) => ids(`SELECT id FROM voucher_programmes WHERE issuer_city_code = ?`, city);
/** Ledger accounts that are a city's: its enterprises' and its programmes'. */
const accountsOf = (city: string) =>
  ids(
    `SELECT a.id FROM ledger_accounts a LEFT JOIN organisations o ON o.id = a.organisation_id
     LEFT JOIN voucher_programmes p ON p.id = a.programme_id
     WHERE (o.kind = 'enterprise' AND o.city_code = ?) OR p.issuer_city_code = ?`,
    city,
    city,
  );
const bookingsOf = (city: string) =>
  ids(
    `SELECT b.id FROM bookings b JOIN organisations o ON o.id = b.requester_organisation_id
     WHERE o.kind = 'enterprise' AND o.city_code = ?`,
    city,
  );

async function book(agent: Agent, instrumentId: number): Promise<number> {
  const free = await agent.get(
    `/api/v1/instruments/${instrumentId}/availability?from=${encodeURIComponent('2026-11-16T00:00:00+08:00')}&to=${encodeURIComponent('2026-11-21T00:00:00+08:00')}&durationMinutes=120`,
  );
  expect(free.status, JSON.stringify(free.body)).toBe(200);
  const res = await agent.post('/api/v1/bookings').send({
    instrumentId,
    mode: 'machine_time',
    ...slotTimes(free.body)[0],
    useVoucher: true,
    paymentToken: 'tok_visa',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.price.voucherFen).toBeGreaterThan(0);
  return res.body.id as number;
}

async function transfersOf(agent: Agent, query = ''): Promise<Transfer[]> {
  const items: Transfer[] = [];
  let cursor: string | null = null;
  do {
    const res = await agent.get(
      `/api/v1/ledger/transfers?limit=200${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...(res.body.items as Transfer[]));
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

beforeAll(async () => {
  t = await createTestApp({ instruments: 200, clock: fixedClock(NOW), payments: await testStripe() });
  jinan = await signIn(t.app, 'finance@demo.test');
  qingdao = await signIn(t.app, 'finance3@demo.test');
  linyi = await signIn(t.app, 'finance4@demo.test');
  province = await signIn(t.app, 'finance2@demo.test');
  desk = await signIn(t.app, 'finance-desk@demo.test');
  admin = await signIn(t.app, 'admin@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  // Money of both cities on the move: a voucher hold and a card authorisation each.
  const instrumentId = (await t.db
    .value(`SELECT i.id FROM instruments i JOIN instrument_schedules s ON s.instrument_id = i.id
       WHERE i.institution_id = (SELECT organisation_id FROM users WHERE email = 'lab@demo.test')
         AND s.machine_time_enabled = TRUE AND s.qualification_required = FALSE
         AND i.sharing_mode = 'external' AND i.run_status = 'normal'
         AND EXISTS (SELECT 1 FROM rate_card_items r WHERE r.instrument_id = i.id AND r.unit = 'hour') ORDER BY i.id`)) as number;
  jinanBooking = await book(researcher, instrumentId);
  qingdaoBooking = await book(await signIn(t.app, 'researcher2@demo.test'), instrumentId);
});
afterAll(() => t.close());

describe('voucher quotas', () => {
  it('a city office sees its enterprises’ and its own programmes’ quotas, no other city’s', async () => {
    const list = async (agent: Agent, query = '') => {
      const res = await agent.get(`/api/v1/voucher-quotas${query}`);
      expect(res.status).toBe(200);
      return res.body.items as Quota[];
    };
    const ofCity = async (city: string) => {
      const enterprises = await enterprisesOf(city);
      const programmes = await programmesOf(city);
      return (q: Quota) => enterprises.has(q.enterprise.id) || programmes.has(q.programmeId);
    };
    const seenByQingdao = await list(qingdao);
    expect(seenByQingdao.length).toBeGreaterThan(0);
    expect(seenByQingdao.every(await ofCity(QINGDAO))).toBe(true);
    const quotaHolders = new Set(await t.db.column<number>(`SELECT enterprise_id FROM voucher_quotas`));
    const jinanEnterprise = [...(await enterprisesOf(JINAN))].find((id) => quotaHolders.has(id))!;
    expect(await list(qingdao, `?enterpriseId=${jinanEnterprise}`)).toEqual([]);

    const seenByJinan = await list(jinan);
    expect(seenByJinan.map((q) => q.enterprise.id)).toContain(jinanEnterprise);
    expect(seenByJinan.every(await ofCity(JINAN))).toBe(true);
    // 临沂 issued a programme of its own: it sees that programme's quotas too.
    const seenByLinyi = await list(linyi);
    const linyiProgrammes = await programmesOf(LINYI);
    expect(seenByLinyi.some((q) => linyiProgrammes.has(q.programmeId))).toBe(true);
    expect(seenByLinyi.every(await ofCity(LINYI))).toBe(true);

    const total = (await all(`SELECT id FROM voucher_quotas`)).length;
    for (const agent of [province, desk, admin]) expect(await list(agent)).toHaveLength(total);
    expect((await researcher.get('/api/v1/voucher-quotas')).status).toBe(403);
  });
});

describe('ledger accounts', () => {
  it('a city office sees its city’s accounts only; the province sees all', async () => {
    const list = async (agent: Agent, query = '') => {
      const res = await agent.get(`/api/v1/ledger/accounts${query}`);
      expect(res.status).toBe(200);
      return res.body.items as Account[];
    };
    const qingdaoOwn = await accountsOf(QINGDAO);
    const seenByQingdao = await list(qingdao);
    expect(seenByQingdao.length).toBeGreaterThan(0);
    expect(seenByQingdao.every((a) => qingdaoOwn.has(a.id))).toBe(true);
    // Searching for 济南's accounts by code finds nothing.
    expect(await list(qingdao, `?q=${encodeURIComponent('enterprise:')}&kind=enterprise_cash`)).toEqual(
      seenByQingdao.filter((a) => a.code.startsWith('enterprise:') && a.code.endsWith(':cash')),
    );
    for (const a of seenByQingdao) expect((await accountsOf(JINAN)).has(a.id)).toBe(false);
    // Provider, processor and platform accounts hold every city's money: not a city office's.
    expect(seenByQingdao.some((a) => /^(provider:|processor:|platform$)/.test(a.code))).toBe(false);

    const seenByJinan = await list(jinan);
    const jinanCash = (
      await all<{ id: number }>(
        `SELECT id FROM ledger_accounts WHERE code = 'enterprise:' || (SELECT requester_organisation_id FROM bookings WHERE id = ?) || ':cash'`,
        jinanBooking,
      )
    )[0]!.id;
    expect(seenByJinan.map((a) => a.id)).toContain(jinanCash);
    const jinanAccounts = await accountsOf(JINAN);
    expect(seenByJinan.every((a) => jinanAccounts.has(a.id))).toBe(true);

    const total = (await all(`SELECT id FROM ledger_accounts`)).length;
    for (const agent of [province, desk, admin]) expect(await list(agent)).toHaveLength(total);
  });
});

describe('ledger transfers', () => {
  it('a city office sees the transfers of its accounts and its enterprises’ bookings, no other city’s', async () => {
    const seenByQingdao = await transfersOf(qingdao);
    const qingdaoAccounts = await accountsOf(QINGDAO);
    const qingdaoBookings = await bookingsOf(QINGDAO);
    expect(seenByQingdao.some((x) => x.bookingId === qingdaoBooking)).toBe(true);
    for (const x of seenByQingdao) {
      const mine =
        qingdaoAccounts.has(x.debitAccount.id) ||
        qingdaoAccounts.has(x.creditAccount.id) ||
        (x.bookingId !== null && qingdaoBookings.has(x.bookingId));
      expect(mine, `${x.id} is not 青岛's`).toBe(true);
      expect(x.bookingId).not.toBe(jinanBooking);
    }
    // Filters do not reach past the scope: 济南's booking and 济南's cash account give nothing.
    expect(await transfersOf(qingdao, `&bookingId=${jinanBooking}`)).toEqual([]);
    const jinanCash = (
      await all<{ id: number }>(
        `SELECT id FROM ledger_accounts WHERE code = 'enterprise:' || (SELECT requester_organisation_id FROM bookings WHERE id = ?) || ':cash'`,
        jinanBooking,
      )
    )[0]!.id;
    expect(await transfersOf(qingdao, `&accountId=${jinanCash}`)).toEqual([]);

    // 济南's office still sees its own booking's money, card and voucher alike.
    const ofJinanBooking = await all<{ id: string }>(
      `SELECT id FROM ledger_transfers WHERE booking_id = ?`,
      jinanBooking,
    );
    expect(ofJinanBooking.length).toBeGreaterThan(1);
    expect((await transfersOf(jinan, `&bookingId=${jinanBooking}`)).map((x) => x.id).sort()).toEqual(
      ofJinanBooking.map((x) => x.id).sort(),
    );
    expect((await transfersOf(jinan)).some((x) => x.bookingId === qingdaoBooking)).toBe(false);

    const total = (await all(`SELECT id FROM ledger_transfers`)).length;
    for (const agent of [province, desk, admin]) expect(await transfersOf(agent)).toHaveLength(total);
  });
});

describe('the ledger’s check', () => {
  it('is the province’s: the provincial office, the desk and admins; not a city office', async () => {
    for (const agent of [qingdao, jinan]) {
      const res = await agent.get('/api/v1/ledger/check');
      expect(res.status).toBe(403);
      expect(res.body.debitsFen).toBeUndefined();
    }
    for (const agent of [province, desk, admin]) {
      const res = await agent.get('/api/v1/ledger/check');
      expect(res.status).toBe(200);
      expect(res.body.balanced).toBe(true);
    }
  });
});

describe('reconciliation', () => {
  const PERIOD = { from: '2026-10-01T00:00:00+08:00', to: '2026-12-31T00:00:00+08:00' };
  let run: { id: number; findings: { id: number; resolved: boolean }[] };

  it('is started by the provincial office or the desk, not by a city office', async () => {
    const runs = async () => (await all(`SELECT id FROM reconciliation_runs`)).length;
    const before = await runs();
    for (const agent of [qingdao, jinan])
      expect((await agent.post('/api/v1/reconciliation/runs').send(PERIOD)).status).toBe(403);
    expect(await runs()).toBe(before);
    // A ledger entry the processor never saw: a finding (kept double-entry, so the ledger still balances).
    await captureUnknownToTheProcessor(t.db, {
      id: 'forged:scope',
      amountFen: 999,
      processorRef: 'ch_nowhere',
      at: NOW,
    });
    const res = await province.post('/api/v1/reconciliation/runs').send(PERIOD);
    expect(res.status).toBe(201);
    run = res.body;
    expect(run.findings.length).toBeGreaterThan(0);
    expect((await desk.post('/api/v1/reconciliation/runs').send(PERIOD)).status).toBe(201);
  });

  it('is read by the provincial office and the desk; a city office reads no run and no finding', async () => {
    for (const agent of [qingdao, jinan]) {
      expect((await agent.get('/api/v1/reconciliation/runs')).status).toBe(403);
      expect((await agent.get(`/api/v1/reconciliation/runs/${run.id}`)).status).toBe(403);
      expect((await agent.get(`/api/v1/reconciliation/runs/${run.id}/export?format=csv`)).status).toBe(403);
      // Nor through the dashboard.
      const dashboard = await agent.get('/api/v1/finance/dashboard');
      expect(dashboard.status).toBe(200);
      expect(dashboard.body.latestRun).toBeNull();
    }
    for (const agent of [province, desk]) {
      const runs = await agent.get('/api/v1/reconciliation/runs');
      expect(runs.status).toBe(200);
      expect(runs.body.items.map((r: { id: number }) => r.id)).toContain(run.id);
      expect((await agent.get(`/api/v1/reconciliation/runs/${run.id}`)).body.findings).toHaveLength(
        run.findings.length,
      );
      expect((await agent.get('/api/v1/finance/dashboard')).body.latestRun).not.toBeNull();
    }
  });

  it('has its findings resolved by the provincial office or the desk, not by a city office', async () => {
    const [first, second] = run.findings;
    const resolve = (agent: Agent, id: number) =>
      agent.post(`/api/v1/reconciliation/runs/${run.id}/findings/${id}/resolve`).send({ note: '已核对' });
    for (const agent of [qingdao, jinan]) expect((await resolve(agent, first!.id)).status).toBe(403);
    const still = (
      await all<{ resolved_at: number | null }>(
        `SELECT resolved_at FROM reconciliation_findings WHERE id = ?`,
        first!.id,
      )
    )[0]!;
    expect(still.resolved_at).toBeNull();
    expect((await resolve(province, first!.id)).status).toBe(200);
    if (second) expect((await resolve(desk, second.id)).status).toBe(200);
  });
});

/**
 * 济南's and 青岛's records for the next tests: a certified enterprise of the city with no voucher use yet,
 * and none of the demo accounts (`…@demo.test`; the usage history's members are `…@<firm>.demo.test`).
 */
const quietEnterprises = async (city: string) =>
  await all<{ id: number; name: string; creditCode: string }>(
    `SELECT o.id, o.name, o.credit_code AS "creditCode" FROM organisations o
     JOIN enterprise_certifications c ON c.organisation_id = o.id
     WHERE o.kind = 'enterprise' AND o.city_code = ? AND o.certified = TRUE
       AND NOT EXISTS (SELECT 1 FROM users u WHERE u.organisation_id = o.id AND u.email LIKE '%@demo.test')
       AND NOT EXISTS (SELECT 1 FROM voucher_uses v WHERE v.enterprise_id = o.id) ORDER BY o.id`,
    city,
  );

async function joinGroup(enterpriseId: number, controllerGroupId: number) {
  const c = (
    await all<{ certificateNo: string; certifiedOn: string; expiresOn: string }>(
      `SELECT certificate_no AS "certificateNo", certified_on AS "certifiedOn", expires_on AS "expiresOn"
     FROM enterprise_certifications WHERE organisation_id = ?`,
      enterpriseId,
    )
  )[0]!;
  const res = await admin.put(`/api/v1/enterprises/${enterpriseId}/certification`).send({ ...c, controllerGroupId });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

describe('enterprises', () => {
  type Enterprise = { id: number; creditCode: string | null; certification: { certificateNo: string } | null };
  const list = async (agent: Agent, q = '') => {
    const res = await agent.get(`/api/v1/enterprises${q ? `?q=${encodeURIComponent(q)}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Enterprise[];
  };

  it('a city office reads its city’s enterprises, credit codes and certificates, no other city’s', async () => {
    const seenByQingdao = await list(qingdao);
    expect(new Set(seenByQingdao.map((e) => e.id))).toEqual(await enterprisesOf(QINGDAO));
    const seenByJinan = await list(jinan);
    expect(new Set(seenByJinan.map((e) => e.id))).toEqual(await enterprisesOf(JINAN));
    expect(seenByJinan.some((e) => e.certification?.certificateNo)).toBe(true);

    // Searching for a 济南 enterprise by name or credit code finds nothing from 青岛.
    const target = (await quietEnterprises(JINAN))[0]!;
    for (const q of [target.name, target.creditCode]) {
      expect(await list(qingdao, q)).toEqual([]);
      expect((await list(jinan, q)).map((e) => e.id)).toEqual([target.id]);
    }
  });

  it('the provincial office, the desk and admins read every city’s; others none', async () => {
    const total = (await all(`SELECT id FROM organisations WHERE kind = 'enterprise'`)).length;
    for (const agent of [province, desk, admin]) expect(await list(agent)).toHaveLength(Math.min(total, 200));
    expect((await researcher.get('/api/v1/enterprises')).status).toBe(403);
  });
});

describe('related parties', () => {
  type Related = { id: number; enterprise: { id: number } };
  const list = async (agent: Agent, query = '') => {
    const res = await agent.get(`/api/v1/related-parties${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Related[];
  };

  it('a city office reads the declarations of its city’s enterprises; the province reads all', async () => {
    const jinanEnterprise = (await quietEnterprises(JINAN))[0]!.id;
    const sdu = (
      await all<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = 'lab2@demo.test'`)
    )[0]!.id;
    const declared = await admin
      .post('/api/v1/related-parties')
      .send({ enterpriseId: jinanEnterprise, providerId: sdu, relation: 'controller', note: '测试' });
    expect(declared.status, JSON.stringify(declared.body)).toBe(201);

    const seenByQingdao = await list(qingdao);
    // The demo's declaration: 青岛's researcher2 and 山东大学.
    expect(seenByQingdao.length).toBeGreaterThan(0);
    const qingdaoEnterprises = await enterprisesOf(QINGDAO);
    expect(seenByQingdao.every((r) => qingdaoEnterprises.has(r.enterprise.id))).toBe(true);
    expect(await list(qingdao, `?enterpriseId=${jinanEnterprise}`)).toEqual([]);

    const seenByJinan = await list(jinan);
    expect(seenByJinan.map((r) => r.id)).toEqual([declared.body.id]);
    expect(await list(linyi)).toEqual([]);

    const total = (await all(`SELECT id FROM related_parties`)).length;
    expect(total).toBeGreaterThanOrEqual(2);
    for (const agent of [province, desk, admin]) expect(await list(agent)).toHaveLength(total);
    expect((await researcher.get('/api/v1/related-parties')).status).toBe(403);
  });
});

describe('controller groups', () => {
  type Group = { id: number; name: string; members: { id: number }[] };
  const list = async (agent: Agent) => {
    const res = await agent.get('/api/v1/controller-groups');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Group[];
  };

  it('a city office reads the groups of its enterprises with its own members only', async () => {
    const [jinanA, jinanB] = await quietEnterprises(JINAN);
    const qingdaoA = (await quietEnterprises(QINGDAO))[0]!;
    const create = async (name: string) => {
      const res = await admin.post('/api/v1/controller-groups').send({ name, controller: '测试控股有限公司' });
      expect(res.status).toBe(201);
      return res.body.id as number;
    };
    const both = await create('济青测试集团');
    const jinanOnly = await create('济南测试集团');
    await joinGroup(jinanA!.id, both);
    await joinGroup(qingdaoA.id, both);
    await joinGroup(jinanB!.id, jinanOnly);

    const seenByQingdao = await list(qingdao);
    // 济南's own group is not 青岛's; the shared one shows 青岛's member and not 济南's.
    expect(seenByQingdao.map((g) => g.id)).toEqual([both]);
    expect(seenByQingdao[0]!.members.map((m) => m.id)).toEqual([qingdaoA.id]);

    const seenByJinan = await list(jinan);
    expect(seenByJinan.map((g) => g.id).sort()).toEqual([both, jinanOnly].sort());
    const jinanEnterprises = await enterprisesOf(JINAN);
    for (const g of seenByJinan) expect(g.members.every((m) => jinanEnterprises.has(m.id))).toBe(true);
    expect(seenByJinan.find((g) => g.id === both)!.members.map((m) => m.id)).toEqual([jinanA!.id]);

    // An enterprise's own certificate names its group (the city office reads its own enterprises).
    const jinanView = (await jinan.get(`/api/v1/enterprises?q=${encodeURIComponent(jinanA!.name)}`)).body.items[0];
    expect(jinanView.certification.controllerGroup).toMatchObject({ id: both });

    const total = (await all(`SELECT id FROM controller_groups`)).length;
    for (const agent of [province, desk, admin]) {
      const groups = await list(agent);
      expect(groups).toHaveLength(total);
      expect(
        groups
          .find((g) => g.id === both)!
          .members.map((m) => m.id)
          .sort(),
      ).toEqual([jinanA!.id, qingdaoA.id].sort());
    }
    expect((await researcher.get('/api/v1/controller-groups')).status).toBe(403);
  });
});

describe('voucher programmes', () => {
  type Programme = {
    id: number;
    name: string;
    issuerCityCode: string | null;
    ratioRules: { basePercent: number };
    enterpriseYearCapFen: number;
    budgetFen: number | null;
    budgetAvailableFen: number | null;
    budgetReservedFen: number | null;
    budgetUsedFen: number | null;
    quotaCount: number | null;
  };
  const FIGURES = ['budgetFen', 'budgetAvailableFen', 'budgetReservedFen', 'budgetUsedFen', 'quotaCount'] as const;
  const list = async (agent: Agent) => {
    const res = await agent.get('/api/v1/voucher-programmes');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Programme[];
  };
  const one = async (agent: Agent, id: number) => {
    const res = await agent.get(`/api/v1/voucher-programmes/${id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Programme;
  };
  const hasFigures = (p: Programme) => FIGURES.every((k) => typeof p[k] === 'number');
  const hasNoFigures = (p: Programme) => FIGURES.every((k) => p[k] === null);
  let jinanProgramme: Programme;

  it('another city’s programme shows its terms and none of its budget figures', async () => {
    const created = await admin.post('/api/v1/voucher-programmes').send({
      name: '2026年度济南市科技创新券',
      province: '山东省',
      issuerCityCode: JINAN,
      year: 2026,
      settlementMode: 'deduct',
      ratioRules: { basePercent: 30, byCity: {}, sameCityTopUpPercent: 0 },
      enterpriseYearCapFen: 10_000_000,
      budgetFen: 123_456_700,
      startsOn: '2026-01-01',
      useBy: '2027-06-30',
      claimBy: '2027-09-30',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    jinanProgramme = created.body;
    const quota = await admin.post('/api/v1/voucher-quotas').send({
      programmeId: jinanProgramme.id,
      enterpriseId: (await quietEnterprises(JINAN))[0]!.id,
      capFen: 1_000_000,
    });
    expect(quota.status, JSON.stringify(quota.body)).toBe(201);

    for (const p of [
      (await list(qingdao)).find((x) => x.id === jinanProgramme.id)!,
      await one(qingdao, jinanProgramme.id),
    ]) {
      expect(p).toMatchObject({
        name: '2026年度济南市科技创新券',
        issuerCityCode: JINAN,
        ratioRules: { basePercent: 30 },
        enterpriseYearCapFen: 10_000_000,
      });
      expect(hasNoFigures(p), JSON.stringify(p)).toBe(true);
    }
    // 临沂's programme is another city's to 青岛 and 济南 too; 临沂 reads its own figures.
    const linyiProgramme = [...(await programmesOf(LINYI))][0]!;
    for (const agent of [qingdao, jinan]) expect(hasNoFigures(await one(agent, linyiProgramme))).toBe(true);
    expect(hasFigures(await one(linyi, linyiProgramme))).toBe(true);
    expect(hasNoFigures(await one(linyi, jinanProgramme.id))).toBe(true);
  });

  it('the province’s programmes are every office’s to read, figures and all', async () => {
    const provincial = await all<{ id: number }>(`SELECT id FROM voucher_programmes WHERE issuer_city_code IS NULL`);
    expect(provincial.length).toBeGreaterThan(0);
    for (const agent of [qingdao, jinan, linyi]) {
      const seen = await list(agent);
      for (const { id } of provincial) expect(hasFigures(seen.find((p) => p.id === id)!)).toBe(true);
    }
  });

  it('its own city office, the provincial office, the desk and admins read a city programme’s figures', async () => {
    for (const agent of [jinan, province, desk, admin]) {
      const p = await one(agent, jinanProgramme.id);
      expect(p).toMatchObject({ budgetFen: 123_456_700, budgetAvailableFen: 123_456_700, quotaCount: 1 });
      const seen = await list(agent);
      expect(seen).toHaveLength((await all(`SELECT id FROM voucher_programmes`)).length);
      if (agent !== jinan) expect(seen.every(hasFigures)).toBe(true);
    }
    expect((await qingdao.get('/api/v1/voucher-programmes/999999')).status).toBe(404);
    expect((await researcher.get(`/api/v1/voucher-programmes/${jinanProgramme.id}`)).status).toBe(403);
  });
});
