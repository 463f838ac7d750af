import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CatalogError } from '../../codegen/load.js';
import { generate } from '../../codegen/main.js';

let root: string | undefined;
afterEach(() => root && rmSync(root, { recursive: true, force: true }));

function catalog(yaml: string): { cat: string; out: string } {
  root = mkdtempSync(join(tmpdir(), 'wxkit-types-'));
  const cat = join(root, 'catalog');
  mkdirSync(join(cat, 'official-account'), { recursive: true });
  writeFileSync(join(cat, 'official-account', 'menu.yaml'), yaml);
  return { cat, out: join(root, 'generated') };
}

const FILE = `namespace: Menu
title: Menu
appTypes: [official_account]
types:
  NewsItem:
    type: object
    properties:
      title: string
      url: string?
  Button:
    type: object
    description: one menu button
    properties:
      name: string
      news: NewsItem[]?
endpoints:
  - name: createMenu
    summary: create
    method: POST
    path: /cgi-bin/menu/create
    auth: access_token
    idempotent: true
    body:
      button: Button[]
    result: {}
    example: { errcode: 0 }
  - name: getMenu
    summary: get
    method: GET
    path: /cgi-bin/menu/get
    auth: access_token
    idempotent: true
    result:
      button: Button[]
      first: { type: Button, optional: true, description: the first button }
    example: { button: [{ name: a, news: [{ title: t }] }] }
`;

describe('named types (types:)', () => {
  it('are generated once and referred to by name, in types and schemas; the registry inlines them', () => {
    const { cat, out } = catalog(FILE);
    generate({ catalogDir: cat, outDir: out, check: false });
    const mod = readFileSync(join(out, 'official-account/menu.ts'), 'utf8');
    expect(mod).toContain('export type NewsItem = {');
    expect(mod).toContain('/** one menu button */\nexport type Button = {');
    expect(mod).toContain('news?: NewsItem[];');
    expect(mod).toContain('button: Button[];');
    expect(mod).toContain('first?: Button;');
    expect(mod.match(/title: string;/g)).toHaveLength(1);
    const schema = readFileSync(join(out, 'official-account/menu.schema.ts'), 'utf8');
    // NewsItem is declared before Button, which uses it.
    expect(schema.indexOf('export const NewsItem')).toBeLessThan(schema.indexOf('export const Button'));
    expect(schema).toContain('button: z.array(Button),');
    expect(schema).toContain('first: Button.optional(),');
    const registry = readFileSync(join(out, 'registry.ts'), 'utf8');
    expect(registry).not.toContain('\\"ref\\"');
    expect(registry).toContain('\\"first\\":{\\"type\\":\\"object\\"');
  });

  it('an unknown, an unused or a self-referring type is refused with its line', () => {
    const bad = FILE.replace('news: NewsItem[]?', 'news: Newsitem[]?').replace('  Button:\n', '  Unused:\n    type: string\n  Button:\n');
    const { cat, out } = catalog(bad);
    let problems: string[] = [];
    try {
      generate({ catalogDir: cat, outDir: out, check: false });
    } catch (e) {
      problems = (e as CatalogError).problems;
    }
    expect(problems.some((p) => /menu\.yaml:\d+ Menu: types\.Button\.news.*unknown type Newsitem/.test(p))).toBe(true);
    expect(problems.some((p) => /menu\.yaml:\d+ Menu: types\.Unused: type Unused is declared but never used/.test(p))).toBe(true);

    const loop = FILE.replace('      url: string?', '      url: string?\n      parent: Button?');
    const second = catalog(loop);
    expect(() => generate({ catalogDir: second.cat, outDir: second.out, check: false })).toThrow(/types refer to themselves: (NewsItem → Button → NewsItem|Button → NewsItem → Button)/);
  });
});
