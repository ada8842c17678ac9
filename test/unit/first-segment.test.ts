/** A module's router is entered only by requests for its own first path segments; the rest pass it by. */
import express, { Router, type RequestHandler } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { firstSegment, onlyItsPaths } from '../../server/http/first-segment.ts';

/** Routers that note each request that enters them, mounted guarded, then a 404 naming what was entered. */
function appOf(routers: Record<string, Router>) {
  const entered: string[] = [];
  const app = express();
  for (const [name, router] of Object.entries(routers)) {
    const noting: RequestHandler = (req, res, next) => {
      entered.push(name);
      router(req, res, next);
    };
    app.use(onlyItsPaths(Object.assign(noting, { stack: router.stack }) as unknown as Router));
  }
  app.use((_req, res) => res.status(404).json({ entered }));
  return { app, entered };
}

describe('first path segments', () => {
  it('are read without case, parameters or the rest of the path', () => {
    expect(firstSegment('/bookings/12/cancel')).toBe('bookings');
    expect(firstSegment('/Bookings')).toBe('bookings');
    expect(firstSegment('/me/calendar')).toBe('me');
    expect(firstSegment('/')).toBe('');
  });

  it('send a request only into the router whose routes start with its segment', async () => {
    const bookings = Router();
    bookings.get('/bookings/:id', (req, res) => res.json({ booking: req.params.id }));
    bookings.post('/quotes', (_req, res) => res.json({ quote: true }));
    const vouchers = Router();
    vouchers.get('/vouchers', (_req, res) => res.json({ vouchers: [] }));
    const { app, entered } = appOf({ bookings, vouchers });

    expect((await request(app).get('/vouchers')).body).toEqual({ vouchers: [] });
    expect(entered).toEqual(['vouchers']);
    expect((await request(app).post('/quotes')).body).toEqual({ quote: true });
    // Express's own matching holds: any case, a trailing slash.
    expect((await request(app).get('/BOOKINGS/8/')).body).toEqual({ booking: '8' });
    expect(entered).toEqual(['vouchers', 'bookings', 'bookings']);
    entered.length = 0;
    expect((await request(app).get('/nothing-here')).body).toEqual({ entered: [] });
    // The segment is the router's, the rest of the path is not: the router is entered and answers nothing.
    expect((await request(app).get('/vouchers/none/such')).body).toEqual({ entered: ['vouchers'] });
  });

  it('always enter a router with a route or middleware of any first segment', async () => {
    const byKind = Router();
    byKind.get('/:kind/list', (req, res) => res.json({ kind: req.params.kind }));
    const everything = Router();
    everything.use((_req, _res, next) => next());
    const { app, entered } = appOf({ byKind, everything });
    expect((await request(app).get('/things/list')).body).toEqual({ kind: 'things' });
    expect((await request(app).get('/elsewhere')).body).toEqual({ entered: ['byKind', 'byKind', 'everything'] });
    expect(entered).toHaveLength(3);
  });
});
