// `npm run docs`: builds the static docs site into site/ (or --out DIR) from the generated
// registry, examples and errcode table and the guides (README.md, docs/*.md, catalog/README.md,
// CHANGELOG.md). Byte-deterministic: the same inputs give the same files. No network, no CDN:
// the pages, stylesheet, search script and search index are all local files.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FAVICON_SVG, SEARCH_JS, STYLE_CSS } from './assets.js';
import { loadSiteData } from './data.js';
import { renderSite, type SearchEntry } from './pages.js';

/** Marks a folder as a built site, which a rebuild may empty. */
const MARKER = '.wxkit-site';

export interface BuildOptions {
  /** The repository root (package.json, generated/, docs/). */
  root?: string;
  /** The output folder; a previous build in it is replaced (stale files removed). Default: `<root>/site`. */
  out?: string;
}

export interface BuildResult {
  out: string;
  files: number;
  bytes: number;
  endpoints: number;
  namespaces: number;
  guides: number;
  ms: number;
  /** Milliseconds spent reading the inputs, rendering the pages and writing the files. */
  phases: { load: number; render: number; write: number };
  search: SearchEntry[];
}

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The files under dir, as paths relative to it; null when dir does not exist. */
function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, path));
    else out.push(path);
  }
  return out;
}

/** The files of a previous build in out (none if it is new); refuses a folder that is not a build. */
function previousBuild(out: string): string[] {
  if (!existsSync(out)) return [];
  const entries = readdirSync(out);
  if (entries.length && !entries.includes(MARKER)) {
    throw new Error(`${out} exists and is not a wxkit docs build (no ${MARKER} in it): refusing to write into it`);
  }
  return listFiles(out);
}

/** Removes what a previous build left that this one did not write, then the folders left empty. */
function removeStale(out: string, previous: string[], written: ReadonlyMap<string, string>): void {
  const dirs = new Set<string>();
  for (const path of previous) {
    if (written.has(path)) continue;
    rmSync(join(out, path), { force: true });
    for (let d = dirname(path); d !== '.'; d = dirname(d)) dirs.add(d);
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    if (!readdirSync(join(out, d)).length) rmSync(join(out, d), { recursive: true, force: true });
  }
}

export function buildSite(options: BuildOptions = {}): BuildResult {
  const started = performance.now();
  const root = resolve(options.root ?? REPO_ROOT);
  const out = resolve(options.out ?? join(root, 'site'));
  const previous = previousBuild(out);
  const data = loadSiteData(root);
  const loaded = performance.now();
  const { pages, search } = renderSite(data);
  const files = new Map<string, string>();
  for (const page of pages) {
    if (files.has(page.path)) throw new Error(`two pages at ${page.path}`);
    files.set(page.path, page.content);
  }
  const index = JSON.stringify(search);
  files.set('search-index.json', `${JSON.stringify(search, null, 1)}\n`);
  files.set('assets/search-index.js', `window.WXKIT_SEARCH_INDEX = ${index};\n`);
  files.set('assets/style.css', STYLE_CSS);
  files.set('assets/search.js', SEARCH_JS);
  files.set('assets/favicon.svg', FAVICON_SVG);
  files.set(MARKER, 'Built by `npm run docs` (codegen/site/build.ts). Everything in this folder is replaced on the next build.\n');

  const rendered = performance.now();
  mkdirSync(out, { recursive: true });
  const dirs = new Set<string>();
  const existing = new Set(previous);
  let bytes = 0;
  for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = join(out, path);
    const data = Buffer.from(content);
    bytes += data.length;
    // A rebuild leaves unchanged files alone: rewriting thousands of files costs far more than
    // reading them (truncation frees blocks, which some file systems discard one by one).
    if (existing.has(path) && data.equals(readFileSync(file))) continue;
    const dir = dirname(file);
    if (!dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      dirs.add(dir);
    }
    writeFileSync(file, data);
  }
  removeStale(out, previous, files);
  return {
    out,
    files: files.size,
    bytes,
    endpoints: data.endpoints.length,
    namespaces: data.namespaces.length,
    guides: data.guides.length,
    ms: performance.now() - started,
    phases: { load: loaded - started, render: rendered - loaded, write: performance.now() - rendered },
    search,
  };
}

function cli(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('Usage: npm run docs [-- --out DIR]\n  Builds the docs site into site/ (or DIR); open site/index.html.');
    return;
  }
  const result = buildSite({ out: values.out });
  const mb = (result.bytes / 1e6).toFixed(1);
  console.log(
    `docs site: ${result.endpoints} endpoints in ${result.namespaces} namespaces, ${result.guides} guides → ` +
      `${result.files} files (${mb} MB) in ${result.out} in ${Math.round(result.ms)} ms ` +
      `(read ${Math.round(result.phases.load)}, render ${Math.round(result.phases.render)}, write ${Math.round(result.phases.write)})`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    cli(process.argv.slice(2));
  } catch (err) {
    console.error(`docs: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
