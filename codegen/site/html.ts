// HTML helpers and the page frame shared by every page of the docs site.

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const SPECIAL = /[&<>"']/;

export function escapeHtml(text: string): string {
  return SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
}

/** Tagged template: interpolations are escaped unless wrapped in raw(). */
export class Raw {
  readonly html: string;
  constructor(html: string) {
    this.html = html;
  }
  toString(): string {
    return this.html;
  }
}

export function raw(html: string): Raw {
  return new Raw(html);
}

type Value = string | number | Raw | null | undefined | false | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Raw) return value.html;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Raw {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Raw(out);
}

export interface PageFrame {
  /** The page's path from the site root, e.g. `api/official-account/material.html`. */
  path: string;
  title: string;
  /** Shown before the main content: the page's own navigation. */
  sidebar: Raw;
  main: Raw;
  description?: string;
}

/** The relative prefix from a page to the site root: `` or `../../`. */
export function rootOf(path: string): string {
  return '../'.repeat(path.split('/').length - 1);
}

export function layout(page: PageFrame, siteTitle: string, version: string): string {
  const root = rootOf(page.path);
  const title = page.title === siteTitle ? siteTitle : `${page.title} · ${siteTitle}`;
  return `<!doctype html>
${html`<html lang="en" data-root="${root}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${page.description ? html`<meta name="description" content="${page.description}">\n` : ''}<link rel="icon" href="${root}assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${root}assets/style.css">
<script src="${root}assets/search.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="${root}index.html">${siteTitle} <span class="version">${version}</span></a>
  <nav class="top-links"><a href="${root}index.html#endpoints">API</a><a href="${root}guides/getting-started.html">Guides</a></nav>
  <div class="search" role="search">
    <input id="search" type="search" placeholder="Search endpoints and guides (press /)" autocomplete="off" spellcheck="false" aria-label="Search" aria-controls="search-results">
    <ol id="search-results" class="search-results" hidden></ol>
  </div>
</header>
<div class="page">
<nav class="sidebar">
${page.sidebar}
</nav>
<main>
${page.main}
</main>
</div>
</body>
</html>
`}`;
}
