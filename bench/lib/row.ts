// One line of the results table, shared by every section (including bench/tokens.ts and
// bench/callback.ts, written separately). `met` is optional: when a section leaves it out, it is
// derived from the goal text, so a missed goal always shows in the table.

export interface Row {
  name: string;
  value: number;
  baseline: number;
  ratio: number;
  /** e.g. `≤ 1.10×` (compares the ratio), `< 3 s`, `≤ 12 KB`, `1` (compare the value); `—` for none. */
  goal: string;
  unit: string;
  /** What the baseline is, when the name alone does not say. */
  baselineLabel?: string;
  /** Set by the section when the goal text cannot express the check. */
  met?: boolean;
  note?: string;
}

export type Met = 'yes' | 'NO' | '—' | '?';

const SCALE: Record<string, number> = { µs: 1e-6, us: 1e-6, ms: 1e-3, s: 1, B: 1, KB: 1024, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** `yes` / `NO` against the goal; `—` when there is no goal; `?` when the goal cannot be read. */
export function metOf(row: Row): Met {
  if (row.met !== undefined) return row.met ? 'yes' : 'NO';
  const goal = row.goal.trim();
  if (!goal || goal === '—' || goal === '-') return '—';
  const m = /^(≤|<=|<|≥|>=|>|=)?\s*(-?[\d.]+)\s*(×|x|[a-zA-Zµ/]+)?(?:\s.*)?$/.exec(goal);
  if (!m) return '?';
  const op = m[1] ?? '=';
  const limit = Number(m[2]);
  const unit = m[3];
  let actual: number;
  if (unit === '×' || unit === 'x') actual = row.ratio;
  else if (unit && unit !== row.unit && SCALE[unit] && SCALE[row.unit]) actual = (row.value * SCALE[row.unit]!) / SCALE[unit]!;
  else actual = row.value;
  if (!Number.isFinite(actual)) return 'NO';
  const ok =
    op === '≤' || op === '<='
      ? actual <= limit
      : op === '<'
        ? actual < limit
        : op === '≥' || op === '>='
          ? actual >= limit
          : op === '>'
            ? actual > limit
            : actual === limit;
  return ok ? 'yes' : 'NO';
}

/** The row a section produces when it could not run: visible in the table, never a silent gap. */
export function failedRow(section: string, error: unknown): Row {
  const first = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  // The full message and stack go to stderr and results.json; the table keeps one readable line.
  const message = first.length > 120 ? `${first.slice(0, 117)}...` : first;
  return { name: `${section}: FAILED: ${message}`, value: NaN, baseline: NaN, ratio: NaN, goal: '—', unit: '', met: false };
}
