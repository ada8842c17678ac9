/**
 * Testing needs and quotes (需求发布 / 供需对接) over HTTP: an enterprise posts a need (the catalogue
 * suggests, the labs are told), invited needs stay with the invited, labs quote (rate card and
 * negotiated), the enterprise compares (the voucher share and self-pay the checkout would give) and
 * accepts, the accepted quote is booked through the normal checkout with the voucher and the card, the
 * others are declined; needs and quotes expire; bad input and the wrong callers change nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Param } from '../../db/port.ts';
import { servicesOf } from '../../server/app.ts';
import type { StripeProvider } from '../../server/modules/payments/stripe.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { walkAtTheirTimes } from '../support/lifecycle.ts';
import { expectMoneyInvariants } from '../support/money.ts';
import { testSchedule } from '../support/schedule.ts';
import { testStripe } from '../support/stripe.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const DAY = 86_400_000;
const clock = fixedClock(NOW);
let t: TestApp;
let stripe: StripeProvider;
type Agent = Awaited<ReturnType<typeof signIn>>;
let lab: Agent;
let lab2: Agent;
let researcher: Agent;
let other: Agent; // another enterprise
let admin: Agent;
let labOrg: number;
let lab2Org: number;
interface Offer {
  id: number;
  name: string;
  category: string;
  itemId: number;
  enterpriseFen: number;
}
let mine: Offer; // the demo lab's instrument with a per-sample price
let theirs: Offer; // the second lab's

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const count = async (sql: string, ...params: Param[]) => Number(await t.db.value(sql, params));
const orgOf = async (email: string) =>
  (await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = ?`, email)).id;
const told = (type: string, email: string, needId: number) =>
  count(
    `SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.type = ? AND u.email = ? AND n.link LIKE ?`,
    type,
    email,
    `%/needs/${needId}`,
  );

async function sampleInstrumentOf(org: number): Promise<Offer> {
  const r = await one<Offer>(
    `SELECT i.id, i.name_zh AS name, i.category_code AS category, r.id AS "itemId", r.enterprise_fen AS "enterpriseFen"
       FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
      WHERE i.institution_id = ? AND r.unit = 'sample' AND i.sharing_mode = 'external' AND i.run_status = 'normal'
      ORDER BY i.id LIMIT 1`,
    org,
  );
  return { ...r, enterpriseFen: Number(r.enterpriseFen) };
}

function post(body: Record<string, unknown> = {}, agent = researcher) {
  return agent.post('/api/v1/testing-needs').send({
    title: `${mine.name}检测`,
    description: `需要用${mine.name}测量 20 个样品`,
    categoryCode: mine.category,
    sampleType: '金属粉末',
    sampleCount: 4,
    deadline: '2026-12-31',
    budgetMinFen: 10_000,
    budgetMaxFen: 500_000,
    ...body,
  });
}
const rateCardQuote = (offer = mine, extra: Record<string, unknown> = {}) => ({
  instrumentId: offer.id,
  lines: [{ rateItemId: offer.itemId, quantity: 4 }],
  earliestDate: '2026-12-03',
  validUntil: '2026-12-20',
  note: '可加急',
  ...extra,
});

beforeAll(async () => {
  stripe = await testStripe();
  t = await createTestApp({ instruments: 300, clock, payments: stripe, sessionTtlHours: 24 * 90 });
  lab = await signIn(t.app, 'lab@demo.test');
  lab2 = await signIn(t.app, 'lab2@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  other = await signIn(t.app, 'researcher3@demo.test');
  admin = await signIn(t.app, 'admin@demo.test');
  labOrg = await orgOf('lab@demo.test');
  lab2Org = await orgOf('lab2@demo.test');
  mine = await sampleInstrumentOf(labOrg);
  theirs = await sampleInstrumentOf(lab2Org);
  for (const [agent, id] of [
    [lab, mine.id],
    [lab2, theirs.id],
  ] as const)
    expect((await agent.put(`/api/v1/instruments/${id}/schedule`).send(testSchedule())).status).toBe(200);
});
afterEach(() => expectMoneyInvariants(t.db));
afterAll(() => t.close());

describe('posting a need', () => {
  it('suggests the matching instruments and tells their labs; the enterprise lists it', async () => {
    const res = await post();
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const need = res.body;
    expect(need).toMatchObject({
      status: 'open',
      visibility: 'public',
      own: true,
      sampleCount: 4,
      category: { code: mine.category },
      enterprise: { id: await orgOf('researcher@demo.test') },
    });
    const suggestion = need.suggestions.find((s: { institutionId: number }) => s.institutionId === labOrg);
    expect(suggestion.reason).toBe('matched');
    expect(suggestion.instruments.map((i: { id: number }) => i.id)).toContain(mine.id);
    // 14 days unless the deadline comes first.
    expect(Date.parse(need.expiresAt)).toBe(NOW + 14 * DAY);
    expect(await told('testing_need_posted', 'lab@demo.test', need.id)).toBe(1);
    expect(
      await count(
        `SELECT COUNT(*) FROM testing_need_institutions WHERE need_id = ? AND notified_at IS NOT NULL`,
        need.id,
      ),
    ).toBe(need.suggestions.length);
    const list = (await researcher.get('/api/v1/testing-needs')).body.items;
    expect(list[0]).toMatchObject({ id: need.id, quoteCount: 0 });
    // The lab's hall shows it, with how it reached them.
    const hall = (await lab.get('/api/v1/testing-needs')).body.items;
    expect(hall.find((n: { id: number }) => n.id === need.id)).toMatchObject({
      canQuote: true,
      reason: 'matched',
      own: false,
    });
    // A lab sees its own suggestion only.
    const seen = (await lab.get(`/api/v1/testing-needs/${need.id}`)).body;
    expect(seen.suggestions.map((s: { institutionId: number }) => s.institutionId)).toEqual([labOrg]);
  });

  it('closes quoting by the deadline and takes attachments (PDF), refusing what is not one', async () => {
    const need = (await post({ deadline: '2026-12-05' })).body;
    expect(Date.parse(need.expiresAt)).toBe(Date.parse('2026-12-06T00:00:00+08:00'));
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const up = await researcher
      .post(`/api/v1/testing-needs/${need.id}/attachments?name=${encodeURIComponent('规格书.pdf')}`)
      .set('Content-Type', 'application/pdf')
      .send(pdf);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const up2 = await researcher
      .post(`/api/v1/testing-needs/${need.id}/attachments?name=drawing.pdf`)
      .set('Content-Type', 'application/pdf')
      .send(pdf);
    expect(up2.status).toBe(201);
    const html = await researcher
      .post(`/api/v1/testing-needs/${need.id}/attachments?name=evil.pdf`)
      .set('Content-Type', 'application/pdf')
      .send(Buffer.from('<html><script>alert(1)</script></html>'));
    expect(html.status).toBe(415);
    // A lab may not attach to someone's need.
    expect(
      (
        await lab
          .post(`/api/v1/testing-needs/${need.id}/attachments?name=x.pdf`)
          .set('Content-Type', 'application/pdf')
          .send(pdf)
      ).status,
    ).toBe(403);
    const view = (await lab.get(`/api/v1/testing-needs/${need.id}`)).body;
    expect(view.attachments.map((a: { fileName: string }) => a.fileName)).toEqual(['规格书.pdf', 'drawing.pdf']);
    const file = await lab.get(view.attachments[0].url);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toContain('application/pdf');
  });

  it('refuses bad input with a 4xx and writes nothing', async () => {
    const before = await count(`SELECT COUNT(*) FROM testing_needs`);
    const cases: [Record<string, unknown>, number][] = [
      [{ title: '' }, 400],
      [{ categoryCode: '12' }, 400],
      [{ categoryCode: '999999' }, 400],
      [{ cityCode: '990100' }, 400],
      [{ deadline: '2026-11-30' }, 400],
      [{ expiresOn: '2027-01-05' }, 400], // after the deadline
      [{ budgetMinFen: 9, budgetMaxFen: 5 }, 400],
      [{ visibility: 'invited', institutionIds: [] }, 400],
      [{ visibility: 'invited', institutionIds: [999999] }, 400],
      [{ sampleCount: 0 }, 400],
      [{ extra: 1 }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
    }
    expect(await count(`SELECT COUNT(*) FROM testing_needs`)).toBe(before);
  });

  it('lets only an enterprise post: not a lab, not an admin', async () => {
    expect((await post({}, lab)).status).toBe(403);
    expect((await post({}, admin)).status).toBe(403);
    expect((await researcher.get('/api/v1/testing-need-quotes')).status).toBe(403);
  });
});

describe('invited needs', () => {
  it('reach only the invited institution: another lab neither sees nor quotes, and gets no notice', async () => {
    const res = await post({ visibility: 'invited', institutionIds: [lab2Org], title: '定向检测需求' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const need = res.body;
    expect(await told('testing_need_posted', 'lab2@demo.test', need.id)).toBe(1);
    expect(await told('testing_need_posted', 'lab@demo.test', need.id)).toBe(0);
    expect((await lab.get(`/api/v1/testing-needs/${need.id}`)).status).toBe(404);
    expect((await lab.get('/api/v1/testing-needs')).body.items.map((n: { id: number }) => n.id)).not.toContain(need.id);
    expect((await lab.post(`/api/v1/testing-needs/${need.id}/quotes`).send(rateCardQuote())).status).toBe(404);
    expect((await lab2.get(`/api/v1/testing-needs/${need.id}`)).body).toMatchObject({
      reason: 'invited',
      canQuote: true,
    });
    expect((await lab2.post(`/api/v1/testing-needs/${need.id}/quotes`).send(rateCardQuote(theirs))).status).toBe(201);
    // Other enterprises never see it.
    expect((await other.get(`/api/v1/testing-needs/${need.id}`)).status).toBe(404);
  });
});

describe('quotes, comparison, acceptance and the booking', () => {
  let needId: number;
  let rateQuote: { id: number; totalFen: number };
  let dealQuote: { id: number; totalFen: number };
  let compared: { id: number; totalFen: number; split: { voucherFen: number; selfPayFen: number } }[];

  it('a lab quotes from its rate card at the enterprise price; a second lab negotiates; bad quotes are refused', async () => {
    needId = (await post({ title: `${mine.name} 比较报价` })).body.id;
    const before = await count(`SELECT COUNT(*) FROM quotes`);
    const bad: [Agent, Record<string, unknown>, number][] = [
      [lab, rateCardQuote(theirs), 400], // not its instrument
      [lab, rateCardQuote(mine, { lines: [{ rateItemId: theirs.itemId, quantity: 4 }] }), 400],
      [lab, rateCardQuote(mine, { lines: [{ rateItemId: mine.itemId, quantity: 4, unitFen: 1 }] }), 400],
      [lab, rateCardQuote(mine, { lines: [{ rateItemId: mine.itemId, quantity: 1.5 }] }), 400],
      [lab, rateCardQuote(mine, { validUntil: '2026-11-01' }), 400],
      [lab, rateCardQuote(mine, { earliestDate: 'tomorrow' }), 400],
      [lab, rateCardQuote(mine, { negotiated: true }), 400], // negotiated lines give their price
      [lab, rateCardQuote(mine, { lines: [] }), 400],
      [researcher, rateCardQuote(), 403], // an enterprise cannot quote
    ];
    for (const [agent, body, status] of bad) {
      const res = await agent.post(`/api/v1/testing-needs/${needId}/quotes`).send(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
    }
    expect(await count(`SELECT COUNT(*) FROM quotes`)).toBe(before);

    const a = await lab.post(`/api/v1/testing-needs/${needId}/quotes`).send(rateCardQuote());
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body).toMatchObject({
      status: 'submitted',
      negotiated: false,
      totalFen: mine.enterpriseFen * 4,
      lines: [{ rateItemId: mine.itemId, unit: 'sample', quantity: 4, unitFen: mine.enterpriseFen }],
      institution: { id: labOrg },
    });
    rateQuote = a.body;
    // One live quote per lab.
    expect((await lab.post(`/api/v1/testing-needs/${needId}/quotes`).send(rateCardQuote())).status).toBe(409);
    const b = await lab2.post(`/api/v1/testing-needs/${needId}/quotes`).send({
      instrumentId: theirs.id,
      negotiated: true,
      lines: [{ label: '粒度分析（议价）', unit: 'sample', quantity: 4, unitFen: 12_345 }],
      earliestDate: '2026-12-02',
      validUntil: '2026-12-25',
    });
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    expect(b.body).toMatchObject({
      negotiated: true,
      totalFen: 49_380,
      lines: [{ rateItemId: null, unitFen: 12_345 }],
    });
    dealQuote = b.body;
    expect(await told('quote_received', 'researcher@demo.test', needId)).toBe(2);
    // Each lab sees its own quote only; the enterprise both.
    expect(
      (await lab.get(`/api/v1/testing-needs/${needId}/quotes`)).body.items.map((q: { id: number }) => q.id),
    ).toEqual([rateQuote.id]);
    expect((await researcher.get(`/api/v1/testing-needs/${needId}/quotes`)).body.items).toHaveLength(2);
    expect((await lab.get('/api/v1/testing-need-quotes')).body.items[0]).toMatchObject({ id: rateQuote.id });
  });

  it('compares the quotes with the voucher share and self-pay the checkout gives, and the labs’ ratings', async () => {
    const res = await researcher.get(`/api/v1/testing-needs/${needId}/comparison`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    compared = res.body.items;
    expect(compared.map((q) => q.id)).toEqual([rateQuote.id, dealQuote.id]);
    for (const q of res.body.items) {
      // The demo enterprise (济南) gets 40 % of the price from its voucher.
      expect(q.split.voucherFen).toBe(Math.floor((q.totalFen * 40) / 100));
      expect(q.split.selfPayFen).toBe(q.totalFen - q.split.voucherFen);
      expect(q.acceptable).toBe(true);
    }
    // The rating is the lab's average over its rated completed bookings.
    const r = await one<{ avg: unknown; n: unknown }>(
      `SELECT AVG(rating) AS avg, COUNT(rating) AS n FROM bookings WHERE institution_id = ? AND status = 'completed' AND rating IS NOT NULL`,
      labOrg,
    );
    const first = res.body.items[0];
    expect(first.ratingCount).toBe(Number(r.n));
    expect(first.rating).toBe(Number(r.n) ? Math.round(Number(r.avg) * 10) / 10 : null);
    // Not for labs or other enterprises.
    expect((await lab.get(`/api/v1/testing-needs/${needId}/comparison`)).status).toBe(403);
    expect((await other.get(`/api/v1/testing-needs/${needId}/comparison`)).status).toBe(404);
  });

  it('cannot be booked before it is accepted; another enterprise cannot accept', async () => {
    const early = await researcher
      .post('/api/v1/bookings')
      .send({ instrumentId: mine.id, mode: 'sample', sampleCount: 4, quoteId: rateQuote.id, useVoucher: true });
    expect(early.status).toBe(409);
    expect((await other.post(`/api/v1/testing-need-quotes/${rateQuote.id}/accept`).send({})).status).toBe(404);
    expect((await lab.post(`/api/v1/testing-need-quotes/${rateQuote.id}/accept`).send({})).status).toBe(403);
  });

  it('accepting one declines the other and tells both labs; the booking goes through the checkout with voucher and card', async () => {
    const res = await researcher.post(`/api/v1/testing-need-quotes/${rateQuote.id}/accept`).send({});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('accepted');
    const quotes = (await researcher.get(`/api/v1/testing-needs/${needId}/quotes`)).body.items;
    expect(quotes.map((q: { status: string }) => q.status)).toEqual(['accepted', 'declined']);
    expect((await researcher.get(`/api/v1/testing-needs/${needId}`)).body).toMatchObject({
      status: 'accepted',
      acceptedQuoteId: rateQuote.id,
    });
    expect(await told('quote_decided', 'lab@demo.test', needId)).toBe(1);
    expect(await told('quote_decided', 'lab2@demo.test', needId)).toBe(1);
    // Twice: no.
    expect((await researcher.post(`/api/v1/testing-need-quotes/${dealQuote.id}/accept`).send({})).status).toBe(409);

    const order = { instrumentId: mine.id, mode: 'sample', sampleCount: 4, quoteId: rateQuote.id, useVoucher: true };
    // The checkout's own quote gives the split the comparison showed.
    const price = await researcher.post('/api/v1/quotes').send(order);
    expect(price.status, JSON.stringify(price.body)).toBe(200);
    const shown = compared.find((q) => q.id === rateQuote.id)!;
    expect(price.body.price).toMatchObject({
      totalFen: rateQuote.totalFen,
      voucherFen: shown.split.voucherFen,
      selfPayFen: shown.split.selfPayFen,
    });
    // Wrong instrument, mode, extra price terms, another enterprise: refused.
    expect((await researcher.post('/api/v1/bookings').send({ ...order, instrumentId: theirs.id })).status).toBe(400);
    expect(
      (await researcher.post('/api/v1/bookings').send({ ...order, mode: 'machine_time', sampleCount: undefined }))
        .status,
    ).toBe(400);
    expect((await researcher.post('/api/v1/bookings').send({ ...order, rateItemId: mine.itemId })).status).toBe(400);
    expect((await other.post('/api/v1/bookings').send(order)).status).toBe(403);
    expect(await count(`SELECT COUNT(*) FROM bookings WHERE quote_id = ?`, rateQuote.id)).toBe(0);

    const booked = await researcher.post('/api/v1/bookings').send({ ...order, paymentToken: 'tok_visa' });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const b = booked.body;
    expect(b).toMatchObject({
      status: 'requested',
      mode: 'sample',
      sampleCount: 4,
      paymentMethod: 'card',
      price: { totalFen: rateQuote.totalFen, voucherFen: shown.split.voucherFen, selfPayFen: shown.split.selfPayFen },
      payment: { status: 'authorised', authorisedFen: shown.split.selfPayFen },
    });
    expect(b.price.lines).toEqual([
      {
        kind: 'samples',
        label: expect.any(String),
        quantity: 4,
        unitFen: mine.enterpriseFen,
        amountFen: rateQuote.totalFen,
      },
    ]);
    expect(b.voucherUse).toMatchObject({ status: 'reserved', reservedFen: shown.split.voucherFen });
    expect(await one(`SELECT quote_id AS "quoteId" FROM bookings WHERE id = ?`, b.id)).toEqual({
      quoteId: rateQuote.id,
    });
    // One booking per accepted quote.
    expect((await researcher.post('/api/v1/bookings').send({ ...order, paymentToken: 'tok_visa' })).status).toBe(409);
    // Both sides see it in the history.
    const need = (await researcher.get(`/api/v1/testing-needs/${needId}`)).body;
    expect(need.bookingId).toBe(b.id);
    expect(need.timeline.map((e: { event: string }) => e.event)).toEqual(
      expect.arrayContaining(['posted', 'quoted', 'quote_accepted', 'quote_declined', 'booked', 'accepted']),
    );
    const labView = (await lab.get(`/api/v1/testing-needs/${needId}`)).body;
    expect(labView.timeline.map((e: { event: string }) => e.event)).toContain('booked');
    expect(labView.timeline.filter((e: { event: string }) => e.event === 'quoted')).toHaveLength(1);

    // The lab runs it like any booking; the job completes at the quote's price (an agreed price for the job).
    const done = await walkAtTheirTimes(
      clock,
      lab,
      researcher,
      b.id,
      ['approve'],
      ['check-in'],
      ['complete', { actualSamples: 5 }],
    );
    expect(done.status).toBe('completed');
    expect(done.finalPrice).toMatchObject({ totalFen: rateQuote.totalFen, voucherFen: shown.split.voucherFen });
    expect(done.voucherUse).toMatchObject({ status: 'posted', postedFen: shown.split.voucherFen });
  });

  it('two checkouts at once on one accepted quote make one booking', async () => {
    const need = (await post({ title: '并发下单测试' })).body;
    const q = (await lab.post(`/api/v1/testing-needs/${need.id}/quotes`).send(rateCardQuote())).body;
    expect((await researcher.post(`/api/v1/testing-need-quotes/${q.id}/accept`).send({})).status).toBe(200);
    const order = { instrumentId: mine.id, mode: 'sample', sampleCount: 4, quoteId: q.id, paymentToken: 'tok_visa' };
    const answers = await Promise.all([
      researcher.post('/api/v1/bookings').send(order),
      researcher.post('/api/v1/bookings').send(order),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await count(`SELECT COUNT(*) FROM bookings WHERE quote_id = ?`, q.id)).toBe(1);
  });

  it('a lab withdraws its quote; the enterprise withdraws its need (the rest declined)', async () => {
    const need = (await post({ title: '撤回测试' })).body;
    const q1 = (await lab.post(`/api/v1/testing-needs/${need.id}/quotes`).send(rateCardQuote())).body;
    expect((await lab2.post(`/api/v1/testing-need-quotes/${q1.id}/withdraw`).send({})).status).toBe(404);
    const w = await lab.post(`/api/v1/testing-need-quotes/${q1.id}/withdraw`).send({});
    expect(w.body.status).toBe('withdrawn');
    const q2 = (await lab.post(`/api/v1/testing-needs/${need.id}/quotes`).send(rateCardQuote())).body;
    expect(q2.status).toBe('submitted');
    expect((await other.post(`/api/v1/testing-needs/${need.id}/withdraw`).send({})).status).toBe(404);
    const gone = await researcher.post(`/api/v1/testing-needs/${need.id}/withdraw`).send({});
    expect(gone.body.status).toBe('withdrawn');
    expect(
      (await researcher.get(`/api/v1/testing-needs/${need.id}/quotes`)).body.items.map(
        (q: { status: string }) => q.status,
      ),
    ).toEqual(['withdrawn', 'declined']);
    expect((await lab.post(`/api/v1/testing-needs/${need.id}/quotes`).send(rateCardQuote())).status).toBe(409);
  });
});

describe('expiry', () => {
  it('expires open needs past their time with their quotes, and lapsed quotes; a second run changes nothing', async () => {
    const need = (await post({ title: '到期测试', expiresOn: '2026-12-02' })).body;
    const q = (await lab.post(`/api/v1/testing-needs/${need.id}/quotes`).send(rateCardQuote())).body;
    const long = (await post({ title: '报价过期测试' })).body;
    const lapsing = (
      await lab.post(`/api/v1/testing-needs/${long.id}/quotes`).send(rateCardQuote(mine, { validUntil: '2026-12-02' }))
    ).body;
    const services = servicesOf(t.app);
    clock.set(Date.parse('2026-12-03T00:30:00+08:00'));
    try {
      const r = await services.needs.expire();
      expect(r.needs).toBeGreaterThanOrEqual(1);
      expect(r.quotes).toBeGreaterThanOrEqual(1);
      expect((await researcher.get(`/api/v1/testing-needs/${need.id}`)).body.status).toBe('expired');
      expect(await one(`SELECT status FROM quotes WHERE id = ?`, q.id)).toEqual({ status: 'expired' });
      expect(await one(`SELECT status FROM quotes WHERE id = ?`, lapsing.id)).toEqual({ status: 'expired' });
      expect((await researcher.get(`/api/v1/testing-needs/${long.id}`)).body.status).toBe('open');
      expect(await told('testing_need_expired', 'researcher@demo.test', need.id)).toBe(1);
      expect(await services.needs.expire()).toEqual({ needs: 0, quotes: 0 });
      expect(await told('testing_need_expired', 'researcher@demo.test', need.id)).toBe(1);
      // An expired need takes no quotes and its quote cannot be accepted.
      expect((await lab2.post(`/api/v1/testing-needs/${need.id}/quotes`).send(rateCardQuote(theirs))).status).toBe(409);
      expect((await researcher.post(`/api/v1/testing-need-quotes/${q.id}/accept`).send({})).status).toBe(409);
      // The lab still sees its history.
      const history = (await lab.get(`/api/v1/testing-needs/${need.id}`)).body.timeline;
      expect(history.map((e: { event: string }) => e.event)).toEqual(
        expect.arrayContaining(['posted', 'quoted', 'quote_expired', 'expired']),
      );
    } finally {
      clock.set(NOW);
    }
  });
});
