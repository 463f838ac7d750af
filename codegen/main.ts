// `npm run generate`            write generated/ from catalog/
// `npm run generate -- --check` exit 1 and list the files that are stale, missing or extra
// Options: --catalog DIR (default catalog), --out DIR (default generated), --runtime DIR (the
// runtime the generated modules import, default src; imports are written relative to it, so any
// output folder resolves them).
//
// The pipeline: load (YAML → located trees) → normalise (the catalog model) → check (rules across
// keys and files) → emit (one emitter per output) → write (only what changed).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { check } from './check.js';
import { emitAll } from './emit/index.js';
import { withReadmeBlock } from './emit/readme-block.js';
import { loadSources } from './load.js';
import type { Catalog } from './model.js';
import { normalise } from './normalise.js';
import { CatalogError, Problems } from './problems.js';

export { CatalogError } from './problems.js';

export interface GenerateOptions {
  catalogDir: string;
  outDir: string;
  check: boolean;
  /** A README whose namespace list (between the markers of emit/readme-block.ts) follows the catalog. */
  readme?: string;
  /** The runtime (`src/`) generated modules import; default `src` of the working directory. */
  runtimeDir?: string;
  /** Paths in problems and headers are relative to it; default the working directory. */
  repo?: string;
}

export interface GenerateResult {
  written: string[];
  deleted: string[];
  stale: string[];
  endpoints: number;
}

/** Load, normalise and check a catalog; throws CatalogError listing every problem. */
export function loadCatalog(catalogDir: string, repo = process.cwd()): Catalog {
  const problems = new Problems();
  const loaded = loadSources(catalogDir, repo, problems);
  const catalog = normalise(loaded, problems);
  // Cross-file rules would only repeat what is already wrong inside a file.
  if (!problems.size) check(catalog, problems);
  problems.throwIfAny();
  return catalog;
}

export function generate(opts: GenerateOptions): GenerateResult {
  const repo = opts.repo ?? process.cwd();
  const catalog = loadCatalog(opts.catalogDir, repo);
  const files = emitAll(catalog, { outDir: resolve(opts.outDir), runtimeDir: resolve(opts.runtimeDir ?? join(repo, 'src')) });
  const existing = new Set(existsSync(opts.outDir) ? listFiles(opts.outDir) : []);
  const result: GenerateResult = { written: [], deleted: [], stale: [], endpoints: catalog.namespaces.reduce((n, ns) => n + ns.endpoints.length, 0) };

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
  if (opts.readme && existsSync(opts.readme)) {
    const current = readFileSync(opts.readme, 'utf8');
    const next = withReadmeBlock(current, catalog);
    if (next !== undefined && next !== current) {
      if (opts.check) result.stale.push(`stale: ${relative(repo, opts.readme)} (its namespace list)`);
      else {
        writeFileSync(opts.readme, next);
        result.written.push(relative(repo, opts.readme));
      }
    }
  }
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
  const checkOnly = process.argv.includes('--check');
  const started = performance.now();
  const out = arg('--out', 'generated');
  try {
    const catalogDir = arg('--catalog', 'catalog');
    // The README's namespace list follows the project's own catalog only.
    const readme = catalogDir === 'catalog' && out === 'generated' ? 'README.md' : undefined;
    const r = generate({ catalogDir, outDir: out, check: checkOnly, runtimeDir: arg('--runtime', 'src'), ...(readme ? { readme } : {}) });
    const ms = Math.round(performance.now() - started);
    if (checkOnly) {
      if (r.stale.length) {
        console.error(`${out}/ is out of date with its catalog (run \`npm run generate\`):\n  ${r.stale.join('\n  ')}`);
        process.exit(1);
      }
      console.log(`${out}/ is up to date (${r.endpoints} endpoints, ${ms} ms)`);
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
