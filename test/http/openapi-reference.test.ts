/**
 * The API reference as client developers see it (issue 17): `/api/openapi.json` passes Spectral's
 * `spectral:oas` ruleset with no error (warnings are printed), declares and describes every tag its
 * operations use, documents every file answer with its content types, and a typed client generated from it
 * with openapi-typescript type-checks a small journey (search, read an instrument, book it, set opening
 * hours), so the document cannot drift from what clients are written against.
 * test/http/openapi.test.ts checks the other side: every route the server answers is in the document.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Document, Spectral } from '@stoplight/spectral-core';
import { oas } from '@stoplight/spectral-rulesets';
import openapiTS, { astToString } from 'openapi-typescript';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TAGS } from '../../server/http/openapi.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const require = createRequire(import.meta.url);
// Spectral's JSON parser (a dependency of spectral-core; its types are not exported for ESM).
const Parsers = require('@stoplight/spectral-parsers') as { Json: ConstructorParameters<typeof Document>[1] };

type Operation = {
  operationId?: string;
  tags?: string[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
};
type OpenApi = {
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
};

let t: TestApp;
let doc: OpenApi;
let text: string;
beforeAll(async () => {
  t = await createTestApp({ instruments: 5 });
  const res = await request(t.app).get('/api/openapi.json');
  doc = res.body as OpenApi;
  text = JSON.stringify(doc, null, 2);
});
afterAll(() => t.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => ({ at: `${m} ${p}`, op })));

describe('the OpenAPI document, linted', () => {
  it('passes the spectral:oas ruleset with no error', async () => {
    const spectral = new Spectral();
    spectral.setRuleset({ extends: [[oas as never, 'recommended']] } as never);
    const results = await spectral.run(new Document(text, Parsers.Json, '/openapi.json'));
    const line = (r: (typeof results)[number]) => `${r.code} at ${r.path.join('.')}: ${r.message}`;
    const errors = results.filter((r) => r.severity === 0).map(line);
    const warnings = results.filter((r) => r.severity === 1).map(line);
    console.log(
      `spectral:oas on /api/openapi.json: ${errors.length} errors, ${warnings.length} warnings` +
        (warnings.length ? `\n  ${warnings.slice(0, 20).join('\n  ')}` : ''),
    );
    expect(errors).toEqual([]);
  }, 60_000);

  it('declares every tag its operations use, each with a description, and tags every operation', () => {
    const declared = new Map((doc.tags ?? []).map((tag) => [tag.name, tag.description ?? '']));
    expect([...declared.keys()]).toEqual(expect.arrayContaining(API_TAGS.map((tag) => tag.name)));
    const problems = operations().flatMap(({ at, op }) => {
      if (!op.operationId) return [`${at}: no operationId`];
      if (!op.tags?.length) return [`${at}: no tag`];
      return op.tags
        .filter((tag) => !declared.get(tag))
        .map((tag) => `${at}: tag "${tag}" has no description in API_TAGS (server/http/openapi.ts)`);
    });
    expect(problems).toEqual([]);
  });

  it('gives every tuple its items and every default the type of its schema', () => {
    const problems: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}.${i}`));
      if (typeof node !== 'object' || node === null) return;
      const s = node as Record<string, unknown>;
      if (s.type === 'array' && !s.items) problems.push(`${at}: an array without items`);
      if (s.default !== undefined && s.default !== null && typeof s.type === 'string') {
        const want = { string: 'string', integer: 'number', number: 'number', boolean: 'boolean' }[s.type];
        if (want && typeof s.default !== want)
          problems.push(`${at}: ${s.type} with default ${JSON.stringify(s.default)}`);
      }
      for (const [k, v] of Object.entries(s))
        if (!['default', 'example', 'examples', 'enum', 'const'].includes(k)) walk(v, `${at}.${k}`);
    };
    walk(doc.paths, 'paths');
    expect(problems).toEqual([]);
    type Body = {
      content: Record<string, { schema: { properties: { weeklyHours: { properties: Record<string, unknown> } } } }>;
    };
    const put = doc.paths['/api/v1/instruments/{id}/schedule']?.put as unknown as { requestBody: Body };
    const hours = put.requestBody;
    expect(hours.content['application/json']!.schema.properties.weeklyHours.properties['1']).toMatchObject({
      items: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'string' }], minItems: 2, maxItems: 2 },
    });
  });

  it('documents every file answer with its content types: iCalendar feeds, exports, downloads', async () => {
    const fileAnswers = operations().flatMap(({ at, op }) =>
      Object.entries(op.responses ?? {}).flatMap(([status, r]) =>
        Object.keys(r.content ?? {})
          .filter((type) => type !== 'application/json')
          .map((type) => ({ at, status, type })),
      ),
    );
    expect(fileAnswers.filter((f) => !/^[a-z]+\/[\w.+-]+(;.*)?$/.test(f.type) || f.type.includes('*'))).toEqual([]);
    const typesOf = (at: string) => fileAnswers.filter((f) => f.at === at && f.status === '200').map((f) => f.type);
    expect(typesOf('get /api/v1/instruments/{id}/calendar.ics')).toEqual(['text/calendar']);
    expect(typesOf('get /api/v1/calendar/{token}.ics')).toEqual(['text/calendar']);
    expect(typesOf('get /api/v1/bookings/{id}/report')).toEqual(
      expect.arrayContaining(['application/pdf', 'image/png']),
    );
    expect(typesOf('get /api/v1/settlement-batches/{id}/export')).toHaveLength(3); // CSV, XLSX, PDF
    expect(typesOf('get /api/v1/instrument-photos/{file}')).toEqual(['image/jpeg', 'image/png', 'image/webp']);

    // What the server really sends is what the document says.
    const { id } = (await t.db.get<{ id: number }>('SELECT id FROM instruments ORDER BY id LIMIT 1'))!;
    const feed = await request(t.app).get(`/api/v1/instruments/${id}/calendar.ics`);
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar\b/);
    expect(feed.text).toContain('BEGIN:VCALENDAR');
  });
});

/** A client's journey, type-checked against the types generated from the document. */
const JOURNEY = `
import type { paths } from './api';

type Search = paths['/api/v1/instruments']['get'];
type SearchQuery = NonNullable<Search['parameters']['query']>;
type SearchAnswer = Search['responses'][200]['content']['application/json'];
type Instrument = paths['/api/v1/instruments/{id}']['get']['responses'][200]['content']['application/json'];
type NewBooking = NonNullable<paths['/api/v1/bookings']['post']['requestBody']>['content']['application/json'];
type Booking = paths['/api/v1/bookings']['post']['responses'][201]['content']['application/json'];
type Schedule = NonNullable<paths['/api/v1/instruments/{id}/schedule']['put']['requestBody']>['content']['application/json'];

declare function getJson<T>(url: string): Promise<T>;
declare function sendJson<T>(method: 'POST' | 'PUT', url: string, body: unknown): Promise<T>;

export async function journey(): Promise<number | null> {
  const query: SearchQuery = { q: '扫描电镜', city: '3701', limit: '5', sort: 'relevance' };
  const qs = Object.entries(query).map(([k, v]) => k + '=' + encodeURIComponent(String(v))).join('&');
  const found = await getJson<SearchAnswer>('/api/v1/instruments?' + qs);
  const first = found.items[0];
  if (!first) return null;
  const institution: string = first.institution.name;

  const instrument = await getJson<Instrument>('/api/v1/instruments/' + first.id);
  const name: string = instrument.nameZh;
  const english: string | null = instrument.nameEn;

  const body: NewBooking = {
    instrumentId: instrument.id,
    mode: 'machine_time',
    start: '2026-12-07T01:00:00.000Z',
    end: '2026-12-07T03:00:00.000Z',
    purpose: name + ' · ' + institution + (english ? ' · ' + english : ''),
  };
  const booking = await sendJson<Booking>('POST', '/api/v1/bookings', body);
  const bookingId: number = booking.id;
  const bookedInstrument: number = booking.instrumentId;

  const hours: Schedule['weeklyHours'] = { 1: [['08:30', '12:00'], ['13:30', '17:30']] };
  await sendJson('PUT', '/api/v1/instruments/' + bookedInstrument + '/schedule', { weeklyHours: hours });
  return bookingId;
}

// What the document forbids, the types forbid too.
// @ts-expect-error query parameters travel as strings
export const limitAsNumber: SearchQuery = { limit: 5 };
// @ts-expect-error a booking mode the API does not have
export const unknownMode: NewBooking = { instrumentId: 1, mode: 'teleport' };
// @ts-expect-error an opening interval is [from, to]
export const threeTimes: Schedule['weeklyHours'] = { 1: [['08:00', '12:00', '18:00']] };
// @ts-expect-error an instrument's id is a number
export const idAsText: Instrument['id'] = '1';
`;

describe('a client generated from the document', () => {
  it('type-checks a journey (search, read an instrument, book it, set opening hours) with openapi-typescript', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'openapi-client-'));
    try {
      const ast = await openapiTS(doc as never);
      writeFileSync(path.join(dir, 'api.d.ts'), astToString(ast));
      writeFileSync(path.join(dir, 'journey.ts'), JOURNEY);
      const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
      const args = [
        tsc,
        '--noEmit',
        '--strict',
        '--noUncheckedIndexedAccess',
        '--target',
        'ES2022',
        '--module',
        'ESNext',
        '--moduleResolution',
        'bundler',
        '--lib',
        'ES2022,DOM',
        path.join(dir, 'journey.ts'),
        path.join(dir, 'api.d.ts'),
      ];
      const result = await promisify(execFile)(process.execPath, args, { cwd: dir }).then(
        () => ({ code: 0, out: '' }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({
          code: e.code ?? 1,
          out: `${e.stdout ?? ''}${e.stderr ?? ''}`,
        }),
      );
      expect(result.out).toBe('');
      expect(result.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
