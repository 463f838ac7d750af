// The docs site's input: the generated registry (generated/registry/**/*.json), the examples
// (generated/examples/**/*.json), the errcode table (generated/errcodes.ts), the package's entry
// points (package.json exports) and the guides (README.md, docs/*.md, catalog/README.md,
// CHANGELOG.md). Everything is read in a fixed order, so the same inputs give the same site.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import type { RegistryEntry } from '../../src/registry/types.js';

export interface ErrcodeInfo {
  category: string;
  zh: string;
  en: string;
}

/** Where a namespace is imported from: a published entry, or the folder's entry still to come. */
export interface ImportSource {
  entry: string;
  /** false: no package.json export carries this namespace yet; `entry` is the one it will be. */
  exported: boolean;
}

export interface Namespace {
  name: string;
  /** The registry module, e.g. `official-account/material`. */
  module: string;
  folder: string;
  /** The last segment of the module: the page's file name. */
  slug: string;
  endpoints: RegistryEntry[];
  examples: Readonly<Record<string, unknown>>;
  importFrom: ImportSource;
}

export interface Folder {
  name: string;
  namespaces: Namespace[];
}

export interface Guide {
  /** The page's file name, without `.html`. */
  slug: string;
  title: string;
  /** The source's path in the repository, e.g. `docs/pay.md`. */
  source: string;
  markdown: string;
}

export interface SiteData {
  folders: Folder[];
  namespaces: Namespace[];
  endpoints: RegistryEntry[];
  errcodes: ReadonlyMap<number, ErrcodeInfo>;
  guides: Guide[];
  version: string;
}

/** The folders in the order the site lists them; others follow alphabetically. */
const FOLDER_ORDER = ['official-account', 'mini-program', 'channels', 'component', 'work', 'pay'];
/** docs/*.md in the order the site lists them; others follow alphabetically. */
const GUIDE_ORDER = ['scenarios', 'callbacks', 'component', 'work', 'wecom', 'pay', 'performance'];

export const FOLDER_TITLES: Readonly<Record<string, string>> = {
  'official-account': 'Official account (公众号)',
  'mini-program': 'Mini program (小程序)',
  channels: 'Channels shop (视频号小店)',
  component: 'Third-party platform (第三方平台)',
  work: 'WeCom (企业微信)',
  pay: 'WeChat Pay (微信支付)',
};

function byOrder(order: readonly string[]) {
  return (a: string, b: string) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    if (ia !== ib) return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort(compare)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...jsonFiles(path));
    else if (name.endsWith('.json')) out.push(path);
  }
  return out;
}

/** generated/errcodes.ts, read as text: `[code, 'category', 'zh', 'en'],` rows. */
export function loadErrcodes(root: string): Map<number, ErrcodeInfo> {
  const text = readFileSync(join(root, 'generated', 'errcodes.ts'), 'utf8');
  const str = String.raw`'((?:[^'\\]|\\.)*)'`;
  const row = new RegExp(String.raw`\[\s*(-?\d+)\s*,\s*${str}\s*,\s*${str}\s*,\s*${str}\s*\]`, 'g');
  const unquote = (s: string) => s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  const out = new Map<number, ErrcodeInfo>();
  for (const m of text.matchAll(row)) {
    out.set(Number(m[1]), { category: unquote(m[2]!), zh: unquote(m[3]!), en: unquote(m[4]!) });
  }
  return out;
}

/**
 * Which package entry exports which generated module under which name, from package.json's
 * exports: each entry's source file (dist/x.js → x.ts) is read for `export * as Name from '…'`,
 * following `export * from '…'` into other files.
 */
export function loadEntryPoints(root: string): Map<string, string[]> {
  const pkg = readJson<{ name: string; exports?: Record<string, unknown> }>(join(root, 'package.json'));
  const byModule = new Map<string, string[]>();
  for (const [key, value] of Object.entries(pkg.exports ?? {})) {
    const target = typeof value === 'string' ? value : (value as { default?: unknown })?.default;
    if (typeof target !== 'string' || !target.endsWith('.js')) continue;
    const entry = key === '.' ? pkg.name : `${pkg.name}/${key.replace(/^\.\//, '')}`;
    const source = join(root, target.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'));
    const seen = new Set<string>();
    const visit = (file: string, depth: number) => {
      if (depth > 4 || seen.has(file) || !existsSync(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/export\s+\*\s+as\s+\w+\s+from\s+'([^']+)'/g)) {
        const resolved = relative(root, join(dirname(file), m[1]!.replace(/\.js$/, '')))
          .split('\\')
          .join('/');
        if (!resolved.startsWith('generated/')) continue;
        const module = resolved.slice('generated/'.length);
        const list = byModule.get(module) ?? [];
        if (!list.includes(entry)) list.push(entry);
        byModule.set(module, list);
      }
      for (const m of text.matchAll(/export\s+\*\s+from\s+'([^']+)'/g)) {
        visit(join(dirname(file), m[1]!.replace(/\.js$/, '.ts')), depth + 1);
      }
    };
    visit(source, 0);
  }
  return byModule;
}

function importSource(module: string, folder: string, entries: Map<string, string[]>, pkgName: string): ImportSource {
  const list = entries.get(module) ?? [];
  const own = `${pkgName}/${folder}`;
  if (list.includes(own)) return { entry: own, exported: true };
  if (list.length) return { entry: list[0]!, exported: true };
  return { entry: own, exported: false };
}

function titleOf(markdown: string, fallback: string): string {
  const m = /^#\s+(.+)$/m.exec(markdown);
  return m ? m[1]!.replace(/`/g, '').trim() : fallback;
}

export function loadGuides(root: string): Guide[] {
  const guides: Guide[] = [];
  const add = (source: string, slug: string, title?: string) => {
    const path = join(root, source);
    if (!existsSync(path)) return;
    const markdown = readFileSync(path, 'utf8');
    guides.push({ slug, title: title ?? titleOf(markdown, slug), source, markdown });
  };
  add('README.md', 'getting-started', 'Getting started');
  const docs = join(root, 'docs');
  if (existsSync(docs)) {
    const names = readdirSync(docs)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -3))
      .sort(byOrder(GUIDE_ORDER));
    for (const name of names) add(`docs/${name}.md`, name);
  }
  add('catalog/README.md', 'catalog', 'The endpoint catalog (format)');
  add('CHANGELOG.md', 'changelog', 'Changelog');
  return guides;
}

export function loadSiteData(root: string): SiteData {
  const pkg = readJson<{ name: string; version: string }>(join(root, 'package.json'));
  const entries = loadEntryPoints(root);
  const registryDir = join(root, 'generated', 'registry');
  const byModule = new Map<string, RegistryEntry[]>();
  for (const file of jsonFiles(registryDir)) {
    for (const e of readJson<RegistryEntry[]>(file)) {
      const list = byModule.get(e.module) ?? [];
      list.push(e);
      byModule.set(e.module, list);
    }
  }
  const namespaces: Namespace[] = [];
  for (const [module, list] of byModule) {
    const folder = module.split('/')[0]!;
    const names = new Set(list.map((e) => e.namespace));
    if (names.size !== 1) throw new Error(`registry module ${module} holds several namespaces: ${[...names].join(', ')}`);
    const examplesFile = join(root, 'generated', 'examples', `${module}.json`);
    list.sort((a, b) => compare(a.name, b.name));
    const lower = new Set<string>();
    for (const e of list) {
      // Endpoint pages are files: names differing only in case would collide on macOS and Windows.
      if (lower.has(e.name.toLowerCase())) throw new Error(`${e.namespace}: two endpoints named ${e.name} up to case`);
      lower.add(e.name.toLowerCase());
    }
    namespaces.push({
      name: list[0]!.namespace,
      module,
      folder,
      slug: posix.basename(module),
      endpoints: list,
      examples: existsSync(examplesFile) ? readJson<Record<string, unknown>>(examplesFile) : {},
      importFrom: importSource(module, folder, entries, pkg.name),
    });
  }
  namespaces.sort((a, b) => byOrder(FOLDER_ORDER)(a.folder, b.folder) || compare(a.name, b.name) || compare(a.module, b.module));
  const folders: Folder[] = [];
  for (const ns of namespaces) {
    let folder = folders.find((f) => f.name === ns.folder);
    if (!folder) folders.push((folder = { name: ns.folder, namespaces: [] }));
    folder.namespaces.push(ns);
  }
  return {
    folders,
    namespaces,
    endpoints: namespaces.flatMap((n) => n.endpoints),
    errcodes: loadErrcodes(root),
    guides: loadGuides(root),
    version: pkg.version,
  };
}
