import { isRaqibError, type RaqibErrorCode } from '@raqib/core';

/** Codes only the HTTP layer produces, next to RaqibErrorCode. */
export type HttpOnlyCode = 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'ROUTE_NOT_FOUND' | 'INTERNAL';

/** An error as the API answers it: `{"error":{"code","message"}}` with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: RaqibErrorCode | HttpOnlyCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS: Partial<Record<RaqibErrorCode, number>> = {
  USAGE: 400,
  INPUT_INVALID: 400,
  CONFIG_INVALID: 400,
  ZONES_INVALID: 400,
  RULES_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INPUT_NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  STORAGE_UNAVAILABLE: 503,
};

/**
 * The one mapping from anything thrown to what the client sees. RaqibErrors with a client-facing
 * code keep their message (written to be safe to show); Fastify's own body errors get a plain
 * message; everything else is `500 INTERNAL` with no detail (the log has it).
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (isRaqibError(error)) {
    const status = STATUS[error.code];
    if (status !== undefined) return new HttpError(status, error.code, error.message);
    return new HttpError(500, 'INTERNAL', 'internal error; the server log has the details');
  }
  const fastify = error as { code?: string; statusCode?: number; message?: string };
  switch (fastify.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 'PAYLOAD_TOO_LARGE', 'request body too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, 'INPUT_INVALID', 'the JSON body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(400, 'INPUT_INVALID', 'the body is not valid JSON');
  }
  if (fastify.statusCode === 400 && error instanceof SyntaxError) {
    return new HttpError(400, 'INPUT_INVALID', 'the body is not valid JSON');
  }
  return new HttpError(500, 'INTERNAL', 'internal error; the server log has the details');
}
