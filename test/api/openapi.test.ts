import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/api/openapi.js';
import { createRoutes, type RouteDeps } from '../../src/api/routes.js';
import { API_VERSION } from '../../src/api/server.js';

// Building the document reads only the routes' schemas: no dependency is called.
const routes = createRoutes({} as RouteDeps);
const document = openApiDocument(routes, API_VERSION);

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const api = (await SwaggerParser.validate(structuredClone(document) as never)) as { openapi: string };
    expect(api.openapi).toBe('3.1.0');
  });

  it('describes every route, with the body schema that validates its requests', () => {
    const paths = document.paths as Record<
      string,
      Record<
        string,
        {
          requestBody?: {
            content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }>;
          };
          parameters?: Array<{ name: string; in: string; required: boolean }>;
        }
      >
    >;
    for (const r of routes) {
      const op = paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      if (r.method === 'POST')
        expect(op!.parameters?.find((p) => p.name === 'Idempotency-Key')).toMatchObject({
          in: 'header',
          required: true,
        });
    }
    const start = paths['/deployments']!.post!.requestBody!.content['application/json']!.schema;
    expect(start.required?.sort()).toEqual(['deployer', 'environment', 'service', 'version']);
    expect(Object.keys(start.properties ?? {})).toContain('links');
  });

  it('says the completion gate waits through monitoring until the verdict', () => {
    const paths = document.paths as Record<string, Record<string, { description?: string }>>;
    expect(paths['/deployments/{ref}/gates/{gate}']!.get!.description).toMatch(/monitoring window until the verdict/);
  });
});
