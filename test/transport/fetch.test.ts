// The portable transports against a loopback server: fetchTransport (the default outside Node)
// and kyTransport (a ky instance of the app's own runs the exchange, its hooks included).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ky from 'ky';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import { createClient, WxAbortError, WxNetworkError, WxTimeoutError } from '../../src/index.js';
import { fetchTransport } from '../../src/transport/fetch.js';
import { kyTransport } from '../../src/transport/ky.js';
import type { Transport } from '../../src/transport/types.js';

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const seen: Seen[] = [];
let base: string;
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body });
    if (req.url?.startsWith('/trickle')) {
      // Headers at once, then the body a byte at a time, never finished.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const tick = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(tick));
      return;
    }
    if (req.url?.startsWith('/cgi-bin/material/get_materialcount')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"voice_count":1,"video_count":2,"image_count":3,"news_count":4}');
      return;
    }
    res.writeHead(201, { 'content-type': 'application/json', 'x-one': 'a' }).end(JSON.stringify({ echo: body }));
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const transports: [string, () => Transport][] = [
  ['fetchTransport', () => fetchTransport()],
  ['kyTransport', () => kyTransport()],
];

describe.each(transports)('%s', (_name, make) => {
  it('sends method, headers and body, and hands back status, headers and the buffered body', async () => {
    seen.length = 0;
    const res = await make().send({
      method: 'POST',
      url: new URL(`${base}/p?q=1`),
      body: '{"a":"中文"}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      timeoutMs: 5000,
      endpoint: 'X.y',
    });
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-one')).toBe('a');
    expect(await res.json()).toEqual({ echo: '{"a":"中文"}' });
    expect(await res.text()).toBe(JSON.stringify({ echo: '{"a":"中文"}' }));
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/p?q=1', body: '{"a":"中文"}' });
    expect(seen[0]!.headers['user-agent']).toBe('wxkit');
  });

  it('bounds the body as well as the headers with its one timer, and honours the caller’s abort', async () => {
    const url = new URL(`${base}/trickle?access_token=SECRET_TOKEN_VALUE`);
    const error = await make()
      .send({ method: 'GET', url, timeoutMs: 150, endpoint: 'X.slow' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxTimeoutError);
    expect(String((error as Error).message)).not.toContain('SECRET_TOKEN_VALUE');
    const controller = new AbortController();
    const pending = make().send({ method: 'GET', url, timeoutMs: 5000, endpoint: 'X.slow', signal: controller.signal });
    setTimeout(() => controller.abort(new WxAbortError('X.slow', new Error('stopped'))), 50);
    await expect(pending).rejects.toBeInstanceOf(WxAbortError);
  });

  it('reports a refused connection as a WxNetworkError naming no credential', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const error = await make()
      .send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/x?access_token=SECRET_TOKEN_VALUE`), timeoutMs: 2000, endpoint: 'X.y' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxNetworkError);
    expect(JSON.stringify({ m: (error as Error).message, s: (error as Error).stack })).not.toContain('SECRET_TOKEN_VALUE');
  });
});

describe('kyTransport with an instance of the app’s own', () => {
  it('runs its hooks on the exchange of a typed call, and what they set reaches WeChat', async () => {
    seen.length = 0;
    const hooked: string[] = [];
    const instance = ky.create({
      hooks: {
        beforeRequest: [
          (request) => {
            hooked.push(new URL(request.url).pathname);
            request.headers.set('x-request-source', 'billing');
          },
        ],
      },
    });
    const oa = createClient({
      appType: 'official_account',
      appid: 'wx0123456789abcdef',
      accessToken: { get: async () => 'STATIC_TOKEN_VALUE', invalidate: async () => {} },
      baseUrl: base,
      transport: kyTransport({ ky: instance }),
    });
    expect(await Material.getMaterialCount(oa)).toEqual({ voice_count: 1, video_count: 2, image_count: 3, news_count: 4 });
    expect(hooked).toEqual(['/cgi-bin/material/get_materialcount']);
    expect(seen.at(-1)!.headers['x-request-source']).toBe('billing');
    expect(seen.at(-1)!.url).toBe('/cgi-bin/material/get_materialcount?access_token=STATIC_TOKEN_VALUE');
  });
});
