import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../../codegen/main.js';

const FIXTURE = new URL('../fixtures/catalog-small/', import.meta.url).pathname;
const dirs: string[] = [];
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'wxkit-gen-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function list(dir: string, base = ''): string[] {
  return readdirSync(join(dir, base), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? list(dir, join(base, e.name)) : [join(base, e.name)],
  );
}

describe('codegen on a fixture catalog', () => {
  it('writes the expected files (snapshots)', async () => {
    const out = scratch();
    const r = generate({ catalogDir: FIXTURE, outDir: out, check: false });
    expect(r.endpoints).toBe(4);
    const files = list(out).sort();
    expect(files).toEqual([
      'API.md',
      'README.md',
      'errcodes.ts',
      'manifest.json',
      'mini-program/index.ts',
      'mini-program/ping.schema.ts',
      'mini-program/ping.ts',
      'official-account/index.ts',
      'official-account/widget.schema.ts',
      'official-account/widget.ts',
      'registry.ts',
    ]);
    for (const f of ['official-account/widget.ts', 'official-account/widget.schema.ts', 'official-account/index.ts', 'mini-program/index.ts', 'API.md']) {
      await expect(normalise(readFileSync(join(out, f), 'utf8'))).toMatchFileSnapshot(`__snapshots__/${f.replace(/\//g, '__')}.snap`);
    }
  });

  it('is byte-deterministic and idempotent', () => {
    const a = scratch();
    const b = scratch();
    generate({ catalogDir: FIXTURE, outDir: a, check: false });
    generate({ catalogDir: FIXTURE, outDir: b, check: false });
    for (const f of list(a)) expect(readFileSync(join(b, f), 'utf8')).toBe(readFileSync(join(a, f), 'utf8'));
    const again = generate({ catalogDir: FIXTURE, outDir: a, check: false });
    expect(again.written).toEqual([]);
    expect(again.deleted).toEqual([]);
    expect(generate({ catalogDir: FIXTURE, outDir: a, check: true }).stale).toEqual([]);
  });

  it('--check lists stale, missing and extra files without touching them', () => {
    const out = scratch();
    generate({ catalogDir: FIXTURE, outDir: out, check: false });
    writeFileSync(join(out, 'official-account/widget.ts'), '// edited by hand\n');
    rmSync(join(out, 'registry.ts'));
    writeFileSync(join(out, 'official-account/old.ts'), '// left over\n');
    const r = generate({ catalogDir: FIXTURE, outDir: out, check: true });
    expect(r.stale).toEqual(['stale: official-account/widget.ts', 'missing: registry.ts', 'extra: official-account/old.ts']);
    expect(readFileSync(join(out, 'official-account/widget.ts'), 'utf8')).toBe('// edited by hand\n');
  });

  it('deletes files whose catalog entry is gone', () => {
    const cat = scratch();
    const out = scratch();
    cpSync(FIXTURE, cat, { recursive: true });
    generate({ catalogDir: cat, outDir: out, check: false });
    rmSync(join(cat, 'mini-program/ping.yaml'));
    const r = generate({ catalogDir: cat, outDir: out, check: false });
    expect(r.deleted.sort()).toEqual(['mini-program/index.ts', 'mini-program/ping.schema.ts', 'mini-program/ping.ts']);
    expect(existsSync(join(out, 'mini-program'))).toBe(false);
  });

  it('the committed generated/ is up to date with catalog/', () => {
    const r = generate({ catalogDir: 'catalog', outDir: 'generated', check: true });
    expect(r.stale).toEqual([]);
  });
});

/** The header names the catalog path, which differs between a scratch copy and the repo. */
function normalise(text: string): string {
  return text.replace(/from \S*catalog-small\//g, 'from catalog/');
}
