#!/usr/bin/env node
// The `liftoff` command (npx liftoff …): runs the TypeScript sources through tsx.
// `liftoff ci …` (the pipeline client) runs alone: its compiled file (npm run build:ci) with nothing but Node.
import { existsSync } from 'node:fs';

const ci = process.argv[2] === 'ci' && new URL('../dist/ci/main.js', import.meta.url);
if (ci && existsSync(ci)) {
  const { runCi } = await import(ci.href);
  process.exitCode = await runCi(process.argv.slice(3), { env: process.env, out: process.stdout, err: process.stderr });
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env });
}
