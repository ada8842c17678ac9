/**
 * gzip for JSON answers large enough to gain from it. Below the threshold the bytes saved do not pay
 * for the CPU (a 1 KB body fits one packet either way); above it, a catalogue page shrinks ~4×.
 * Level 6 (zlib's default): level 9 costs twice the time for ~1 % fewer bytes on this JSON.
 * Routes that keep their answers (the public catalogue) keep the gzip with them and send it as is.
 */
import type { Request, RequestHandler } from 'express';
import { gzip, gzipSync } from 'node:zlib';

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

/** Wraps res.json: bodies of at least `threshold` characters go gzipped to callers that accept it. */
export function compressJson(threshold = GZIP_THRESHOLD): RequestHandler {
  return (req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const text = JSON.stringify(body);
      if (text === undefined) return json(body);
      if (!res.get('Content-Type')) res.type('application/json');
      if (text.length >= threshold) {
        res.vary('Accept-Encoding');
        if (acceptsGzip(req) && !res.get('Content-Encoding')) {
          res.set('Content-Encoding', 'gzip');
          if (text.length < LARGE_BODY) return res.send(gzipSync(text));
          gzip(text, { level: 1 }, (error, body) => {
            if (!error) return res.send(body);
            res.removeHeader('Content-Encoding');
            next(error);
          });
          return res;
        }
      }
      return res.send(text);
    };
    next();
  };
}
