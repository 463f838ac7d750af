// A fast reader for the plain subset of YAML the catalog is written in: block maps and lists,
// one-line flow maps and lists, one-line plain and quoted scalars, comments. The `yaml` library
// reads a 2,000-endpoint catalog in about two seconds; this reads it in a tenth of that.
//
// It never guesses. Anything outside the subset (anchors, aliases, tags, block scalars, multi-line
// scalars or flow collections, tabs, unusual numbers, duplicate keys, any syntax error) makes it
// give up on the file, and load.ts hands that file to the `yaml` library, whose values, lines and
// error messages are the reference. A test reads every catalog file both ways and compares.
import type { YMap, YNode, YSeq } from './load.js';

class GiveUp extends Error {}
const giveUp = (): never => {
  throw new GiveUp();
};

interface Line {
  /** 1-based. */
  no: number;
  indent: number;
  text: string;
}

/** The located tree of `text`, or undefined when it is not in the subset (use the full parser). */
export function fastYaml(text: string): YNode | undefined {
  if (text.includes('\r') || text.includes('\t') || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    return new Reader(text).document();
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}

class Reader {
  readonly lines: Line[] = [];
  i = 0;

  constructor(text: string) {
    const raw = text.split('\n');
    for (let n = 0; n < raw.length; n++) {
      const s = raw[n]!;
      let indent = 0;
      while (s.charCodeAt(indent) === 32) indent++;
      if (indent === s.length || s.charCodeAt(indent) === 35 /* # */) continue;
      if (s.startsWith('---') || s.startsWith('...') || s.charCodeAt(0) === 37 /* % */) giveUp();
      this.lines.push({ no: n + 1, indent, text: s });
    }
  }

  document(): YNode {
    if (!this.lines.length) return { kind: 'scalar', line: 1, value: null };
    const node = this.block(this.lines[0]!.indent);
    if (this.i < this.lines.length) giveUp();
    return node;
  }

  /** The block node starting at the current line, whose indent is `indent`. */
  block(indent: number): YNode {
    const line = this.lines[this.i]!;
    if (line.indent !== indent) giveUp();
    if (isDash(line.text, indent)) return this.seq(indent);
    if (keyEnd(line.text, indent) >= 0) return this.map(indent);
    // A lone scalar or flow collection on its own line.
    const value = this.inlineRest(line, indent);
    this.i++;
    this.noDeeper(indent);
    return value;
  }

  map(indent: number): YMap {
    const first = this.lines[this.i]!;
    const node: YMap = { kind: 'map', line: first.no, pairs: [] };
    const keys = new Set<string>();
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < indent) break;
      if (line.indent > indent) giveUp();
      const end = keyEnd(line.text, indent);
      if (end < 0) giveUp();
      const key = keyText(line.text.slice(indent, end));
      if (keys.has(key)) giveUp();
      keys.add(key);
      const after = end + 1;
      this.i++;
      const value = this.valueAfter(line, after, indent, true);
      node.pairs.push({ key, keyLine: line.no, value });
    }
    return node;
  }

  /** `compact`: a list at its key's indent (`key:\n- a`), which ends at the map's next key. */
  seq(indent: number, compact = false): YSeq {
    const first = this.lines[this.i]!;
    const node: YSeq = { kind: 'seq', line: first.no, items: [] };
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < indent) break;
      if (compact && line.indent === indent && !isDash(line.text, indent)) break;
      if (line.indent > indent || !isDash(line.text, indent)) giveUp();
      let col = indent + 1;
      while (line.text.charCodeAt(col) === 32) col++;
      if (col >= line.text.length || line.text.charCodeAt(col) === 35) {
        if (col < line.text.length && line.text.charCodeAt(col - 1) !== 32) giveUp();
        this.i++;
        node.items.push(this.nested(line, indent, false));
        continue;
      }
      // `- key: value` and `- - item` open a block at the column after the dash.
      if (isDash(line.text, col) || keyEnd(line.text, col) >= 0) {
        this.lines[this.i] = { no: line.no, indent: col, text: line.text };
        node.items.push(this.block(col));
        continue;
      }
      const value = this.inlineRest(line, col);
      this.i++;
      this.noDeeper(indent);
      node.items.push(value);
    }
    return node;
  }

  /** The value of a map entry whose key ends before `col` on `line`. */
  valueAfter(line: Line, col: number, indent: number, inMap: boolean): YNode {
    const text = line.text;
    if (col < text.length && text.charCodeAt(col) !== 32) giveUp();
    let c = col;
    while (text.charCodeAt(c) === 32) c++;
    if (c >= text.length || (text.charCodeAt(c) === 35 && c > col)) return this.nested(line, indent, inMap);
    const value = this.inlineRest(line, c);
    this.noDeeper(indent);
    return value;
  }

  /** What follows a key or dash with nothing after it: a deeper block, a list at the key's indent, or null. */
  nested(line: Line, indent: number, inMap: boolean): YNode {
    const next = this.lines[this.i];
    if (next && next.indent > indent) return this.block(next.indent);
    if (next && inMap && next.indent === indent && isDash(next.text, indent)) return this.seq(indent, true);
    return { kind: 'scalar', line: line.no, value: null };
  }

  /** After a one-line value, the next line may not be deeper (that would be a multi-line scalar). */
  noDeeper(indent: number): void {
    const next = this.lines[this.i];
    if (next && next.indent > indent) giveUp();
  }

  /** A scalar or flow collection from `col` to the end of the line (a comment may follow). */
  inlineRest(line: Line, col: number): YNode {
    const cursor = { s: line.text, p: col, line: line.no };
    const value = inline(cursor, false);
    skipSpaces(cursor);
    if (cursor.p < cursor.s.length) {
      if (cursor.s.charCodeAt(cursor.p) !== 35 || cursor.s.charCodeAt(cursor.p - 1) !== 32) giveUp();
    }
    return value;
  }
}

function isDash(text: string, col: number): boolean {
  return text.charCodeAt(col) === 45 /* - */ && (col + 1 === text.length || text.charCodeAt(col + 1) === 32);
}

/** Index of the `:` ending a block key that starts at `col`, or -1 if the line is not `key: …`. */
function keyEnd(text: string, col: number): number {
  const c0 = text.charCodeAt(col);
  if (c0 === 34 /* " */ || c0 === 39 /* ' */) {
    const cursor = { s: text, p: col, line: 0 };
    try {
      quoted(cursor);
    } catch (e) {
      if (e instanceof GiveUp) return -1;
      throw e;
    }
    return text.charCodeAt(cursor.p) === 58 && (cursor.p + 1 === text.length || text.charCodeAt(cursor.p + 1) === 32) ? cursor.p : -1;
  }
  if (startsSpecial(text, col)) return -1;
  for (let p = col; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 35 && text.charCodeAt(p - 1) === 32) return -1;
    if (c === 58 && (p + 1 === text.length || text.charCodeAt(p + 1) === 32)) return p;
  }
  return -1;
}

function keyText(raw: string): string {
  const c0 = raw.charCodeAt(0);
  if (c0 === 34 || c0 === 39) return quoted({ s: raw, p: 0, line: 0 });
  const value = plainValue(raw.trimEnd());
  return String(value);
}

interface Cursor {
  s: string;
  p: number;
  line: number;
}

function skipSpaces(c: Cursor): void {
  while (c.s.charCodeAt(c.p) === 32) c.p++;
}

function inline(c: Cursor, flow: boolean): YNode {
  const ch = c.s.charCodeAt(c.p);
  if (ch === 123 /* { */) return flowMap(c);
  if (ch === 91 /* [ */) return flowSeq(c);
  if (ch === 34 || ch === 39) return { kind: 'scalar', line: c.line, value: quoted(c) };
  return { kind: 'scalar', line: c.line, value: plain(c, flow) };
}

function flowMap(c: Cursor): YMap {
  const node: YMap = { kind: 'map', line: c.line, pairs: [] };
  const keys = new Set<string>();
  c.p++;
  for (;;) {
    skipSpaces(c);
    if (c.p >= c.s.length) giveUp();
    if (c.s.charCodeAt(c.p) === 125 /* } */) {
      c.p++;
      return node;
    }
    let key: string;
    const k0 = c.s.charCodeAt(c.p);
    if (k0 === 34 || k0 === 39) key = quoted(c);
    else {
      const start = c.p;
      while (c.p < c.s.length) {
        const ch = c.s.charCodeAt(c.p);
        if (ch === 58 || ch === 44 || ch === 125 || ch === 91 || ch === 93 || ch === 123) break;
        c.p++;
      }
      const raw = c.s.slice(start, c.p).trimEnd();
      if (!raw || startsSpecial(raw, 0)) giveUp();
      key = String(plainValue(raw));
    }
    skipSpaces(c);
    // `{ a, b }` (keys without values) and `{ a:b }` are legal YAML this reader leaves alone.
    if (c.s.charCodeAt(c.p) !== 58 || c.s.charCodeAt(c.p + 1) !== 32) giveUp();
    c.p += 2;
    skipSpaces(c);
    if (keys.has(key)) giveUp();
    keys.add(key);
    const value = inline(c, true);
    node.pairs.push({ key, keyLine: c.line, value });
    skipSpaces(c);
    const sep = c.s.charCodeAt(c.p);
    if (sep === 44 /* , */) c.p++;
    else if (sep !== 125) giveUp();
  }
}

function flowSeq(c: Cursor): YSeq {
  const node: YSeq = { kind: 'seq', line: c.line, items: [] };
  c.p++;
  for (;;) {
    skipSpaces(c);
    if (c.p >= c.s.length) giveUp();
    if (c.s.charCodeAt(c.p) === 93 /* ] */) {
      c.p++;
      return node;
    }
    node.items.push(inline(c, true));
    skipSpaces(c);
    const sep = c.s.charCodeAt(c.p);
    if (sep === 44) c.p++;
    else if (sep !== 93) giveUp();
  }
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0', ' ': ' ' };

/** A quoted scalar that closes on the same line. */
function quoted(c: Cursor): string {
  const q = c.s.charCodeAt(c.p);
  c.p++;
  let out = '';
  for (;;) {
    if (c.p >= c.s.length) giveUp();
    const ch = c.s[c.p]!;
    if (q === 39) {
      if (ch === "'") {
        if (c.s[c.p + 1] === "'") {
          out += "'";
          c.p += 2;
          continue;
        }
        c.p++;
        return out;
      }
      out += ch;
      c.p++;
      continue;
    }
    if (ch === '"') {
      c.p++;
      return out;
    }
    if (ch === '\\') {
      const e = c.s[c.p + 1];
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(c.s.slice(c.p + 2, c.p + 6))) {
        out += String.fromCharCode(parseInt(c.s.slice(c.p + 2, c.p + 6), 16));
        c.p += 6;
        continue;
      }
      const r = e === undefined ? undefined : ESCAPES[e];
      if (r === undefined) giveUp();
      out += r;
      c.p += 2;
      continue;
    }
    out += ch;
    c.p++;
  }
}

/** Characters that start something other than a plain scalar (or that this reader leaves alone). */
function startsSpecial(s: string, p: number): boolean {
  const ch = s[p];
  if (ch === undefined) return true;
  if ('[]{}#&*!|>\'"%@`,'.includes(ch)) return true;
  if (ch === '-' || ch === '?' || ch === ':') {
    const next = s[p + 1];
    return next === undefined || next === ' ' || ch !== '-' || !/[0-9.]/.test(next);
  }
  return false;
}

/** A plain scalar: in a block it runs to a comment or the line's end, in a flow to `,` `]` `}` too. */
function plain(c: Cursor, flow: boolean): string | number | boolean | null {
  if (startsSpecial(c.s, c.p)) giveUp();
  const start = c.p;
  for (; c.p < c.s.length; c.p++) {
    const ch = c.s.charCodeAt(c.p);
    if (ch === 35 && c.s.charCodeAt(c.p - 1) === 32) break;
    if (ch === 58) {
      const next = c.s.charCodeAt(c.p + 1);
      // `a: b` inside a value is a nested mapping (an error in YAML): not ours to judge.
      if (c.p + 1 === c.s.length || next === 32 || (flow && (next === 44 || next === 93 || next === 125))) giveUp();
    }
    if (flow && (ch === 44 || ch === 93 || ch === 125 || ch === 91 || ch === 123)) break;
  }
  return plainValue(c.s.slice(start, c.p).trimEnd());
}

const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** YAML 1.2 core schema, as the `yaml` library resolves it; unusual forms give up. */
function plainValue(raw: string): string | number | boolean | null {
  switch (raw) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
  }
  const c0 = raw.charCodeAt(0);
  const numeric = (c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46;
  if (numeric) {
    if (INT.test(raw)) {
      const n = Number(raw);
      return Number.isSafeInteger(n) ? n : giveUp();
    }
    if (FLOAT.test(raw)) return Number(raw);
    if (/^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(raw) || /^0[ox]/.test(raw)) giveUp();
  }
  return raw;
}
