// One error shape for every failure: validation, auth, not found, conflicts, database outages
// and bugs. 5xx answers never carry internals; they are logged with the request id instead.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, CODE_FOR_STATUS, errorBody } from '../errors.js';
import { classifyDatabaseError, diagnoseConnectionFailure } from '../db/errors.js';

function send(reply: FastifyReply, status: number, code: string, message: string, details?: unknown[]) {
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send(errorBody(code, message, details));
}

export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(error)) {
        const details = error.validation.map((issue) => ({
          in: error.validationContext,
          path: issue.instancePath.replace(/^\//, '').replace(/\//g, '.'),
          message: issue.message,
        }));
        return send(reply, 400, 'VALIDATION_FAILED', `Invalid ${error.validationContext ?? 'request'}`, details);
      }
      if (error instanceof AppError) {
        if (error.headers) reply.headers(error.headers);
        return send(reply, error.statusCode, error.code, error.message, error.details);
      }

      const failure = classifyDatabaseError(error);
      if (failure === 'unique') return send(reply, 409, 'CONFLICT', 'This resource already exists');
      if (failure === 'foreign_key') return send(reply, 409, 'CONFLICT', 'A referenced resource does not exist');
      if (failure === 'check' || failure === 'not_null' || failure === 'invalid_input') return send(reply, 400, 'VALIDATION_FAILED', 'A value is out of range');
      if (failure === 'unavailable') {
        const diagnosis = diagnoseConnectionFailure(error);
        request.log.warn({ err: error, ...diagnosis }, diagnosis ? `database unreachable: ${diagnosis.cause}. Fix: ${diagnosis.fix}` : 'database unavailable');
        reply.header('retry-after', '5');
        return send(reply, 503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable, please retry');
      }

      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        // Fastify's own 4xx messages (bad JSON, body too large, rate limit…) are safe to show.
        return send(reply, status, CODE_FOR_STATUS[status] ?? 'BAD_REQUEST', error.message);
      }
      request.log.error({ err: error }, 'unhandled error');
      if (status === 503) return send(reply, 503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable, please retry');
      return send(reply, 500, 'INTERNAL_ERROR', 'Internal server error');
    });

    app.setNotFoundHandler((request, reply) => send(reply, 404, 'NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`));
  },
  { name: 'errors' },
);
