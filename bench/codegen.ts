// Section 4: how long `npm run generate` (and `-- --check`) and a type-check of its output take, on the real catalog
// and on a synthetic one of 2,000 endpoints (the size the issue sets; the real catalog plus copies of some files).
// Generate is timed as `tsx codegen/main.ts` (what the npm script runs, without npm's own start-up)
// into a fresh directory each time, so every file is written. Baselines isolate the tools' fixed
// costs: `tsx` on an empty file for the generator, `tsc` on a one-line file with the same compiler
// options (lib + @types/node) for the type-check.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './lib/measure.js';
import { REPO, run, TSC, TSX_CLI } from './lib/proc.js';
import type { Row } from './lib/row.js';
import { writeSyntheticCatalog } from './lib/synthetic-catalog.js';

export async function benchCodegen(opts: { quick: boolean }): Promise<Row[]> {
  const reps = opts.quick ? 1 : 3;
  // The size: 2,000 endpoints (the real catalog plus copies of some of its files), or the
  // real catalog itself once it is larger.
  const tmp = mkdtempSync(join(tmpdir(), 'wxkit-bench-codegen-'));
  try {
    const synthetic = join(tmp, 'catalog-synthetic');
    const syntheticEndpoints = writeSyntheticCatalog(join(REPO, 'catalog'), synthetic, 2_000);
    const noop = join(tmp, 'noop.ts');
    writeFileSync(noop, 'export {};\n');

    const trees = {
      real: { catalog: join(REPO, 'catalog'), root: join(tmp, 'real') },
      synthetic: { catalog: synthetic, root: join(tmp, 'synthetic') },
    };
    for (const t of Object.values(trees)) prepareTree(t.root);
    const trivial = join(tmp, 'trivial');
    prepareTree(trivial, ['generated']);
    writeFileSync(join(trivial, 'generated', 'one.ts'), 'export const one: number = 1;\n');

    const times = {
      noop: [] as number[],
      real: [] as number[],
      check: [] as number[],
      synthetic: [] as number[],
      tscTrivial: [] as number[],
      tscReal: [] as number[],
      tscSynthetic: [] as number[],
    };
    let realEndpoints = 0;
    const tscErrors: { real?: string; synthetic?: string } = {};
    // The generator prints its own time (catalog load + emit, after its imports): kept for the notes.
    const inner = { real: [] as number[], synthetic: [] as number[] };
    for (let i = 0; i < reps; i++) {
      times.noop.push((await run(process.execPath, [TSX_CLI, noop])).ms);
      for (const [key, t] of Object.entries(trees) as ['real' | 'synthetic', (typeof trees)['real']][]) {
        const out = join(t.root, 'generated');
        rmSync(out, { recursive: true, force: true });
        // The tree's own src link, so the modules import `../../src/…` as they do in the repository.
        const r = await run(process.execPath, [TSX_CLI, 'codegen/main.ts', '--catalog', t.catalog, '--out', out, '--runtime', join(t.root, 'src')]);
        times[key].push(r.ms);
        inner[key].push(Number(/\((\d+) ms\)/.exec(r.stdout)?.[1] ?? NaN));
        if (key === 'real') realEndpoints = Number(/^(\d+) endpoints/.exec(r.stdout)?.[1] ?? 0);
        else if (!r.stdout.startsWith(`${syntheticEndpoints} endpoints`))
          throw new Error(`synthetic catalog: expected ${syntheticEndpoints} endpoints, generator said ${r.stdout.trim()}`);
      }
      // What CI runs: compare a fresh generation of the real catalog with the committed generated/
      // (a stale generated/ exits 1, which `run` reports as a failure of the benchmark).
      times.check.push((await run(process.execPath, [TSX_CLI, 'codegen/main.ts', '--check'])).ms);
      times.tscTrivial.push((await run(process.execPath, [TSC, '-p', join(trivial, 'tsconfig.json')])).ms);
      for (const key of ['real', 'synthetic'] as const) {
        // Type errors are a result (the goal is not met), not a crash of the benchmark.
        const r = await run(process.execPath, [TSC, '-p', join(trees[key].root, 'tsconfig.json')], { allowFailure: true });
        times[key === 'real' ? 'tscReal' : 'tscSynthetic'].push(r.ms);
        if (r.code !== 0) tscErrors[key] = firstError(r.stdout || r.stderr);
      }
    }

    const s = (xs: number[]) => median(xs) / 1000;
    const row = (name: string, value: number, baseline: number, baselineLabel: string, goal: string, note?: string): Row => ({
      name,
      value,
      baseline,
      ratio: value / baseline,
      goal,
      unit: 's',
      baselineLabel,
      ...(note ? { note } : {}),
    });
    const split = (key: 'real' | 'synthetic') => `load + check + emit + write ${s(inner[key]).toFixed(2)} s; the rest is start-up and imports (tsx, ts-morph)`;
    return [
      row(`generate, real catalog (${realEndpoints} endpoints)`, s(times.real), s(times.noop), 'tsx on an empty file', '< 3 s', split('real')),
      row(`generate --check, real catalog (${realEndpoints} endpoints)`, s(times.check), s(times.noop), 'tsx on an empty file', '< 3 s'),
      row(
        `generate, synthetic catalog (${syntheticEndpoints} endpoints)`,
        s(times.synthetic),
        s(times.noop),
        'tsx on an empty file',
        opts.quick ? '—' : '< 3 s',
        split('synthetic'),
      ),
      tscRow(`tsc --noEmit, generated/ + src (${realEndpoints} endpoints)`, s(times.tscReal), s(times.tscTrivial), tscErrors.real),
      tscRow(`tsc --noEmit, generated/ + src (${syntheticEndpoints} endpoints)`, s(times.tscSynthetic), s(times.tscTrivial), tscErrors.synthetic),
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function tscRow(name: string, value: number, baseline: number, error: string | undefined): Row {
  const row: Row = { name, value, baseline, ratio: value / baseline, goal: '< 5 s', unit: 's', baselineLabel: 'tsc on one line' };
  // A check that fails has not met the goal, however fast it failed.
  return error ? { ...row, met: false, note: `tsc FAILED: ${error}` } : row;
}

function firstError(output: string): string {
  const line = output.split('\n').find((l) => /error TS\d+/.test(l)) ?? output.trim().split('\n')[0] ?? '';
  // tsc names files relative to the repository: drop the temporary directory part.
  return line.replace(/\S*wxkit-bench-codegen-[^/]+\//g, '').trim();
}

/**
 * A directory where generated code resolves exactly as in the repository: generated modules import
 * `../../src/...` and `zod`, so `src` and `node_modules` are links to the real ones, and the
 * tsconfig extends the repository's, limited to the generated output and src.
 */
function prepareTree(root: string, include = ['generated', 'src']): void {
  mkdirSync(join(root, 'generated'), { recursive: true });
  symlinkSync(join(REPO, 'src'), join(root, 'src'), 'dir');
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  // Generated code is ESM (NodeNext decides by the nearest package.json, as in the repository).
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  const config = { extends: join(REPO, 'tsconfig.json'), compilerOptions: { noEmit: true }, include };
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify(config, null, 2));
}
