// Compile-time guarantees of wxkit/component (checked by tsc over test/; the runtime part is trivial).
import { describe, expectTypeOf, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import { WxaCode } from '../../generated/mini-program/index.js';
import { Component, createComponent, type AuthorizerClient, type ComponentEvents } from '../../src/component/index.js';
import { memoryStorage, type Client, type WxPromise } from '../../src/index.js';

const component = createComponent({ componentAppid: 'wx00000000000000c1', componentAppsecret: 's', storage: memoryStorage() });

// Never called: only type-checked.
function compileOnly(): void {
  const any = component.authorizer('wx00000000000000a1');
  void Material.getMaterialCount(any); // an authorizer of unknown type fits official-account functions…
  void WxaCode.getUnlimitedQrCode(any, { scene: 'x' }); // …and mini-program ones
  const mp = component.authorizer('wx00000000000000a1', { appType: 'mini_program' });
  // @ts-expect-error a mini program authorizer with an official account endpoint
  void Material.getMaterialCount(mp);
  // (An AuthorizerClient also type-checks against Component functions; the runtime refuses it.)
  void Component.createPreAuthCode(component.client, { component_appid: 'x' });
  // @ts-expect-error the ticket is required
  void Component.getComponentAccessToken(component.client, { component_appid: 'x', component_appsecret: 'y' });
}

describe('wxkit/component types', () => {
  it('authorizer clients and the component client', () => {
    expectTypeOf(component.authorizer('wx00000000000000a1')).toEqualTypeOf<AuthorizerClient>();
    expectTypeOf(component.authorizer('wx00000000000000a1', { appType: 'official_account' })).toEqualTypeOf<Client<'official_account'>>();
    expectTypeOf(component.client).toEqualTypeOf<Client<'component'>>();
    expectTypeOf(Component.getAuthorizerList(component.client, { component_appid: 'x', offset: 0, count: 1 })).toEqualTypeOf<
      WxPromise<Component.GetAuthorizerListResult>
    >();
    expectTypeOf(compileOnly).toBeFunction();
  });

  it('events are typed by name', () => {
    component.on('authorized', (e) => {
      expectTypeOf(e.authorizer.appType).toEqualTypeOf<'official_account' | 'mini_program' | undefined>();
    });
    component.on('component_verify_ticket', (e) => {
      expectTypeOf(e.ticket).toEqualTypeOf<string>();
    });
    expectTypeOf<ComponentEvents['error']['stage']>().toExtend<string>();
  });
});
