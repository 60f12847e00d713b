import { z } from 'zod';
import { ENVIRONMENTS, type Environment } from '../../core/deployment/types.js';
import { PIPELINE_PERMISSIONS, type PipelinePermission } from '../../core/policy/pipelines.js';
import type { Policy } from '../../core/policy/policy.js';

/** `pipelines:` in the team configuration: one entry per pipeline that calls the HTTP API. */
export const PipelineSchema = z.strictObject({
  /** The environment variable holding the pipeline's token (the value never appears in the file). */
  token_env: z.string().regex(/^[A-Z_][A-Z0-9_]{0,99}$/, 'the name of an environment variable, e.g. LIFTOFF_TOKEN_GHA'),
  /** The services it may act on. */
  services: z.array(z.string().trim().min(1).max(80)).min(1, 'name at least one service'),
  environments: z
    .array(z.enum(ENVIRONMENTS, { error: `use ${ENVIRONMENTS.join(', ')}` }))
    .min(1, 'name at least one environment'),
  /** What it may do; approving a role is never among them. */
  may: z.array(z.enum(PIPELINE_PERMISSIONS, { error: `use ${PIPELINE_PERMISSIONS.join(', ')}` })).default([]),
  /** Requests per minute with its token (default 120). */
  rate_limit_per_minute: z.number().int().min(1).max(10_000).default(120),
});

export const PipelinesSchema = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a pipeline name uses lowercase letters, digits, "-" or "_"'),
  PipelineSchema,
);

/** A pipeline as Liftoff uses it: its token read from the environment. */
export interface PipelineConfig {
  name: string;
  /** The token's value (a secret: never logged, never shown). */
  token: string;
  services: readonly string[];
  environments: readonly Environment[];
  may: readonly PipelinePermission[];
  ratePerMinute: number;
}

type Env = Record<string, string | undefined>;
type RawPipelines = z.infer<typeof PipelinesSchema>;

/** The environment variables the pipelines name that are unset or too short to be a token. */
export function pipelineProblems(raw: RawPipelines | undefined, env: Env): Array<{ path: string; message: string }> {
  return Object.entries(raw ?? {}).flatMap(([name, p]) => {
    const value = env[p.token_env];
    if (!value)
      return [
        {
          path: `pipelines.${name}.token_env`,
          message: `the environment variable ${p.token_env} is not set (give it a long random token, e.g. openssl rand -hex 32)`,
        },
      ];
    if (value.length < 20)
      return [
        {
          path: `pipelines.${name}.token_env`,
          message: `the token in ${p.token_env} is too short: use at least 20 characters`,
        },
      ];
    return [];
  });
}

export function readPipelines(raw: RawPipelines | undefined, env: Env): PipelineConfig[] {
  return Object.entries(raw ?? {}).map(([name, p]) => ({
    name,
    token: env[p.token_env] ?? '',
    services: p.services,
    environments: p.environments,
    may: p.may,
    ratePerMinute: p.rate_limit_per_minute,
  }));
}

/** Adds to each deployment's policy what the pipelines whose scope covers its service and environment may do. */
export function withPipelines<T extends { service: string; environment: Environment }>(
  policyFor: (t: T) => Policy,
  pipelines: readonly PipelineConfig[],
): (t: T) => Policy {
  if (!pipelines.length) return policyFor;
  return (t) => {
    const inScope = pipelines.filter((p) => p.services.includes(t.service) && p.environments.includes(t.environment));
    return { ...policyFor(t), pipelines: Object.fromEntries(inScope.map((p) => [p.name, p.may])) };
  };
}
