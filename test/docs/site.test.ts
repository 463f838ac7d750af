// The docs site (`npm run docs`, codegen/site/build.ts): built into a temporary folder, checked as
// files, then opened in a headless Chromium served from 127.0.0.1: the index, an endpoint page, and
// a search for batchGetMaterial that leads to its page. Without a Chromium (CHROME_PATH, or
// chromium / chromium-browser / google-chrome on PATH) the browser test is skipped, except in CI
// with WXKIT_REQUIRE_BROWSER=1 (.ci/run), where a missing browser fails.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type BuildResult, REPO_ROOT } from '../../codegen/site/build.js';
import { loadErrcodes } from '../../codegen/site/data.js';
import { escapeHtml } from '../../codegen/site/html.js';
import { renderMarkdown } from '../../codegen/site/markdown.js';
import { Browser, findChromium } from './chromium.js';

const ENDPOINT_PAGE = 'api/official-account/material/batchGetMaterial.html';
const NAMESPACE_PAGE = 'api/official-account/material.html';

let out: string;
let result: BuildResult;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'wxkit-site-'));
  result = buildSite({ out });
});

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

function read(path: string): string {
  return readFileSync(join(out, path), 'utf8');
}

function allFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix))
    .sort()
    .flatMap((name) => {
      const path = prefix ? `${prefix}/${name}` : name;
      return statSync(join(dir, path)).isDirectory() ? allFiles(dir, path) : [path];
    });
}

describe('docs site build', () => {
  it('writes the index, a page per namespace and per endpoint, and the guides', () => {
    expect(result.endpoints).toBeGreaterThan(1000);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    const index = read('index.html');
    expect(index).toContain(`href="${NAMESPACE_PAGE}"`);
    expect(index).toContain('href="guides/getting-started.html"');

    const ns = read(NAMESPACE_PAGE);
    expect(ns).toContain('<h1>Material</h1>');
    expect(ns).toContain('import { Material } from &#39;wxkit/official-account&#39;;');
    expect(ns).toContain('href="material/batchGetMaterial.html"'); // links are relative: the site works from file:// too

    const page = read(ENDPOINT_PAGE);
    expect(page).toContain('/cgi-bin/material/batchget_material');
    expect(page).toContain('https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/Get_materials_list.html');
    expect(page).toMatch(/<td><code>offset<\/code><\/td><td><code>number<\/code><\/td><td>yes<\/td>/);
    expect(page).toContain('await Material.batchGetMaterial(client, {');
    expect(page).toContain('total_count: number;'); // the result shape
    expect(page).toContain('&quot;MEDIA_ID_1&quot;'); // the example answer
    expect(page).toContain('<h2 id="pagination">');
    const errcode = loadErrcodes(REPO_ROOT).get(40007)!; // its errcode, with the message
    expect(page).toContain(`<tr><td><code>40007</code></td><td>${errcode.category}</td><td>${escapeHtml(errcode.zh)}</td>`);

    for (const guide of ['getting-started', 'scenarios', 'component', 'pay', 'catalog']) {
      expect(existsSync(join(out, 'guides', `${guide}.html`)), guide).toBe(true);
    }
    expect(read('guides/getting-started.html')).toContain('href="scenarios.html"'); // docs/scenarios.md, relinked
  });

  it('has a search index with batchGetMaterial in it', () => {
    const index = JSON.parse(read('search-index.json')) as { id: string; namespace: string; name: string; summary: string; path: string }[];
    const hit = index.find((e) => e.id === 'Material.batchGetMaterial');
    expect(hit).toMatchObject({ namespace: 'Material', name: 'batchGetMaterial', path: ENDPOINT_PAGE });
    expect(hit!.summary).toBeTruthy();
    expect(read('assets/search-index.js')).toContain('"Material.batchGetMaterial"');
  });

  it('loads nothing from outside the site', () => {
    for (const path of ['index.html', NAMESPACE_PAGE, ENDPOINT_PAGE, 'guides/getting-started.html']) {
      const page = read(path);
      for (const m of page.matchAll(/<(?:script|link|img)\b[^>]*(?:src|href)="([^"]+)"/g)) {
        expect(m[1], `${path}: ${m[0]}`).not.toMatch(/^(https?:)?\/\//);
        expect(existsSync(join(out, normalize(join(path, '..', m[1]!)))), `${path}: ${m[1]}`).toBe(true);
      }
    }
    expect(read('assets/style.css')).not.toMatch(/@import|url\(/);
  });

  it('is byte-deterministic and replaces its previous build', () => {
    const before = new Map(allFiles(out).map((f) => [f, read(f)]));
    writeFileSync(join(out, 'api', 'stale.html'), 'from an older build');
    const again = buildSite({ out });
    const after = allFiles(out);
    expect(after).toEqual([...before.keys()]);
    for (const f of after) if (read(f) !== before.get(f)) throw new Error(`${f} differs between two builds`);
    expect(again.files).toBe(before.size);
  });

  it('refuses to write into a folder that is not a build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxkit-not-a-site-'));
    try {
      writeFileSync(join(dir, 'keep.txt'), 'mine');
      expect(() => buildSite({ out: dir })).toThrow(/not a wxkit docs build/);
      expect(readdirSync(dir)).toEqual(['keep.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('markdown renderer', () => {
  it('renders the guides’ constructs', () => {
    const { html, headings } = renderMarkdown(
      [
        '# Title',
        '',
        'Text with `code <b>`, **bold**, *em* and a [link](docs/x.md#a) and snake_case_name.',
        '',
        '- one',
        '  continued',
        '- two',
        '',
        '1. first',
        '2. second',
        '',
        '| a | b |',
        '| --- | ---: |',
        '| `x \\| y` | 2 |',
        '',
        '<!-- snippet: run -->',
        '```ts',
        'const a = 1 < 2;',
        '```',
        '',
        '## Title',
      ].join('\n'),
      { link: (href) => (href.startsWith('docs/') ? href.replace('.md', '.html') : null) },
    );
    expect(html).toContain('<h1 id="title">');
    expect(html).toContain('<h2 id="title-1">');
    expect(headings.map((h) => h.id)).toEqual(['title', 'title-1']);
    expect(html).toContain('<code>code &lt;b&gt;</code>, <strong>bold</strong>, <em>em</em> and a <a href="docs/x.html#a">link</a> and snake_case_name.');
    expect(html).toContain('<ul>\n<li>one\ncontinued</li>\n<li>two</li>\n</ul>');
    expect(html).toContain('<ol>\n<li>first</li>\n<li>second</li>\n</ol>');
    expect(html).toContain('<td><code>x | y</code></td><td class="right">2</td>');
    expect(html).toContain('<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>');
    expect(html).not.toContain('snippet');
  });
});

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
};

function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })));
}

describe('docs site in a browser', () => {
  const chromium = findChromium();
  const required = process.env.CI === 'true' && process.env.WXKIT_REQUIRE_BROWSER === '1';

  it('opens the index and an endpoint page, and the search finds batchGetMaterial', async (ctx) => {
    if (!chromium) {
      if (required) throw new Error('WXKIT_REQUIRE_BROWSER=1 but no Chromium found (set CHROME_PATH, or install the Debian package chromium)');
      console.warn('[docs site] no Chromium found (CHROME_PATH, chromium, chromium-browser, google-chrome): skipping the browser test');
      ctx.skip();
      return;
    }
    const { server, url } = await serve(out);
    const browser = await Browser.launch(chromium);
    try {
      const page = await browser.newPage();

      await page.goto(`${url}index.html`);
      expect(await page.evaluate<string>('document.title')).toBe('wxkit');
      const namespaces = await page.evaluate<number>(`document.querySelectorAll('#endpoints a[href^="api/"]').length`);
      expect(namespaces).toBe(result.namespaces);
      expect(await page.evaluate<boolean>(`!!document.querySelector('a[href="${NAMESPACE_PAGE}"]')`)).toBe(true);

      await page.goto(`${url}${ENDPOINT_PAGE}`);
      expect(await page.evaluate<string>(`document.querySelector('h1').textContent`)).toContain('Material.batchGetMaterial');
      const params = await page.evaluate<string[]>(`[...document.querySelectorAll('table.params tbody tr td:nth-child(2)')].map((td) => td.textContent)`);
      expect(params).toEqual(['type', 'offset', 'count']);
      // The stylesheet applied: the page is laid out with the sidebar beside the content.
      expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('.page')).display`)).toBe('grid');

      await page.evaluate(`document.getElementById('search').focus()`);
      await page.type('batchGetMaterial');
      const href = await page.waitFor<string>(
        `(() => { const a = document.querySelector('#search-results a[data-id="Material.batchGetMaterial"]'); return a && !document.getElementById('search-results').hidden && a.href; })()`,
      );
      expect(href).toBe(`${url}${ENDPOINT_PAGE}`);
      expect(await page.evaluate<string>(`document.querySelector('#search-results a').getAttribute('data-id')`)).toBe('Material.batchGetMaterial');

      // Enter opens the first result: search from the index page, land on the endpoint's page.
      await page.goto(`${url}index.html`);
      await page.evaluate(`document.getElementById('search').focus()`);
      await page.type('batchGetMaterial');
      await page.waitFor(`document.querySelectorAll('#search-results a').length > 0`);
      await page.press('Enter');
      await page.waitFor(`location.href === ${JSON.stringify(`${url}${ENDPOINT_PAGE}`)} && document.readyState === 'complete'`);

      expect(page.errors).toEqual([]);
    } finally {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});
