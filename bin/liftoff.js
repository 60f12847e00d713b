#!/usr/bin/env node
// The `liftoff` command (npx liftoff …): runs the compiled CLI (`npm run build` writes dist/).
// `liftoff ci …` (the pipeline client) runs alone: its compiled file, with nothing but Node.
import { existsSync } from 'node:fs';

const ci = new URL('../dist/ci/main.js', import.meta.url);
const cli = new URL('../dist/cli/main.js', import.meta.url);
if (process.argv[2] === 'ci' && existsSync(ci)) {
  const { runCi } = await import(ci.href);
  process.exitCode = await runCi(process.argv.slice(3), { env: process.env, out: process.stdout, err: process.stderr });
} else if (!existsSync(cli)) {
  process.stderr.write('Liftoff is not built (dist/cli/main.js is missing): run npm ci, then npm run build.\n');
  process.exit(1);
} else {
  const { main } = await import(cli.href);
  process.exitCode = await main(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env });
}
