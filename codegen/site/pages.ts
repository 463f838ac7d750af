// The docs site's pages: the index, one page per namespace, one per endpoint, one per guide, and
// the search index. Pure functions of SiteData: paths are relative, nothing depends on the clock.
import { posix } from 'node:path';
import type { RegistryEntry, RegistryField } from '../../src/registry/types.js';
import { FOLDER_TITLES, type Guide, type Namespace, type SiteData } from './data.js';
import { html, layout, type Raw, raw } from './html.js';
import { type Heading, renderMarkdown } from './markdown.js';
import { callerParams, paramRows, sampleArguments, shapeOf } from './shape.js';

export const SITE_TITLE = 'wxkit';

export interface Page {
  path: string;
  content: string;
}

export interface SearchEntry {
  /** `Material.batchGetMaterial`, `Material`, or a guide's `guide:slug#id`. */
  id: string;
  kind: 'endpoint' | 'namespace' | 'guide';
  namespace: string;
  name: string;
  summary: string;
  /** The page from the site root, e.g. `api/official-account/material/batchGetMaterial.html`. */
  path: string;
  /** Endpoints: `POST /cgi-bin/material/batchget_material`. */
  request?: string;
  folder?: string;
}

export function namespacePath(ns: Namespace): string {
  return `api/${ns.folder}/${ns.slug}.html`;
}

export function endpointPath(ns: Namespace, e: RegistryEntry): string {
  return `api/${ns.folder}/${ns.slug}/${e.name}.html`;
}

export function guidePath(guide: Guide): string {
  return `guides/${guide.slug}.html`;
}

function folderTitle(folder: string): string {
  return FOLDER_TITLES[folder] ?? folder;
}

const AUTH: Readonly<Record<string, string>> = {
  access_token: 'access_token in the query; the client fetches, caches and refreshes it',
  component_access_token: "component_access_token: the third-party platform's own token",
  component_appsecret: "the third-party platform's appid and appsecret",
  appsecret: 'the appid and appsecret in the request',
  none: 'none',
  pay_v3: 'WeChat Pay APIv3 signature (Authorization: WECHATPAY2-SHA256-RSA2048)',
  pay_v2: 'WeChat Pay v2 signature (sign over the parameters with the API key)',
  suite_access_token: "suite_access_token: the WeCom suite's token",
  provider_access_token: "provider_access_token: the WeCom service provider's token",
  key: 'the webhook key in the query',
};

const PAGINATION: Readonly<Record<string, string>> = {
  offset: 'offset and count: the next page starts after the items received; stops on an empty page or at the total',
  next_openid: 'a cursor sent back from the answer; stops on an empty page or an empty cursor',
  cursor: 'a cursor sent back from the answer; stops when it is empty, the "more" flag is false, or the page is empty',
};

/** The link from one page to another, both given from the site root. */
function rel(from: string, to: string): string {
  const dir = posix.dirname(from);
  return dir === '.' ? to : posix.relative(dir, to);
}

function badges(e: RegistryEntry): Raw {
  return html`${e.deprecated ? html` <span class="badge deprecated" title="${e.deprecated}">deprecated</span>` : ''}${
    e.unverified ? html` <span class="badge unverified" title="${e.unverified}">unverified</span>` : ''
  }${e.pagination ? html` <span class="badge paged">paged</span>` : ''}`;
}

function method(e: RegistryEntry): Raw {
  return html`<span class="method method-${e.method.toLowerCase()}">${e.method}</span>`;
}

// ---------------------------------------------------------------------------------------------
// Sidebars

function guidesNav(data: SiteData, from: string, current?: Guide, headings: Heading[] = []): Raw {
  return html`<h2>Guides</h2>
<ul class="nav-list">
${data.guides.map(
  (g) =>
    html`<li${g === current ? raw(' class="current"') : ''}><a href="${rel(from, guidePath(g))}">${g.title}</a>${
      g === current && headings.length
        ? html`<ul class="toc">${headings.filter((h) => h.level === 2).map((h) => html`<li><a href="#${h.id}">${h.text}</a></li>`)}</ul>`
        : ''
    }</li>\n`,
)}</ul>`;
}

function foldersNav(data: SiteData, from: string): Raw {
  return html`<h2>API</h2>
<ul class="nav-list">
${data.folders.map(
  (f) => html`<li><a href="${rel(from, 'index.html')}#${f.name}">${folderTitle(f.name)}</a> <span class="count">${f.namespaces.length}</span></li>\n`,
)}</ul>`;
}

const navCache = new Map<string, { head: string; items: string[]; tail: string }>();

/** The namespace's sidebar; built once per namespace and depth, the current endpoint marked in it. */
function namespaceNav(data: SiteData, ns: Namespace, from: string, current?: RegistryEntry): Raw {
  const key = `${ns.module}|${posix.dirname(from)}|${current ? 'endpoint' : 'namespace'}`;
  let nav = navCache.get(key);
  if (!nav) {
    const folder = data.folders.find((f) => f.name === ns.folder)!;
    const head =
      html`<p class="crumbs"><a href="${rel(from, 'index.html')}">Home</a> / <a href="${rel(from, 'index.html')}#${ns.folder}">${folderTitle(ns.folder)}</a></p>
<h2><a href="${rel(from, namespacePath(ns))}">${ns.name}</a></h2>
<ul class="nav-list endpoints">
`.html;
    const items = ns.endpoints.map(
      (e) => html`<a href="${rel(from, endpointPath(ns, e))}"${e.deprecated ? raw(' class="is-deprecated"') : ''}>${e.name}</a></li>\n`.html,
    );
    // Endpoint pages leave the folder's other namespaces out: the crumbs lead there, and the list
    // would double the size of every page.
    const tail = current
      ? '</ul>'
      : html`</ul>
<h2>${folderTitle(ns.folder)}</h2>
<ul class="nav-list">
${folder.namespaces.map((n) => html`<li${n === ns ? raw(' class="current"') : ''}><a href="${rel(from, namespacePath(n))}">${n.name}</a></li>\n`)}</ul>`.html;
    navCache.set(key, (nav = { head, items, tail }));
  }
  const at = current ? ns.endpoints.indexOf(current) : -1;
  return raw(nav.head + nav.items.map((item, i) => (i === at ? '<li class="current">' : '<li>') + item).join('') + nav.tail);
}

// ---------------------------------------------------------------------------------------------
// Index

function indexPage(data: SiteData): Page {
  const path = 'index.html';
  const total = data.endpoints.length;
  const main = html`<h1>wxkit documentation</h1>
<p class="lead">The TypeScript SDK for WeChat's server APIs: ${String(total).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} endpoints in ${data.namespaces.length} namespaces, each
typed from the catalog, with its parameters, result, example answer, errcodes and official doc link.</p>
<section class="guides">
<h2 id="guides">Guides</h2>
<ul class="cards">
${data.guides.map((g) => html`<li><a href="${guidePath(g)}"><strong>${g.title}</strong><span>${g.source}</span></a></li>\n`)}</ul>
</section>
<section id="endpoints">
<h2>API reference</h2>
${data.folders.map((f) => {
  const count = f.namespaces.reduce((n, ns) => n + ns.endpoints.length, 0);
  const entries = [...new Set(f.namespaces.map((ns) => ns.importFrom.entry))];
  return html`<h3 id="${f.name}">${folderTitle(f.name)} <span class="count">${f.namespaces.length} namespaces, ${count} endpoints</span></h3>
<p class="import-note">Import from ${entries.map((e, i) => html`${i ? ', ' : ''}<code>${e}</code>`)}${
    f.namespaces.some((ns) => !ns.importFrom.exported)
      ? html` <span class="badge planned" title="package.json does not export these namespaces yet">not exported yet</span>`
      : ''
  }</p>
<ul class="namespaces">
${f.namespaces.map(
  (ns) =>
    html`<li><a href="${namespacePath(ns)}">${ns.name}</a> <span class="count">${ns.endpoints.length}</span><span class="ns-summary">${namespaceSummary(ns)}</span></li>\n`,
)}</ul>`;
})}
</section>`;
  return {
    path,
    content: layout(
      { path, title: SITE_TITLE, sidebar: html`${guidesNav(data, path)}\n${foldersNav(data, path)}`, main, description: 'wxkit: typed WeChat server APIs' },
      SITE_TITLE,
      data.version,
    ),
  };
}

function namespaceSummary(ns: Namespace): string {
  const names = ns.endpoints.slice(0, 3).map((e) => e.name);
  return ns.endpoints.length > 3 ? `${names.join(', ')}, …` : names.join(', ');
}

// ---------------------------------------------------------------------------------------------
// Namespace and endpoint pages

function importLine(ns: Namespace): string {
  return `import { ${ns.name} } from '${ns.importFrom.entry}';`;
}

function plannedNote(ns: Namespace): Raw {
  return ns.importFrom.exported
    ? html``
    : html`<p class="note planned"><strong>Not exported yet:</strong> package.json has no <code>${ns.importFrom.entry}</code> entry carrying
<code>${ns.name}</code> yet. The import above is the one it will have; until then the function lives in <code>generated/${ns.module}.ts</code>.</p>`;
}

function namespacePage(data: SiteData, ns: Namespace): Page {
  const path = namespacePath(ns);
  const main = html`<p class="crumbs"><a href="${rel(path, 'index.html')}">Home</a> / <a href="${rel(path, 'index.html')}#${ns.folder}">${folderTitle(ns.folder)}</a></p>
<h1>${ns.name}</h1>
<p class="lead">${ns.endpoints.length} endpoint${ns.endpoints.length === 1 ? '' : 's'} in <code>generated/${ns.module}.ts</code>.</p>
<pre><code class="language-ts">${importLine(ns)}</code></pre>
${plannedNote(ns)}
<div class="table-wrap"><table class="endpoint-list">
<thead><tr><th>function</th><th>request</th><th>summary</th></tr></thead>
<tbody>
${ns.endpoints.map(
  (e) =>
    html`<tr${e.deprecated ? raw(' class="is-deprecated"') : ''}><td><a href="${rel(path, endpointPath(ns, e))}"><code>${e.name}</code></a>${badges(e)}</td><td>${method(e)} <code class="path">${e.path}</code></td><td>${e.summary}</td></tr>\n`,
)}</tbody>
</table></div>`;
  return {
    path,
    content: layout(
      { path, title: ns.name, sidebar: namespaceNav(data, ns, path), main, description: `${ns.name}: ${ns.endpoints.length} WeChat endpoints` },
      SITE_TITLE,
      data.version,
    ),
  };
}

function fieldNotes(field: RegistryField): Raw {
  return html`${field.description ?? ''}${field.const !== undefined ? html` <span class="note-inline">sent by wxkit itself</span>` : ''}${
    field.sensitive ? html` <span class="note-inline">encrypted by wxkit before sending</span>` : ''
  }${field.unverified ? html` <span class="note-inline unverified">unverified: ${field.unverified}</span>` : ''}`;
}

function callSnippet(ns: Namespace, e: RegistryEntry): string {
  const args = sampleArguments(e);
  const call = `${ns.name}.${e.name}(client${args ? `, ${args}` : ''})`;
  const lines = [importLine(ns), '', `// client: a client for ${e.appTypes.join(' or ')} (see Getting started)`];
  if (e.pagination) {
    lines.push(
      `const page = await ${call};`,
      '',
      '// or every item, page after page:',
      `for await (const item of ${ns.name}.${e.name}.iterate(client${args ? `, ${args}` : ''})) {`,
      '  // …',
      '}',
    );
  } else {
    lines.push(`const result = await ${call};`);
  }
  return lines.join('\n');
}

function resultBlock(e: RegistryEntry): Raw {
  if (e.response === 'binary') return html`<pre><code class="language-ts">BinaryResult // { data: Uint8Array; contentType: string; … }</code></pre>`;
  if (e.response === 'text') return html`<pre><code class="language-ts">string</code></pre>`;
  const shape = e.result && Object.keys(e.result).length ? shapeOf(e.result) : '{}';
  const prefix = e.response === 'json_or_binary' ? '// JSON answers; binary answers resolve to BinaryResult\n' : '';
  const note = shape === '{}' ? html`<p class="muted">No fields besides <code>errcode</code> / <code>errmsg</code>.</p>` : '';
  return html`<pre><code class="language-ts">${prefix}${shape}</code></pre>${note}`;
}

function endpointPage(data: SiteData, ns: Namespace, e: RegistryEntry): Page {
  const path = endpointPath(ns, e);
  const rows = paramRows(e);
  const example = Object.hasOwn(ns.examples, e.name) ? ns.examples[e.name] : undefined;
  const url = `https://${e.host}${e.path}`;
  const pagination = e.pagination;
  const main = html`<p class="crumbs"><a href="${rel(path, 'index.html')}">Home</a> / <a href="${rel(path, 'index.html')}#${ns.folder}">${folderTitle(ns.folder)}</a> / <a href="${rel(path, namespacePath(ns))}">${ns.name}</a></p>
<h1><span class="ns">${ns.name}.</span>${e.name}${badges(e)}</h1>
<p class="lead">${e.summary}</p>
${e.deprecated ? html`<p class="note deprecated"><strong>Deprecated:</strong> ${e.deprecated}</p>\n` : ''}${
  e.unverified ? html`<p class="note unverified"><strong>Unverified:</strong> ${e.unverified}</p>\n` : ''
}<dl class="facts">
<dt>Request</dt><dd>${method(e)} <code class="path">${url}</code></dd>
<dt>Auth</dt><dd><code>${e.auth}</code>${AUTH[e.auth] ? html` — ${AUTH[e.auth]!}` : ''}</dd>
<dt>App types</dt><dd>${e.appTypes.map((t, i) => html`${i ? ', ' : ''}<code>${t}</code>`)}</dd>
${e.protocol !== 'wechat' ? html`<dt>Protocol</dt><dd><code>${e.protocol}</code></dd>\n` : ''}<dt>Body</dt><dd>${
    e.encoding === 'multipart' ? 'multipart/form-data' : e.encoding === 'json' ? 'JSON' : e.encoding
  }; answer: ${e.response}</dd>
<dt>Retries</dt><dd>${e.idempotent ? 'idempotent: retried on transient failures' : 'not idempotent: not retried after the request may have arrived'}</dd>
${e.clientCertificate ? html`<dt>Certificate</dt><dd>presents the merchant's API certificate (TLS client certificate)</dd>\n` : ''}${
  e.docs ? html`<dt>Official docs</dt><dd><a href="${e.docs}" rel="noopener">${e.docs}</a></dd>\n` : ''
}</dl>
<h2 id="call">Call</h2>
<pre><code class="language-ts">${callSnippet(ns, e)}</code></pre>
${plannedNote(ns)}
<h2 id="parameters">Parameters</h2>
${
  rows.length
    ? html`<div class="table-wrap"><table class="params">
<thead><tr><th>in</th><th>name</th><th>type</th><th>required</th><th>description</th></tr></thead>
<tbody>
${rows.map(
  (r) =>
    html`<tr class="depth-${Math.min(r.depth, 4)}"><td><span class="placement">${r.placement}</span></td><td><code>${r.name}</code></td><td><code>${r.type}</code></td><td>${
      r.required ? 'yes' : html`<span class="muted">no</span>`
    }</td><td>${fieldNotes(r.field)}</td></tr>\n`,
)}</tbody>
</table></div>${callerParams(e).length ? '' : html`<p class="muted">The caller passes no parameters.</p>`}`
    : html`<p class="muted">None.</p>`
}
<h2 id="result">Result</h2>
${resultBlock(e)}
${
  pagination
    ? html`<h2 id="pagination">Pagination</h2>
<p><strong>${pagination.style}</strong> style: ${PAGINATION[pagination.style] ?? ''}.</p>
<dl class="facts">
${[
  ['items', pagination.items],
  ['offset', pagination.offset],
  ['count', pagination.count],
  ['cursor', pagination.cursor],
  ['next', pagination.next],
  ['total', pagination.total],
  ['more', pagination.more],
]
  .filter(([, v]) => v)
  .map(([k, v]) => html`<dt>${k}</dt><dd><code>${v}</code></dd>\n`)}</dl>
<p><code>${ns.name}.${e.name}.iterate(client, params)</code> yields every item; <code>.pages(client, params)</code> every page.</p>\n`
    : ''
}<h2 id="example">Example answer</h2>
${example === undefined ? html`<p class="muted">No example in the catalog.</p>` : html`<pre><code class="language-json">${JSON.stringify(example, null, 2)}</code></pre>`}
<h2 id="errcodes">Errcodes</h2>
${
  e.errcodes?.length
    ? html`<div class="table-wrap"><table class="errcodes">
<thead><tr><th>errcode</th><th>category</th><th>中文</th><th>English</th></tr></thead>
<tbody>
${e.errcodes.map((code) => {
  const info = data.errcodes.get(code);
  return html`<tr><td><code>${code}</code></td><td>${info?.category ?? ''}</td><td>${info?.zh ?? ''}</td><td>${info?.en ?? (info ? '' : html`<span class="muted">not in errcodes.yaml</span>`)}</td></tr>\n`;
})}</tbody>
</table></div>
<p class="muted">Besides the platform-wide errcodes (tokens, rate limits, system busy), which the client handles itself where it can.</p>`
    : html`<p class="muted">None listed besides the platform-wide errcodes (tokens, rate limits, system busy).</p>`
}`;
  return {
    path,
    content: layout({ path, title: `${ns.name}.${e.name}`, sidebar: namespaceNav(data, ns, path, e), main, description: e.summary }, SITE_TITLE, data.version),
  };
}

// ---------------------------------------------------------------------------------------------
// Guides

function guideLinks(data: SiteData, guide: Guide, from: string): (href: string) => string | null {
  return (href) => {
    if (/^(https?:|mailto:)/.test(href)) return href;
    if (href.startsWith('#')) return href;
    const [target, hash] = href.split('#') as [string, string | undefined];
    const repoPath = posix.normalize(posix.join(posix.dirname(guide.source), target));
    const suffix = hash ? `#${hash}` : '';
    const other = data.guides.find((g) => g.source === repoPath);
    if (other) return rel(from, guidePath(other)) + suffix;
    if (repoPath === 'generated/API.md') return `${rel(from, 'index.html')}#endpoints`;
    return null;
  };
}

function guidePage(data: SiteData, guide: Guide): { page: Page; headings: Heading[] } {
  const path = guidePath(guide);
  const { html: body, headings } = renderMarkdown(guide.markdown, { link: guideLinks(data, guide, path) });
  const main = html`<article class="guide">
${raw(body)}
<p class="source muted">Source: <code>${guide.source}</code></p>
</article>`;
  return {
    page: {
      path,
      content: layout(
        { path, title: guide.title, sidebar: html`${guidesNav(data, path, guide, headings)}\n${foldersNav(data, path)}`, main },
        SITE_TITLE,
        data.version,
      ),
    },
    headings,
  };
}

// ---------------------------------------------------------------------------------------------

export function renderSite(data: SiteData): { pages: Page[]; search: SearchEntry[] } {
  navCache.clear();
  const pages: Page[] = [indexPage(data)];
  const search: SearchEntry[] = [];
  for (const guide of data.guides) {
    const { page, headings } = guidePage(data, guide);
    pages.push(page);
    search.push({ id: `guide:${guide.slug}`, kind: 'guide', namespace: 'Guide', name: guide.title, summary: guide.source, path: page.path });
    for (const h of headings) {
      if (h.level < 2 || h.level > 3) continue;
      search.push({
        id: `guide:${guide.slug}#${h.id}`,
        kind: 'guide',
        namespace: guide.title,
        name: h.text,
        summary: guide.title,
        path: `${page.path}#${h.id}`,
      });
    }
  }
  for (const ns of data.namespaces) {
    pages.push(namespacePage(data, ns));
    search.push({
      id: ns.name,
      kind: 'namespace',
      namespace: ns.name,
      name: ns.name,
      summary: `${ns.endpoints.length} endpoints · ${folderTitle(ns.folder)}`,
      path: namespacePath(ns),
      folder: ns.folder,
    });
    for (const e of ns.endpoints) {
      pages.push(endpointPage(data, ns, e));
      search.push({
        id: e.id,
        kind: 'endpoint',
        namespace: ns.name,
        name: e.name,
        summary: e.summary,
        path: endpointPath(ns, e),
        request: `${e.method} ${e.path}`,
        folder: ns.folder,
      });
    }
  }
  return { pages, search };
}
