// A catalog written to a temporary folder from `path → YAML`, and the problems the generator finds
// in it: what the codegen tests that feed it bad YAML share. removeCatalogs() (in afterEach)
// deletes the folders.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { loadCatalog } from '../../codegen/main.js';
import { CatalogError } from '../../codegen/problems.js';

const made: string[] = [];

export function writeCatalog(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'wxkit-cat-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Problems of the catalog at `root`, paths relative to it; [] when it is clean. */
export function problemsOf(root: string): string[] {
  try {
    loadCatalog(root, root);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogError);
    return (e as CatalogError).problems;
  }
}

export function removeCatalogs(): void {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
}
