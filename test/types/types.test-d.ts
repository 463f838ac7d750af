// Compile-time guarantees of the public API. This file is checked by the TypeScript compiler (vitest
// typecheck mode, see vitest.config.ts) and never executed: a wrong expectTypeOf fails `npm test`.
// Even so, nothing here would send a request if it ran: every value-level call sits in a function
// that is never invoked, and the assertions look at the types of those functions' results.
import { describe, expectTypeOf, it } from 'vitest';
import { Material, Menu } from '../../generated/official-account/index.js';
import { Auth, WxaCode } from '../../generated/mini-program/index.js';
import { bind, createClient, type BinaryResult, type CallOptions, type Client, type WithResponse, type WxPromise } from '../../src/index.js';
import * as OfficialAccount from '../../generated/official-account/index.js';

// Never called. Calling createClient and the endpoints would reach api.weixin.qq.com.
function values() {
  const oa = createClient({ appType: 'official_account', appid: 'wx1234', appsecret: 's' });
  const mp = createClient({ appType: 'mini_program', appid: 'wx5678', appsecret: 's' });
  return {
    oa,
    mp,
    materials: Material.batchGetMaterial(oa, { type: 'image', offset: 0, count: 1 }),
    qrCode: WxaCode.getUnlimitedQrCode(mp, { scene: 'x' }),
    bound: bind(oa, OfficialAccount),
  };
}
type Values = ReturnType<typeof values>;

describe('public types', () => {
  it('clients carry their app type', () => {
    expectTypeOf<Values['oa']>().toEqualTypeOf<Client<'official_account'>>();
    expectTypeOf<Values['mp']['appType']>().toEqualTypeOf<'mini_program'>();
  });

  it('parameters are typed, enums included', () => {
    expectTypeOf(Material.batchGetMaterial).parameter(1).toEqualTypeOf<{ type: 'image' | 'video' | 'voice' | 'news'; offset: number; count: number }>();
    const compileOnly = (oa: Values['oa']): void => {
      // @ts-expect-error 'music' is not a material type
      void Material.batchGetMaterial(oa, { type: 'music', offset: 0, count: 1 });
      // @ts-expect-error count is required
      void Material.batchGetMaterial(oa, { type: 'image', offset: 0 });
    };
    expectTypeOf(compileOnly).toBeFunction();
  });

  it('results are typed and awaitable, with withResponse()', () => {
    expectTypeOf<Values['materials']>().toEqualTypeOf<WxPromise<Material.BatchGetMaterialResult>>();
    expectTypeOf<Awaited<Values['materials']>['item'][number]['media_id']>().toEqualTypeOf<string>();
    expectTypeOf<ReturnType<Values['materials']['withResponse']>>().toEqualTypeOf<Promise<WithResponse<Material.BatchGetMaterialResult>>>();
    expectTypeOf<Values['qrCode']>().toEqualTypeOf<WxPromise<BinaryResult>>();
  });

  it('endpoints without parameters take the client and options only', () => {
    expectTypeOf(Material.getMaterialCount).parameters.toEqualTypeOf<[Client<'official_account'>, (CallOptions | undefined)?]>();
    expectTypeOf(Menu.getMenu).parameter(0).toEqualTypeOf<Client<'official_account'>>();
  });

  it('an endpoint refuses a client of the wrong app type at compile time', () => {
    const compileOnly = (oa: Values['oa'], mp: Values['mp']): void => {
      // @ts-expect-error a mini program endpoint with an official account client
      void Auth.code2Session(oa, { js_code: 'c' });
      // @ts-expect-error an official account endpoint with a mini program client
      void Material.getMaterialCount(mp);
    };
    expectTypeOf(compileOnly).toBeFunction();
  });

  it('the bound facade keeps the types', () => {
    expectTypeOf<Values['bound']['Material']['getMaterialCount']>().returns.toEqualTypeOf<WxPromise<Material.GetMaterialCountResult>>();
    expectTypeOf<Values['bound']['Material']['batchGetMaterial']>().parameter(0).toEqualTypeOf<Material.BatchGetMaterialParams>();
  });

  it('bind() keeps only what the client may call: a mini program client has no official-account-only endpoints', () => {
    const compileOnly = (mp: Values['mp']): void => {
      const bound = bind(mp, OfficialAccount);
      // @ts-expect-error Material is official-account only
      void bound.Material.getMaterialCount();
      // @ts-expect-error the JS-SDK ticket is an official account's
      void bound.Credential.getTicket({ type: 'jsapi' });
    };
    expectTypeOf(compileOnly).toBeFunction();
  });

  it('a wxkit call takes the same handlers as any Promise', () => {
    const compileOnly = (p: Values['materials']): Promise<string | Material.BatchGetMaterialResult> => p.catch((e: Error) => e.message);
    expectTypeOf(compileOnly).returns.resolves.toEqualTypeOf<string | Material.BatchGetMaterialResult>();
  });
});

describe('paged lists', () => {
  it('iterate() yields the list element and takes the parameters without offset and count', () => {
    type Iterate = typeof Material.batchGetMaterial.iterate;
    type Item = NonNullable<Material.BatchGetMaterialResult['item']>[number];
    expectTypeOf<ReturnType<Iterate>>().toEqualTypeOf<AsyncGenerator<Item, void, undefined>>();
    expectTypeOf<Parameters<Iterate>[1]>().toEqualTypeOf<Omit<Material.BatchGetMaterialParams, 'offset' | 'count'>>();
    expectTypeOf<ReturnType<typeof Material.batchGetMaterial.pages>>().toEqualTypeOf<AsyncGenerator<Material.BatchGetMaterialResult, void, undefined>>();
    // An official account's list does not take a mini program client.
    expectTypeOf<Parameters<Iterate>[0]>().toEqualTypeOf<Client<'official_account'>>();
  });
});
