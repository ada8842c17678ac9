/**
 * gzip for JSON answers large enough to gain from it. Below the threshold the bytes saved do not pay
 * for the CPU (a 1 KB body fits one packet either way); above it, a catalogue page shrinks ~4×.
 * Level 6 (zlib's default): level 9 costs twice the time for ~1 % fewer bytes on this JSON.
 * Routes that keep their answers (the public catalogue) keep the gzip with them and send it as is.
 */
import type { Request, RequestHandler } from 'express';
import compression from 'compression';
import { gzip, gzipSync, constants as zlibConstants } from 'node:zlib';
import { BlockEncodedJson } from './json-blocks.ts';

export const GZIP_THRESHOLD = 1024;

/** The request accepts gzip (Express's negotiator: `gzip;q=0` and a missing header do not). */
export function acceptsGzip(req: Request): boolean {
  return req.acceptsEncodings('gzip', 'identity') === 'gzip';
}

/**
 * Large answers (an institution's dashboard is ~2 MB of JSON) are gzipped at level 1 off the event
 * loop: level 6 costs them tens of milliseconds for a few per cent fewer bytes, and a synchronous
 * gzip that long would hold up every other request.
 */
const LARGE_BODY = 256 * 1024;

/** The JSON text, and once asked for its gzip, of an answer a service keeps (see `keepEncoded`). */
interface KeptEncoding {
  text?: string;
  gzip?: Promise<Buffer>;
  /** Its long list, encoded in blocks shared with the answers before it (json-blocks.ts). */
  listKey?: string;
  blocks?: BlockEncodedJson;
}
const keptEncodings = new WeakMap<object, KeptEncoding>();

/**
 * Marks an answer its service keeps and hands out again, unchanged, while its data is unchanged (the
 * statistics answers, kept per roll-up version): its JSON text and gzip are made at its first sending
 * and sent as they are after that — the largest (an institution's dashboard, ~2 MB) took ~30 ms to
 * serialise and compress each time. Held as long as the answer object is: a new version is a new object.
 * The answer must never be changed after it is marked.
 *
 * `listKey` names a long list in it whose items are kept from answer to answer (the same objects where
 * unchanged): its JSON and gzip are then made in blocks, and a new answer re-encodes only the blocks
 * with a new item (json-blocks.ts).
 */
export function keepEncoded<T extends object>(answer: T, listKey?: keyof T & string): T {
  if (!keptEncodings.has(answer)) keptEncodings.set(answer, { listKey });
  return answer;
}

const gzipAsync = (text: string, level: number) =>
  new Promise<Buffer>((resolve, reject) => gzip(text, { level }, (e, b) => (e ? reject(e) : resolve(b))));

/** Wraps res.json: bodies of at least `threshold` characters go gzipped to callers that accept it. */
export function compressJson(threshold = GZIP_THRESHOLD): RequestHandler {
  return (req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const kept = typeof body === 'object' && body !== null ? keptEncodings.get(body) : undefined;
      if (kept?.listKey) return sendBlocks((kept.blocks ??= new BlockEncodedJson(body as never, kept.listKey)));
      const text = kept ? (kept.text ??= JSON.stringify(body)) : JSON.stringify(body);
      if (text === undefined) return json(body);
      if (!res.get('Content-Type')) res.type('application/json');
      if (text.length >= threshold) {
        res.vary('Accept-Encoding');
        if (acceptsGzip(req) && !res.get('Content-Encoding')) {
          res.set('Content-Encoding', 'gzip');
          if (!kept && text.length < LARGE_BODY) return res.send(gzipSync(text));
          const gzipped = kept ? (kept.gzip ??= gzipAsync(text, text.length < LARGE_BODY ? 6 : 1)) : gzipAsync(text, 1);
          return sendGzipped(gzipped, () => {
            if (kept) kept.gzip = undefined; // the next sending tries again
          });
        }
      }
      return res.send(text);
    };
    /** A kept answer encoded in blocks: gzipped to callers that accept it (it is always large). */
    const sendBlocks = (encoded: BlockEncodedJson) => {
      if (!res.get('Content-Type')) res.type('application/json');
      res.vary('Accept-Encoding');
      if (!acceptsGzip(req) || res.get('Content-Encoding')) return res.send(encoded.bytes());
      res.set('Content-Encoding', 'gzip');
      return sendGzipped(encoded.gzip());
    };
    /** Sends a gzip made off the event loop; if making it failed, the error handler answers instead. */
    const sendGzipped = (gzipped: Promise<Buffer>, onError?: () => void) => {
      gzipped.then(
        (bytes) => res.send(bytes),
        (error: unknown) => {
          onError?.();
          res.removeHeader('Content-Encoding');
          next(error);
        },
      );
      return res;
    };
    next();
  };
}

/**
 * Every other text answer (the SPA's HTML shell and root files, iCalendar feeds, CSV exports, the API
 * reference's pages, problem texts that are not JSON…), brotli or gzip as the caller prefers, from 1 KB:
 * the `compression` middleware, streaming. JSON is left to `compressJson` (and the catalogue's kept answers),
 * and an answer that already has a Content-Encoding (the build's precompressed assets) goes as it is.
 * Brotli at quality 4: per request, the higher levels cost far more time than the bytes they save.
 */
export function compressText(): RequestHandler {
  return compression({
    threshold: GZIP_THRESHOLD,
    brotli: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } },
    filter: (req, res) => {
      const type = String(res.getHeader('Content-Type') ?? '');
      if (/^application\/([\w.+-]+\+)?json\b/i.test(type)) return false;
      return compression.filter(req, res);
    },
  });
}

/**
 * `compressText` where text may be sent: everything outside the JSON API (the SPA, the API reference),
 * and in the API the routes that answer files (route.ts mounts it on those). The compression middleware
 * wraps every answer it sees (~40 µs of a request's CPU here, measured on GET /health), and the rest of
 * the API answers JSON, which it would let through untouched anyway.
 */
export const textCompression: RequestHandler = compressText();

/** `textCompression` for requests outside `apiPrefix` (the API's file routes add it themselves). */
export function compressTextOutside(apiPrefix: string): RequestHandler {
  return (req, res, next) => (req.path.startsWith(apiPrefix) ? next() : textCompression(req, res, next));
}
