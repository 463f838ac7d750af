// `npm run generate`            write generated/ from catalog/
// `npm run generate -- --check` exit 1 and list the files that are stale, missing or extra
// Options: --catalog DIR (default catalog), --out DIR (default generated)
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { emitAll } from './emit.js';
import { CatalogError, loadCatalog } from './load.js';

export interface GenerateResult {
  written: string[];
  deleted: string[];
  stale: string[];
  endpoints: number;
}

export function generate(opts: { catalogDir: string; outDir: string; check: boolean }): GenerateResult {
  const catalog = loadCatalog(opts.catalogDir);
  const files = emitAll(catalog);
  const existing = new Set(existsSync(opts.outDir) ? listFiles(opts.outDir) : []);
  const result: GenerateResult = { written: [], deleted: [], stale: [], endpoints: 0 };
  result.endpoints = catalog.files.reduce((n, f) => n + f.spec.endpoints.length, 0);

  for (const [rel, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    existing.delete(rel);
    const path = join(opts.outDir, rel);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === text) continue;
    if (opts.check) {
      result.stale.push(`${current === undefined ? 'missing' : 'stale'}: ${rel}`);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    result.written.push(rel);
  }
  for (const rel of [...existing].sort()) {
    if (opts.check) result.stale.push(`extra: ${rel}`);
    else {
      rmSync(join(opts.outDir, rel));
      result.deleted.push(rel);
    }
  }
  if (!opts.check) removeEmptyDirs(opts.outDir);
  return result;
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path).split('\\').join('/')];
  });
}

function removeEmptyDirs(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      removeEmptyDirs(path);
      if (!readdirSync(path).length) rmSync(path, { recursive: true });
    }
  }
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

if (process.argv[1]?.endsWith('main.ts')) {
  const check = process.argv.includes('--check');
  const started = performance.now();
  try {
    const r = generate({ catalogDir: arg('--catalog', 'catalog'), outDir: arg('--out', 'generated'), check });
    const ms = Math.round(performance.now() - started);
    if (check) {
      if (r.stale.length) {
        console.error(`generated/ is out of date with catalog/ (run \`npm run generate\`):\n  ${r.stale.join('\n  ')}`);
        process.exit(1);
      }
      console.log(`generated/ is up to date (${r.endpoints} endpoints, ${ms} ms)`);
    } else {
      console.log(`${r.endpoints} endpoints: ${r.written.length} file(s) written, ${r.deleted.length} deleted (${ms} ms)`);
    }
  } catch (e) {
    if (e instanceof CatalogError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}
