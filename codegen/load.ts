// Reads catalog YAML, validates it against codegen/schema.ts and reports every problem as
// `file:line Namespace.endpoint: field.path: message`, so authors can jump straight to it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { APP_TYPES, catalogFileSchema, errcodesFileSchema, type AppType, type CatalogFile } from './schema.js';

export interface LoadedFile {
  /** Path relative to the repository, with forward slashes: `catalog/official-account/menu.yaml`. */
  file: string;
  /** The app-type folder the file sits in; decides where its module is written. */
  folder: AppType;
  spec: CatalogFile;
}

export interface Catalog {
  files: LoadedFile[];
  errcodes: z.output<typeof errcodesFileSchema>;
  /** Raw bytes of every input, for the manifest hash. */
  sources: { file: string; text: string }[];
}

export class CatalogError extends Error {
  override name = 'CatalogError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`catalog has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

const FOLDERS: Record<string, AppType> = {
  'official-account': 'official_account',
  'mini-program': 'mini_program',
  component: 'component',
};

export function loadCatalog(root: string, repo = process.cwd()): Catalog {
  const problems: string[] = [];
  const files: LoadedFile[] = [];
  const sources: Catalog['sources'] = [];
  let errcodes: Catalog['errcodes'] = {};

  for (const entry of readdirSync(root).sort()) {
    const dir = join(root, entry);
    if (!statSync(dir).isDirectory()) continue;
    const folder = FOLDERS[entry];
    if (!folder) {
      problems.push(`${rel(repo, dir)}: unknown folder; expected one of ${Object.keys(FOLDERS).join(', ')}`);
      continue;
    }
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.yaml')) continue;
      const path = join(dir, name);
      const file = rel(repo, path);
      const text = readFileSync(path, 'utf8');
      sources.push({ file, text });
      const spec = parseAndCheck(file, text, catalogFileSchema, problems, labelFor);
      if (spec) files.push({ file, folder, spec });
    }
  }

  const errPath = join(root, 'errcodes.yaml');
  try {
    const text = readFileSync(errPath, 'utf8');
    sources.push({ file: rel(repo, errPath), text });
    errcodes = parseAndCheck(rel(repo, errPath), text, errcodesFileSchema, problems, () => '') ?? {};
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }

  checkUniqueness(files, problems);
  if (problems.length) throw new CatalogError(problems);
  return { files, errcodes, sources };
}

function parseAndCheck<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  problems: string[],
  label: (doc: Document, path: PropertyKey[]) => string,
): z.output<S> | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const err of doc.errors) {
      const at = lines.linePos(err.pos[0]);
      problems.push(`${file}:${at.line} ${err.message.split('\n')[0]}`);
    }
    return undefined;
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  for (const issue of result.error.issues.map(aimed)) {
    const line = lineOf(doc, lines, issue.path);
    const where = label(doc, issue.path);
    const field = fieldPath(issue.path);
    problems.push(`${file}:${line} ${where}${field ? `${field}: ` : ''}${describe(issue)}`);
  }
  return undefined;
}

/** The deepest YAML node that exists along the issue's path gives the line. */
function lineOf(doc: Document, lines: LineCounter, path: PropertyKey[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}

function labelFor(doc: Document, path: PropertyKey[]): string {
  const ns = String(doc.get('namespace') ?? '?');
  if (path[0] === 'endpoints' && typeof path[1] === 'number') {
    const name = doc.getIn(['endpoints', path[1], 'name']);
    return `${ns}.${typeof name === 'string' ? name : `endpoints[${path[1]}]`}: `;
  }
  return `${ns}: `;
}

function fieldPath(path: PropertyKey[]): string {
  const rest = path[0] === 'endpoints' ? path.slice(2) : path;
  return rest
    .filter((p) => p !== 'properties')
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

/**
 * Fields are "shorthand string | object": for a failed union, the issue of the branch the author
 * was aiming at (the one that failed on more than the type), with its full path, so the line and
 * the field named are those of the actual mistake.
 */
function aimed(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const first = issue.errors.find((errs) => errs.length && errs[0]!.code !== 'invalid_type')?.[0];
  return first ? aimed({ ...first, path: [...issue.path, ...first.path] } as z.core.$ZodIssue) : issue;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_union') return 'expected a type such as string, integer?, string[] or a field object';
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message;
}

function checkUniqueness(files: LoadedFile[], problems: string[]): void {
  const namespaces = new Map<string, string>();
  const routes = new Map<string, string>();
  for (const { file, spec } of files) {
    const prior = namespaces.get(spec.namespace);
    if (prior) problems.push(`${file}:1 ${spec.namespace}: namespace already defined in ${prior}`);
    namespaces.set(spec.namespace, file);
    const names = new Set<string>();
    for (const e of spec.endpoints) {
      if (names.has(e.name)) problems.push(`${file} ${spec.namespace}.${e.name}: name used twice in the namespace`);
      names.add(e.name);
      for (const app of e.appTypes ?? spec.appTypes) {
        const key = `${app} ${e.method} ${e.host ?? 'api.weixin.qq.com'}${e.path}`;
        const other = routes.get(key);
        if (other) problems.push(`${file} ${spec.namespace}.${e.name}: ${e.method} ${e.path} for ${app} is already ${other}`);
        routes.set(key, `${spec.namespace}.${e.name}`);
      }
    }
  }
}

function rel(repo: string, path: string): string {
  return relative(repo, path).split('\\').join('/');
}

export { APP_TYPES };
