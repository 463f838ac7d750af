// The docs site's stylesheet, icon and search script: local files, no fonts, CDNs or frameworks.

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="#07c160"/><path d="M9 12l3 9 4-7 4 7 3-9" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/></svg>
`;

export const STYLE_CSS = `:root {
  --bg: #ffffff;
  --fg: #1f2328;
  --muted: #59636e;
  --line: #d1d9e0;
  --soft: #f6f8fa;
  --accent: #07c160;
  --accent-dark: #06994d;
  --link: #0b6bcb;
  --code-bg: #f3f5f7;
  --warn-bg: #fff8e6;
  --warn-line: #e3b341;
  --bad-bg: #ffeef0;
  --bad-line: #e5707e;
  --font: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", sans-serif;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #30363d; --soft: #151b23;
    --link: #4493f8; --code-bg: #161b22; --warn-bg: #2b2111; --warn-line: #9e6a03; --bad-bg: #2d1418; --bad-line: #da3633;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.6 var(--font); }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre { font-family: var(--mono); font-size: 0.88em; }
code { background: var(--code-bg); padding: 0.1em 0.35em; border-radius: 4px; }
pre { background: var(--code-bg); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; overflow-x: auto; line-height: 1.45; }
pre code { background: none; padding: 0; font-size: 1em; }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.6em 0 0.6em; }
h1 { font-size: 1.9em; margin-top: 0.3em; word-break: break-word; }
h2 { font-size: 1.4em; padding-bottom: 0.25em; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.15em; }
h1 .ns { color: var(--muted); font-weight: 400; }
.anchor { float: left; margin-left: -0.9em; width: 0.9em; color: var(--muted); visibility: hidden; }
h1:hover .anchor, h2:hover .anchor, h3:hover .anchor, h4:hover .anchor { visibility: visible; }
table { border-collapse: collapse; width: 100%; font-size: 0.93em; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.right, th.right { text-align: right; }
td.center, th.center { text-align: center; }
.table-wrap { overflow-x: auto; margin: 1em 0; }
blockquote { margin: 1em 0; padding: 0 1em; color: var(--muted); border-left: 4px solid var(--line); }
hr { border: 0; border-top: 1px solid var(--line); margin: 2em 0; }

.top { position: sticky; top: 0; z-index: 10; display: flex; align-items: center; gap: 20px; padding: 10px 24px; background: var(--bg); border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; font-size: 1.15em; color: var(--fg); }
.brand:hover { text-decoration: none; }
.brand::before { content: ""; display: inline-block; width: 0.7em; height: 0.7em; margin-right: 0.45em; border-radius: 50%; background: var(--accent); }
.version { color: var(--muted); font-weight: 400; font-size: 0.8em; }
.top-links { display: flex; gap: 16px; }
.search { position: relative; margin-left: auto; width: min(460px, 50vw); }
.search input { width: 100%; padding: 7px 12px; font: inherit; color: var(--fg); background: var(--soft); border: 1px solid var(--line); border-radius: 6px; }
.search input:focus { outline: 2px solid var(--accent); outline-offset: -1px; background: var(--bg); }
.search-results { position: absolute; right: 0; left: 0; top: calc(100% + 4px); margin: 0; padding: 4px; list-style: none; max-height: 70vh; overflow-y: auto; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; box-shadow: 0 8px 24px rgba(0, 0, 0, 0.15); }
.search-results li a { display: block; padding: 6px 10px; border-radius: 4px; color: var(--fg); }
.search-results li a:hover, .search-results li.active a { background: var(--soft); text-decoration: none; }
.search-results .hit-id { font-family: var(--mono); font-size: 0.9em; font-weight: 600; }
.search-results .hit-kind { float: right; color: var(--muted); font-size: 0.8em; }
.search-results .hit-summary { display: block; color: var(--muted); font-size: 0.85em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.search-results .empty { padding: 6px 10px; color: var(--muted); }

.page { display: grid; grid-template-columns: 270px minmax(0, 1fr); max-width: 1400px; margin: 0 auto; }
.sidebar { position: sticky; top: 53px; align-self: start; max-height: calc(100vh - 53px); overflow-y: auto; padding: 20px 16px 40px 24px; border-right: 1px solid var(--line); font-size: 0.92em; }
.sidebar h2 { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); border: 0; margin: 1.4em 0 0.4em; padding: 0; }
.sidebar h2 a { color: inherit; }
.sidebar details { margin-top: 1.2em; }
.sidebar summary { cursor: pointer; color: var(--muted); font-size: 0.9em; }
.nav-list { list-style: none; margin: 0; padding: 0; }
.nav-list li { margin: 1px 0; }
.nav-list a { display: inline-block; padding: 1px 6px; border-radius: 4px; color: var(--fg); word-break: break-word; }
.nav-list .current > a { background: var(--soft); color: var(--accent-dark); font-weight: 600; }
.nav-list.endpoints a { font-family: var(--mono); font-size: 0.9em; }
.toc { list-style: none; padding-left: 12px; margin: 2px 0 6px; border-left: 2px solid var(--line); }
.toc a { color: var(--muted); font-size: 0.92em; }
main { min-width: 0; padding: 20px 40px 80px; max-width: 1060px; }
.crumbs { color: var(--muted); font-size: 0.9em; margin: 0; }
.lead { font-size: 1.08em; color: var(--muted); }
.muted { color: var(--muted); }
.count { color: var(--muted); font-size: 0.85em; font-weight: 400; }
.badge { display: inline-block; vertical-align: middle; font: 600 0.62rem/1.6 var(--font); text-transform: uppercase; letter-spacing: 0.04em; padding: 0 6px; border-radius: 10px; border: 1px solid var(--line); color: var(--muted); }
.badge.deprecated { color: var(--bad-line); border-color: var(--bad-line); }
.badge.unverified, .badge.planned { color: var(--warn-line); border-color: var(--warn-line); }
.badge.paged { color: var(--link); border-color: var(--link); }
.note { padding: 10px 14px; border-radius: 6px; border: 1px solid var(--warn-line); background: var(--warn-bg); }
.note.deprecated { border-color: var(--bad-line); background: var(--bad-bg); }
.note-inline { color: var(--muted); font-style: italic; }
.note-inline.unverified { color: var(--warn-line); }
.method { display: inline-block; min-width: 3.4em; text-align: center; font: 700 0.75em/1.8 var(--mono); border-radius: 4px; color: #fff; background: #6e7781; }
.method-get { background: #1a7f37; }
.method-post { background: #0b6bcb; }
.method-put, .method-patch { background: #9a6700; }
.method-delete { background: #cf222e; }
code.path { background: none; padding: 0; word-break: break-all; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 1.2em 0; }
dl.facts dt { color: var(--muted); font-weight: 600; }
dl.facts dd { margin: 0; min-width: 0; word-break: break-word; }
.placement { font-size: 0.8em; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }
table.params, table.errcodes, table.endpoint-list { table-layout: fixed; }
table.params td, table.errcodes td, table.endpoint-list td { overflow-wrap: anywhere; }
table.params th:nth-child(1) { width: 8%; }
table.params th:nth-child(2) { width: 26%; }
table.params th:nth-child(3) { width: 22%; }
table.params th:nth-child(4) { width: 9%; }
table.errcodes th:nth-child(1) { width: 12%; }
table.errcodes th:nth-child(2) { width: 14%; }
table.endpoint-list th:nth-child(1) { width: 30%; }
table.endpoint-list th:nth-child(2) { width: 34%; }
table.params tr.depth-1 td:nth-child(2) { padding-left: 26px; }
table.params tr.depth-2 td:nth-child(2) { padding-left: 42px; }
table.params tr.depth-3 td:nth-child(2), table.params tr.depth-4 td:nth-child(2) { padding-left: 58px; }
tr.is-deprecated td, a.is-deprecated { opacity: 0.65; }
.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 10px; }
.cards a { display: block; height: 100%; padding: 10px 14px; border: 1px solid var(--line); border-radius: 6px; color: var(--fg); }
.cards a:hover { border-color: var(--accent); text-decoration: none; }
.cards span { display: block; color: var(--muted); font-size: 0.85em; font-family: var(--mono); }
.namespaces { list-style: none; padding: 0; columns: 3 260px; column-gap: 24px; }
.namespaces li { break-inside: avoid; padding: 3px 0; }
.namespaces a { font-weight: 600; }
.ns-summary { display: block; color: var(--muted); font-size: 0.85em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.import-note { color: var(--muted); }
.repo-path { font-style: normal; }
.guide img { max-width: 100%; }
.source { margin-top: 3em; font-size: 0.9em; }
@media (max-width: 860px) {
  .page { display: block; }
  .sidebar { position: static; max-height: none; border-right: 0; border-bottom: 1px solid var(--line); }
  main { padding: 16px; }
  .top { flex-wrap: wrap; padding: 10px 16px; }
  .search { width: 100%; }
}
`;

/**
 * The search box: loads assets/search-index.js (which sets window.WXKIT_SEARCH_INDEX) on first use,
 * so it works from file:// too; ranks names before namespaces, ids, request paths and summaries.
 */
export const SEARCH_JS = `(function () {
  'use strict';
  var root = document.documentElement.getAttribute('data-root') || '';
  var input = document.getElementById('search');
  var list = document.getElementById('search-results');
  if (!input || !list) return;
  var index = null;
  var waiting = [];
  var active = -1;
  var hits = [];
  var shown = null;

  function load(then) {
    if (index) return then();
    waiting.push(then);
    if (waiting.length > 1) return;
    var script = document.createElement('script');
    script.src = root + 'assets/search-index.js';
    script.onload = function () {
      index = (window.WXKIT_SEARCH_INDEX || []).map(function (e) {
        return { e: e, name: e.name.toLowerCase(), ns: e.namespace.toLowerCase(), id: e.id.toLowerCase(), request: (e.request || '').toLowerCase(), summary: e.summary.toLowerCase() };
      });
      var w = waiting; waiting = [];
      w.forEach(function (f) { f(); });
    };
    document.head.appendChild(script);
  }

  function score(item, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i], s = 0;
      if (item.name === t || item.id === t) s = 100;
      else if (item.ns === t) s = 70;
      else if (item.name.indexOf(t) === 0) s = 60;
      else if (item.name.indexOf(t) >= 0) s = 45;
      else if (item.id.indexOf(t) >= 0) s = 35;
      else if (item.request.indexOf(t) >= 0) s = 25;
      else if (item.summary.indexOf(t) >= 0) s = 10;
      if (!s) return 0;
      total += s;
    }
    if (item.e.kind === 'endpoint') total += 2;
    if (item.e.kind === 'namespace') total += 1;
    return total;
  }

  function search(q) {
    var terms = q.toLowerCase().split(/\\s+/).filter(Boolean);
    if (!terms.length) return [];
    var out = [];
    for (var i = 0; i < index.length; i++) {
      var s = score(index[i], terms);
      if (s) out.push({ s: s, e: index[i].e });
    }
    out.sort(function (a, b) { return b.s - a.s || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0); });
    return out.slice(0, 20).map(function (h) { return h.e; });
  }

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text) n.textContent = text;
    return n;
  }

  function show() {
    var q = input.value.trim();
    shown = q;
    list.textContent = '';
    active = -1;
    if (!q) { list.hidden = true; hits = []; return; }
    hits = search(q);
    if (!hits.length) list.appendChild(el('li', 'empty', 'No match for “' + q + '”'));
    hits.forEach(function (e, i) {
      var li = el('li');
      var a = el('a');
      a.href = root + e.path;
      a.setAttribute('data-id', e.id);
      a.appendChild(el('span', 'hit-kind', e.kind === 'endpoint' ? e.request : e.kind));
      a.appendChild(el('span', 'hit-id', e.kind === 'guide' ? e.name : e.id));
      a.appendChild(el('span', 'hit-summary', e.summary));
      a.addEventListener('mousemove', function () { select(i); });
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
  }

  function select(i) {
    var items = list.querySelectorAll('li');
    if (!hits.length) return;
    active = (i + hits.length) % hits.length;
    for (var k = 0; k < items.length; k++) items[k].classList.toggle('active', k === active);
    items[active].scrollIntoView({ block: 'nearest' });
  }

  input.addEventListener('focus', function () { load(function () {}); });
  input.addEventListener('input', function () { load(show); });
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowDown') { ev.preventDefault(); select(active + 1); }
    else if (ev.key === 'ArrowUp') { ev.preventDefault(); select(active - 1); }
    else if (ev.key === 'Escape') { input.value = ''; show(); input.blur(); }
    else if (ev.key === 'Enter') {
      ev.preventDefault();
      load(function () {
        if (input.value.trim() !== shown) show();
        var hit = hits[active >= 0 ? active : 0];
        if (hit) window.location.href = root + hit.path;
      });
    }
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === '/' && document.activeElement !== input && !/^(INPUT|TEXTAREA|SELECT)$/.test((document.activeElement || {}).tagName || '')) {
      ev.preventDefault();
      input.focus();
    }
  });
  document.addEventListener('click', function (ev) {
    if (!list.contains(ev.target) && ev.target !== input) list.hidden = true;
  });
  if (input.value) load(show);
})();
`;
