/**
 * What every answer says to the browser (helmet), and the refusal of cross-site writes.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { forbidden } from '../shared/errors.ts';

/**
 * Content-Security-Policy for the SPA and the API reference: scripts, styles, fonts and requests
 * only from the platform; images also from the allow-listed photo hosts; no framing. Inline styles
 * are allowed because Ant Design and Swagger UI write their CSS into `<style>` elements at run time
 * (scripts stay strict: the Vite build and Swagger UI load theirs from files).
 * HSTS only when the cookie is Secure, i.e. when the platform is served over HTTPS.
 */
export function securityHeaders(options: { secure: boolean; imageHosts: readonly string[] }): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...options.imageHosts.map((h) => `https://${h}`)],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(options.secure && { upgradeInsecureRequests: [] }),
      },
    },
    strictTransportSecurity: options.secure ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    // Photos and reports are the platform's own: other sites may not embed them.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    xFrameOptions: { action: 'deny' },
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
}

/**
 * Cross-site request forgery: a browser sends the session cookie with a form or a `no-cors`
 * request from another site whenever SameSite allows it (same-site subdomains, older browsers), and
 * such requests can only carry the "simple" content types. So a state-changing request must
 * - not come from another origin: `Sec-Fetch-Site` (sent by every current browser) is same-origin
 *   or none, and `Origin`, when sent, is the platform's own (the host it was sent to, or PUBLIC_URL);
 * - carry JSON when it has a body, or for uploads the file's own type (or multipart), never a
 *   form encoding or text/plain, which other sites can send without a CORS preflight.
 * Requests without cookies are not at risk but are held to the same rule, which costs callers nothing.
 */
export function crossSiteGuard(options: {
  publicUrl: string | null;
  isUpload: (path: string) => boolean;
}): RequestHandler {
  const publicOrigin = options.publicUrl ? new URL(options.publicUrl).origin : null;
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const site = req.get('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') {
      throw forbidden(`cross-site request refused (Sec-Fetch-Site: ${site})`);
    }
    const origin = req.get('origin');
    if (origin && origin !== publicOrigin && !sameHost(origin, req.get('host'))) {
      throw forbidden('request from another origin refused');
    }
    const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!type && !hasBody(req.headers)) return next();
    const json = type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
    const upload = options.isUpload(req.path);
    const simple = type === 'application/x-www-form-urlencoded' || type === 'text/plain' || type === '';
    if (json || (upload && !simple)) return next();
    throw forbidden(
      upload
        ? 'an upload must be sent with the type of its file or as multipart/form-data'
        : 'a request that changes something must be sent as application/json',
    );
  };
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false; // "null" (sandboxed or file pages) and malformed origins are foreign
  }
}
