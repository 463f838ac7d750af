// Builds a catalog of a given size for the codegen benchmark from the real one: the whole real
// catalog, then further copies file by file, with namespaces suffixed (Material → Material2) and
// paths prefixed (/cgi-bin/x → /s2/cgi-bin/x) so every copy passes the generator's uniqueness
// checks, until the target is reached. Real YAML gives real field shapes; a hand-written
// generator of fake endpoints would measure the fake instead.
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

/**
 * Writes a catalog of at least `target` endpoints into `dir` (whole files, so a few more; never
 * fewer than the real catalog holds); returns how many endpoints it holds.
 */
export function writeSyntheticCatalog(source: string, dir: string, target: number): number {
  let endpoints = 0;
  const files: { folder: string; name: string; text: string }[] = [];
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
      writeFileSync(join(dir, folder, name), text);
      endpoints += (text.match(ENDPOINT) ?? []).length;
      files.push({ folder, name, text });
    }
  }
  // Further copies, file by file across every folder, until the target is reached.
  for (let k = 2; endpoints < target; k++) {
    for (const { folder, name, text } of files) {
      if (endpoints >= target) break;
      // Endpoint paths sit at four spaces; deeper `path:` keys are fields that happen to be named path.
      const copy = text.replace(/^namespace: (\w+)/m, `namespace: $1${k}`).replace(/^( {4}path: )\//gm, `$1/s${k}/`);
      endpoints += (copy.match(ENDPOINT) ?? []).length;
      writeFileSync(join(dir, folder, name.replace(/\.yaml$/, `-${k}.yaml`)), copy);
    }
  }
  return endpoints;
}
