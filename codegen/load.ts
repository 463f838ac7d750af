// Stage 1 of the generator: read the catalog folder and turn each YAML file into a tree of maps,
// lists and scalars that remembers the line of every key and value. Later stages never see YAML
// again, only these trees, so every problem they find can name its line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { APP_TYPE_FOLDERS, type AppType } from '../src/core/enums.js';
import { fastYaml } from './fast-yaml.js';
import type { Problems } from './problems.js';

export { CatalogError } from './problems.js';

export type YNode = YMap | YSeq | YScalar;
export interface YMap {
  kind: 'map';
  line: number;
  pairs: YPair[];
}
export interface YPair {
  key: string;
  keyLine: number;
  value: YNode;
}
export interface YSeq {
  kind: 'seq';
  line: number;
  items: YNode[];
}
export interface YScalar {
  kind: 'scalar';
  line: number;
  value: string | number | boolean | null;
}

export interface SourceDoc {
  /** Path relative to the repository, with forward slashes: `catalog/official-account/menu.yaml`. */
  file: string;
  /** `endpoints`: a namespace file in an app-type folder; `types`: catalog/types.yaml; `errcodes`: catalog/errcodes.yaml. */
  role: 'endpoints' | 'types' | 'errcodes';
  /** The app type of the folder an endpoints file sits in; decides where its module is written. */
  folder?: AppType;
  root: YNode;
}

export interface LoadedSources {
  docs: SourceDoc[];
  /** Raw bytes of every input, for the manifest hash. */
  sources: { file: string; text: string }[];
}

/** Catalog folder name → app type, from the one table the runtime uses too. */
export const FOLDER_APP_TYPE: ReadonlyMap<string, AppType> = new Map(
  (Object.entries(APP_TYPE_FOLDERS) as [AppType, string][]).map(([app, folder]) => [folder, app]),
);

const ROOT_FILES: Record<string, SourceDoc['role']> = { 'types.yaml': 'types', 'errcodes.yaml': 'errcodes' };

export function loadSources(root: string, repo: string, problems: Problems): LoadedSources {
  const docs: SourceDoc[] = [];
  const sources: LoadedSources['sources'] = [];
  const read = (path: string, role: SourceDoc['role'], folder?: AppType): void => {
    const file = rel(repo, path);
    const text = readFileSync(path, 'utf8');
    sources.push({ file, text });
    const tree = parseYaml(file, text, problems);
    if (tree) docs.push({ file, role, root: tree, ...(folder ? { folder } : {}) });
  };

  for (const entry of readdirSync(root).sort()) {
    const path = join(root, entry);
    if (statSync(path).isDirectory()) {
      const folder = FOLDER_APP_TYPE.get(entry);
      // A fixture's committed generated/ output may sit inside its catalog folder.
      if (entry === 'generated' || entry === 'node_modules') continue;
      if (!folder) {
        problems.add(rel(repo, path), undefined, '', '', `unknown folder; expected one of ${[...FOLDER_APP_TYPE.keys()].join(', ')}`);
        continue;
      }
      for (const name of readdirSync(path).sort()) if (name.endsWith('.yaml')) read(join(path, name), 'endpoints', folder);
    } else if (entry.endsWith('.yaml')) {
      const role = ROOT_FILES[entry];
      if (role) read(path, role);
      else
        problems.add(
          rel(repo, path),
          undefined,
          '',
          '',
          `unknown file; the catalog root holds ${Object.keys(ROOT_FILES).join(' and ')}, namespaces go in an app-type folder`,
        );
    }
  }
  return { docs, sources };
}

/** One YAML file as a located tree, or undefined (with the syntax problems reported). */
export function parseYaml(file: string, text: string, problems: Problems): YNode | undefined {
  return fastYaml(text) ?? parseYamlFully(file, text, problems);
}

/** The `yaml` library's reading: the reference for values and lines, and the one that explains errors. */
export function parseYamlFully(file: string, text: string, problems: Problems): YNode | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const err of doc.errors) problems.add(file, lines.linePos(err.pos[0]).line, '', '', err.message.split('\n')[0]!);
    return undefined;
  }
  const line = (node: YamlNode | null | undefined, fallback: number): number => (node?.range ? lines.linePos(node.range[0]).line : fallback);
  const walk = (node: unknown, at: number, seen: readonly unknown[]): YNode => {
    if (isAlias(node)) {
      // Aliases are still read (the format is a superset of v1), as a copy of what they point to.
      const target = node.resolve(doc as Document);
      if (!target || seen.includes(target)) return { kind: 'scalar', line: line(node, at), value: null };
      return walk(target, line(node, at), [...seen, target]);
    }
    if (isMap(node)) {
      const pairs: YPair[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const keyLine = line(keyNode, line(node, at));
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        pairs.push({ key, keyLine, value: walk(pair.value, keyLine, seen) });
      }
      return { kind: 'map', line: line(node, at), pairs };
    }
    if (isSeq(node)) return { kind: 'seq', line: line(node, at), items: node.items.map((item) => walk(item, line(node, at), seen)) };
    if (isScalar(node)) {
      const v = node.value;
      const value = v === null || v === undefined ? null : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
      return { kind: 'scalar', line: line(node, at), value };
    }
    return { kind: 'scalar', line: at, value: null };
  };
  return walk(doc.contents, 1, []);
}

/** The plain value of a located tree (examples are data). */
export function toValue(node: YNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toValue);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const p of node.pairs) out[p.key] = toValue(p.value);
      return out;
    }
  }
}

export function rel(repo: string, path: string): string {
  return relative(repo, path).split('\\').join('/');
}
