import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type ErrorCode } from '../shared/errors.ts';
import { langOf, type Lang } from '../shared/lang.ts';
import { translateDetail, translateField } from '../shared/messages.ts';

const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
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

/** Errors thrown by body-parser carry a type and status; map them onto our codes. */
function fromBodyParser(err: { type?: string; status?: number }): AppError | null {
  if (err.type === 'entity.too.large') return new AppError('payload_too_large', 'request body is too large');
  if (err.type === 'entity.parse.failed') return new AppError('validation', 'request body is not valid JSON');
  if (err.type && err.status && err.status < 500)
    return new AppError('validation', `unreadable request body (${err.type})`);
  return null;
}

/**
 * Every error leaves as application/problem+json (RFC 9457); unknown errors leak nothing. Its
 * title, detail and field messages are in the caller's language (`Accept-Language`, Chinese unless
 * English comes first): the English the server wrote, or its Chinese from shared/messages.zh.ts.
 */
export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known = err instanceof AppError ? err : fromBodyParser(err);
  if (!known) {
    console.error(`[error] ${req.method} ${req.originalUrl}`, err);
  }
  const code: ErrorCode | 'internal' = known?.code ?? 'internal';
  const status = known ? STATUS[known.code] : 500;
  const details = known?.details;
  const lang = langOf(req.headers['accept-language']);
  const retryAfter = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
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
