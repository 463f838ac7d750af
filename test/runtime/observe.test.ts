// Seeing what a client does: hooks on every attempt, one debug line per request, and failover to
// WeChat's backup hosts after a network failure of a retryable call (msw plays both hosts).
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import type { CallInfo, ErrorEventInfo, ResponseEventInfo } from '../../src/index.js';
import { server, testClient, tokenEndpoint, WX } from '../helpers.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const counts = { voice_count: 1, video_count: 2, image_count: 3, news_count: 4 };

describe('hooks', () => {
  it('see every attempt with endpoint, attempt, host and timing, a replay and its reason included, never a token', async () => {
    tokenEndpoint();
    let n = 0;
    server.use(
      http.get(`${WX}/cgi-bin/material/get_materialcount`, () =>
        ++n === 1 ? HttpResponse.json({ errcode: 40001, errmsg: 'invalid credential' }) : HttpResponse.json(counts),
      ),
    );
    const requests: CallInfo[] = [];
    const responses: ResponseEventInfo[] = [];
    const errors: ErrorEventInfo[] = [];
    const client = testClient({ hooks: { onRequest: (i) => requests.push(i), onResponse: (i) => responses.push(i), onError: (i) => errors.push(i) } });
    await Material.getMaterialCount(client);
    expect(requests.map((r) => `${r.endpoint}#${r.attempt}`)).toEqual([
      'Credential.getAccessToken#1',
      'Material.getMaterialCount#1',
      'Credential.getAccessToken#1',
      'Material.getMaterialCount#2',
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ endpoint: 'Material.getMaterialCount', attempt: 1, next: 'replay', host: 'api.weixin.qq.com' });
    expect(responses.at(-1)).toMatchObject({ endpoint: 'Material.getMaterialCount', attempt: 2, status: 200 });
    expect(typeof responses.at(-1)!.durationMs).toBe('number');
    // One callId for both attempts of the material call (the replay), another for each token fetch.
    const ids = requests.map((r) => r.callId);
    expect(ids[1]).toBe(ids[3]);
    expect(new Set(ids).size).toBe(3);
    expect(errors[0]!.callId).toBe(ids[1]);
    expect(responses.at(-1)!.callId).toBe(ids[1]);
    const all = JSON.stringify([requests, responses, errors.map((e) => ({ ...e, error: String(e.error) }))]);
    expect(all).not.toMatch(/access_token=T\d/);
    expect(all).not.toContain('test-secret-never-printed');
  });

  it('a hook that throws is reported and does not break the call', async () => {
    tokenEndpoint();
    server.use(http.get(`${WX}/cgi-bin/material/get_materialcount`, () => HttpResponse.json(counts)));
    const warnings: string[] = [];
    const client = testClient({
      logger: { warn: (m) => warnings.push(m) },
      hooks: {
        onRequest: () => {
          throw new Error('metrics down');
        },
      },
    });
    await expect(Material.getMaterialCount(client)).resolves.toEqual(counts);
    expect(warnings[0]).toMatch(/the onRequest hook threw: Error: metrics down/);
  });
});

describe('debug logging', () => {
  it('writes one line per request with the redacted URL, status, attempt and duration, and says so on retries', async () => {
    tokenEndpoint();
    let n = 0;
    server.use(
      http.get(`${WX}/cgi-bin/material/get_materialcount`, () => (++n === 1 ? HttpResponse.json({ errcode: -1, errmsg: 'busy' }) : HttpResponse.json(counts))),
    );
    const lines: string[] = [];
    await Material.getMaterialCount(testClient({ logger: { warn: () => undefined, debug: (m) => lines.push(m) } }));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^\[wxkit\] Credential\.getAccessToken GET https:\/\/api\.weixin\.qq\.com\/cgi-bin\/token\?grant_type=client_credential&appid=wx00000000000000aa&secret=\*\*\* attempt 1 → 200 \(\d+ ms\)$/,
    );
    expect(lines[1]).toMatch(/Material\.getMaterialCount GET .*access_token=\*\*\* attempt 1 → WxApiError errcode -1 \(\d+ ms\); retrying in \d+ ms$/);
    expect(lines[2]).toMatch(/attempt 2 → 200/);
    expect(lines.join('\n')).not.toContain('test-secret-never-printed');
  });
});

describe('backup hosts', () => {
  it('after a network failure a retryable call goes to api2.weixin.qq.com, and withResponse() names the host', async () => {
    tokenEndpoint();
    const hits: string[] = [];
    server.use(
      http.get(`${WX}/cgi-bin/material/get_materialcount`, () => (hits.push('api'), HttpResponse.error())),
      http.get('https://api2.weixin.qq.com/cgi-bin/material/get_materialcount', () => (hits.push('api2'), HttpResponse.json(counts))),
    );
    const { data, response } = await Material.getMaterialCount(testClient()).withResponse();
    expect(data).toEqual(counts);
    expect(hits).toEqual(['api', 'api2']);
    expect(response).toMatchObject({ host: 'api2.weixin.qq.com', attempts: 2 });
  });

  it('is off with backupHosts: false, and never used for a client pointed elsewhere', async () => {
    tokenEndpoint();
    const hits: string[] = [];
    server.use(
      http.get(`${WX}/cgi-bin/material/get_materialcount`, () => (hits.push('api'), hits.length < 2 ? HttpResponse.error() : HttpResponse.json(counts))),
      http.get('https://api2.weixin.qq.com/cgi-bin/material/get_materialcount', () => (hits.push('api2'), HttpResponse.json(counts))),
    );
    const { response } = await Material.getMaterialCount(testClient({ backupHosts: false })).withResponse();
    expect(hits).toEqual(['api', 'api']);
    expect(response.host).toBe('api.weixin.qq.com');
  });

  it('a non-retryable send is not sent to a backup host', async () => {
    tokenEndpoint();
    const hits: string[] = [];
    server.use(
      http.post(`${WX}/cgi-bin/message/custom/send`, () => (hits.push('api'), HttpResponse.error())),
      http.post('https://api2.weixin.qq.com/cgi-bin/message/custom/send', () => (hits.push('api2'), HttpResponse.json({ errcode: 0 }))),
    );
    await expect(testClient().request({ method: 'POST', path: '/cgi-bin/message/custom/send', body: { touser: 'o' } })).rejects.toMatchObject({
      name: 'WxNetworkError',
    });
    expect(hits).toEqual(['api']);
  });
});
