import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CatalogError } from '../../codegen/problems.js';
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
    const registry = readFileSync(join(out, 'registry/official-account/menu.json'), 'utf8');
    expect(registry).not.toContain('"ref"');
    const getMenu = (JSON.parse(registry) as { name: string; result: Record<string, unknown> }[]).find((e) => e.name === 'getMenu')!;
    expect(getMenu.result.first).toEqual({
      type: 'object',
      optional: true,
      description: 'the first button',
      properties: {
        name: { type: 'string' },
        news: { type: 'array', optional: true, items: { type: 'object', properties: { title: { type: 'string' }, url: { type: 'string', optional: true } } } },
      },
    });
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
    expect(() => generate({ catalogDir: second.cat, outDir: second.out, check: false })).toThrow(
      /types refer to themselves: (NewsItem → Button → NewsItem|Button → NewsItem → Button)/,
    );
  });
});

const SHARED = `types:
  Token:
    type: object
    description: a token and its lifetime
    properties:
      token: string
      expires_in: integer
  Range:
    type: object
    properties:
      begin_date: string
      end_date: string
      fixed: { type: string, const: x }
`;

const USES_SHARED = `namespace: Menu
title: Menu
appTypes: [official_account]
types:
  Box:
    type: object
    properties:
      token: Token
endpoints:
  - name: getToken
    summary: get
    method: GET
    path: /cgi-bin/t
    auth: none
    idempotent: true
    query: Range
    result: Token
    example: { token: t, expires_in: 7200 }
  - name: postRange
    summary: post
    method: POST
    path: /cgi-bin/r
    auth: access_token
    idempotent: true
    body: Range
    result:
      box: Box
    example: { box: { token: { token: t, expires_in: 1 } } }
`;

function withShared(yaml: string, shared = SHARED): { cat: string; out: string } {
  const dirs = catalog(yaml);
  writeFileSync(join(dirs.cat, 'types.yaml'), shared);
  return dirs;
}

function problemsOf(run: () => void): string[] {
  try {
    run();
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogError);
    return (e as CatalogError).problems;
  }
}

describe('shared types (catalog/types.yaml) and named blocks', () => {
  it('are emitted once into types.ts / types.schema.ts and imported by the modules that use them', () => {
    const { cat, out } = withShared(USES_SHARED);
    generate({ catalogDir: cat, outDir: out, check: false });
    const types = readFileSync(join(out, 'types.ts'), 'utf8');
    expect(types).toContain('/** a token and its lifetime */\nexport type Token = {');
    expect(readFileSync(join(out, 'types.schema.ts'), 'utf8')).toContain('export const Token = z.looseObject({');
    const mod = readFileSync(join(out, 'official-account/menu.ts'), 'utf8');
    expect(mod).toContain("import type { Range, Token } from '../types.js';");
    expect(mod).toContain("export type { Range, Token } from '../types.js';");
    expect(mod).toContain('export type GetTokenResult = Token;');
    // A whole block named by a type: the Params are that type, without its constants.
    expect(mod).toContain("export type GetTokenParams = Omit<Range, 'fixed'>;");
    expect(mod).toContain("query: ['begin_date', 'end_date', 'fixed'],");
    expect(mod).toContain("consts: { fixed: 'x' },");
    expect(mod).toContain("required: ['begin_date', 'end_date'],");
    expect(mod).not.toMatch(/export type Token =/);
    const schema = readFileSync(join(out, 'official-account/menu.schema.ts'), 'utf8');
    expect(schema).toContain("import { Token } from '../types.schema.js';");
    expect(schema).toContain('export const getToken = Token;');
    expect(schema).toContain('export const Box = z.looseObject({\n  token: Token,\n});');
    // The registry spells the shapes out.
    const registry = JSON.parse(readFileSync(join(out, 'registry/official-account/menu.json'), 'utf8')) as {
      name: string;
      params: Record<string, Record<string, unknown>>;
    }[];
    expect(registry.find((e) => e.name === 'getToken')!.params.query).toEqual({
      begin_date: { type: 'string' },
      end_date: { type: 'string' },
      fixed: { type: 'string', const: 'x' },
    });
  });

  it('a file-local type may not reuse a shared name; a shared type nobody uses is refused', () => {
    const clash = USES_SHARED.replace('types:\n  Box:', 'types:\n  Token:\n    type: string\n  Box:');
    const a = withShared(clash);
    const p = problemsOf(() => generate({ catalogDir: a.cat, outDir: a.out, check: false }));
    expect(p.some((x) => /menu\.yaml:\d+ Menu: types\.Token: Token is already a shared type \(.*types\.yaml:2\)/.test(x))).toBe(true);

    const b = withShared(USES_SHARED, `${SHARED}  Spare:\n    type: string\n`);
    expect(problemsOf(() => generate({ catalogDir: b.cat, outDir: b.out, check: false }))).toEqual([
      expect.stringMatching(/types\.yaml:14 types\.Spare: type Spare is declared but no catalog file uses it$/),
    ]);
  });

  it('a block naming a non-object or unknown type, and optional in a type definition, are refused', () => {
    const bad = USES_SHARED.replace('    result: Token\n', '    result: Tokn\n').replace(
      '  Box:\n    type: object',
      '  Box:\n    type: object\n    optional: true',
    );
    const { cat, out } = withShared(bad);
    const p = problemsOf(() => generate({ catalogDir: cat, outDir: out, check: false }));
    expect(p).toContainEqual(
      expect.stringMatching(
        /official-account\/menu\.yaml:18 Menu\.getToken: result: "Tokn" is not a named type \(did you mean "Token"\?\); a result is a map of fields or the name of an object type$/,
      ),
    );
    expect(p.some((x) => /menu\.yaml:6 Menu: types\.Box: optional belongs where the type is used \(Box\?\), not in its definition/.test(x))).toBe(true);
  });
});
