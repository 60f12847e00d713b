#!/usr/bin/env node
// The `liftoff` command (npx liftoff …): runs the compiled CLI (`npm run build` writes dist/).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('Liftoff is not built (dist/cli/main.js is missing): run npm ci, then npm run build.\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env });
