import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import { Auth } from '../../generated/mini-program/index.js';
import { createClient, WxApiError, WxConfigError, WxHttpError, WxNetworkError, WxTimeoutError, WxValidationError } from '../../src/index.js';
import { APPID, SECRET, server, testClient, tokenEndpoint, WX } from '../helpers.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function answer(path: string, method: 'get' | 'post', body: unknown, status = 200) {
  let calls = 0;
  server.use(
    http[method](`${WX}${path}`, () => {
      calls++;
      return typeof body === 'string'
        ? new HttpResponse(body, { status, headers: { 'content-type': 'text/html' } })
        : HttpResponse.json(body as Record<string, unknown>, { status });
    }),
  );
  return () => calls;
}

function assertNoSecrets(e: unknown) {
  const text = `${String(e)} ${JSON.stringify(e)} ${(e as Error).stack}`;
  expect(text).not.toContain(SECRET);
  expect(text).not.toMatch(/access_token=T\d/);
}

describe('errcode → typed error', () => {
  it('carries errcode, errmsg, rid, endpoint and the official message', async () => {
    tokenEndpoint();
    answer('/cgi-bin/material/batchget_material', 'post', { errcode: 40007, errmsg: 'invalid media_id rid: 654df33c-64386a2f-29857782' });
    const e = await Material.batchGetMaterial(testClient(), { type: 'image', offset: 0, count: 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxApiError);
    expect(e).toMatchObject({ errcode: 40007, rid: '654df33c-64386a2f-29857782', endpoint: 'Material.batchGetMaterial', category: 'parameter' });
    expect((e as WxApiError).info.zh).toBe('不合法的媒体文件 id');
    expect((e as Error).message).toContain('Material.batchGetMaterial: errcode 40007 (不合法的媒体文件 id)');
    assertNoSecrets(e);
  });

  it('a wrong appsecret fails with 40125 and never shows the secret', async () => {
    tokenEndpoint();
    const client = createClient({ appType: 'official_account', appid: APPID, appsecret: 'wrong-secret-value' });
    const e = await Material.getMaterialCount(client).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'WxApiError', errcode: 40125, category: 'credential', endpoint: 'Credential.getAccessToken' });
    expect(JSON.stringify(e) + String(e)).not.toContain('wrong-secret-value');
  });

  it('codes missing from the table still map, with a category', async () => {
    tokenEndpoint();
    answer('/cgi-bin/material/get_materialcount', 'get', { errcode: 99999999, errmsg: 'new in 2031' });
    await expect(Material.getMaterialCount(testClient())).rejects.toMatchObject({ errcode: 99999999, category: 'other' });
  });

  it('HTTP errors without an errcode body become WxHttpError with a redacted URL', async () => {
    tokenEndpoint();
    answer('/cgi-bin/material/get_materialcount', 'get', '<html>bad gateway</html>', 502);
    const e = await Material.getMaterialCount(testClient({ retry: { retries: 0 } })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxHttpError);
    expect((e as WxHttpError).status).toBe(502);
    assertNoSecrets(e);
  });

  it('network failures become WxNetworkError naming the host but no credential', async () => {
    tokenEndpoint();
    server.use(http.get(`${WX}/cgi-bin/material/get_materialcount`, () => HttpResponse.error()));
    const e = await Material.getMaterialCount(testClient({ retry: { retries: 0 } })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxNetworkError);
    expect((e as Error).message).toContain('https://api.weixin.qq.com/cgi-bin/material/get_materialcount');
    assertNoSecrets(e);
  });

  it('slow answers become WxTimeoutError', async () => {
    tokenEndpoint();
    server.use(
      http.get(`${WX}/cgi-bin/material/get_materialcount`, async () => {
        await new Promise((r) => setTimeout(r, 500));
        return HttpResponse.json({});
      }),
    );
    await expect(Material.getMaterialCount(testClient({ timeoutMs: 50, retry: { retries: 0 } }))).rejects.toBeInstanceOf(WxTimeoutError);
  });

  it('missing required parameters are refused before any request', async () => {
    const tokens = tokenEndpoint();
    const e = await Material.batchGetMaterial(testClient(), { type: 'image' } as never).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxValidationError);
    expect((e as Error).message).toBe('Material.batchGetMaterial: invalid request: offset: required; count: required');
    expect(tokens.count).toBe(0);
  });

  it('an endpoint of another app type is refused', async () => {
    const e = await Auth.code2Session(testClient() as never, { js_code: 'c' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxConfigError);
    expect((e as Error).message).toMatch(/Auth\.code2Session is for mini_program apps; this client is official_account/);
  });

  it('bad client options are refused with the field named', () => {
    expect(() => createClient({ appType: 'official_account', appid: '', appsecret: 'x' })).toThrow(/appid must be/);
    expect(() => createClient({ appType: 'game' as never, appid: 'wx1234', appsecret: 'x' })).toThrow(/appType must be/);
    expect(() => createClient({ appType: 'mini_program', appid: 'wx1234' })).toThrow(/needs an appsecret/);
  });

  it('response validation: strict throws naming the field, warn logs, off passes through', async () => {
    tokenEndpoint();
    answer('/cgi-bin/material/get_materialcount', 'get', { voice_count: '1', video_count: 2, image_count: 3, news_count: 4 });
    const strict = await Material.getMaterialCount(testClient({ validation: 'strict' })).catch((x: unknown) => x);
    expect(strict).toBeInstanceOf(WxValidationError);
    expect((strict as Error).message).toMatch(/invalid response: voice_count: /);
    const warnings: string[] = [];
    const warned = await Material.getMaterialCount(testClient({ validation: 'warn', logger: { warn: (m) => warnings.push(m) } }));
    expect(warned.voice_count).toBe('1');
    expect(warnings[0]).toMatch(/Material\.getMaterialCount: response does not match the catalog schema: voice_count/);
    expect((await Material.getMaterialCount(testClient())).voice_count).toBe('1');
  });
});

describe('retries are semantic', () => {
  it('idempotent endpoints retry errcode -1, 5xx and network errors, then succeed', async () => {
    tokenEndpoint();
    let n = 0;
    server.use(
      http.get(`${WX}/cgi-bin/material/get_materialcount`, () => {
        n++;
        if (n === 1) return HttpResponse.json({ errcode: -1, errmsg: 'system error' });
        if (n === 2) return new HttpResponse('oops', { status: 503 });
        if (n === 3) return HttpResponse.error();
        return HttpResponse.json({ voice_count: 0, video_count: 0, image_count: 0, news_count: 0 });
      }),
    );
    // One host on purpose: failover to backup hosts has its own tests (observe.test.ts).
    const r = await Material.getMaterialCount(testClient({ retry: { retries: 3 }, backupHosts: false })).withResponse();
    expect(n).toBe(4);
    expect(r.response.attempts).toBe(4);
  });

  it('gives up after the configured retries', async () => {
    tokenEndpoint();
    const calls = answer('/cgi-bin/material/get_materialcount', 'get', { errcode: -1, errmsg: 'system error' });
    await expect(Material.getMaterialCount(testClient({ retry: { retries: 2 } }))).rejects.toMatchObject({ errcode: -1, category: 'system_busy' });
    expect(calls()).toBe(3);
  });

  it('non-idempotent endpoints (uploads, sends) are never retried', async () => {
    tokenEndpoint();
    const calls = answer('/cgi-bin/media/uploadimg', 'post', { errcode: -1, errmsg: 'system error' });
    const media = { data: new Uint8Array([1]), filename: 'a.png' };
    await expect(Material.uploadImage(testClient({ retry: { retries: 5 } }), { media })).rejects.toMatchObject({ errcode: -1 });
    expect(calls()).toBe(1);
  });

  it('raw requests are not retried unless marked idempotent', async () => {
    tokenEndpoint();
    const calls = answer('/cgi-bin/some/new_api', 'post', { errcode: -1, errmsg: 'busy' });
    await expect(testClient().request({ path: '/cgi-bin/some/new_api', body: { a: 1 } })).rejects.toMatchObject({ errcode: -1 });
    expect(calls()).toBe(1);
    await expect(testClient().request({ path: '/cgi-bin/some/new_api', body: { a: 1 }, idempotent: true })).rejects.toMatchObject({ errcode: -1 });
    expect(calls()).toBe(1 + 4); // the default: 3 retries after the first attempt
  });
});
