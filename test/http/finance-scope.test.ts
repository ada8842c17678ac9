/**
 * A city's finance office reads its own city's money and no other city's: voucher quotas, ledger
 * accounts and transfers; the whole ledger's check and reconciliation (runs, findings) are the
 * provincial office's and the platform finance desk's. 青岛's office (finance3) is the one who tries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../server/modules/ledger/ledger.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { testStripe } from '../support/stripe.ts';

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

const all = <T>(sql: string, ...params: unknown[]) => t.db.$client.prepare(sql).all(...params) as T[];
const ids = (sql: string, ...params: unknown[]) =>
  new Set(
    t.db.$client
      .prepare(sql)
      .pluck()
      .all(...params) as number[],
  );

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
  const res = await agent
    .post('/api/v1/bookings')
    .send({ instrumentId, mode: 'machine_time', ...free.body.slots[0], useVoucher: true, paymentToken: 'tok_visa' });
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
  const instrumentId = t.db.$client
    .prepare(
      `SELECT i.id FROM instruments i JOIN instrument_schedules s ON s.instrument_id = i.id
       WHERE i.institution_id = (SELECT organisation_id FROM users WHERE email = 'lab@demo.test')
         AND s.machine_time_enabled = 1 AND s.qualification_required = 0
         AND i.sharing_mode = 'external' AND i.run_status = 'normal'
         AND EXISTS (SELECT 1 FROM rate_card_items r WHERE r.instrument_id = i.id AND r.unit = 'hour') ORDER BY i.id`,
    )
    .pluck()
    .get() as number;
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
    const ofCity = (city: string) => {
      const enterprises = enterprisesOf(city);
      const programmes = programmesOf(city);
      return (q: Quota) => enterprises.has(q.enterprise.id) || programmes.has(q.programmeId);
    };
    const seenByQingdao = await list(qingdao);
    expect(seenByQingdao.length).toBeGreaterThan(0);
    expect(seenByQingdao.every(ofCity(QINGDAO))).toBe(true);
    const jinanEnterprise = [...enterprisesOf(JINAN)].find(
      (id) => all<{ n: number }>(`SELECT 1 AS n FROM voucher_quotas WHERE enterprise_id = ?`, id).length,
    )!;
    expect(await list(qingdao, `?enterpriseId=${jinanEnterprise}`)).toEqual([]);

    const seenByJinan = await list(jinan);
    expect(seenByJinan.map((q) => q.enterprise.id)).toContain(jinanEnterprise);
    expect(seenByJinan.every(ofCity(JINAN))).toBe(true);
    // 临沂 issued a programme of its own: it sees that programme's quotas too.
    const seenByLinyi = await list(linyi);
    expect(seenByLinyi.some((q) => programmesOf(LINYI).has(q.programmeId))).toBe(true);
    expect(seenByLinyi.every(ofCity(LINYI))).toBe(true);

    const total = all(`SELECT id FROM voucher_quotas`).length;
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
    const qingdaoOwn = accountsOf(QINGDAO);
    const seenByQingdao = await list(qingdao);
    expect(seenByQingdao.length).toBeGreaterThan(0);
    expect(seenByQingdao.every((a) => qingdaoOwn.has(a.id))).toBe(true);
    // Searching for 济南's accounts by code finds nothing.
    expect(await list(qingdao, `?q=${encodeURIComponent('enterprise:')}&kind=enterprise_cash`)).toEqual(
      seenByQingdao.filter((a) => a.code.startsWith('enterprise:') && a.code.endsWith(':cash')),
    );
    for (const a of seenByQingdao) expect(accountsOf(JINAN).has(a.id)).toBe(false);
    // Provider, processor and platform accounts hold every city's money: not a city office's.
    expect(seenByQingdao.some((a) => /^(provider:|processor:|platform$)/.test(a.code))).toBe(false);

    const seenByJinan = await list(jinan);
    const jinanCash = all<{ id: number }>(
      `SELECT id FROM ledger_accounts WHERE code = 'enterprise:' || (SELECT requester_organisation_id FROM bookings WHERE id = ?) || ':cash'`,
      jinanBooking,
    )[0]!.id;
    expect(seenByJinan.map((a) => a.id)).toContain(jinanCash);
    expect(seenByJinan.every((a) => accountsOf(JINAN).has(a.id))).toBe(true);

    const total = all(`SELECT id FROM ledger_accounts`).length;
    for (const agent of [province, desk, admin]) expect(await list(agent)).toHaveLength(total);
  });
});

describe('ledger transfers', () => {
  it('a city office sees the transfers of its accounts and its enterprises’ bookings, no other city’s', async () => {
    const seenByQingdao = await transfersOf(qingdao);
    const qingdaoAccounts = accountsOf(QINGDAO);
    const qingdaoBookings = bookingsOf(QINGDAO);
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
    const jinanCash = all<{ id: number }>(
      `SELECT id FROM ledger_accounts WHERE code = 'enterprise:' || (SELECT requester_organisation_id FROM bookings WHERE id = ?) || ':cash'`,
      jinanBooking,
    )[0]!.id;
    expect(await transfersOf(qingdao, `&accountId=${jinanCash}`)).toEqual([]);

    // 济南's office still sees its own booking's money, card and voucher alike.
    const ofJinanBooking = all<{ id: string }>(`SELECT id FROM ledger_transfers WHERE booking_id = ?`, jinanBooking);
    expect(ofJinanBooking.length).toBeGreaterThan(1);
    expect((await transfersOf(jinan, `&bookingId=${jinanBooking}`)).map((x) => x.id).sort()).toEqual(
      ofJinanBooking.map((x) => x.id).sort(),
    );
    expect((await transfersOf(jinan)).some((x) => x.bookingId === qingdaoBooking)).toBe(false);

    const total = all(`SELECT id FROM ledger_transfers`).length;
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
    const runs = () => all(`SELECT id FROM reconciliation_runs`).length;
    const before = runs();
    for (const agent of [qingdao, jinan])
      expect((await agent.post('/api/v1/reconciliation/runs').send(PERIOD)).status).toBe(403);
    expect(runs()).toBe(before);
    // A ledger entry the processor never saw: a finding (kept double-entry, so the ledger still balances).
    const ledger = new Ledger(t.db);
    const clearing = ledger.accountByCode('processor:clearing')!;
    const platform =
      ledger.accountByCode('platform') ?? ledger.account({ code: 'platform', kind: 'platform', name: 'platform' }, NOW);
    ledger.create(
      {
        id: 'forged:scope',
        debit: clearing.id,
        credit: platform.id,
        amountFen: 999,
        code: 'card_capture',
        processorRef: 'ch_nowhere',
      },
      NOW,
    );
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
    const still = all<{ resolved_at: number | null }>(
      `SELECT resolved_at FROM reconciliation_findings WHERE id = ?`,
      first!.id,
    )[0]!;
    expect(still.resolved_at).toBeNull();
    expect((await resolve(province, first!.id)).status).toBe(200);
    if (second) expect((await resolve(desk, second.id)).status).toBe(200);
  });
});
