/**
 * The sharing figures through the API: checked against sums computed straight from the bookings,
 * kept current as bookings change, scoped to who may see them; national reporting exports parsed
 * back and compared with the records.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import request from 'supertest';
import type { Param } from '../../db/port.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, parseXlsx } from '../../server/modules/settlement/exports.ts';
import { Aggregates } from '../../server/modules/stats/aggregates.ts';
import { INSTRUMENT_HEADERS, SERVICE_HEADERS } from '../../server/modules/stats/national.ts';
import { YEAR_CHUNK } from '../../server/modules/stats/year-builder.ts';
import { openDatabase } from '../../db/client.ts';
import { createApp, servicesOf } from '../../server/app.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, download, signIn, type TestApp } from '../support/app.ts';
import { shanghaiPeriod } from '../support/sql.ts';
import { testStripe } from '../support/stripe.ts';

const NOW = Date.parse('2026-11-05T10:00:00+08:00');
const clock = fixedClock(NOW);
let t: TestApp;
type Agent = Awaited<ReturnType<typeof signIn>>;
let lab: Agent;
let otherLab: Agent;
let researcher: Agent;
let finance: Agent;
let labOrg: number;

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;

beforeAll(async () => {
  t = await createTestApp({ instruments: 300, clock });
  // As the server does at start-up (main.ts): this year's roll-up is complete before anything asks.
  await servicesOf(t.app).stats.ensureYear(2026);
  lab = await signIn(t.app, 'lab@demo.test');
  otherLab = await signIn(t.app, 'lab2@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  finance = await signIn(t.app, 'finance@demo.test');
  labOrg = (await one<{ o: number }>(`SELECT organisation_id AS o FROM users WHERE email = 'lab@demo.test'`)).o;
});
afterAll(() => t.close());

/**
 * Completed services: the platform's completed bookings and the records institutions' own systems
 * pushed (counted alike), with the booking's columns. An enterprise served is named by its platform
 * organisation, or by its credit code when it is not on the platform.
 */
const SERVED = `(SELECT b.mode, CASE WHEN b.mode = 'machine_time' THEN b.actual_minutes ELSE 0 END AS used, b.final_fen,
        (SELECT SUM(u.posted_fen) FROM voucher_uses u WHERE u.booking_id = b.id AND u.status = 'posted') AS saved,
        CASE WHEN b.user_type = 'enterprise' THEN CAST(b.requester_organisation_id AS TEXT) END AS enterprise,
        b.institution_id, b.start_at, b.created_at
      FROM bookings b WHERE b.status = 'completed'
      UNION ALL
      SELECT r.mode, COALESCE(r.minutes, (r.end_at - r.start_at) / 60000), r.amount_fen, NULL,
        CASE WHEN r.user_type = 'external' AND (o.kind = 'enterprise' OR (o.id IS NULL AND r.user_credit_code LIKE '91%'))
          THEN COALESCE(CAST(r.user_organisation_id AS TEXT), r.user_credit_code) END,
        r.institution_id, r.start_at, r.start_at
      FROM external_service_records r LEFT JOIN organisations o ON o.id = r.user_organisation_id)`;

/** The same figures, straight from the bookings and pushed records (an independent computation). */
async function direct(where = '1 = 1', ...params: Param[]) {
  return await one<{ used: number; completed: number; income: number; saved: number; enterprises: number }>(
    `SELECT COALESCE(SUM(b.used), 0) AS used,
            COUNT(*) AS completed, COALESCE(SUM(b.final_fen), 0) AS income,
            COALESCE(SUM(b.saved), 0) AS saved,
            COUNT(DISTINCT b.enterprise) AS enterprises
     -- A co-funded order has a posted use per programme: summed per booking, the booking counted once.
     FROM ${SERVED} b
     WHERE ${shanghaiPeriod(t.db.engine, 'COALESCE(b.start_at, b.created_at)', 'year')} = '2026'
       AND ${where}`,
    ...params,
  );
}

describe('the public overview', () => {
  it('answers without sign-in and agrees with the bookings', async () => {
    const res = await request(t.app).get('/api/v1/stats/overview?year=2026');
    expect(res.status).toBe(200);
    const d = await direct();
    expect(d.completed).toBeGreaterThanOrEqual(8); // October's demo jobs
    expect(res.body.totals).toMatchObject({
      completed: d.completed,
      usedHours: Math.round((d.used / 60) * 10) / 10,
      incomeFen: d.income,
      savedFen: d.saved,
      enterprisesServed: d.enterprises,
    });
    expect(res.body.totals.openHours).toBeGreaterThan(res.body.totals.usedHours);
    expect(res.body.vouchers).toMatchObject({
      grantedFen: (await one<{ s: number }>(`SELECT SUM(cap_fen) AS s FROM voucher_quotas`)).s,
      usedFen: d.saved,
      // The year's claims the province paid (db/seed/claims.ts): the approved lines of paid batches.
      paidFen: (
        await one<{ s: number }>(
          `SELECT SUM(l.voucher_fen) AS s FROM settlement_lines l JOIN settlement_batches b ON b.id = l.batch_id
           WHERE b.status = 'paid' AND l.status = 'approved'`,
        )
      ).s,
    });
    expect(res.body.totals.utilisation).toBeCloseTo(d.used / 60 / res.body.totals.openHours, 3);
    expect(res.body.instruments).toBe((await one<{ n: number }>(`SELECT COUNT(*) AS n FROM instruments`)).n);
    const jinan = res.body.byCity.find((c: { cityCode: string }) => c.cityCode === '370100');
    expect(jinan.completed).toBe(
      (await direct(`b.institution_id IN (SELECT id FROM organisations WHERE city_code = '370100')`)).completed,
    );
    const october = res.body.byMonth.find((m: { month: string }) => m.month === '2026-10');
    expect(october.completed).toBe(
      (await direct(`${shanghaiPeriod(t.db.engine, 'COALESCE(b.start_at, b.created_at)', 'month')} = '2026-10'`))
        .completed,
    );
    expect(res.body.byMonth.reduce((s: number, m: { completed: number }) => s + m.completed, 0)).toBe(d.completed);
    expect(october.averageRating).toBeGreaterThanOrEqual(4);
    expect(res.body.byCategory.length).toBeGreaterThan(3);
    expect(res.body.topInstruments[0].usedHours).toBeGreaterThan(0);
    expect((await request(t.app).get('/api/v1/stats/overview?year=1999')).status).toBe(400);
  });

  it('moves as bookings change, from the triggers alone', async () => {
    const before = (await request(t.app).get('/api/v1/stats/overview?year=2026')).body.totals;
    // A cancellation written straight to the table (as another process would) is seen.
    const booking = await one<{ id: number }>(`SELECT id FROM bookings WHERE status = 'completed' ORDER BY id LIMIT 1`);
    await t.db.run(`UPDATE bookings SET status = 'cancelled' WHERE id = ?`, [booking.id]);
    const after = (await request(t.app).get('/api/v1/stats/overview?year=2026')).body.totals;
    expect(after.completed).toBe(before.completed - 1);
    expect(after.cancellationRate).toBeGreaterThan(before.cancellationRate);
    await t.db.run(`UPDATE bookings SET status = 'completed' WHERE id = ?`, [booking.id]);
    expect((await request(t.app).get('/api/v1/stats/overview?year=2026')).body.totals.completed).toBe(before.completed);
  });
});

describe('the years asked for', () => {
  const counts = async () =>
    await one<Record<string, number>>(
      `SELECT (SELECT COUNT(*) FROM instrument_month_stats) AS months, (SELECT COUNT(*) FROM scope_month_stats) AS scopes,
              (SELECT COUNT(*) FROM instrument_year_stats) AS years, (SELECT COUNT(*) FROM stats_dirty) AS dirty`,
    );
  const monthsOf = async (year: number) =>
    (await one<{ n: number }>(`SELECT COUNT(*) AS n FROM instrument_month_stats WHERE month LIKE ?`, `${year}-%`)).n;

  it('are the platform’s: from its first year to this one; others are refused and write nothing', async () => {
    expect((await request(t.app).get('/api/v1/stats/years')).body).toEqual({ first: 2025, last: 2026 });
    const before = await counts();
    const instrument = (await one<{ id: number }>(`SELECT id FROM instruments ORDER BY id LIMIT 1`)).id;
    for (const url of [
      '/api/v1/stats/overview?year=2001',
      '/api/v1/stats/overview?year=2024',
      '/api/v1/stats/overview?year=2027',
      `/api/v1/stats/instruments/${instrument}?year=2001`,
    ]) {
      const res = await request(t.app).get(url).set('Accept-Language', 'en');
      expect(res.status, url).toBe(400);
      expect(res.body.detail).toBe('a year from 2025 to 2026');
    }
    expect((await lab.get(`/api/v1/stats/institutions/${labOrg}?year=2001`)).status).toBe(400);
    expect((await finance.get(`/api/v1/stats/underused?year=2100`)).status).toBe(400);
    const zh = await request(t.app).get('/api/v1/stats/overview?year=2001');
    expect(zh.body.detail).toBe('年份须在 2025 至 2026 之间');
    expect(await counts()).toEqual(before);
    expect(await monthsOf(2001)).toBe(0);
  });

  it('answer a year not yet built at once, build it behind the answer in chunks, and keep serving meanwhile', async () => {
    const instruments = (await one<{ n: number }>(`SELECT COUNT(*) AS n FROM instruments`)).n;
    expect(instruments).toBeGreaterThan(YEAR_CHUNK); // several chunks
    expect(await monthsOf(2025)).toBe(0);
    // What the event loop does while the year is built: a probe between other work, and its delays.
    const seen: number[] = [];
    let probing = true;
    const probe = async () => {
      seen.push(await monthsOf(2025));
      if (probing) setImmediate(() => void probe());
    };
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    setImmediate(() => void probe());

    const first = await request(t.app).get('/api/v1/stats/overview?year=2025');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ year: 2025, building: true });
    expect(first.body.totals.openHours).toBe(0); // answered before anything of 2025 was written
    // Other requests are served while it builds.
    const health = await request(t.app).get('/api/v1/health');
    expect(health.status).toBe(200);
    let answer = first.body;
    for (let i = 0; answer.building && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      answer = (await request(t.app).get('/api/v1/stats/overview?year=2025')).body;
    }
    probing = false;
    delay.disable();

    expect(answer.building).toBe(false);
    expect(await monthsOf(2025)).toBe(instruments * 12);
    expect(answer.totals.openHours).toBeGreaterThan(0);
    expect(answer.totals.completed).toBe(0); // the demo's services are all in 2026
    // Written chunk by chunk, with the event loop turning in between: the probe saw it half done.
    expect(
      seen.some((n) => n > 0 && n < instruments * 12),
      `rows seen: ${[...new Set(seen)].join(', ')}`,
    ).toBe(true);
    expect(
      (
        await one<{ n: number }>(
          `SELECT COUNT(DISTINCT refreshed_at) AS n FROM instrument_month_stats WHERE month LIKE '2025-%'`,
        )
      ).n,
    ).toBeGreaterThanOrEqual(Math.ceil(instruments / YEAR_CHUNK));
    expect(delay.max / 1e6, 'the longest the event loop was held (ms)').toBeLessThan(250);
    // Once built, the year is answered as any other, and asking again writes nothing.
    const after = await counts();
    expect((await request(t.app).get('/api/v1/stats/overview?year=2025')).body.building).toBe(false);
    expect(await counts()).toEqual(after);
  });
});

describe('the levels above the roll-up', () => {
  it('kept by deltas, equal a rebuild from scratch', async () => {
    // Several changes, applied incrementally (fewer than the bulk threshold).
    const ids = (await t.db.column(`SELECT id FROM bookings WHERE status = 'completed' LIMIT 3`)) as number[];
    for (const id of ids) await t.db.run(`UPDATE bookings SET rating = 3, actual_minutes = 75 WHERE id = ?`, [id]);
    await request(t.app).get('/api/v1/stats/overview?year=2026');
    const snapshot = async () => ({
      scope: await t.db.all(`SELECT * FROM scope_month_stats ORDER BY scope, key, month`),
      served: await t.db.all(
        `SELECT scope, key, month, enterprise_id, refs FROM scope_month_enterprises ORDER BY 1, 2, 3, 4`,
      ),
      years: await t.db.all(`SELECT * FROM instrument_year_stats ORDER BY instrument_id, year`),
    });
    const incremental = await snapshot();
    await t.db.write((tx) => new Aggregates(tx).rebuild());
    expect(await snapshot()).toEqual(incremental);
  });
});

describe('institution figures', () => {
  it('are for the institution’s own lab, finance and admins', async () => {
    const res = await lab.get(`/api/v1/stats/institutions/${labOrg}?year=2026`);
    expect(res.status).toBe(200);
    const d = await direct('b.institution_id = ?', labOrg);
    expect(res.body.totals.completed).toBe(d.completed);
    const used = res.body.instruments.filter((i: { usedHours: number }) => i.usedHours > 0);
    expect(used.length).toBeGreaterThan(0);
    expect(res.body.instruments.reduce((s: number, i: { completed: number }) => s + i.completed, 0)).toBe(d.completed);
    expect(res.body.totals.medianApprovalMinutes).not.toBeNull();
    expect((await otherLab.get(`/api/v1/stats/institutions/${labOrg}?year=2026`)).status).toBe(403);
    expect((await researcher.get(`/api/v1/stats/institutions/${labOrg}?year=2026`)).status).toBe(403);
    expect((await finance.get(`/api/v1/stats/institutions/${labOrg}?year=2026`)).status).toBe(200);
    expect((await request(t.app).get(`/api/v1/stats/institutions/${labOrg}`)).status).toBe(401);
  });

  it('follow changes to the institution’s own bookings, and stay as they were for changes elsewhere', async () => {
    const in2026 = `${shanghaiPeriod(t.db.engine, 'COALESCE(start_at, created_at)', 'year')} = '2026'`;
    const completedAt = async (sign: '=' | '<>') =>
      await one<{ id: number; institution: number }>(
        `SELECT id, institution_id AS institution FROM bookings
         WHERE status = 'completed' AND institution_id ${sign} ? AND ${in2026} ORDER BY id LIMIT 1`,
        labOrg,
      );
    const setStatus = async (id: number, status: string) =>
      await t.db.run(`UPDATE bookings SET status = ? WHERE id = ?`, [status, id]);
    const completed = async (institution: number) =>
      (await finance.get(`/api/v1/stats/institutions/${institution}?year=2026`)).body.totals.completed as number;

    const own = await completedAt('=');
    const elsewhere = await completedAt('<>');
    const ownBefore = await completed(labOrg);
    const elsewhereBefore = await completed(elsewhere.institution);
    await setStatus(elsewhere.id, 'cancelled');
    expect(await completed(labOrg)).toBe(ownBefore);
    expect(await completed(elsewhere.institution)).toBe(elsewhereBefore - 1);
    await setStatus(own.id, 'cancelled');
    expect(await completed(labOrg)).toBe(ownBefore - 1);
    expect((await lab.get(`/api/v1/stats/institutions/${labOrg}?year=2026`)).body.totals.completed).toBe(ownBefore - 1);
    await setStatus(own.id, 'completed');
    await setStatus(elsewhere.id, 'completed');
    expect(await completed(labOrg)).toBe(ownBefore);
    expect(await completed(elsewhere.institution)).toBe(elsewhereBefore);
    expect(await completed(labOrg)).toBe((await direct('b.institution_id = ?', labOrg)).completed);
  });

  it('patch the kept per-instrument table as its instruments change, from any server, equal to a fresh read', async () => {
    // Another server of the same database (caches of its own): it refreshes the roll-up here.
    const dbs = [openDatabase(t.target), openDatabase(t.target)];
    const server = async (db: (typeof dbs)[number]) =>
      createApp({ db, webRoot: null, clock, payments: await testStripe() });
    const other = await server(dbs[0]!);
    const dashboard = async (app = t.app) =>
      (await (await signIn(app, 'finance@demo.test')).get(`/api/v1/stats/institutions/${labOrg}?year=2026`)).body;
    const ids = (await t.db.column(
      `SELECT id FROM bookings WHERE status = 'completed' AND institution_id = ? ORDER BY id LIMIT 3`,
      [labOrg],
    )) as number[];
    await dashboard(); // kept by this server
    await t.db.run(`UPDATE bookings SET rating = 1 WHERE id = ?`, [ids[0]!]);
    await t.db.run(`UPDATE bookings SET status = 'cancelled' WHERE id = ?`, [ids[1]!]);
    await dashboard(other); // the other server recomputes the marked months
    await t.db.run(`UPDATE bookings SET actual_minutes = 5 WHERE id = ?`, [ids[2]!]);
    const patched = await dashboard();
    expect(patched).toEqual(await dashboard(await server(dbs[1]!))); // read whole there
    expect(patched.instruments.length).toBeGreaterThan(1);
    await t.db.run(`UPDATE bookings SET status = 'completed' WHERE id = ?`, [ids[1]!]);
    expect(await dashboard()).toEqual(await dashboard(other));
    for (const db of dbs) await db.close();
  });

  it('lists the underused instruments under the thresholds', async () => {
    const res = await lab.get('/api/v1/stats/underused?year=2026&maxUtilisation=0.05&minHours=10');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const i of res.body.items) expect(i.utilisation < 0.05 || i.usedHours < 10).toBe(true);
    expect((await researcher.get('/api/v1/stats/underused')).status).toBe(403);
    expect((await lab.get('/api/v1/stats/underused?maxUtilisation=2')).status).toBe(400);
  });
});

describe('national reporting exports', () => {
  it('give the institution’s instrument records under the national field names, round-tripping', async () => {
    const csv = await download(
      lab,
      `/api/v1/national-reports/instruments?institutionId=${labOrg}&year=2026&format=csv`,
    );
    expect(csv.status).toBe(200);
    const rows = parseCsv(csv.body as Buffer);
    expect(rows[0]).toEqual(INSTRUMENT_HEADERS);
    const records = (await t.db.all(
      `SELECT asset_number AS asset, name_zh AS name, model, original_value_fen AS value FROM instruments WHERE institution_id = ? ORDER BY asset_number`,
      [labOrg],
    )) as { asset: string; name: string; model: string | null; value: number }[];
    expect(rows.length - 1).toBe(records.length);
    const col = (h: string) => rows[0]!.indexOf(h);
    records.forEach((r, i) => {
      const row = rows[i + 1]!;
      expect(row[col('所属单位仪器编号')]).toBe(r.asset);
      expect(row[col('仪器名称')]).toBe(r.name);
      expect(row[col('规格型号')]).toBe(r.model ?? '');
      expect(row[col('原值(元)')]).toBe((r.value / 100).toFixed(2));
    });
    const xlsx = await download(
      lab,
      `/api/v1/national-reports/instruments?institutionId=${labOrg}&year=2026&format=xlsx`,
    );
    const sheet = await parseXlsx(xlsx.body as Buffer);
    expect(sheet[0]).toEqual(INSTRUMENT_HEADERS);
    expect(sheet.length).toBe(rows.length);
  });

  it('give every completed job as a national service record', async () => {
    // 经费来源 is the request's research funding source: one job names it, the others left it blank.
    const named = (await t.db.value<number>(
      `SELECT MIN(id) FROM bookings WHERE institution_id = ? AND status = 'completed'`,
      [labOrg],
    ))!;
    await t.db.run(`UPDATE bookings SET funding_source = 'provincial_programme' WHERE id = ?`, [named]);
    const csv = await download(lab, `/api/v1/national-reports/services?institutionId=${labOrg}&year=2026`);
    const all = parseCsv(csv.body as Buffer);
    expect(all[0]).toEqual(SERVICE_HEADERS);
    // The platform's bookings here; the records the institution's own system pushed are marked as such
    // (test/http/external-records.test.ts looks at them).
    const source = SERVICE_HEADERS.indexOf('记录来源');
    const rows = [all[0]!, ...all.slice(1).filter((r) => r[source] === '平台预约')];
    expect(all.length - rows.length).toBe(
      Number(
        await t.db.value(
          `SELECT COUNT(*) FROM external_service_records WHERE institution_id = ? AND ${shanghaiPeriod(t.db.engine, 'start_at', 'year')} = '2026'`,
          [labOrg],
        ),
      ),
    );
    const jobs = (await t.db.all(
      `SELECT b.id, b.final_fen AS fen, b.actual_minutes AS minutes, b.rating FROM bookings b
         WHERE b.institution_id = ? AND b.status = 'completed' ORDER BY COALESCE(b.start_at, b.created_at), b.id`,
      [labOrg],
    )) as { id: number; fen: number; minutes: number | null; rating: number | null }[];
    expect(rows.length - 1).toBe(jobs.length);
    const col = (h: string) => rows[0]!.indexOf(h);
    jobs.forEach((j, i) => {
      expect(rows[i + 1]![col('服务金额(元)')]).toBe((j.fen / 100).toFixed(2));
      expect(rows[i + 1]![col('服务方式')]).toBe('占用');
      expect(rows[i + 1]![col('服务量')]).toBe(((j.minutes ?? 0) / 60).toFixed(2));
      expect(rows[i + 1]![col('用户类型')]).toBe('外部');
      expect(rows[i + 1]![col('经费来源')]).toBe(Number(j.id) === Number(named) ? '省级科研项目' : '未填写');
      // The voucher split in its own columns: the self-pay is the service amount less a deducted voucher.
      const voucher = rows[i + 1]![col('创新券金额(元)')]!;
      const selfPay = Number(rows[i + 1]![col('用户自付(元)')]);
      if (rows[i + 1]![col('创新券结算方式')] === '抵扣(通兑)')
        expect(selfPay + Number(voucher)).toBeCloseTo(j.fen / 100, 2);
      else expect(selfPay).toBeCloseTo(j.fen / 100, 2);
    });
    expect((await otherLab.get(`/api/v1/national-reports/services?institutionId=${labOrg}&year=2026`)).status).toBe(
      403,
    );
    expect((await lab.get(`/api/v1/national-reports/services?institutionId=${labOrg}`)).status).toBe(400);
  });
});
