import { describe, expectTypeOf, it } from 'vitest';
import { Material, Menu } from '../../generated/official-account/index.js';
import { Auth, WxaCode } from '../../generated/mini-program/index.js';
import { bind, createClient, type BinaryResult, type Client, type WithResponse, type WxPromise } from '../../src/index.js';
import * as OfficialAccount from '../../generated/official-account/index.js';

describe('public types', () => {
  const oa = createClient({ appType: 'official_account', appid: 'wx1234', appsecret: 's' });
  const mp = createClient({ appType: 'mini_program', appid: 'wx5678', appsecret: 's' });

  it('clients carry their app type', () => {
    expectTypeOf(oa).toEqualTypeOf<Client<'official_account'>>();
    expectTypeOf(mp.appType).toEqualTypeOf<'mini_program'>();
  });

  it('parameters are typed, enums included', () => {
    expectTypeOf(Material.batchGetMaterial).parameter(1).toEqualTypeOf<{ type: 'image' | 'video' | 'voice' | 'news'; offset: number; count: number }>();
    // @ts-expect-error 'music' is not a material type
    void Material.batchGetMaterial(oa, { type: 'music', offset: 0, count: 1 });
    // @ts-expect-error count is required
    void Material.batchGetMaterial(oa, { type: 'image', offset: 0 });
  });

  it('results are typed and awaitable, with withResponse()', () => {
    const p = Material.batchGetMaterial(oa, { type: 'image', offset: 0, count: 1 });
    expectTypeOf(p).toEqualTypeOf<WxPromise<Material.BatchGetMaterialResult>>();
    expectTypeOf<Awaited<typeof p>['item'][number]['media_id']>().toEqualTypeOf<string>();
    expectTypeOf(p.withResponse()).toEqualTypeOf<Promise<WithResponse<Material.BatchGetMaterialResult>>>();
    expectTypeOf(WxaCode.getUnlimitedQrCode(mp, { scene: 'x' })).toEqualTypeOf<WxPromise<BinaryResult>>();
  });

  it('endpoints without parameters take the client and options only', () => {
    expectTypeOf(Material.getMaterialCount).parameters.toEqualTypeOf<[Client<'official_account'>, (import('../../src/index.js').CallOptions | undefined)?]>();
    expectTypeOf(Menu.getMenu).parameter(0).toEqualTypeOf<Client<'official_account'>>();
  });

  it('an endpoint refuses a client of the wrong app type at compile time', () => {
    // @ts-expect-error a mini program endpoint with an official account client
    void Auth.code2Session(oa, { js_code: 'c', grant_type: 'authorization_code' });
    // @ts-expect-error an official account endpoint with a mini program client
    void Material.getMaterialCount(mp);
  });

  it('the bound facade keeps the types', () => {
    const bound = bind(oa, OfficialAccount);
    expectTypeOf(bound.Material.getMaterialCount).returns.toEqualTypeOf<WxPromise<Material.GetMaterialCountResult>>();
    expectTypeOf(bound.Material.batchGetMaterial).parameter(0).toEqualTypeOf<Material.BatchGetMaterialParams>();
  });
});
