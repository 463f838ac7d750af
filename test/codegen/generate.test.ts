import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../../codegen/main.js';
import { README_END, README_START } from '../../codegen/emit/readme-block.js';

const FIXTURE = new URL('../fixtures/catalog-small/', import.meta.url).pathname;
const dirs: string[] = [];
/** Output next to a `src/` sibling, as generated/ is in the repository: runtime imports read `../../src/…`. */
function gen(catalogDir: string, outDir: string, check = false) {
  return generate({ catalogDir, outDir, check, runtimeDir: join(outDir, '..', 'src') });
}
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'wxkit-gen-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function list(dir: string, base = ''): string[] {
  return readdirSync(join(dir, base), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(dir, join(base, e.name)) : [join(base, e.name)]));
}

describe('codegen on a fixture catalog', () => {
  it('writes the expected files (snapshots)', async () => {
    const out = scratch();
    const r = gen(FIXTURE, out);
    expect(r.endpoints).toBe(4);
    const files = list(out).sort();
    expect(files).toEqual([
      'API.md',
      'README.md',
      'errcodes.ts',
      'examples/index.ts',
      'examples/mini-program/ping.json',
      'examples/official-account/widget.json',
      'manifest.json',
      'mini-program/index.ts',
      'mini-program/ping.schema.ts',
      'mini-program/ping.ts',
      'official-account/index.ts',
      'official-account/widget.schema.ts',
      'official-account/widget.ts',
      'registry/index.ts',
      'registry/mini-program/ping.json',
      'registry/official-account/widget.json',
    ]);
    for (const f of [
      'official-account/widget.ts',
      'official-account/widget.schema.ts',
      'official-account/index.ts',
      'mini-program/index.ts',
      'registry/index.ts',
      'registry/official-account/widget.json',
      'examples/index.ts',
      'examples/official-account/widget.json',
      'API.md',
    ]) {
      await expect(normalise(readFileSync(join(out, f), 'utf8'))).toMatchFileSnapshot(`__snapshots__/${f.replace(/\//g, '__')}.snap`);
    }
  });

  it('is byte-deterministic and idempotent', () => {
    const a = scratch();
    const b = scratch();
    gen(FIXTURE, a);
    gen(FIXTURE, b);
    for (const f of list(a)) expect(readFileSync(join(b, f), 'utf8')).toBe(readFileSync(join(a, f), 'utf8'));
    const again = gen(FIXTURE, a);
    expect(again.written).toEqual([]);
    expect(again.deleted).toEqual([]);
    expect(gen(FIXTURE, a, true).stale).toEqual([]);
  });

  it('--check lists stale, missing and extra files without touching them', () => {
    const out = scratch();
    gen(FIXTURE, out);
    writeFileSync(join(out, 'official-account/widget.ts'), '// edited by hand\n');
    rmSync(join(out, 'registry/index.ts'));
    writeFileSync(join(out, 'official-account/old.ts'), '// left over\n');
    const r = gen(FIXTURE, out, true);
    expect(r.stale).toEqual(['stale: official-account/widget.ts', 'missing: registry/index.ts', 'extra: official-account/old.ts']);
    expect(readFileSync(join(out, 'official-account/widget.ts'), 'utf8')).toBe('// edited by hand\n');
  });

  it('deletes files whose catalog entry is gone', () => {
    const cat = scratch();
    const out = scratch();
    cpSync(FIXTURE, cat, { recursive: true });
    gen(cat, out);
    rmSync(join(cat, 'mini-program/ping.yaml'));
    const r = gen(cat, out);
    expect(r.deleted.sort()).toEqual([
      'examples/mini-program/ping.json',
      'mini-program/index.ts',
      'mini-program/ping.schema.ts',
      'mini-program/ping.ts',
      'registry/mini-program/ping.json',
    ]);
    expect(existsSync(join(out, 'mini-program'))).toBe(false);
    expect(existsSync(join(out, 'registry/mini-program'))).toBe(false);
  });

  it('the committed generated/ and the README namespace list are up to date with catalog/', () => {
    const r = generate({ catalogDir: 'catalog', outDir: 'generated', check: true, readme: 'README.md' });
    expect(r.stale).toEqual([]);
  });

  it('a stale README namespace list is reported by --check and rewritten by generate', () => {
    const dir = scratch();
    const readme = join(dir, 'README.md');
    writeFileSync(readme, `# x\n\n${README_START}\nold\n${README_END}\n\nafter\n`);
    const out = join(dir, 'out');
    generate({ catalogDir: FIXTURE, outDir: out, check: false });
    expect(generate({ catalogDir: FIXTURE, outDir: out, check: true, readme }).stale).toEqual([expect.stringMatching(/README\.md \(its namespace list\)$/)]);
    generate({ catalogDir: FIXTURE, outDir: out, check: false, readme });
    const text = readFileSync(readme, 'utf8');
    expect(text).toMatch(/\| `wxkit\/official-account` \| \d+ \| `/);
    expect(text.endsWith('\n\nafter\n')).toBe(true);
    expect(generate({ catalogDir: FIXTURE, outDir: out, check: true, readme }).stale).toEqual([]);
  });

  it('runtime imports are written relative to the runtime, wherever the output goes', () => {
    const out = join(scratch(), 'deep', 'er', 'out');
    const runtime = join(out, '..', '..', 'rt');
    generate({ catalogDir: FIXTURE, outDir: out, check: false, runtimeDir: runtime });
    expect(readFileSync(join(out, 'official-account/widget.ts'), 'utf8')).toContain("from '../../../rt/core/endpoint.js';");
    expect(readFileSync(join(out, 'registry/index.ts'), 'utf8')).toContain("from '../../../rt/registry/types.js';");
  });
});

/** The header names the catalog path, which differs between a scratch copy and the repo. */
function normalise(text: string): string {
  return text.replace(/from \S*catalog-small\//g, 'from catalog/');
}
