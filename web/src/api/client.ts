/** A small typed fetch client for the platform's JSON API (`/api/v1`). */
import i18n from '../i18n';

export type FieldError = { path: string; message: string };

export type ProblemCode =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'network'
  | 'internal'
  | (string & {});

/** An error answer of the API (`application/problem+json`), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail: string;
  readonly errors: FieldError[];
  /** The problem document's other members (e.g. `currentStatus` of a 409 on a booking). */
  readonly extra: Record<string, unknown>;

  constructor(
    status: number,
    code: ProblemCode,
    detail: string,
    errors: FieldError[] = [],
    extra: Record<string, unknown> = {},
  ) {
    super(detail || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = errors;
    this.extra = extra;
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/**
 * What to tell a person about an error answer: its detail and the field messages that say more,
 * skipping those that are codes for the program (`too_short`) and repeats.
 */
export function problemText(e: ApiError): string {
  const said = [e.detail, ...e.errors.map((x) => x.message)].filter((m) => m && !/^[a-z0-9_]+$/.test(m));
  return [...new Set(said)].join('；');
}

const CODE_BY_STATUS: Record<number, ProblemCode> = {
  400: 'validation',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
};

function normalisePath(path: unknown): string {
  if (Array.isArray(path)) return path.map(String).join('.');
  if (typeof path === 'string') return path.replace(/^\//, '').replace(/\//g, '.');
  return '';
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    const text = await res.text();
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const problem = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const code = typeof problem.code === 'string' ? problem.code : (CODE_BY_STATUS[res.status] ?? 'internal');
  const detail =
    typeof problem.detail === 'string'
      ? problem.detail
      : typeof problem.title === 'string'
        ? problem.title
        : res.statusText;
  const errors = Array.isArray(problem.errors)
    ? problem.errors
        .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
        .map((e) => ({ path: normalisePath(e.path), message: String(e.message ?? '') }))
    : [];
  return new ApiError(res.status, code, detail, errors, problem);
}

export type QueryValue = string | number | boolean | null | undefined;

/** Build `?a=1&b=2`, dropping undefined, null and empty values (except keys listed in `keepEmpty`). */
export function toQueryString(params: Record<string, QueryValue>, keepEmpty: string[] = []): string {
  const qs = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (value === '' && !keepEmpty.includes(key)) continue;
    qs.set(key, String(value));
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

type RequestOptions = {
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (a file upload), with its own content type. */
  file?: Blob;
  signal?: AbortSignal;
  headers?: Record<string, string>;
};

export async function apiFetch<T>(
  path: string,
  { method = 'GET', body, file, signal, headers }: RequestOptions = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json, application/problem+json',
        // Texts the server writes (e.g. the details of a claim line's checks) come in the UI's language.
        'Accept-Language': i18n.resolvedLanguage ?? i18n.language ?? 'zh-CN',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(file ? { 'Content-Type': file.type || 'application/octet-stream' } : {}),
        ...headers,
      },
      body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
      signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', e instanceof Error ? e.message : 'network error');
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
