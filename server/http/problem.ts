import type { ErrorRequestHandler, RequestHandler } from 'express';
import { BusyError } from '../../db/port.ts';
import { AppError, notFound, type ErrorCode } from '../shared/errors.ts';
import { langOf, type Lang } from '../shared/lang.ts';
import { translateDetail, translateField } from '../shared/messages.ts';
import { bodyUnread } from './upload.ts';

const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

const TITLE: Record<ErrorCode, string> = {
  validation: 'Invalid request',
  unauthenticated: 'Not signed in',
  payment_required: 'Payment declined',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  conflict: 'Conflict',
  payload_too_large: 'Request too large',
  unsupported_media_type: 'Unsupported file type',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
};

const TITLE_ZH: Record<ErrorCode | 'internal', string> = {
  validation: '请求有误',
  unauthenticated: '尚未登录',
  payment_required: '支付被拒绝',
  forbidden: '无权操作',
  not_found: '未找到',
  conflict: '操作冲突',
  payload_too_large: '请求内容过大',
  unsupported_media_type: '文件类型不受支持',
  rate_limited: '请求过于频繁',
  unavailable: '服务暂时不可用',
  internal: '服务器内部错误',
};

const INTERNAL = 'something went wrong on our side';

/** Field errors `{ path, message }` with their messages in the reader's language (codes stay). */
function fieldErrors(details: unknown[], lang: Lang): unknown[] {
  if (lang === 'en') return details;
  return details.map((e) =>
    e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string'
      ? { ...e, message: translateField((e as { message: string }).message, lang) }
      : e,
  );
}

const CODE_OF_STATUS = new Map(Object.entries(STATUS).map(([code, status]) => [status, code as ErrorCode]));

/**
 * Errors of the libraries under us (body-parser, the router, send) that blame the request: they carry
 * a status below 500, and a malformed percent-encoding in the path throws a URIError. They are the
 * client's 4xx with our codes, not a 500; their own message (which may echo the input) stays out.
 */
function fromLibrary(err: unknown): { error: AppError; status: number } | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : null;
  const as = (error: AppError) => ({ error, status: status ?? STATUS[error.code] });
  if (e.type === 'entity.too.large') return as(new AppError('payload_too_large', 'request body is too large'));
  if (e.type === 'entity.parse.failed') return as(new AppError('validation', 'request body is not valid JSON'));
  if (err instanceof URIError && (status === null || status === 400))
    return as(new AppError('validation', 'the address is not properly percent-encoded'));
  if (status === null || !Number.isInteger(status) || status < 400 || status >= 500) return null;
  const code = CODE_OF_STATUS.get(status) ?? 'validation';
  if (typeof e.type === 'string') return as(new AppError(code, `unreadable request body (${e.type})`));
  if (status === 404) return as(notFound('file'));
  // Any other 4xx keeps its status (416 for a range past the end, say) under the nearest code.
  return as(new AppError(code, 'malformed request'));
}

/** A write that conflicted with concurrent ones until it gave up: nothing was written, so try again. */
function busy(err: BusyError): { error: AppError; status: number } {
  console.warn(`[busy] ${err.message}`);
  return {
    error: new AppError('unavailable', 'the platform is busy; try again in a moment', { retryAfterSeconds: 1 }),
    status: 503,
  };
}

/**
 * Every error leaves as application/problem+json (RFC 9457); unknown errors leak nothing. Its
 * title, detail and field messages are in the caller's language (`Accept-Language`, Chinese unless
 * English comes first): the English the server wrote, or its Chinese from shared/messages.zh.ts.
 */
export const problemHandler: ErrorRequestHandler = (err, req, res, next) => {
  // A file that failed halfway out (its headers gone): Express ends the connection.
  if (res.headersSent) return next(err);
  const library = err instanceof AppError ? null : err instanceof BusyError ? busy(err) : fromLibrary(err);
  const known = err instanceof AppError ? err : (library?.error ?? null);
  // Only our own faults are logged, with their stack; a bad request is the client's business.
  if (!known) console.error(`[error] ${req.method} ${req.originalUrl}`, err);
  const code: ErrorCode | 'internal' = known?.code ?? 'internal';
  const status = library ? library.status : known ? STATUS[known.code] : 500;
  const details = known?.details;
  const lang = langOf(req.headers['accept-language']);
  const retryAfter = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
  // Refused before its body was read (an upload by someone who may not, or past the limit): the body
  // stays unread and the connection ends with this answer, rather than the server draining it first.
  if (bodyUnread(req)) res.set('Connection', 'close');
  res
    .status(status)
    .vary('Accept-Language')
    .type('application/problem+json')
    .json({
      type: `about:blank`,
      title: lang === 'zh' ? TITLE_ZH[code] : known ? TITLE[known.code] : 'Internal error',
      status,
      detail: translateDetail(known ? known.message : INTERNAL, lang),
      code,
      ...(Array.isArray(details) && { errors: fieldErrors(details, lang) }),
      // Object details are extra members of the problem (RFC 9457), e.g. a booking's currentStatus.
      ...(details && typeof details === 'object' && !Array.isArray(details) ? (details as object) : {}),
    });
};

export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `no route ${req.method} ${req.path}`));
};
