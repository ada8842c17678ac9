/**
 * The API reference: every route the server answers is in the OpenAPI document (files and feeds
 * too), each with its own operationId, and the document passes Redocly's recommended rules with no
 * warning.
 */
import { createConfig, lintFromString } from '@redocly/openapi-core';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationIdOf } from '../../server/http/route.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let doc: { paths: Record<string, Record<string, { operationId?: string; responses?: object }>> };
beforeAll(async () => {
  t = await createTestApp({ instruments: 20 });
  doc = (await request(t.app).get('/api/openapi.json')).body;
});
afterAll(() => t.close());

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

/** Every `METHOD /path` the Express app under /api/v1 answers, read from its routers. */
function expressRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) found.push(`${method} ${layer.route.path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  const root = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  // The API router is the one whose routes include the health check.
  for (const layer of root) {
    const stack = layer.handle?.stack;
    if (stack) walk(stack);
  }
  return found.filter((r) => !r.startsWith('_all')).map((r) => r.replace(/^(\w+) /, (_, m: string) => `${m} `));
}

describe('the OpenAPI document', () => {
  it('has every route the server answers, files and feeds included', () => {
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m} ${p.replace(/^\/api\/v1/, '').replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const missing = expressRoutes(t.app)
      .filter(
        (r) =>
          r.startsWith('get ') ||
          r.startsWith('post ') ||
          r.startsWith('put ') ||
          r.startsWith('patch ') ||
          r.startsWith('delete '),
      )
      .filter((r) => !r.endsWith(' /{*splat}') && !r.endsWith(' /health'))
      .filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
  });

  it('gives every operation its own operationId', () => {
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operationIdOf('post', '/bookings/:id/cancel')).toBe('postBookingsCancel');
    expect(operationIdOf('get', '/bookings/:id')).toBe('getBookingsById');
  });

  it('passes the recommended lint rules without a warning', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: '/openapi.json', config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`)).toEqual(
      [],
    );
  });
});
