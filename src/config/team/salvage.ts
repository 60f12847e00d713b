import type { z } from 'zod';
import { LayerSchema, ServiceSchema, TeamConfigSchema, type Layer, type RawTeamConfig } from './schema.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keeps the keys of `value` whose own schema accepts them. */
function keepValid(shape: Record<string, z.ZodType>, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObject(value)) return out;
  for (const [key, schema] of Object.entries(shape)) {
    if (key === 'approvers' || key === 'environments' || key === 'services' || key === 'defaults') continue;
    const r = schema.safeParse(value[key]);
    if (r.success && r.data !== undefined) out[key] = r.data;
  }
  return out;
}

function layer(value: unknown): Layer {
  const out = keepValid(LayerSchema.shape, value) as Layer;
  const approvers = isObject(value) ? value.approvers : undefined;
  if (isObject(approvers)) {
    const roles: Record<string, string[]> = {};
    const schema = LayerSchema.shape.approvers.unwrap().valueType;
    for (const [role, list] of Object.entries(approvers)) {
      const r = schema.safeParse(list);
      roles[role] = r.success ? r.data : [];
    }
    out.approvers = roles;
  }
  return out;
}

/**
 * The well-formed parts of a configuration that failed validation, so that the
 * checks across the file (templates, roles, hooks) still run and every mistake
 * is reported at once.
 */
export function salvage(value: unknown): RawTeamConfig {
  const out = keepValid(TeamConfigSchema.shape, value) as RawTeamConfig;
  if (!isObject(value)) return out;
  if (isObject(value.defaults)) out.defaults = layer(value.defaults);
  if (isObject(value.services)) {
    const services: NonNullable<RawTeamConfig['services']> = {};
    for (const [name, s] of Object.entries(value.services)) {
      const service: z.infer<typeof ServiceSchema> = layer(s);
      if (isObject(s) && isObject(s.environments)) {
        service.environments = Object.fromEntries(Object.entries(s.environments).map(([e, l]) => [e, layer(l)]));
      }
      services[name] = service;
    }
    out.services = services;
  }
  return out;
}
