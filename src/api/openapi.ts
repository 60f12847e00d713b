import { z } from 'zod';
import type { Route } from './routes.js';
import { ErrorAnswer } from './schemas.js';

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect): what a request may send, or what an answer holds. */
const schemaOf = (s: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const errors: Record<string, string> = {
  '400': 'The request is malformed (JSON, a missing Idempotency-Key)',
  '401': 'No token, or not the token of any configured pipeline',
  '403': "Outside the pipeline's scope (service, environment, or a permission it lacks)",
  '404': 'No such deployment, item or phase',
  '409': 'Not now (a closed gate, a lock, outside the deploy calendar, already done, finished)',
  '413': 'The body is too large',
  '422': 'Invalid values, by field; or an Idempotency-Key reused for another request',
  '429': 'Too many requests with this token; see Retry-After',
};

/**
 * The OpenAPI 3.1 document of the API, generated from the routes and their
 * zod schemas (the same ones that validate each request).
 */
export function openApiDocument(routes: readonly Route[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters = [
      ...Object.entries(r.params ?? {}).map(([name, s]) => ({
        name,
        in: 'path',
        required: true,
        schema: schemaOf(s, 'input'),
      })),
      ...Object.entries(r.query?.shape ?? {}).map(([name, s]) => ({
        name,
        in: 'query',
        required: false,
        schema: schemaOf(s as z.ZodType, 'input'),
      })),
      ...(r.method === 'POST'
        ? [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: true,
              description: 'A key per logical call: a retry with the same key changes nothing twice',
              schema: { type: 'string', minLength: 1, maxLength: 200 },
            },
          ]
        : []),
    ];
    const errorResponses = Object.fromEntries(
      Object.entries(errors)
        .filter(([code]) => r.method === 'POST' || !['413', '422'].includes(code) || r.query)
        .map(([code, description]) => [
          code,
          { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        ]),
    );
    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } } }
        : {}),
      responses: {
        [String(r.status)]: {
          description: 'Done',
          content: { 'application/json': { schema: schemaOf(r.answer, 'output') } },
        },
        ...errorResponses,
      },
    };
  }
  paths['/openapi.json'] = {
    get: {
      operationId: 'openApiDocument',
      summary: 'This document',
      security: [],
      responses: {
        '200': { description: 'The OpenAPI document', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Liftoff API for pipelines',
      version,
      description:
        'Pipelines start deployments, confirm items with evidence, run phases and wait on the approvals people give in Slack.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ pipelineToken: [] }],
    paths,
    components: {
      securitySchemes: {
        pipelineToken: {
          type: 'http',
          scheme: 'bearer',
          description: "The pipeline's token (pipelines.<name>.token_env in the team configuration)",
        },
      },
      schemas: { Error: schemaOf(ErrorAnswer, 'output') },
    },
  };
}
