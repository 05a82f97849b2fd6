import { describeZodError } from '@trellis/shared';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { DomainError, type DomainErrorKind } from '../domain-errors.ts';

const STATUS_OF: Record<DomainErrorKind, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  unavailable: 503,
  upstream: 424,
  unauthenticated: 401,
  forbidden: 403,
};

/** An error our API reports as `{error: {code, message, details?}}` with the given HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, 'not_found', `${what} '${id}' does not exist`);
}

/** Parses `value` with a shared schema; a failure becomes a 400 that names each bad field. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where = 'request body',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpError(400, 'invalid_request', `invalid ${where}: ${describeZodError(result.error)}`, {
      issues: result.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
    });
  }
  return result.data;
}

/** Installs the one error shape for every route, including Fastify's own parse errors and unknown routes. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError | DomainError, request, reply) => {
    if (error instanceof DomainError) {
      return reply.status(STATUS_OF[error.kind]).send({
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      });
    }
    if (error instanceof HttpError) {
      return reply.status(error.status).send({
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      });
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const code = status === 413 ? 'body_too_large' : status < 500 ? 'invalid_request' : 'internal_error';
    const message =
      status < 500
        ? `invalid request: ${error.message}`
        : 'internal server error; the server log has the cause';
    return reply.status(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    });
  });
}
