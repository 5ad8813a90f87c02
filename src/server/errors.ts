import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';
import { ERROR_CODES, FidelisError } from '../errors.js';

/** An error the API answers with: a stable code, a status, and what the client needs to fix it. */
export class ApiError extends FidelisError {
  constructor(
    readonly status: ContentfulStatusCode,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, { details });
  }
}

export const unauthorized = (message: string): ApiError => new ApiError(401, 'unauthorized', message);
export const forbidden = (message: string): ApiError => new ApiError(403, 'forbidden', message);
export const badRequest = (code: string, message: string, details: Record<string, unknown> = {}): ApiError =>
  new ApiError(400, code, message, details);

export const errorSchema = z
  .object({
    error: z
      .object({
        code: z.string().openapi({ example: 'unauthorized' }),
        message: z.string(),
      })
      .catchall(z.unknown()),
  })
  .openapi('Error');

/** The one place errors become responses: `{error: {code, message, ...details}}`. */
export function errorResponse(error: unknown, c: Context): Response {
  if (error instanceof ApiError) {
    if (error.status === 401) c.header('WWW-Authenticate', 'Basic realm="fidelis"');
    return c.json({ error: { code: error.code, message: error.message, ...error.details } }, error.status);
  }
  if (error instanceof FidelisError) {
    return c.json({ error: { code: error.code, message: error.message, ...error.details } }, ERROR_CODES[error.code]?.status ?? 500);
  }
  if (error instanceof HTTPException) {
    return c.json({ error: { code: 'http_error', message: error.message } }, error.status);
  }
  process.stderr.write(`fidelis serve: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return c.json({ error: { code: 'internal', message: 'internal error; see the server log' } }, 500);
}
