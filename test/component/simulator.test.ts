// The simulator's third-party platform side on its own: the checks WeChat makes, reached by raw HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_COMPONENTS, startSimulator, type Simulator } from '../../src/simulator/index.js';

const C = DEMO_COMPONENTS[0]!;
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

describe('simulated third-party platform', () => {
  it('checks appsecret and ticket on api_component_token, and the token on the other endpoints', async () => {
    const body = { component_appid: C.componentAppid, component_appsecret: C.componentAppsecret, component_verify_ticket: 'ticket@@@never-pushed' };
    expect(await post('/cgi-bin/component/api_component_token', { ...body, component_appid: 'wxnope' })).toMatchObject({ errcode: 40013 });
    expect(await post('/cgi-bin/component/api_component_token', { ...body, component_appsecret: 'wrong' })).toMatchObject({ errcode: 40125 });
    expect(await post('/cgi-bin/component/api_component_token', body)).toMatchObject({ errcode: 61006 });

    // A push to nowhere fails loudly rather than passing silently.
    await expect(sim.pushVerifyTicket(C.componentAppid, 'http://127.0.0.1:1/unreachable')).rejects.toThrow();

    expect(await post('/cgi-bin/component/api_create_preauthcode', { component_appid: C.componentAppid })).toMatchObject({ errcode: 41001 });
    expect(await post('/cgi-bin/component/api_create_preauthcode?component_access_token=made-up', { component_appid: C.componentAppid })).toMatchObject({
      errcode: 40001,
    });
  });

  it('issues single-use auth codes whose tokens the ordinary access_token check accepts', async () => {
    sim.reset();
    const events: string[] = [];
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      events.push(req.url ?? '');
      res.end('success');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const eventUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/events`;
    try {
      const { ticket } = await sim.pushVerifyTicket(C.componentAppid, eventUrl);
      const token = (
        await post('/cgi-bin/component/api_component_token', {
          component_appid: C.componentAppid,
          component_appsecret: C.componentAppsecret,
          component_verify_ticket: ticket,
        })
      ).component_access_token as string;
      expect(sim.counters().componentTokenRequests[C.componentAppid]).toBe(1);
      const { authCode, push } = await sim.authorize(C.componentAppid, 'wx00000000000000d4', { appType: 'mini_program' });
      expect(push?.status).toBe(200);
      expect(events).toHaveLength(2);
      const q = `?component_access_token=${token}`;
      const auth = (await post(`/cgi-bin/component/api_query_auth${q}`, { component_appid: C.componentAppid, authorization_code: authCode }))
        .authorization_info as Record<string, string>;
      expect(auth.authorizer_appid).toBe('wx00000000000000d4');
      expect(await post(`/cgi-bin/component/api_query_auth${q}`, { component_appid: C.componentAppid, authorization_code: authCode })).toMatchObject({
        errcode: 61009,
      });
      expect(await post(`/cgi-bin/component/api_query_auth${q}`, { component_appid: 'wx00000000000000c2', authorization_code: authCode })).toMatchObject({
        errcode: 61011,
      });
      const img = await fetch(`${sim.url}/wxa/getwxacodeunlimit?access_token=${auth.authorizer_access_token}`, { method: 'POST', body: '{"scene":"a"}' });
      expect(img.headers.get('content-type')).toBe('image/png');
      expect(
        await post(`/cgi-bin/component/api_authorizer_token${q}`, {
          component_appid: C.componentAppid,
          authorizer_appid: 'wx00000000000000d4',
          authorizer_refresh_token: 'stolen',
        }),
      ).toMatchObject({
        errcode: 61023,
      });
      expect(
        await post(`/cgi-bin/component/api_set_authorizer_option${q}`, {
          component_appid: C.componentAppid,
          authorizer_appid: 'wx00000000000000d4',
          option_name: 'nope',
          option_value: '1',
        }),
      ).toMatchObject({
        errcode: 61012,
      });
      await sim.unauthorize(C.componentAppid, 'wx00000000000000d4');
      expect(events).toHaveLength(3);
      expect(
        await post(`/cgi-bin/component/api_get_authorizer_info${q}`, { component_appid: C.componentAppid, authorizer_appid: 'wx00000000000000d4' }),
      ).toMatchObject({ errcode: 61003 });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
