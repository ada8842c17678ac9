import { describe, expect, it } from 'vitest';
import type { PriceLine } from '../../db/schema/booking.ts';
import {
  bookedItem,
  price,
  roundHalfUpDiv,
  type PricingRequest,
  type RateCardForPricing,
} from '../../server/modules/booking/pricing.ts';

const card: RateCardForPricing = {
  setupFeeFen: 0,
  minimumChargeFen: 0,
  urgentSurchargePercent: 50,
  items: [
    { id: 11, unit: 'hour', labelZh: '扫描电镜机时', internalFen: 40000, academicFen: 60000, enterpriseFen: 80000 },
    { id: 12, unit: 'sample', labelZh: '扫描电镜送样', internalFen: 20000, academicFen: 25000, enterpriseFen: 30000 },
    { id: 13, unit: 'hour', labelZh: '能谱附加机时', internalFen: 10001, academicFen: 15001, enterpriseFen: 20001 },
    { id: 14, unit: 'sample', labelZh: '能谱送样', internalFen: 1234, academicFen: 3333, enterpriseFen: 4001 },
  ],
};

const time = (l: Partial<PriceLine>): PriceLine =>
  ({ kind: 'machine_time', label: '机时', quantity: 1, ...l }) as PriceLine;
const samples = (l: Partial<PriceLine>): PriceLine => ({ kind: 'samples', label: '送样检测', ...l }) as PriceLine;
const setup = (fen: number): PriceLine => ({
  kind: 'setup_fee',
  label: '开机费',
  quantity: 1,
  unitFen: fen,
  amountFen: fen,
});
const topUp = (fen: number): PriceLine => ({
  kind: 'minimum_charge',
  label: '最低收费补足',
  quantity: 1,
  unitFen: fen,
  amountFen: fen,
});
const urgent = (rate: number, base: number, fen: number): PriceLine => ({
  kind: 'urgent_surcharge',
  label: '加急附加费',
  quantity: rate,
  unitFen: base,
  amountFen: fen,
});

const hours = (minutes: number, slotMinutes = 30, more: Partial<PricingRequest> = {}): PricingRequest =>
  ({ mode: 'machine_time', minutes, slotMinutes, userType: 'internal', urgent: false, ...more }) as PricingRequest;
const perSample = (n: number, more: Partial<PricingRequest> = {}): PricingRequest =>
  ({ mode: 'sample', samples: n, userType: 'internal', urgent: false, ...more }) as PricingRequest;

describe('price', () => {
  const cases: [string, Partial<RateCardForPricing>, PricingRequest, PriceLine[]][] = [
    ['one hour, internal', {}, hours(60), [time({ unitFen: 40000, amountFen: 40000 })]],
    [
      '70 min on a 30-min grid bills 90 min',
      {},
      hours(70),
      [time({ quantity: 1.5, unitFen: 40000, amountFen: 60000 })],
    ],
    [
      '61 min on a 15-min grid bills 75 min',
      {},
      hours(61, 15),
      [time({ quantity: 1.25, unitFen: 40000, amountFen: 50000 })],
    ],
    ['on the grid: no rounding', {}, hours(90), [time({ quantity: 1.5, unitFen: 40000, amountFen: 60000 })]],
    ['academic price', {}, hours(60, 30, { userType: 'academic' }), [time({ unitFen: 60000, amountFen: 60000 })]],
    [
      'enterprise price',
      {},
      hours(120, 30, { userType: 'enterprise' }),
      [time({ quantity: 2, unitFen: 80000, amountFen: 160000 })],
    ],
    [
      // 10001 × 30 / 60 = 5000.5 → 5001
      'a half fen rounds up',
      {},
      hours(30, 30, { rateItemId: 13 }),
      [time({ quantity: 0.5, unitFen: 10001, amountFen: 5001 })],
    ],
    [
      // 15001 × 10 / 60 = 2500.17 → 2500
      'less than half a fen rounds down',
      {},
      hours(10, 10, { rateItemId: 13, userType: 'academic' }),
      [time({ quantity: 10 / 60, unitFen: 15001, amountFen: 2500 })],
    ],
    [
      // 10001 × 10 / 60 = 1666.83 → 1667
      'more than half a fen rounds up',
      {},
      hours(5, 10, { rateItemId: 13 }),
      [time({ quantity: 10 / 60, unitFen: 10001, amountFen: 1667 })],
    ],
    ['explicit rate item', {}, hours(60, 30, { rateItemId: 13 }), [time({ unitFen: 10001, amountFen: 10001 })]],
    ['per sample, internal', {}, perSample(3), [samples({ quantity: 3, unitFen: 20000, amountFen: 60000 })]],
    [
      'per sample, academic',
      {},
      perSample(3, { userType: 'academic' }),
      [samples({ quantity: 3, unitFen: 25000, amountFen: 75000 })],
    ],
    [
      'per sample, enterprise, explicit item',
      {},
      perSample(2, { userType: 'enterprise', rateItemId: 14 }),
      [samples({ quantity: 2, unitFen: 4001, amountFen: 8002 })],
    ],
    [
      'start-up fee once per booking',
      { setupFeeFen: 5000 },
      hours(120),
      [time({ quantity: 2, unitFen: 40000, amountFen: 80000 }), setup(5000)],
    ],
    [
      'start-up fee on samples',
      { setupFeeFen: 5000 },
      perSample(2),
      [samples({ quantity: 2, unitFen: 20000, amountFen: 40000 }), setup(5000)],
    ],
    [
      // 40000 + 5000 = 45000 < 100000 → +55000
      'minimum charge tops up service and start-up fee',
      { setupFeeFen: 5000, minimumChargeFen: 100000 },
      hours(60),
      [time({ unitFen: 40000, amountFen: 40000 }), setup(5000), topUp(55000)],
    ],
    [
      'no top-up when the subtotal reaches the minimum',
      { minimumChargeFen: 40000 },
      hours(60),
      [time({ unitFen: 40000, amountFen: 40000 })],
    ],
    [
      'urgent: 50 % of the subtotal',
      {},
      hours(60, 30, { urgent: true }),
      [time({ unitFen: 40000, amountFen: 40000 }), urgent(0.5, 40000, 20000)],
    ],
    [
      // 40000 + 5000 + 55000 = 100000, then 50 % of 100000 = 50000
      'urgent surcharge on the subtotal after the minimum',
      { setupFeeFen: 5000, minimumChargeFen: 100000 },
      hours(60, 30, { urgent: true }),
      [time({ unitFen: 40000, amountFen: 40000 }), setup(5000), topUp(55000), urgent(0.5, 100000, 50000)],
    ],
    [
      // 1234 × 25 / 100 = 308.5 → 309
      'urgent surcharge rounds half up',
      { urgentSurchargePercent: 25 },
      perSample(1, { rateItemId: 14, urgent: true }),
      [samples({ quantity: 1, unitFen: 1234, amountFen: 1234 }), urgent(0.25, 1234, 309)],
    ],
    [
      // 3333 × 15 / 100 = 499.95 → 500
      'urgent surcharge of 15 %',
      { urgentSurchargePercent: 15 },
      perSample(1, { rateItemId: 14, userType: 'academic', urgent: true }),
      [samples({ quantity: 1, unitFen: 3333, amountFen: 3333 }), urgent(0.15, 3333, 500)],
    ],
    [
      'no urgent line when the card charges 0 %',
      { urgentSurchargePercent: 0 },
      hours(60, 30, { urgent: true }),
      [time({ unitFen: 40000, amountFen: 40000 })],
    ],
  ];

  it.each(cases)('%s', (_name, cardOver, req, lines) => {
    const result = price({ ...card, ...cardOver }, req);
    const total = lines.reduce((sum, l) => sum + l.amountFen, 0);
    const unit = req.mode === 'machine_time' ? 'hour' : 'sample';
    // The terms the price was made with travel along: what the booking keeps as its price snapshot.
    expect(result).toEqual({
      ok: true,
      unit,
      lines,
      totalFen: total,
      terms: expect.objectContaining({ unit, userType: req.userType, unitFen: lines[0]!.unitFen }),
    });
  });

  it('states the totals of the worked examples', () => {
    const full = price({ ...card, setupFeeFen: 5000, minimumChargeFen: 100000 }, hours(60, 30, { urgent: true }));
    expect(full).toMatchObject({ ok: true, totalFen: 150000 });
    expect(price(card, hours(70))).toMatchObject({ ok: true, totalFen: 60000 });
    expect(price(card, perSample(3, { urgent: true }))).toMatchObject({ ok: true, totalFen: 90000 });
  });

  it.each([
    ['an id that does not exist', hours(60, 30, { rateItemId: 99 }), 'unknown_rate_item'],
    ['a sample item for machine time', hours(60, 30, { rateItemId: 12 }), 'unknown_rate_item'],
    ['an hourly item for samples', perSample(1, { rateItemId: 11 }), 'unknown_rate_item'],
  ] as const)('refuses %s', (_name, req, reason) => {
    expect(price(card, req)).toEqual({ ok: false, reason });
  });

  it('answers no_rate when the card has no item for the mode', () => {
    const hourlyOnly = { ...card, items: card.items.filter((i) => i.unit === 'hour') };
    const samplesOnly = { ...card, items: card.items.filter((i) => i.unit === 'sample') };
    expect(price(hourlyOnly, perSample(1))).toEqual({ ok: false, reason: 'no_rate' });
    expect(price(samplesOnly, hours(60))).toEqual({ ok: false, reason: 'no_rate' });
    expect(price({ ...card, items: [] }, hours(60))).toEqual({ ok: false, reason: 'no_rate' });
  });

  it('refuses fractional inputs', () => {
    expect(() => price(card, hours(60.5))).toThrow(RangeError);
    expect(() => price(card, hours(60, 0))).toThrow(RangeError);
    expect(() => price(card, perSample(1.5))).toThrow(RangeError);
    expect(() => price({ ...card, items: [{ ...card.items[0]!, internalFen: 1.5 }] }, hours(60))).toThrow(RangeError);
  });

  it('answers too_large, never an inexact amount, when a price times the quantity passes 2^53', () => {
    const dear = (fen: number, more: Partial<RateCardForPricing> = {}) => ({
      ...card,
      ...more,
      items: card.items.map((i) => ({ ...i, internalFen: fen })),
    });
    const tooLarge = { ok: false, reason: 'too_large' };
    expect(price(dear(1e13), perSample(10_000))).toEqual(tooLarge); // the product itself
    expect(price(dear(2 ** 52), perSample(2))).toEqual(tooLarge); // exactly 2^53
    expect(price(dear(Number.MAX_SAFE_INTEGER), hours(60))).toEqual(tooLarge); // × 60 minutes
    expect(price(dear(2e15), perSample(1, { urgent: true }))).toEqual(tooLarge); // the surcharge's product
    expect(price(dear(5e15, { setupFeeFen: 5e15, minimumChargeFen: 0 }), perSample(1))).toEqual(tooLarge); // the sum
    // The bounds of the schemas (¥1,000,000 a unit, 10,000 samples, a week, 300 %) stay exact.
    const bounded = price(dear(1e8, { urgentSurchargePercent: 300 }), perSample(10_000, { urgent: true }));
    expect(bounded).toMatchObject({ ok: true, totalFen: 4e12 });
    expect(price(dear(1e8), hours(7 * 24 * 60))).toMatchObject({ ok: true, totalFen: 1e8 * 168 });
  });
});

describe('bookedItem (the item a booking is priced by again)', () => {
  it('is the item booked while the card lists it with the unit', () => {
    expect(bookedItem(card, 'hour', 13)?.id).toBe(13);
    expect(bookedItem(card, 'sample', 14)?.id).toBe(14);
  });

  it('falls back to the first item of the unit when none was booked, or the booked one is gone or of another unit', () => {
    for (const id of [null, undefined, 99, 12]) expect(bookedItem(card, 'hour', id)?.id).toBe(11);
    expect(bookedItem(card, 'sample', 13)?.id).toBe(12);
  });

  it('is undefined when the card has no item of the unit', () => {
    expect(bookedItem({ items: card.items.filter((i) => i.unit === 'hour') }, 'sample', 12)).toBeUndefined();
  });
});

describe('roundHalfUpDiv', () => {
  it.each([
    [0, 7, 0],
    [1, 3, 0],
    [4, 2, 2],
    [5, 2, 3],
    [7, 3, 2],
    [8, 3, 3],
    [300050, 60, 5001], // 5000.83
    [300030, 60, 5001], // 5000.5
    [300029, 60, 5000],
    [-5, 2, -3], // halves away from zero
    [-4, 3, -1],
    [5, -2, -3],
    [Number.MAX_SAFE_INTEGER, 2, 4503599627370496], // …495.5
    [Number.MAX_SAFE_INTEGER, 3, 3002399751580330], // …330.33
    [Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER, 1],
    [Number.MAX_SAFE_INTEGER, 9007199254740, 1000], // 1000.0000000001
  ])('%i / %i → %i', (n, d, q) => {
    expect(roundHalfUpDiv(n, d)).toBe(q);
  });

  it('takes integers only', () => {
    expect(() => roundHalfUpDiv(1.5, 2)).toThrow(RangeError);
    expect(() => roundHalfUpDiv(1, 0)).toThrow(RangeError);
    expect(() => roundHalfUpDiv(2 ** 53, 3)).toThrow(RangeError);
  });
});

describe('off-hours surcharge (非工作时间附加费)', () => {
  const offCard: RateCardForPricing = { ...card, offHoursSurchargePercent: 20 };
  const offHours = (rate: number, hourlyFen: number, amountFen: number): PriceLine => ({
    kind: 'off_hours_surcharge',
    label: '非工作时间附加费',
    quantity: rate,
    unitFen: hourlyFen,
    amountFen,
  });
  const cases: [string, Partial<RateCardForPricing>, PricingRequest, PriceLine[]][] = [
    [
      // a weekday 17:00–19:00: 1 of 2 hours off-hours → 80000 × 60/120 × 20 % = 8000
      'a weekday 17:00–19:00: the hour after 18:00',
      {},
      hours(120, 30, { offHoursMinutes: 60 }),
      [time({ quantity: 2, unitFen: 40000, amountFen: 80000 }), offHours(1, 8000, 8000)],
    ],
    [
      // a Saturday morning 09:00–12:00, all off-hours: 120000 × 20 % = 24000
      'a Saturday, all off-hours',
      {},
      hours(180, 30, { offHoursMinutes: 180 }),
      [time({ quantity: 3, unitFen: 40000, amountFen: 120000 }), offHours(3, 8000, 24000)],
    ],
    [
      'a make-up working day (or any working-day office hours): no line',
      {},
      hours(180, 30, { offHoursMinutes: 0 }),
      [time({ quantity: 3, unitFen: 40000, amountFen: 120000 })],
    ],
    [
      // 70 min on a 30-min grid bills 90 min; all 70 are off-hours, so all 90 billed minutes are
      'the share of the billed (rounded-up) time',
      {},
      hours(70, 30, { offHoursMinutes: 70 }),
      [time({ quantity: 1.5, unitFen: 40000, amountFen: 60000 }), offHours(1.5, 8000, 12000)],
    ],
    [
      // 60000 × 10/70 × 20 % = 1714.29 → 1714; the line reads 90 × 10/70 min = 0.214… h × 8000
      'a part share rounds to the fen',
      {},
      hours(70, 30, { offHoursMinutes: 10 }),
      [time({ quantity: 1.5, unitFen: 40000, amountFen: 60000 }), offHours((90 * 10) / 70 / 60, 8000, 1714)],
    ],
    [
      // 10001 × 30/60 = 5000.5 → 5001; × 50 % = 2500.5 → 2501 (hourly 10001 × 50 % = 5000.5 → 5001)
      'a half fen rounds up',
      { offHoursSurchargePercent: 50 },
      hours(30, 30, { rateItemId: 13, offHoursMinutes: 30 }),
      [time({ quantity: 0.5, unitFen: 10001, amountFen: 5001 }), offHours(0.5, 5001, 2501)],
    ],
    [
      // 5001 × 10/30 × 30 % = 500.1 → 500
      'less than half a fen rounds down',
      { offHoursSurchargePercent: 30 },
      hours(30, 30, { rateItemId: 13, offHoursMinutes: 10 }),
      [time({ quantity: 0.5, unitFen: 10001, amountFen: 5001 }), offHours(10 / 60, 3000, 500)],
    ],
    [
      // the minimum is reached before surcharges; urgent is 50 % of the subtotal after the minimum
      // (100000), off-hours 20 % of the machine time (40000): they add, neither compounds the other
      'after the minimum charge, beside the urgent surcharge',
      { setupFeeFen: 5000, minimumChargeFen: 100000 },
      hours(60, 30, { urgent: true, offHoursMinutes: 60 }),
      [
        time({ unitFen: 40000, amountFen: 40000 }),
        setup(5000),
        topUp(55000),
        urgent(0.5, 100000, 50000),
        offHours(1, 8000, 8000),
      ],
    ],
    [
      'no line when the card charges 0 %',
      { offHoursSurchargePercent: 0 },
      hours(120, 30, { offHoursMinutes: 120 }),
      [time({ quantity: 2, unitFen: 40000, amountFen: 80000 })],
    ],
    [
      'sample jobs pay no off-hours surcharge',
      {},
      perSample(2),
      [samples({ quantity: 2, unitFen: 20000, amountFen: 40000 })],
    ],
  ];

  it.each(cases)('%s', (_name, cardOver, req, lines) => {
    const result = price({ ...offCard, ...cardOver }, req);
    const total = lines.reduce((sum, l) => sum + l.amountFen, 0);
    const unit = req.mode === 'machine_time' ? 'hour' : 'sample';
    expect(result).toEqual({ ok: true, unit, lines, totalFen: total, terms: expect.objectContaining({ unit }) });
  });

  it('a card at 0 % prices exactly as before, whatever the off-hours', () => {
    const zero = { ...card, offHoursSurchargePercent: 0 };
    for (const [more, cardOver] of [
      [{ offHoursMinutes: 90 }, {}],
      [
        { offHoursMinutes: 45, urgent: true },
        { setupFeeFen: 5000, minimumChargeFen: 100000 },
      ],
    ] as const) {
      expect(price({ ...zero, ...cardOver }, hours(90, 30, more))).toEqual(
        price({ ...card, ...cardOver }, hours(90, 30, { urgent: 'urgent' in more })),
      );
    }
  });

  it('stays exact past 2^53 in the intermediate product', () => {
    // 2e12 fen/h × 2 h = 4e12; × 120 min × 300 % exceeds 2^53 before dividing: 4e12 × 3 = 1.2e13
    const dear = { ...card, offHoursSurchargePercent: 300, items: [{ ...card.items[0]!, internalFen: 2e12 }] };
    const result = price(dear, hours(120, 30, { offHoursMinutes: 120 }));
    expect(result).toMatchObject({ ok: true, totalFen: 4e12 + 1.2e13 });
    expect(result.ok && result.lines[1]).toEqual(offHours(2, 6e12, 1.2e13));
  });

  it('refuses off-hours minutes that are fractional, negative or more than the minutes', () => {
    expect(() => price(offCard, hours(60, 30, { offHoursMinutes: 30.5 }))).toThrow(RangeError);
    expect(() => price(offCard, hours(60, 30, { offHoursMinutes: -1 }))).toThrow(RangeError);
    expect(() => price(offCard, hours(60, 30, { offHoursMinutes: 61 }))).toThrow(RangeError);
    expect(() => price({ ...offCard, offHoursSurchargePercent: 1.5 }, hours(60))).toThrow(RangeError);
  });
});
