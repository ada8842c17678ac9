import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'sid' });
  return registry;
}

/**
 * The document's tags, in the order the reference lists them, each with what it covers. Every operation's
 * tag must be one of these (test/http/openapi-lint.test.ts): a route with a new tag adds it here.
 */
export const API_TAGS: readonly { name: string; description: string }[] = [
  { name: 'Auth', description: 'Sign-in (password, second factor), sessions, password reset.' },
  { name: 'Account', description: 'The signed-in person’s own profile, settings and calendar address.' },
  {
    name: 'Registration',
    description: 'Organisations joining the platform: registration, e-mail check, documents, review by the platform.',
  },
  { name: 'Organisations', description: 'Organisations, their people and invitations; counties and finance offices.' },
  {
    name: 'Catalogue',
    description: 'The public instrument catalogue: search, instrument pages, photos, categories, cities, institutions.',
  },
  { name: 'Listing review', description: 'Instrument listings submitted by labs and reviewed before they are public.' },
  {
    name: 'Instrument imports',
    description: 'Bulk instrument imports from CSV/XLSX sheets: template, upload, errors sheet.',
  },
  {
    name: 'Booking',
    description:
      'Schedules, availability, bookings and sample jobs, service reports, reviews; iCalendar feeds (text/calendar).',
  },
  { name: 'Payments', description: 'Checkout, card payments and the payment provider’s webhook.' },
  {
    name: 'Vouchers',
    description: 'Innovation vouchers (创新券): quotas, grants, balances, the voucher register and its export.',
  },
  {
    name: 'Applications',
    description: 'Enterprise certification and voucher applications, their documents and review.',
  },
  {
    name: 'Settlement',
    description: 'Reimbursement claims and settlement batches, invoices, payment notices; exports (CSV, XLSX, PDF).',
  },
  { name: 'Reconciliation', description: 'Reconciliation runs of the ledger against the payment provider; exports.' },
  { name: 'Ledger', description: 'The double-entry ledger of voucher and card money, read only.' },
  { name: 'Testing needs', description: 'Testing needs posted by enterprises and the labs’ offers.' },
  {
    name: 'Integrations',
    description: 'API keys and the service records institutions’ own systems push (API key, no session).',
  },
  { name: 'Notifications', description: 'The signed-in person’s notifications and their settings.' },
  {
    name: 'Statistics',
    description: 'Public overview, dashboards, under-used instruments, national reports (CSV, XLSX).',
  },
  { name: 'Audit', description: 'The audit log of who did what, for platform administrators; export.' },
];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What the zod schemas leave for client generators and linters to trip on, put right in the JSON Schema:
 * - A default in the type of its schema. Query parameters are strings on the wire, parsed to numbers by the
 *   schema (`intParam(100).default(20)`): the zod default is the parsed value, the document's the string sent.
 * - A tuple (`z.tuple`, e.g. opening hours' [from, to]) as `prefixItems` with `items` for the rest and its
 *   length fixed by minItems/maxItems: OpenAPI 3.0 tools and Spectral's `array-items` need `items`.
 */
const VALUES = new Set(['default', 'example', 'examples', 'enum', 'const']);
function tidySchema(schema: unknown): void {
  if (Array.isArray(schema)) {
    for (const s of schema) tidySchema(s);
    return;
  }
  if (!isObject(schema)) return;
  for (const [key, value] of Object.entries(schema)) {
    // Property names are names, not keywords (a property may be called `default`); values are left as they are.
    if (key === 'properties' && isObject(value)) Object.values(value).forEach(tidySchema);
    else if (!VALUES.has(key)) tidySchema(value);
  }
  const def = schema.default;
  if (def !== undefined && def !== null) {
    if (schema.type === 'string' && typeof def !== 'string' && typeof def !== 'object') schema.default = String(def);
    if ((schema.type === 'integer' || schema.type === 'number') && typeof def === 'string' && def.trim() !== '') {
      const n = Number(def);
      if (Number.isFinite(n)) schema.default = n;
    }
  }
  if (schema.type === 'array' && Array.isArray(schema.prefixItems) && schema.items === undefined) {
    const items = schema.prefixItems as unknown[];
    const distinct = [...new Map(items.map((s) => [JSON.stringify(s), s])).values()];
    schema.items = distinct.length === 1 ? distinct[0] : { anyOf: distinct };
    schema.minItems ??= items.length;
    schema.maxItems ??= items.length;
  }
}

export function openApiDocument(registry: OpenAPIRegistry) {
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: '山东省大型科学仪器共享服务平台 API',
      version: '1',
      contact: { name: '山东省大型科学仪器共享服务平台 / Shandong Large Research Instrument Sharing Platform' },
      license: { name: 'Proprietary: 山东省大型科学仪器共享服务平台', identifier: 'LicenseRef-Proprietary' },
      description:
        'Province-wide catalogue of shared large research instruments. Money is integer fen (`…Fen`); ' +
        'errors are application/problem+json, their `title`, `detail` and field messages in the Accept-Language ' +
        '(Chinese unless English comes first; field messages that are codes, e.g. `not_qualified`, stay as they are). ' +
        'Sign in with POST /api/v1/auth/login (session cookie). Files (CSV, XLSX, PDF, images, iCalendar feeds) ' +
        'are answered with the content types listed on each operation.',
    },
    servers: [{ url: '/' }],
    tags: [...API_TAGS],
  });
  // A tag no entry above describes still goes in the list (so the document stays valid); the lint test names it.
  const listed = new Set(API_TAGS.map((t) => t.name));
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations as Record<string, { tags?: string[] }>)) {
      for (const tag of operation?.tags ?? []) {
        if (!listed.has(tag)) {
          listed.add(tag);
          document.tags!.push({ name: tag });
        }
      }
    }
  }
  tidySchema(document.paths);
  tidySchema(document.components);
  tidySchema(document.webhooks);
  return document;
}
