// `npm run bench`                 all six sections, full counts; writes bench/results.json
// `npm run bench -- --quick`      tiny counts (CI: proves the bench still runs); bench/results.quick.json
// `npm run bench -- --only codegen,bundle`   some sections (names or numbers 1-6); merged into the results file
// `npm run bench -- --markdown`   print the last results file as a Markdown table (for the README), run nothing
// A benchmark is a measurement, not a test: missed goals are shown (met = NO) and listed, and the exit
// status stays 0. It is non-zero only when a section could not run (crashed, timed out, missing).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO, run, TSX_CLI } from './lib/proc.js';
import { failedRow, metOf, type Row } from './lib/row.js';
import { fmt, markdownTable, textTable } from './lib/table.js';

interface Section {
  key: string;
  title: string;
  run: (quick: boolean) => Promise<Row[]>;
}

const SECTIONS: Section[] = [
  { key: 'overhead', title: 'per-call overhead', run: async (quick) => (await import('./overhead.js')).benchOverhead({ quick }) },
  { key: 'tokens', title: 'token requests', run: async (quick) => (await peer('tokens', 'benchTokens'))({ quick }) },
  { key: 'callback', title: 'callback throughput', run: (quick) => freshProcess('callback', quick ? 500 : 20_000) },
  { key: 'codegen', title: 'codegen and type-check', run: async (quick) => (await import('./codegen.js')).benchCodegen({ quick }) },
  { key: 'bundle', title: 'bundle size', run: async () => (await import('./bundle.js')).benchBundle() },
  { key: 'memory', title: 'memory', run: async (quick) => (await import('./memory.js')).benchMemory({ quick }) },
];

/**
 * Sections written by other people are loaded by a computed specifier, so this file type-checks
 * (and the other sections run) while one of them is missing or renamed; the row says which.
 */
type PeerSection = (opts: { quick?: boolean; iterations?: number }) => Promise<Row[]>;

async function peer(name: string, fn: string): Promise<PeerSection> {
  const specifier = `./${name}.js`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(`bench/${name}.`)) throw new Error(`bench/${name}.ts is missing`);
    throw e;
  }
  if (typeof mod[fn] !== 'function') throw new Error(`bench/${name}.ts does not export ${fn}()`);
  return mod[fn] as PeerSection;
}

/**
 * A CPU-bound section run in a process of its own (`tsx bench/<name>.ts <iterations>`, one JSON row
 * per line): in the bench's own process, the heap and the leftovers of the sections before it (a
 * simulator's timers, child processes winding down) bias a short measurement by up to 30 %.
 */
async function freshProcess(name: string, iterations: number): Promise<Row[]> {
  const { stdout } = await run(process.execPath, [TSX_CLI, join('bench', `${name}.ts`), String(iterations)]);
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Row);
}

interface SectionResult {
  title: string;
  seconds: number;
  rows: Row[];
  error?: string;
}

function parseArgs(argv: string[]): { quick: boolean; only: Section[] } {
  const quick = argv.includes('--quick');
  const i = argv.indexOf('--only');
  if (i < 0) return { quick, only: SECTIONS };
  const wanted = (argv[i + 1] ?? '').split(',').filter(Boolean);
  const only = wanted.map((w) => {
    const s = /^\d$/.test(w) ? SECTIONS[Number(w) - 1] : SECTIONS.find((x) => x.key === w);
    if (!s) throw new Error(`--only: unknown section ${JSON.stringify(w)}; expected ${SECTIONS.map((x, k) => `${k + 1}/${x.key}`).join(', ')}`);
    return s;
  });
  if (!only.length) throw new Error('--only needs a section name');
  return { quick, only };
}

/** A hung section must not hang CI: it fails after this long and the rest still run. */
function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

function shortfall(r: Row): string {
  // A section that says "not met" although the number is inside the goal (tsc failed, zod leaked
  // into a chunk) explains itself in the note.
  if (r.met === false && metOf({ ...r, met: undefined }) !== 'NO') return `${r.name}: ${r.note ?? 'not met'}`;
  const m = /^(≤|<=|<|≥|>=|>|=)?\s*(-?[\d.]+)\s*(×|x)?/.exec(r.goal.trim());
  const actual = m?.[3] ? r.ratio : r.value;
  const limit = Number(m?.[2]);
  if (!m || !Number.isFinite(actual) || !Number.isFinite(limit) || limit === 0) return `${r.name}: goal ${r.goal}`;
  const shown = m[3] ? `${fmt(actual)}×` : fmt(actual, r.unit);
  return `${r.name}: ${shown} against ${r.goal} (${fmt(Math.abs(actual / limit - 1) * 100)}% ${actual > limit ? 'over' : 'under'})`;
}

async function main(): Promise<number> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const file = join(REPO, 'bench', quick ? 'results.quick.json' : 'results.json');
  if (process.argv.includes('--markdown')) return printMarkdown(file);
  const results: Record<string, SectionResult> = {};
  let failed = 0;

  for (const s of only) {
    process.stderr.write(`[bench] ${s.key}: ${s.title}${quick ? ' (quick)' : ''} ...\n`);
    const t0 = performance.now();
    let rows: Row[];
    let error: string | undefined;
    try {
      rows = await withDeadline(s.run(quick), quick ? 120_000 : 1_800_000, s.key);
      if (!Array.isArray(rows) || !rows.length) throw new Error('returned no rows');
    } catch (e) {
      failed++;
      error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      process.stderr.write(`[bench] ${s.key} FAILED: ${error}\n`);
      rows = [failedRow(s.key, e)];
    }
    const seconds = (performance.now() - t0) / 1000;
    results[s.key] = { title: s.title, seconds, rows, ...(error ? { error } : {}) };
    process.stderr.write(`[bench] ${s.key}: ${rows.length} row(s) in ${seconds.toFixed(1)} s\n`);
  }

  const ordered = SECTIONS.filter((s) => results[s.key]).map((s) => ({ section: s.key, rows: results[s.key]!.rows }));
  console.log(textTable(ordered));
  const missed = ordered.flatMap((s) => s.rows.filter((r) => metOf(r) === 'NO' && !results[s.section]!.error));
  if (missed.length) console.log(`\nGoals not met (${missed.length}):\n${missed.map((r) => `  - ${shortfall(r)}`).join('\n')}`);
  if (failed) console.log(`\n${failed} section(s) could not run; see the FAILED rows.`);

  // --only refreshes its sections inside the existing results file instead of dropping the others.
  const previous = only.length < SECTIONS.length && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { sections?: Record<string, unknown> }) : {};
  const machine = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    loadavg: loadavg().map((x) => Number(x.toFixed(2))),
  };
  // In the file, `met` is always spelled out: true, false, or null when the row has no goal.
  const stored = Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { ...r, rows: r.rows.map((row) => ({ ...row, met: toMet(row) })) }]));
  writeFileSync(
    file,
    `${JSON.stringify({ mode: quick ? 'quick' : 'full', finishedAt: new Date().toISOString(), machine, sections: { ...previous.sections, ...stored } }, null, 2)}\n`,
  );
  console.log(`\nwrote ${file.slice(REPO.length)}`);
  return failed ? 1 : 0;
}

function printMarkdown(file: string): number {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as {
    finishedAt: string;
    machine: { node: string; cpus: number; cpu?: string };
    sections: Record<string, { rows: (Omit<Row, 'met'> & { met: boolean | null })[] }>;
  };
  // JSON keeps NaN as null and spells `met` out; give the rows back their in-memory shape.
  const num = (x: number | null) => (x === null ? NaN : x);
  const sections = SECTIONS.filter((s) => saved.sections[s.key]).map((s) => ({
    section: s.key,
    rows: saved.sections[s.key]!.rows.map(
      ({ met, ...r }): Row => ({ ...r, value: num(r.value), baseline: num(r.baseline), ratio: num(r.ratio), ...(met === null ? { goal: r.goal } : { met }) }),
    ),
  }));
  console.log(`Measured ${saved.finishedAt.slice(0, 10)} on ${saved.machine.cpus} × ${saved.machine.cpu ?? 'CPU'}, Node ${saved.machine.node}.\n`);
  console.log(markdownTable(sections));
  return 0;
}

function toMet(r: Row): boolean | null {
  const m = metOf(r);
  return m === 'yes' ? true : m === 'NO' ? false : null;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
