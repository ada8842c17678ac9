import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type ErrorCode } from '../shared/errors.ts';

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

/** Errors thrown by body-parser carry a type and status; map them onto our codes. */
function fromBodyParser(err: { type?: string; status?: number }): AppError | null {
  if (err.type === 'entity.too.large') return new AppError('payload_too_large', 'request body is too large');
  if (err.type === 'entity.parse.failed') return new AppError('validation', 'request body is not valid JSON');
  if (err.type && err.status && err.status < 500)
    return new AppError('validation', `unreadable request body (${err.type})`);
  return null;
}

/** Every error leaves as application/problem+json (RFC 9457); unknown errors leak nothing. */
export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known = err instanceof AppError ? err : fromBodyParser(err);
  if (!known) {
    console.error(`[error] ${req.method} ${req.originalUrl}`, err);
  }
  const code: ErrorCode | 'internal' = known?.code ?? 'internal';
  const status = known ? STATUS[known.code] : 500;
  const details = known?.details;
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: `about:blank`,
      title: known ? TITLE[known.code] : 'Internal error',
      status,
      detail: known ? known.message : 'something went wrong on our side',
      code,
      ...(Array.isArray(details) && { errors: details }),
      // Object details are extra members of the problem (RFC 9457), e.g. a booking's currentStatus.
      ...(details && typeof details === 'object' && !Array.isArray(details) ? (details as object) : {}),
    });
};

export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `no route ${req.method} ${req.path}`));
};
