// Builds a large catalog for the codegen benchmark by copying the real one `copies` times, with
// namespaces suffixed (Material → Material2) and paths prefixed (/cgi-bin/x → /s2/cgi-bin/x) so
// every copy passes the generator's uniqueness checks. Real YAML gives real field shapes; a
// hand-written generator of fake endpoints would measure the fake instead.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ENDPOINT = /^ {4}path: \//gm;

/** Endpoints in a catalog directory (one `path:` at endpoint level each). */
export function countEndpoints(source: string): number {
  let n = 0;
  for (const folder of readdirSync(source)) {
    const from = join(source, folder);
    if (!statSync(from).isDirectory()) continue;
    for (const name of readdirSync(from).filter((f) => f.endsWith('.yaml'))) n += (readFileSync(join(from, name), 'utf8').match(ENDPOINT) ?? []).length;
  }
  return n;
}

/** Copies enough times to hold at least `target` endpoints (the catalog grows; the target does not). */
export function copiesFor(source: string, target: number): number {
  return Math.max(1, Math.ceil(target / countEndpoints(source)));
}

/** Writes the catalog into `dir`; returns how many endpoints it holds. */
export function writeSyntheticCatalog(source: string, dir: string, copies: number): number {
  let endpoints = 0;
  mkdirSync(dir, { recursive: true });
  for (const folder of readdirSync(source)) {
    const from = join(source, folder);
    // Root files (errcodes.yaml, the shared types.yaml) are shared by every copy.
    if (!statSync(from).isDirectory()) {
      if (folder.endsWith('.yaml')) copyFileSync(from, join(dir, folder));
      continue;
    }
    mkdirSync(join(dir, folder), { recursive: true });
    for (const name of readdirSync(from).filter((f) => f.endsWith('.yaml'))) {
      const text = readFileSync(join(from, name), 'utf8');
      for (let k = 1; k <= copies; k++) {
        // Endpoint paths sit at four spaces; deeper `path:` keys are fields that happen to be named path.
        const copy = k === 1 ? text : text.replace(/^namespace: (\w+)/m, `namespace: $1${k}`).replace(/^( {4}path: )\//gm, `$1/s${k}/`);
        endpoints += (copy.match(ENDPOINT) ?? []).length;
        writeFileSync(join(dir, folder, k === 1 ? name : name.replace(/\.yaml$/, `-${k}.yaml`)), copy);
      }
    }
  }
  return endpoints;
}
