// How much of the endpoint inventory (../shared/reference/endpoints/union.tsv: 1,736 endpoints
// other SDKs call) the catalog covers, per domain. A row counts when a catalogued endpoint has its
// host and path ({placeholders} compared by position, not name); for WeChat Pay v3, whose paths
// carry several methods, the method must match too. Rows that are not callable endpoints (browser
// pages, retired hosts) are listed with a reason in catalog/README.md under "Not endpoints" and
// leave the count.
//
//   npx tsx codegen/coverage.ts                    per-domain table
//   npx tsx codegen/coverage.ts --missing work     the rows of one domain still missing
//   options: --registry DIR (default generated/registry), --inventory FILE, --readme FILE
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface InventoryRow {
  domain: string;
  method: string;
  host: string;
  path: string;
  sources: string;
}

export interface Route {
  method: string;
  host: string;
  path: string;
}

export interface DomainCoverage {
  domain: string;
  rows: number;
  notEndpoints: number;
  covered: number;
  missing: InventoryRow[];
}

/** `/v3/x/{transaction_id}/y` → `/v3/x/{}/y`: placeholder names differ between sources. */
export function routeShape(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}').replace(/\/+$/, '') || '/';
}

export function readInventory(text: string): InventoryRow[] {
  const [header, ...lines] = text.split('\n').filter((line) => line.trim() !== '');
  const cols = header!.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    const row = Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? ''])) as unknown as InventoryRow;
    return row;
  });
}

/** The `## Not endpoints` table of catalog/README.md: `| host | path | reason |` rows. */
export function readNotEndpoints(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const readme = `\n${text}`;
  const start = readme.indexOf('\n## Not endpoints');
  if (start < 0) return out;
  const end = readme.indexOf('\n## ', start + 1);
  for (const line of readme.slice(start, end < 0 ? undefined : end).split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | `host` | `path` | reason |
    if (cells.length < 5 || !cells[1]!.startsWith('`')) continue;
    const host = cells[1]!.replace(/`/g, '');
    // `POST /v3/...`: only that method's row (an inventory row with the wrong method).
    const [first, second] = cells[2]!.replace(/`/g, '').split(/\s+/);
    const method = second !== undefined ? first : undefined;
    const path = second ?? first!;
    out.set(`${method ? `${method} ` : ''}${host} ${routeShape(path)}`, cells[3]!);
  }
  return out;
}

export function readRoutes(registryDir: string): Route[] {
  const routes: Route[] = [];
  for (const folder of readdirSync(registryDir, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(join(registryDir, folder.name))) {
      if (!file.endsWith('.json')) continue;
      const entries = JSON.parse(readFileSync(join(registryDir, folder.name, file), 'utf8')) as Route[];
      for (const e of entries) routes.push({ method: e.method, host: e.host, path: e.path });
    }
  }
  return routes;
}

export function coverage(rows: readonly InventoryRow[], routes: readonly Route[], notEndpoints: ReadonlyMap<string, string>): DomainCoverage[] {
  const byRoute = new Map<string, Set<string>>();
  for (const r of routes) {
    const key = `${r.host} ${routeShape(r.path)}`;
    if (!byRoute.has(key)) byRoute.set(key, new Set());
    byRoute.get(key)!.add(r.method);
  }
  const domains = new Map<string, DomainCoverage>();
  for (const row of rows) {
    let d = domains.get(row.domain);
    if (!d) domains.set(row.domain, (d = { domain: row.domain, rows: 0, notEndpoints: 0, covered: 0, missing: [] }));
    d.rows++;
    const key = `${row.host} ${routeShape(row.path)}`;
    if (notEndpoints.has(key) || notEndpoints.has(`${row.method} ${key}`)) {
      d.notEndpoints++;
      continue;
    }
    const methods = byRoute.get(key);
    const methodMatters = row.domain === 'pay_v3' && row.method !== 'unknown';
    if (methods && (!methodMatters || methods.has(row.method))) d.covered++;
    else d.missing.push(row);
  }
  return [...domains.values()];
}

function main(argv: string[]): void {
  const opt = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
  };
  const inventory = resolve(opt('--inventory', '../shared/reference/endpoints/union.tsv'));
  if (!existsSync(inventory)) {
    console.log(`coverage: no inventory at ${inventory} (it ships with ../shared, not with the clone); nothing to compare`);
    return;
  }
  const result = coverage(
    readInventory(readFileSync(inventory, 'utf8')),
    readRoutes(resolve(opt('--registry', 'generated/registry'))),
    readNotEndpoints(readFileSync(resolve(opt('--readme', 'catalog/README.md')), 'utf8')),
  );
  const only = argv.includes('--missing') ? opt('--missing', '') : undefined;
  if (only !== undefined) {
    for (const d of result) if (!only || d.domain === only) for (const m of d.missing) console.log([m.domain, m.method, m.host, m.path, m.sources].join('\t'));
    return;
  }
  console.log('domain            rows  not-endpoints  covered   share');
  for (const d of result) {
    const callable = d.rows - d.notEndpoints;
    const share = callable ? ((100 * d.covered) / callable).toFixed(1) : '—';
    console.log(
      `${d.domain.padEnd(16)} ${String(d.rows).padStart(5)} ${String(d.notEndpoints).padStart(14)} ${String(d.covered).padStart(8)} ${share.padStart(6)} %`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
