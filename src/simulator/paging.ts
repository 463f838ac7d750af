// The simulator pages a list's example: the example's items are the whole list, and each request
// gets the slice its offset or cursor asks for, with total / next / more set to match. So an
// iterator over any catalogued list ends, and tests can count its pages.
import { valueAt } from '../core/paginate.js';
import type { RegistryEntry, RegistryField } from '../registry/index.js';

const CURSOR = 'SIM_CURSOR_';
// Integer cursors the simulator hands out are offset by this, so a caller's own starting value
// (msgid 1, cursor 0) is never mistaken for one of them.
const NUMERIC_BASE = 1_000_000;

/** `example` cut to the page `params` ask for; the example itself when the entry does not page. */
export function pageOfExample(entry: RegistryEntry, example: unknown, params: Record<string, unknown>): unknown {
  const p = entry.pagination;
  if (!p || example === null || typeof example !== 'object') return example;
  const all = valueAt(example, p.items);
  if (!Array.isArray(all)) return example;
  const count = p.count !== undefined ? Number(params[p.count]) : Number.NaN;
  let start: number;
  let size: number;
  if (p.style === 'offset') {
    start = Math.max(0, Number(params[p.offset!] ?? 0) || 0);
    size = Number.isFinite(count) && count > 0 ? count : all.length;
  } else {
    // A cursor the simulator did not hand out (absent, empty, the caller's documented start) starts the list.
    const cursor = params[p.cursor!];
    const text = cursor === undefined || cursor === null ? '' : String(cursor);
    if (text.startsWith(CURSOR)) start = Number(text.slice(CURSOR.length)) || 0;
    else if (/^\d+$/.test(text) && Number(text) >= NUMERIC_BASE) start = Number(text) - NUMERIC_BASE;
    else start = 0;
    // Without a page size the list goes one item at a time, so iteration has pages to walk.
    size = Number.isFinite(count) && count > 0 ? count : 1;
  }
  const slice = all.slice(start, start + size);
  const end = start + slice.length >= all.length;
  const page = structuredClone(example) as Record<string, unknown>;
  setAt(page, p.items, slice);
  if (p.total) setAt(page, p.total, all.length);
  if (p.style !== 'offset') {
    const numeric = fieldAt(entry.result, p.next!)?.type === 'integer';
    // The end: an empty string cursor, or an integer one past the last item (whose page is empty,
    // as a numeric list at WeChat answers an empty page after the last one).
    const next = numeric ? NUMERIC_BASE + start + slice.length : end ? '' : `${CURSOR}${start + slice.length}`;
    setAt(page, p.next!, next);
    if (p.more) setAt(page, p.more, typeof valueAt(example, p.more) === 'number' ? (end ? 0 : 1) : !end);
  }
  return page;
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    const next = o[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) o[key] = {};
    o = o[key] as Record<string, unknown>;
  }
  o[keys.at(-1)!] = value;
}

function fieldAt(fields: Readonly<Record<string, RegistryField>> | undefined, path: string): RegistryField | undefined {
  let f: RegistryField | undefined;
  let props = fields;
  for (const key of path.split('.')) {
    f = props?.[key];
    props = f?.properties;
  }
  return f;
}
