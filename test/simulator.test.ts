import { afterEach, describe, expect, it } from 'vitest';
import { Material } from '../generated/official-account/index.js';
import { WxaCode } from '../generated/mini-program/index.js';
import { createClient, WxApiError } from '../src/index.js';
import { DEMO_APPS, startSimulator, type Simulator } from '../src/simulator/index.js';

const [OA, MP] = DEMO_APPS as [(typeof DEMO_APPS)[0], (typeof DEMO_APPS)[0]];
let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function raw(path: string, init?: RequestInit): Promise<Record<string, unknown>> {
  return (await fetch(`${sim!.url}${path}`, init)).json() as Promise<Record<string, unknown>>;
}

describe('simulator', () => {
  it('checks appid and secret on the token endpoint', async () => {
    sim = await startSimulator();
    expect(await raw(`/cgi-bin/token?grant_type=client_credential&appid=wxnope&secret=x`)).toMatchObject({ errcode: 40013 });
    expect(await raw(`/cgi-bin/token?grant_type=client_credential&appid=${OA.appid}&secret=wrong`)).toMatchObject({ errcode: 40125 });
    expect(await raw(`/cgi-bin/token?grant_type=client_credential&appid=${OA.appid}&secret=${OA.secret}`)).toMatchObject({ expires_in: 7200 });
    expect(sim.counters().tokenRequests[OA.appid]).toBe(1);
  });

  it('enforces access_token: missing 41001, unknown or replaced 40001, expired 42001', async () => {
    let now = Date.now();
    sim = await startSimulator({ now: () => now, tokenTtlSeconds: 60 });
    const path = '/cgi-bin/material/get_materialcount';
    expect(await raw(path)).toMatchObject({ errcode: 41001 });
    expect(await raw(`${path}?access_token=made-up`)).toMatchObject({ errcode: 40001 });
    const first = (await raw(`/cgi-bin/token?grant_type=client_credential&appid=${OA.appid}&secret=${OA.secret}`)).access_token as string;
    expect(await raw(`${path}?access_token=${first}`)).toMatchObject({ image_count: 3 });
    const second = (await raw(`/cgi-bin/token?grant_type=client_credential&appid=${OA.appid}&secret=${OA.secret}`)).access_token as string;
    expect(await raw(`${path}?access_token=${first}`)).toMatchObject({ errcode: 40001 });
    now += 61_000;
    expect(await raw(`${path}?access_token=${second}`)).toMatchObject({ errcode: 42001 });
  });

  it('stable_token returns the current token unless force_refresh', async () => {
    sim = await startSimulator();
    const post = (force: boolean) =>
      raw('/cgi-bin/stable_token', {
        method: 'POST',
        body: JSON.stringify({ grant_type: 'client_credential', appid: MP.appid, secret: MP.secret, force_refresh: force }),
      });
    const a = await post(false);
    const b = await post(false);
    const c = await post(true);
    expect(b.access_token).toBe(a.access_token);
    expect(c.access_token).not.toBe(a.access_token);
  });

  it('refuses endpoints of another app type with 48001, and missing parameters with 40035', async () => {
    sim = await startSimulator();
    const oa = createClient({ appType: 'official_account', appid: OA.appid, appsecret: OA.secret, baseUrl: sim.url });
    const token = await oa.getAccessToken();
    expect(await raw(`/wxa/getwxacode?access_token=${token}`, { method: 'POST', body: '{"path":"a"}' })).toMatchObject({ errcode: 48001 });
    await expect(oa.request({ path: '/cgi-bin/material/batchget_material', body: { type: 'image' } })).rejects.toMatchObject({ errcode: 40035 });
  });

  it('serves binary endpoints as real PNG and injects faults on request', async () => {
    sim = await startSimulator();
    const mp = createClient({ appType: 'mini_program', appid: MP.appid, appsecret: MP.secret, baseUrl: sim.url, retry: { retries: 0 } });
    const img = await WxaCode.getUnlimitedQrCode(mp, { scene: 'a=1' });
    expect(Buffer.from(img.data.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
    sim.inject({ path: '/wxa/getwxacodeunlimit', errcode: 45009 });
    await expect(WxaCode.getUnlimitedQrCode(mp, { scene: 'a=1' })).rejects.toMatchObject({ errcode: 45009, category: 'rate_limit' });
    sim.inject({ path: '/wxa/getwxacodeunlimit', status: 500 });
    await expect(WxaCode.getUnlimitedQrCode(mp, { scene: 'a=1' })).rejects.toMatchObject({ name: 'WxHttpError', status: 500 });
    expect((await WxaCode.getUnlimitedQrCode(mp, { scene: 'a=1' })).data.length).toBeGreaterThan(100);
    expect(sim.counters().calls['/wxa/getwxacodeunlimit']).toBe(4);
  });

  it('invalidateToken makes the client refresh once and replay', async () => {
    sim = await startSimulator();
    const oa = createClient({ appType: 'official_account', appid: OA.appid, appsecret: OA.secret, baseUrl: sim.url });
    await Material.getMaterialCount(oa);
    sim.invalidateToken(OA.appid);
    const r = await Material.getMaterialCount(oa).withResponse();
    expect(r.response.attempts).toBe(2);
    expect(sim.counters().tokenRequests[OA.appid]).toBe(2);
  });

  it('control routes work over HTTP for other processes', async () => {
    sim = await startSimulator();
    await raw('/__simulator/faults', { method: 'POST', body: JSON.stringify({ path: '/cgi-bin/material/get_materialcount', errcode: -1 }) });
    const oa = createClient({ appType: 'official_account', appid: OA.appid, appsecret: OA.secret, baseUrl: sim.url, retry: { retries: 0 } });
    const e = await Material.getMaterialCount(oa).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxApiError);
    expect(await raw('/__simulator/counters')).toMatchObject({ tokenRequests: { [OA.appid]: 1 } });
  });
});
