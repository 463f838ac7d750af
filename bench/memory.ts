// Section 6: resident memory. Every figure comes from a fresh process, so nothing loaded by the
// bench itself counts. The probe is bundled with esbuild and run by plain `node --expose-gc`:
// running it through tsx would add the TypeScript loader's caches to every figure, and users run
// compiled JavaScript anyway. Median of 3 processes per figure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { median } from './lib/measure.js';
import { REPO, run } from './lib/proc.js';
import type { Row } from './lib/row.js';

interface Probe {
  rss: number;
  heapUsed: number;
}

export async function benchMemory(opts: { quick: boolean }): Promise<Row[]> {
  const reps = opts.quick ? 1 : 3;
  const tmp = mkdtempSync(join(tmpdir(), 'wxkit-bench-memory-'));
  try {
    await build({
      entryPoints: [join(REPO, 'bench/lib/memory-probe.ts')],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      logLevel: 'silent',
    });
    const probe = async (...args: string[]): Promise<Probe> => {
      const runs: Probe[] = [];
      for (let i = 0; i < reps; i++) {
        const { stdout } = await run(process.execPath, ['--expose-gc', join(tmp, 'memory-probe.mjs'), ...args]);
        runs.push(JSON.parse(stdout.trim().split('\n').pop()!) as Probe);
      }
      return { rss: median(runs.map((r) => r.rss)), heapUsed: median(runs.map((r) => r.heapUsed)) };
    };
    const baseline = await probe('baseline');
    const catalog = await probe('catalog');
    const one = await probe('clients', '1');
    const many = await probe('clients', '1000');
    const mb = (b: number) => b / 1024 ** 2;
    const perClientKb = (many.heapUsed - one.heapUsed) / 999 / 1024;
    return [
      {
        name: 'memory: whole catalog loaded + 1 client (RSS)',
        value: mb(catalog.rss),
        baseline: mb(baseline.rss),
        ratio: catalog.rss / baseline.rss,
        goal: '—',
        unit: 'MB',
        baselineLabel: 'node with node:http only',
        note: `+${mb(catalog.rss - baseline.rss).toFixed(1)} MB RSS, heap ${mb(catalog.heapUsed).toFixed(1)} MB vs ${mb(baseline.heapUsed).toFixed(1)} MB`,
      },
      {
        name: 'memory: 1,000 authorizer clients (RSS)',
        value: mb(many.rss),
        baseline: mb(one.rss),
        ratio: many.rss / one.rss,
        goal: '—',
        unit: 'MB',
        baselineLabel: '1 client',
        note: `${perClientKb.toFixed(1)} KB of heap per client`,
      },
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
