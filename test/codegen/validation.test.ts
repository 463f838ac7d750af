import { problemsOf, removeCatalogs, writeCatalog } from './catalog-files.js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../codegen/main.js';

let root: string | undefined;
afterEach(removeCatalogs);

/** Problems of a catalog made of `files` (path → YAML), paths in problems relative to its root. */
function problemsOfFiles(files: Record<string, string>): string[] {
  root = writeCatalog(files);
  return problemsOf(root);
}

function problemsFor(yaml: string, folder = 'official-account'): string[] {
  return problemsOfFiles({ [`${folder}/menu.yaml`]: yaml });
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
const OK = '    result: {}\n    example: { errcode: 0 }\n';

describe('catalog validation names file, line, endpoint and field', () => {
  it('accepts a valid file', () => {
    expect(problemsFor(`${HEAD}    body:\n      button: string[]\n${OK}`)).toEqual([]);
  });

  it('a field of the wrong kind', () => {
    const p = problemsFor(`${HEAD}    body:\n      button: 42\n    result: {}\n    example: {}\n`);
    expect(p).toEqual([
      'official-account/menu.yaml:12 Menu.createMenu: body.button: expected a type such as string, integer?, string[] or a field object, got 42',
    ]);
  });

  it('a misspelt type is quoted, with the nearest type', () => {
    expect(problemsFor(`${HEAD}    body:\n      button: strnig\n${OK}`)).toEqual([
      'official-account/menu.yaml:12 Menu.createMenu: body.button: "strnig" is not a type (did you mean "string"?)',
    ]);
    expect(problemsFor(`${HEAD}    body:\n      button: { type: strng, optional: true }\n${OK}`)).toEqual([
      'official-account/menu.yaml:12 Menu.createMenu: body.button: type: "strng" is not a type (did you mean "string"?)',
    ]);
  });

  it('an array without items, deep inside an object', () => {
    const p = problemsFor(
      `${HEAD}    body:\n      button:\n        type: object\n        properties:\n          sub_button: { type: array }\n    result: {}\n    example: {}\n`,
    );
    expect(p).toEqual(['official-account/menu.yaml:15 Menu.createMenu: body.button.sub_button: an array needs items']);
  });

  it('a json endpoint without result and example', () => {
    const p = problemsFor(HEAD);
    expect(p).toEqual([
      'official-account/menu.yaml:5 Menu.createMenu: result: a json endpoint needs a result schema',
      'official-account/menu.yaml:5 Menu.createMenu: example: a json endpoint needs an example response',
    ]);
  });

  it('a name derived from the URL style is refused, quoting it', () => {
    const p = problemsFor(HEAD.replace('createMenu', 'create_menu') + OK);
    expect(p).toEqual(['official-account/menu.yaml:5 Menu.create_menu: name: "create_menu": expected a camelCase name such as batchGetMaterial']);
  });

  it('an unknown key is reported at its own line with the nearest known key', () => {
    const p = problemsFor(HEAD.replace('    idempotent: true\n', '    idempotant: true\n') + OK);
    expect(p).toEqual([
      'official-account/menu.yaml:10 Menu.createMenu: unknown key "idempotant" (did you mean "idempotent"?)',
      'official-account/menu.yaml:5 Menu.createMenu: idempotent: required',
    ]);
    expect(problemsFor(`${HEAD}${OK}    retries: 3\n`)).toEqual(['official-account/menu.yaml:13 Menu.createMenu: unknown key "retries"']);
    expect(problemsFor(`${HEAD}    body:\n      a: { type: string, optinal: true }\n${OK}`)).toEqual([
      'official-account/menu.yaml:12 Menu.createMenu: body.a: unknown key "optinal" (did you mean "optional"?)',
    ]);
  });

  it('bad enumeration values are quoted with the nearest allowed one', () => {
    expect(problemsFor(HEAD.replace('method: POST', 'method: PTU') + OK)).toEqual([
      'official-account/menu.yaml:7 Menu.createMenu: method: "PTU" is not an HTTP method (did you mean "PUT"?); expected one of GET, POST, PUT, PATCH, DELETE',
    ]);
    expect(problemsFor(HEAD.replace('auth: access_token', 'auth: acess_token') + OK)[0]).toMatch(
      /^official-account\/menu\.yaml:9 Menu\.createMenu: auth: "acess_token" is not an auth scheme \(did you mean "access_token"\?\); expected one of access_token, component_access_token, /,
    );
  });

  it('a GET endpoint with a body, and a parameter declared twice', () => {
    expect(problemsFor(HEAD.replace('method: POST', 'method: GET') + `    body:\n      id: string\n${OK}`)).toEqual([
      'official-account/menu.yaml:12 Menu.createMenu: body: a GET endpoint takes query parameters only',
    ]);
    expect(problemsFor(`${HEAD}    query:\n      id: string\n    body:\n      id: integer\n${OK}`)).toEqual([
      'official-account/menu.yaml:14 Menu.createMenu: body.id: also declared in query',
    ]);
  });

  it('YAML syntax errors carry the line', () => {
    const p = problemsFor(`${HEAD}    body: { a: [1, 2\n`);
    expect(p[0]).toMatch(/^official-account\/menu\.yaml:1[12] /);
  });

  it('an unknown folder, and the new app-type folders are known', () => {
    expect(problemsFor(`${HEAD}${OK}`, 'weird-folder')[0]).toMatch(
      /weird-folder: unknown folder; expected one of official-account, mini-program, channels, component, work, pay/,
    );
    expect(problemsFor(`${HEAD.replace('official_account]', 'work]')}${OK}`, 'work')).toEqual([]);
  });
});

describe('version 2 keys', () => {
  it('path parameters: undeclared placeholders are strings, a declared one must be in the path, names must be identifiers', () => {
    const file = (path: string, extra = '') =>
      HEAD.replace('method: POST', 'method: DELETE').replace('path: /cgi-bin/menu/create', `path: ${path}`) + extra + OK;
    expect(problemsFor(file('/v3/x/{id}/y/{other}', '    pathParams:\n      id: integer\n'))).toEqual([]);
    expect(problemsFor(file('/v3/x/{id}', '    pathParams:\n      idd: string\n'))).toEqual([
      'official-account/menu.yaml:12 Menu.createMenu: pathParams.idd: not a placeholder of the path /v3/x/{id} (did you mean "id"?)',
    ]);
    expect(problemsFor(file('/v3/x/{transaction-id}'))).toEqual([
      'official-account/menu.yaml:5 Menu.createMenu: path: placeholder {transaction-id} is not a parameter name (letters, digits and _, not starting with a digit)',
    ]);
    expect(problemsFor(file('/v3/x/{id}', '    pathParams:\n      id: string?\n'))).toEqual([
      'official-account/menu.yaml:12 Menu.createMenu: pathParams.id: a path parameter is a required string, integer or number',
    ]);
  });

  it('headers are keyed by header name and carry scalars', () => {
    expect(problemsFor(`${HEAD}    headers:\n      Wechatpay-Serial: string\n${OK}`)).toEqual([]);
    expect(problemsFor(`${HEAD}    headers:\n      "-bad": string\n${OK}`)).toEqual([
      'official-account/menu.yaml:12 Menu.createMenu: headers.-bad: "-bad": header names are letters, digits and -, starting with a letter',
    ]);
    expect(problemsFor(`${HEAD}    headers:\n      Good: string[]\n${OK}`)).toEqual([
      'official-account/menu.yaml:12 Menu.createMenu: headers.Good: a header carries a string, integer, number or boolean',
    ]);
  });

  it('const: a value of the field type, required, top-level request parameters only', () => {
    expect(problemsFor(`${HEAD}    query:\n      grant_type: { type: string, const: client_credential }\n${OK}`)).toEqual([]);
    expect(problemsFor(`${HEAD}    query:\n      v: { type: integer, const: two }\n      w: { type: string, const: x, optional: true }\n${OK}`)).toEqual([
      'official-account/menu.yaml:12 Menu.createMenu: query.v.const: "two" is not a integer',
      'official-account/menu.yaml:13 Menu.createMenu: query.w.const: a const field is always sent: it takes no optional',
    ]);
    expect(problemsFor(`${HEAD}    body:\n      a:\n        type: object\n        properties:\n          b: { type: string, const: x }\n${OK}`)).toEqual([
      'official-account/menu.yaml:15 Menu.createMenu: body.a.b: const applies to top-level request parameters only',
    ]);
  });

  it('sensitive: string request fields, nested allowed, never in a result', () => {
    expect(
      problemsFor(`${HEAD}    body:\n      payee:\n        type: object\n        properties:\n          name: { type: string, sensitive: true }\n${OK}`),
    ).toEqual([]);
    expect(
      problemsFor(
        `${HEAD}    body:\n      n: { type: integer, sensitive: true }\n    result:\n      s: { type: string, sensitive: true }\n    example: { s: x }\n`,
      ),
    ).toEqual([
      'official-account/menu.yaml:12 Menu.createMenu: body.n: sensitive applies to string fields (the protocol encrypts text), not to integer',
      'official-account/menu.yaml:14 Menu.createMenu: result.s: sensitive marks request fields the protocol encrypts; answers are not encrypted field by field',
    ]);
  });

  it('defaults: apply to every endpoint, an endpoint key wins, and appTypes is given once', () => {
    const file = `namespace: W
title: W
defaults: { host: qyapi.weixin.qq.com, auth: access_token, appTypes: [work], encoding: form }
endpoints:
  - name: a
    summary: a
    method: POST
    path: /a
    idempotent: true
${OK}  - name: b
    summary: b
    method: POST
    path: /b
    auth: key
    encoding: json
    idempotent: true
${OK}`;
    expect(problemsOfFiles({ 'work/w.yaml': file })).toEqual([]);
    const c = loadCatalog(root!, root!).namespaces[0]!.endpoints;
    expect(c.map((e) => [e.host, e.auth, e.encoding, e.appTypes])).toEqual([
      ['qyapi.weixin.qq.com', 'access_token', 'form', ['work']],
      ['qyapi.weixin.qq.com', 'key', 'json', ['work']],
    ]);
    expect(problemsOfFiles({ 'work/w.yaml': file.replace('title: W\n', 'title: W\nappTypes: [work]\n') })).toEqual([
      'work/w.yaml:4 W: defaults.appTypes: the file already has appTypes: give them once',
    ]);
    expect(problemsOfFiles({ 'work/w.yaml': file.replace('    auth: key\n', '').replace('auth: access_token, ', '') })[0]).toBe(
      'work/w.yaml:5 W.a: auth: required (here or in defaults:)',
    );
  });

  it('encoding: not with form:, not on a method without a body; xml answers are text', () => {
    expect(problemsFor(HEAD.replace('method: POST', 'method: GET') + `    encoding: xml\n${OK}`)).toEqual([
      'official-account/menu.yaml:11 Menu.createMenu: encoding: a GET endpoint sends no body to encode',
    ]);
    expect(
      problemsFor(
        `${HEAD}    encoding: xml\n    response: xml\n    result:\n      return_code: string\n      total_fee: integer\n    example: { return_code: SUCCESS, total_fee: "1" }\n`,
      ),
    ).toEqual([
      'official-account/menu.yaml:15 Menu.createMenu: result.total_fee: an xml answer carries text: declare it string (not integer)',
      'official-account/menu.yaml:16 Menu.createMenu: example.total_fee: expected integer, got "1"',
    ]);
  });

  it('markers: deprecated and unverified are texts', () => {
    expect(
      problemsFor(`${HEAD}    deprecated: use X\n    unverified: the limit\n    body:\n      a: { type: string, unverified: not in the docs }\n${OK}`),
    ).toEqual([]);
    expect(problemsFor(`${HEAD}    unverified: true\n${OK}`)).toEqual([
      'official-account/menu.yaml:11 Menu.createMenu: unverified: expected a text naming what the official docs do not confirm, got true',
    ]);
  });

  it('pagination names real parameters and result fields of the right kind', () => {
    const paged = (p: string) =>
      `${HEAD}    body:\n      offset: integer\n      count: integer\n      next: string?\n    pagination: ${p}\n    result:\n      total_count: integer\n      item: { type: array, items: { type: string } }\n      data: { type: object, properties: { openid: "string[]" } }\n    example: { total_count: 1, item: [a], data: { openid: [b] } }\n`;
    expect(problemsFor(paged('{ style: offset, offset: offset, count: count, items: item, total: total_count }'))).toEqual([]);
    expect(problemsFor(paged('{ style: next_openid, cursor: next, next: data.openid, items: data.openid }'))).toEqual([
      'official-account/menu.yaml:15 Menu.createMenu: pagination.next: data.openid is array; expected string or integer',
    ]);
    expect(problemsFor(paged('{ style: offset, offset: ofset, count: count, items: items, cursor: next }'))).toEqual([
      'official-account/menu.yaml:15 Menu.createMenu: pagination.cursor: does not apply to style offset',
      'official-account/menu.yaml:15 Menu.createMenu: pagination.offset: ofset is not a query or body parameter of the endpoint (did you mean "offset"?)',
      'official-account/menu.yaml:15 Menu.createMenu: pagination.items: items is not a field of the result (did you mean "item"?)',
    ]);
    expect(problemsFor(paged('{ style: pages }'))[0]).toBe(
      'official-account/menu.yaml:15 Menu.createMenu: pagination.style: "pages" is not a pagination style; expected one of offset, next_openid, cursor',
    );
  });

  it('examples are checked against the result', () => {
    const result = '    result:\n      item:\n        type: array\n        items: { type: object, properties: { media_id: string, n: integer? } }\n';
    expect(problemsFor(`${HEAD}${result}    example:\n      item:\n        - { media_id: 12 }\n        - { media_id: x, n: 1.5, extra: 1 }\n`)).toEqual([
      'official-account/menu.yaml:17 Menu.createMenu: example.item[0].media_id: expected string, got 12',
      'official-account/menu.yaml:18 Menu.createMenu: example.item[1].n: expected integer, got 1.5',
      'official-account/menu.yaml:18 Menu.createMenu: example.item[1].extra: not a field of the result',
    ]);
    expect(problemsFor(`${HEAD}${result}    example: { errcode: 0, errmsg: ok }\n`)).toEqual([
      'official-account/menu.yaml:15 Menu.createMenu: example.item: missing; the result says it is always there (mark it optional if WeChat leaves it out)',
    ]);
  });
});

describe('rules across files', () => {
  const other = (ns: string, path: string, name = 'createMenu') =>
    HEAD.replace('namespace: Menu', `namespace: ${ns}`).replace('createMenu', name).replace('/cgi-bin/menu/create', path) + OK;

  it('every listed errcode is in errcodes.yaml', () => {
    expect(
      problemsOfFiles({ 'errcodes.yaml': '"40001": { category: token }\n', 'official-account/menu.yaml': `${HEAD}    errcodes: [40001, 40002]\n${OK}` }),
    ).toEqual(['official-account/menu.yaml:11 Menu.createMenu: errcodes[1]: 40002 is not in errcodes.yaml; add it there with its official message']);
  });

  it('route and name clashes name both places', () => {
    expect(problemsOfFiles({ 'official-account/a.yaml': other('A', '/same'), 'official-account/b.yaml': other('B', '/same') })).toEqual([
      'official-account/b.yaml:5 B.createMenu: POST api.weixin.qq.com/same for official_account is already A.createMenu (official-account/a.yaml:5)',
    ]);
    expect(problemsOfFiles({ 'official-account/a.yaml': other('A', '/x/{id}'), 'official-account/b.yaml': other('B', '/x/{other}') })[0]).toMatch(
      /is already A\.createMenu \(official-account\/a\.yaml:5\)$/,
    );
    expect(problemsOfFiles({ 'official-account/a.yaml': other('A', '/a'), 'official-account/b.yaml': other('A', '/b', 'other') })).toEqual([
      'official-account/b.yaml:1 A: namespace already defined in official-account/a.yaml:1',
    ]);
    // The same namespace in two folders is fine while the ids differ and no entry point exports both.
    expect(
      problemsOfFiles({
        'pay/a.yaml': other('F', '/a').replace('official_account]', 'pay]'),
        'work/b.yaml': other('F', '/b', 'other').replace('official_account]', 'work]'),
      }),
    ).toEqual([]);
    expect(
      problemsOfFiles({
        'pay/a.yaml': other('F', '/a').replace('official_account]', 'pay]'),
        'work/b.yaml': other('F', '/b').replace('official_account]', 'work]'),
      }),
    ).toEqual(['work/b.yaml:5 F.createMenu: name: F.createMenu is already defined at pay/a.yaml:5']);
  });
});
