/**
 * Public catalogue answers over HTTP (the search, GET /instruments): an ETag made of the catalogue's
 * stamp at the answer's snapshot and the normalised request, so a repeated request that sends it back
 * (If-None-Match) is answered 304 after reading the stamp alone — no search runs. The answer does not
 * depend on who asks (signed in or not, any language: it carries both names), so any cache may keep
 * it (`public`), and must ask again each time (`no-cache`): an answer is never used after a change.
 *
 * The last answers themselves (their JSON and its gzip) are kept too, bounded by bytes: the first
 * page of the listing is the most asked page of the site, and a stamp read serves it again.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import { LRUCache } from 'lru-cache';
import type { SearchQuery, SearchResult } from './catalog.schemas.ts';
import type { CatalogStamp } from './search.ts';
import { acceptsGzip, GZIP_THRESHOLD } from '../../http/compression.ts';

export interface StampedSearch {
  stamp(): Promise<CatalogStamp>;
  searchStamped(query: SearchQuery): Promise<{ result: SearchResult; stamp: CatalogStamp | null }>;
}

interface Answer {
  etag: string;
  json: Buffer;
  gzip: Buffer | null;
}

/** Default bound of the kept answers (a first page with total and facets is ~12 KB, ~3 KB gzipped). */
export const DEFAULT_ANSWER_CACHE_BYTES = 8 * 2 ** 20;
/** Larger answers are sent, not kept. */
const MAX_KEPT_ANSWER = 512 * 1024;

export const PUBLIC_CACHE_CONTROL = 'public, no-cache';

/** The query with every field in a fixed order and defaults filled in: requests that mean the same match. */
export function normalisedRequest(query: SearchQuery): string {
  const keys = Object.keys(query).sort() as (keyof SearchQuery)[];
  return JSON.stringify(keys.filter((k) => query[k] !== undefined).map((k) => [k, query[k]]));
}

const etagOf = (stamp: CatalogStamp, request: string) =>
  `W/"c${stamp.version}.${stamp.organisations}.${createHash('sha1').update(request).digest('base64url').slice(0, 16)}"`;

/** Whether an If-None-Match header names this ETag (weak comparison, lists and `*` included). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === opaque);
}

const sizeOf = (a: Answer) => a.json.length + (a.gzip?.length ?? 0) + 200;

export class PublicAnswers {
  private readonly answers: LRUCache<string, Answer>;

  constructor(
    private readonly search: StampedSearch,
    /** The bound; benchmarks set it to 0 (with clear()) to measure the search behind every answer. */
    public maxBytes = DEFAULT_ANSWER_CACHE_BYTES,
  ) {
    this.answers = new LRUCache<string, Answer>({
      maxSize: Math.max(1, maxBytes),
      maxEntrySize: MAX_KEPT_ANSWER,
      sizeCalculation: sizeOf,
    });
  }

  async send(req: Request, res: Response, query: SearchQuery): Promise<void> {
    const request = normalisedRequest(query);
    res.vary('Accept-Encoding');
    const conditional = req.headers['if-none-match'];
    const kept = this.answers.get(request);
    if (conditional || kept) {
      const etag = etagOf(await this.search.stamp(), request);
      if (matchesEtag(conditional, etag)) {
        res.status(304).set({ ETag: etag, 'Cache-Control': PUBLIC_CACHE_CONTROL }).end();
        return;
      }
      if (kept?.etag === etag) {
        this.write(req, res, kept);
        return;
      }
    }
    const { result, stamp } = await this.search.searchStamped(query);
    const json = Buffer.from(JSON.stringify(result));
    if (!stamp) {
      // Answered without the catalogue (nothing searchable in q): nothing to validate against.
      res.type('application/json').send(json);
      return;
    }
    const answer: Answer = {
      etag: etagOf(stamp, request),
      json,
      gzip: json.length >= GZIP_THRESHOLD ? gzipSync(json, { level: 6 }) : null,
    };
    // An answer larger than MAX_KEPT_ANSWER (or than the bound) is sent, not kept.
    if (this.maxBytes > 0 && sizeOf(answer) <= this.maxBytes) this.answers.set(request, answer);
    this.write(req, res, answer);
  }

  /** Forgets every kept answer (benchmarks measure the search itself). */
  clear(): void {
    this.answers.clear();
  }

  private write(req: Request, res: Response, answer: Answer): void {
    res.set({ ETag: answer.etag, 'Cache-Control': PUBLIC_CACHE_CONTROL });
    res.type('application/json');
    if (answer.gzip && acceptsGzip(req)) res.set('Content-Encoding', 'gzip').send(answer.gzip);
    else res.send(answer.json);
  }
}
