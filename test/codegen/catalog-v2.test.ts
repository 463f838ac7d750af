// The version-2 shapes end to end on the generator's side: the fixture catalog in
// test/fixtures/catalog-v2 (a Pay v3 REST endpoint, a Pay v2 XML one, WeCom with an access_token and
// with a webhook key) generates modules that type-check against the runtime and carry exactly the
// descriptors the runtime needs. Its output is also committed, for tests that call it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../codegen/main.js';
import * as PayIndex from '../fixtures/catalog-v2/generated/pay/index.js';
import { endpoints } from '../fixtures/catalog-v2/generated/registry/index.js';
import * as WorkIndex from '../fixtures/catalog-v2/generated/work/index.js';

const CATALOG = 'test/fixtures/catalog-v2';
const REPO = resolve('.');
const { Fixture: Pay } = PayIndex;
const { Fixture: Work } = WorkIndex;
const tmp = mkdtempSync(join(tmpdir(), 'wxkit-v2-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A descriptor without its lazy schema loader (a function, compared separately). */
function plain(d: object): Record<string, unknown> {
  const { schema, ...rest } = d as { schema?: unknown };
  return { ...rest, ...(schema ? { schema: typeof schema } : {}) };
}

describe('the catalog-v2 fixture', () => {
  it('the committed output under test/fixtures/catalog-v2/generated is up to date', () => {
    expect(generate({ catalogDir: CATALOG, outDir: `${CATALOG}/generated`, check: true }).stale).toEqual([]);
  });

  it('generated into any folder, it type-checks against src/ (constants are not parameters)', () => {
    const root = join(tmp, 'tree');
    const out = join(root, 'out');
    generate({ catalogDir: CATALOG, outDir: out, check: false });
    // Uses of the generated types, checked by the same compiler run.
    writeFileSync(
      join(out, 'uses.ts'),
      [
        "import { Fixture as Pay } from './pay/index.js';",
        "import { Fixture as Work } from './work/index.js';",
        `import type { Client } from '${relative(out, join(REPO, 'src/index.js'))}';`,
        'export function uses(pay: Client<"pay">, work: Client<"work">) {',
        "  void Pay.updateItem(pay, { item_id: 'a', 'Wechatpay-Serial': 's', amount: 1 });",
        '  void Pay.listItems(pay, { offset: 0 });',
        '  // @ts-expect-error state is a constant of the catalog, not a parameter',
        "  void Pay.listItems(pay, { state: 'ACTIVE' });",
        '  // @ts-expect-error the path parameter is required',
        "  void Pay.updateItem(pay, { 'Wechatpay-Serial': 's', amount: 1 });",
        '  // @ts-expect-error a pay endpoint with a WeCom client',
        '  void Pay.queryOrder(work, {});',
        "  void Work.sendRobotMessage(work, { msgtype: 'text', text: { content: 'hi' } });",
        "  const user: Promise<{ userid: string }> = Work.getUser(work, { userid: 'u' });",
        '  return user;',
        '}',
        '',
      ].join('\n'),
    );
    // Generated schemas import zod: resolve packages as the repository does.
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ extends: join(REPO, 'tsconfig.json'), compilerOptions: { noEmit: true }, include: ['out'] }));
    const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 60_000);

  it('Pay v3 REST: method, host, path parameter, header parameter, sensitive field, protocol', () => {
    expect(plain(Pay.updateItem.endpoint)).toEqual({
      id: 'Fixture.updateItem',
      method: 'PUT',
      host: 'api.mch.weixin.qq.com',
      path: '/v3/fixture/items/{item_id}',
      auth: 'pay_v3',
      protocol: 'pay_v3',
      appTypes: ['pay'],
      idempotent: false,
      pathParams: ['item_id'],
      headers: ['Wechatpay-Serial'],
      body: ['amount', 'note', 'contact_name'],
      sensitive: ['contact_name'],
      required: ['item_id', 'Wechatpay-Serial', 'amount'],
      schema: 'function',
    });
  });

  it('Pay v2: its own protocol, auth and encoding win over the defaults; xml answers are validated', async () => {
    expect(plain(Pay.queryOrder.endpoint)).toEqual({
      id: 'Fixture.queryOrder',
      method: 'POST',
      host: 'api.mch.weixin.qq.com',
      path: '/pay/orderquery',
      auth: 'pay_v2',
      protocol: 'pay_v2',
      appTypes: ['pay'],
      idempotent: true,
      encoding: 'xml',
      response: 'xml',
      body: ['transaction_id', 'out_trade_no'],
      schema: 'function',
    });
    const schema = await Pay.queryOrder.endpoint.schema!();
    expect(schema.safeParse({ return_code: 'SUCCESS', total_fee: '100' }).success).toBe(true);
    expect(schema.safeParse({ return_code: 'SUCCESS', total_fee: 100 }).success).toBe(false);
  });

  it('a constant travels in its placement list and in consts, never in required', () => {
    expect(plain(Pay.listItems.endpoint)).toMatchObject({ method: 'GET', query: ['state', 'offset', 'limit'], consts: { state: 'ACTIVE' } });
    expect(Pay.listItems.endpoint.required).toBeUndefined();
  });

  it('WeCom: qyapi host, the access_token default and the key scheme of the webhook', () => {
    expect(plain(Work.getUser.endpoint)).toEqual({
      id: 'Fixture.getUser',
      method: 'GET',
      host: 'qyapi.weixin.qq.com',
      path: '/cgi-bin/user/get',
      auth: 'access_token',
      appTypes: ['work'],
      idempotent: true,
      query: ['userid'],
      required: ['userid'],
      // The documented code, with WeCom's meaning: a bundle needs no errcode table for it.
      errcodes: { 60111: ['not_found', 'userid不存在'] },
      schema: 'function',
    });
    expect(plain(Work.sendRobotMessage.endpoint)).toEqual({
      id: 'Fixture.sendRobotMessage',
      method: 'POST',
      host: 'qyapi.weixin.qq.com',
      path: '/cgi-bin/webhook/send',
      auth: 'key',
      appTypes: ['work'],
      idempotent: false,
      body: ['msgtype', 'text'],
      required: ['msgtype'],
      schema: 'function',
    });
  });

  it('the registry carries every placement, constants, sensitive fields and pagination', () => {
    const byId = new Map(endpoints.map((e) => [e.id, e]));
    expect([...byId.keys()]).toEqual(['Fixture.listItems', 'Fixture.queryOrder', 'Fixture.updateItem', 'Fixture.getUser', 'Fixture.sendRobotMessage']);
    const update = byId.get('Fixture.updateItem')!;
    expect(update).toMatchObject({ protocol: 'pay_v3', encoding: 'json', response: 'json', module: 'pay/fixture' });
    expect(update.params.pathParams).toEqual({ item_id: { type: 'string', description: expect.any(String) } });
    expect(Object.keys(update.params.headers)).toEqual(['Wechatpay-Serial']);
    expect(update.params.body.contact_name).toMatchObject({ type: 'string', optional: true, sensitive: true });
    expect(update.result).toEqual({
      item_id: { type: 'string' },
      state: { type: 'string', description: 'ACTIVE or CLOSED' },
      amount: { type: 'integer', description: 'cents' },
    });
    const list = byId.get('Fixture.listItems')!;
    expect(list.params.query.state).toEqual({ type: 'string', const: 'ACTIVE', description: 'only active items are listed' });
    expect(list.pagination).toEqual({ style: 'offset', offset: 'offset', count: 'limit', items: 'data', total: 'total_count' });
    expect(byId.get('Fixture.queryOrder')).toMatchObject({ protocol: 'pay_v2', encoding: 'xml', response: 'xml', auth: 'pay_v2' });
    expect(byId.get('Fixture.sendRobotMessage')).toMatchObject({ auth: 'key', host: 'qyapi.weixin.qq.com', appTypes: ['work'] });
  });
});
