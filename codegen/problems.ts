// Every stage reports into one collector, so an author sees all problems of a run at once, each as
// `file:line Where: field.path: message` (the form editors and terminals turn into links).

export class CatalogError extends Error {
  override name = 'CatalogError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`catalog has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

export class Problems {
  readonly list: string[] = [];

  /** `where` is `Namespace.endpoint` or `Namespace` (or empty); `field` a dotted path inside it. */
  add(file: string, line: number | undefined, where: string, field: string, message: string): void {
    const at = line === undefined ? `${file}:` : `${file}:${line}`;
    this.list.push(`${at} ${where ? `${where}: ` : ''}${field ? `${field}: ` : ''}${message}`);
  }

  get size(): number {
    return this.list.length;
  }

  throwIfAny(): void {
    if (this.list.length) throw new CatalogError(this.list);
  }
}

/** The candidate closest to `word` if it is plausibly a typo of it (a few edits away), for "did you mean". */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(2, Math.floor(word.length / 3));
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const n = nearest(word, candidates);
  return n ? ` (did you mean ${JSON.stringify(n)}?)` : '';
}

/** Levenshtein distance, with a transposition counted as one edit (`idempotnet`). */
function distance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0]![j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
