// A small Markdown renderer for the guides: ATX headings (with GitHub-style ids), paragraphs,
// nested lists, fenced code, block quotes, tables, rules; inline code, links, bold and italic.
// Raw HTML is never passed through: it is shown as text (HTML comments are dropped).
import { escapeHtml } from './html.js';

export interface MarkdownOptions {
  /** Rewrites a link target; null renders the link's text without a link. */
  link?: (href: string) => string | null;
}

export interface Heading {
  level: number;
  id: string;
  text: string;
}

export interface RenderedMarkdown {
  html: string;
  headings: Heading[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)[^`]*$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const BULLET = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

function plainText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/\*(.*?)\*/g, '$1');
}

class Renderer {
  readonly headings: Heading[] = [];
  private readonly ids = new Map<string, number>();
  private readonly options: MarkdownOptions;
  constructor(options: MarkdownOptions) {
    this.options = options;
  }

  inline(text: string): string {
    const codes: string[] = [];
    // Code spans first: nothing inside them is markup.
    let s = text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_, __, code: string) => {
      codes.push(`<code>${escapeHtml(code.replace(/^ (.*) $/, '$1'))}</code>`);
      return `\u0000${codes.length - 1}\u0000`;
    });
    s = s.replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, (_, c: string) => {
      codes.push(escapeHtml(c));
      return `\u0000${codes.length - 1}\u0000`;
    });
    s = escapeHtml(s);
    s = s.replace(/&lt;(https?:\/\/[^\s&]+)&gt;/g, (_, url: string) => this.anchor(url, url));
    s = s.replace(/!?\[([^\]]*)\]\(\s*([^)\s]+)(?:\s+&quot;[^&]*&quot;)?\s*\)/g, (_, label: string, href: string) =>
      this.anchor(href.replace(/&amp;/g, '&'), this.emphasis(label)),
    );
    s = this.emphasis(s);
    return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => codes[Number(i)]!);
  }

  private emphasis(s: string): string {
    return s
      .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
      .replace(/(^|[^*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?![*\w])/g, '$1<em>$2</em>')
      .replace(/(^|[^\w])_(?=[^\s_])([^_]*?[^\s_])_(?!\w)/g, '$1<em>$2</em>');
  }

  private anchor(href: string, label: string): string {
    const target = this.options.link ? this.options.link(href) : href;
    if (target === null) return `<span class="repo-path">${label}</span>`;
    const external = /^https?:\/\//.test(target);
    return `<a href="${escapeHtml(target)}"${external ? ' rel="noopener"' : ''}>${label}</a>`;
  }

  private headingId(text: string): string {
    const base = slugify(plainText(text)) || 'section';
    const n = this.ids.get(base);
    this.ids.set(base, (n ?? -1) + 1);
    return n === undefined ? base : `${base}-${n + 1}`;
  }

  blocks(lines: string[]): string {
    const out: string[] = [];
    let i = 0;
    while (i < lines.length) {
      const line = lines[i]!;
      if (!line.trim()) {
        i++;
        continue;
      }
      const fence = FENCE.exec(line);
      if (fence) {
        const [, indent, marker, lang] = fence;
        const body: string[] = [];
        i++;
        while (i < lines.length && !new RegExp(`^\\s*${marker![0] === '`' ? '`' : '~'}{${marker!.length},}\\s*$`).test(lines[i]!)) {
          body.push(lines[i]!.startsWith(indent!) ? lines[i]!.slice(indent!.length) : lines[i]!.trimStart());
          i++;
        }
        i++;
        const cls = lang ? ` class="language-${escapeHtml(lang)}"` : '';
        out.push(`<pre><code${cls}>${escapeHtml(body.join('\n'))}</code></pre>`);
        continue;
      }
      if (line.trimStart().startsWith('<!--')) {
        while (i < lines.length && !lines[i]!.includes('-->')) i++;
        i++;
        continue;
      }
      const heading = HEADING.exec(line);
      if (heading) {
        const level = heading[1]!.length;
        const text = heading[2]!;
        const id = this.headingId(text);
        this.headings.push({ level, id, text: plainText(text) });
        out.push(`<h${level} id="${escapeHtml(id)}"><a class="anchor" href="#${escapeHtml(id)}">#</a>${this.inline(text)}</h${level}>`);
        i++;
        continue;
      }
      if (RULE.test(line)) {
        out.push('<hr>');
        i++;
        continue;
      }
      if (line.trimStart().startsWith('|') && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]!)) {
        const rows: string[] = [];
        const head = splitRow(line);
        const align = splitRow(lines[i + 1]!).map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : ''));
        const cell = (tag: string, c: string, k: number) => `<${tag}${align[k] ? ` class="${align[k]}"` : ''}>${this.inline(c)}</${tag}>`;
        rows.push(`<thead><tr>${head.map((c, k) => cell('th', c, k)).join('')}</tr></thead>`);
        i += 2;
        const body: string[] = [];
        while (i < lines.length && lines[i]!.trimStart().startsWith('|')) {
          const cells = splitRow(lines[i]!);
          body.push(`<tr>${head.map((_, k) => cell('td', cells[k] ?? '', k)).join('')}</tr>`);
          i++;
        }
        rows.push(`<tbody>${body.join('')}</tbody>`);
        out.push(`<div class="table-wrap"><table>${rows.join('')}</table></div>`);
        continue;
      }
      if (/^\s{0,3}>/.test(line)) {
        const quoted: string[] = [];
        while (i < lines.length && /^\s{0,3}>/.test(lines[i]!)) quoted.push(lines[i++]!.replace(/^\s{0,3}> ?/, ''));
        out.push(`<blockquote>${this.blocks(quoted)}</blockquote>`);
        continue;
      }
      const bullet = BULLET.exec(line);
      if (bullet) {
        i = this.list(lines, i, out);
        continue;
      }
      const para: string[] = [];
      while (i < lines.length && lines[i]!.trim() && !startsBlock(lines, i)) para.push(lines[i++]!.trim());
      if (!para.length) para.push(lines[i++]!.trim());
      out.push(`<p>${this.inline(para.join('\n'))}</p>`);
    }
    return out.join('\n');
  }

  /** A list starting at line i; returns the index after it. */
  private list(lines: string[], start: number, out: string[]): number {
    const first = BULLET.exec(lines[start]!)!;
    const indent = first[1]!.length;
    const ordered = /\d/.test(first[2]!);
    const items: string[][] = [];
    let i = start;
    let loose = false;
    while (i < lines.length) {
      const m = BULLET.exec(lines[i]!);
      if (!m || m[1]!.length !== indent || /\d/.test(m[2]!) !== ordered) break;
      const contentIndent = indent + m[2]!.length + 1;
      const item = [m[3]!];
      i++;
      let blank = false;
      while (i < lines.length) {
        const l = lines[i]!;
        if (!l.trim()) {
          blank = true;
          item.push('');
          i++;
          continue;
        }
        const lead = l.length - l.trimStart().length;
        if (lead >= contentIndent || (lead > indent && BULLET.test(l))) {
          item.push(l.slice(Math.min(lead, contentIndent)));
        } else if (!blank && lead > indent) {
          item.push(l.trimStart());
        } else if (!blank && !startsBlock(lines, i) && !BULLET.test(l)) {
          item.push(l.trim()); // a lazy continuation line
        } else break;
        if (blank) loose = true;
        blank = false;
        i++;
      }
      while (item.length && !item[item.length - 1]!.trim()) item.pop();
      items.push(item);
      if (blank && i < lines.length) {
        const next = BULLET.exec(lines[i]!);
        if (next && next[1]!.length === indent && /\d/.test(next[2]!) === ordered) loose = true;
      }
    }
    const tag = ordered ? 'ol' : 'ul';
    const startAttr = ordered && Number.parseInt(first[2]!, 10) !== 1 ? ` start="${Number.parseInt(first[2]!, 10)}"` : '';
    const html = items.map((item) => {
      let body = this.blocks(item);
      if (!loose) body = body.replace(/^<p>([\s\S]*?)<\/p>(\n|$)/, '$1$2');
      return `<li>${body}</li>`;
    });
    out.push(`<${tag}${startAttr}>\n${html.join('\n')}\n</${tag}>`);
    return i;
  }
}

function startsBlock(lines: string[], i: number): boolean {
  const line = lines[i]!;
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    /^\s{0,3}>/.test(line) ||
    BULLET.test(line) ||
    line.trimStart().startsWith('<!--') ||
    (line.trimStart().startsWith('|') && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]!))
  );
}

/** A table row's cells; `|` inside code spans or escaped as `\|` does not split. */
function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cur = '';
  let tick = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s[k]!;
    if (c === '\\' && s[k + 1] === '|') {
      cur += '|';
      k++;
    } else if (c === '`') {
      let n = 1;
      while (s[k + n] === '`') n++;
      tick = tick === 0 ? n : tick === n ? 0 : tick;
      cur += '`'.repeat(n);
      k += n - 1;
    } else if (c === '|' && tick === 0) {
      cells.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  cells.push(cur.trim());
  return cells;
}

export function renderMarkdown(markdown: string, options: MarkdownOptions = {}): RenderedMarkdown {
  const renderer = new Renderer(options);
  const html = renderer.blocks(markdown.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n'));
  return { html, headings: renderer.headings };
}
