// wxkit/registry over the generated registry: look-ups, and examples kept apart from the entries.
import { describe, expect, it } from 'vitest';
import { endpoints, findByRoute, findEndpoint, findExample } from '../../src/registry/index.js';

describe('wxkit/registry', () => {
  it('holds every endpoint once, sorted by id, without examples', () => {
    const ids = endpoints.map((e) => e.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(endpoints.some((e) => 'example' in e)).toBe(false);
    expect(findEndpoint('Material.batchGetMaterial')).toMatchObject({
      method: 'POST',
      protocol: 'wechat',
      encoding: 'json',
      module: 'official-account/material',
    });
  });

  it('finds endpoints by route, and examples on demand', async () => {
    expect(findByRoute('get', '/cgi-bin/token').map((e) => e.id)).toEqual(['Credential.getAccessToken']);
    expect(findByRoute('GET', '/cgi-bin/showqrcode', 'mp.weixin.qq.com').map((e) => e.id)).toEqual(['QrCode.showQrCode']);
    expect(findByRoute('GET', '/nowhere')).toEqual([]);
    expect(await findExample('Credential.getAccessToken')).toEqual({ access_token: 'ACCESS_TOKEN_EXAMPLE_0001', expires_in: 7200 });
    expect(await findExample('Material.getHdVoice')).toBeUndefined();
    expect(await findExample('Nope.nothing')).toBeUndefined();
  });

  it('carries the v2 facts: constants, pagination, markers, json_or_binary', () => {
    expect(findEndpoint('Credential.getAccessToken')!.params.query.grant_type).toEqual({ type: 'string', const: 'client_credential' });
    expect(findEndpoint('User.getUsers')!.pagination).toEqual({
      style: 'next_openid',
      cursor: 'next_openid',
      next: 'next_openid',
      items: 'data.openid',
      total: 'total',
    });
    expect(findEndpoint('Component.clearQuota')!.unverified).toMatch(/10 resets a month/);
    expect(findEndpoint('QrCode.createShortUrl')!.deprecated).toMatch(/generateShortKey/);
    expect(findEndpoint('Material.getMaterial')).toMatchObject({ response: 'json_or_binary', result: { down_url: { type: 'string', optional: true } } });
  });
});
