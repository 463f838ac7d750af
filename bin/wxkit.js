#!/usr/bin/env node
// The `wxkit` command. A published package runs the compiled CLI from dist/; a checkout without a
// build runs the TypeScript source through tsx (a devDependency).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
let cli;
if (existsSync(compiled)) {
  cli = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
const code = await cli.main(process.argv.slice(2));
process.exit(code);
