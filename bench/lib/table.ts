// Prints rows as an aligned text table (and as Markdown for docs/performance.md). Notes become
// numbered footnotes under the table so the columns stay narrow.
import { metOf, type Row } from './row.js';

const HEAD = ['section', 'figure', 'value', 'baseline', 'ratio', 'goal', 'met'];

export function fmt(x: number, unit = ''): string {
  if (!Number.isFinite(x)) return '—';
  const abs = Math.abs(x);
  const s = abs >= 100 ? x.toFixed(0) : abs >= 10 ? x.toFixed(1) : abs >= 1 ? x.toFixed(2) : x.toFixed(3);
  return unit ? `${s} ${unit}` : s;
}

type Sections = { section: string; rows: Row[] }[];

function layout(sections: Sections): { body: string[][]; notes: string[] } {
  const notes: string[] = [];
  const body = sections.flatMap(({ section, rows }) =>
    rows.map((r) => {
      const mark = r.note ? ` [${notes.push(r.note)}]` : '';
      const baseline = Number.isFinite(r.baseline) ? `${fmt(r.baseline, r.unit)}${r.baselineLabel ? ` (${r.baselineLabel})` : ''}` : '—';
      return [section, `${r.name}${mark}`, fmt(r.value, r.unit), baseline, Number.isFinite(r.ratio) ? `${fmt(r.ratio)}×` : '—', r.goal || '—', metOf(r)];
    }),
  );
  return { body, notes };
}

export function textTable(sections: Sections): string {
  const { body, notes } = layout(sections);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => (i === 2 || i === 4 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const table = [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
  return notes.length ? `${table}\n\n${notes.map((n, i) => `[${i + 1}] ${n}`).join('\n')}` : table;
}

export function markdownTable(sections: Sections): string {
  const { body, notes } = layout(sections);
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = body.map((c) => `| ${c.map(esc).join(' | ')} |`);
  const table = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => (i === 2 || i === 4 ? ' ---: ' : ' --- ')).join('|')}|`, ...rows].join('\n');
  return notes.length ? `${table}\n\n${notes.map((n, i) => `${i + 1}. ${esc(n)}`).join('\n')}` : table;
}
