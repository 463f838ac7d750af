import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CatalogError, loadCatalog } from '../../codegen/load.js';

let root: string | undefined;
afterEach(() => root && rmSync(root, { recursive: true, force: true }));

function problemsFor(yaml: string, folder = 'official-account'): string[] {
  root = mkdtempSync(join(tmpdir(), 'wxkit-cat-'));
  mkdirSync(join(root, folder));
  writeFileSync(join(root, folder, 'menu.yaml'), yaml);
  try {
    loadCatalog(root, root);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogError);
    return (e as CatalogError).problems;
  }
}

const HEAD = `namespace: Menu
title: Menu
appTypes: [official_account]
endpoints:
  - name: createMenu
    summary: create
    method: POST
    path: /cgi-bin/menu/create
    auth: access_token
    idempotent: true
`;

describe('catalog validation names file, line, endpoint and field', () => {
  it('accepts a valid file', () => {
    expect(problemsFor(`${HEAD}    body:\n      button: string[]\n    result: {}\n    example: { errcode: 0 }\n`)).toEqual([]);
  });

  it('a field of the wrong kind', () => {
    const p = problemsFor(`${HEAD}    body:\n      button: 42\n    result: {}\n    example: {}\n`);
    expect(p).toEqual(['official-account/menu.yaml:12 Menu.createMenu: body.button: expected a type such as string, integer?, string[] or a field object']);
  });

  it('a misspelt type', () => {
    const p = problemsFor(`${HEAD}    body:\n      button: strnig\n    result: {}\n    example: {}\n`);
    expect(p[0]).toMatch(/^official-account\/menu\.yaml:12 Menu\.createMenu: body\.button: expected a type such as string/);
  });

  it('an array without items, deep inside an object', () => {
    const p = problemsFor(`${HEAD}    body:\n      button:\n        type: object\n        properties:\n          sub_button: { type: array }\n    result: {}\n    example: {}\n`);
    expect(p).toEqual(['official-account/menu.yaml:15 Menu.createMenu: body.button.sub_button: an array needs items']);
  });

  it('a json endpoint without result and example', () => {
    const p = problemsFor(HEAD);
    expect(p).toEqual([
      'official-account/menu.yaml:5 Menu.createMenu: result: a json endpoint needs a result schema',
      'official-account/menu.yaml:5 Menu.createMenu: example: a json endpoint needs an example response',
    ]);
  });

  it('a name derived from the URL style is refused', () => {
    const p = problemsFor(HEAD.replace('createMenu', 'create_menu') + '    result: {}\n    example: {}\n');
    expect(p[0]).toBe('official-account/menu.yaml:5 Menu.create_menu: name: expected a camelCase name such as batchGetMaterial');
  });

  it('unknown keys, GET with a body, and duplicate parameters', () => {
    const p = problemsFor(
      HEAD.replace('method: POST', 'method: GET') + '    query:\n      id: string\n    body:\n      id: string\n    result: {}\n    example: {}\n    retries: 3\n',
    );
    expect(p).toEqual([
      'official-account/menu.yaml:5 Menu.createMenu: unknown key(s) retries',
      'official-account/menu.yaml:14 Menu.createMenu: body: a GET endpoint takes query parameters only',
      'official-account/menu.yaml:14 Menu.createMenu: body.id: also declared in query',
    ]);
  });

  it('a GET endpoint with a body', () => {
    const p = problemsFor(HEAD.replace('method: POST', 'method: GET') + '    body:\n      id: string\n    result: {}\n    example: {}\n');
    expect(p).toEqual(['official-account/menu.yaml:12 Menu.createMenu: body: a GET endpoint takes query parameters only']);
  });

  it('YAML syntax errors carry the line', () => {
    const p = problemsFor(`${HEAD}    body: { a: [1, 2\n`);
    expect(p[0]).toMatch(/^official-account\/menu\.yaml:1[12] /);
  });

  it('an unknown folder', () => {
    const p = problemsFor(`${HEAD}    result: {}\n    example: {}\n`, 'weird-folder');
    expect(p[0]).toMatch(/weird-folder: unknown folder/);
  });
});
