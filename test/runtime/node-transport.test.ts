// nodeTransport() against a real local node:http server: bodies of every kind, the web Response it
// hands back, and its failures (timeout, refused, abort) mapped to wxkit errors without tokens.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import { createClient, WxHttpError, WxNetworkError, WxTimeoutError } from '../../src/index.js';
import type { HttpRequest } from '../../src/transport/types.js';
import { BufferedResponse } from '../../src/transport/buffered-response.js';
import { nodeTransport } from '../../src/transport/node.js';

const TOKEN = 'SECRET_TOKEN_never_in_messages';
const PNG = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 255, 1, 2]);

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  remotePort: number | undefined;
}

let server: http.Server;
let base: string;
let seen: Seen[] = [];
let handler: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, remotePort: req.socket.remotePort });
      handler(req, res, body);
    });
  });
  server.on('connection', (s: Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  seen = [];
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

function json(res: http.ServerResponse, value: unknown, status = 200): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function request(over: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', url: new URL(`/cgi-bin/x?access_token=${TOKEN}`, base), timeoutMs: 5_000, endpoint: 'Test.call', ...over };
}

/** WeChat-like routes: a token endpoint and whatever the test adds. */
function wechat(routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void>): void {
  handler = (req, res, body) => {
    const path = new URL(req.url!, base).pathname;
    if (path === '/cgi-bin/token') return json(res, { access_token: TOKEN, expires_in: 7200 });
    const route = routes[path];
    if (route) return route(req, res, body);
    json(res, { errcode: 404, errmsg: 'not here' }, 404);
  };
}

const client = () =>
  createClient({
    appType: 'official_account',
    appid: 'wx00000000000000aa',
    appsecret: 'secret',
    baseUrl: base,
    transport: nodeTransport(),
    retry: { retries: 0 },
  });

describe('nodeTransport: bodies', () => {
  it('sends JSON and hands back a buffered answer the runtime reads', async () => {
    wechat({ '/cgi-bin/x': (_req, res, body) => json(res, { echo: JSON.parse(body.toString()) }) });
    const res = await nodeTransport().send(request({ method: 'POST', body: JSON.stringify({ a: 1, s: '中文' }), headers: { 'x-trace': 't1' } }));
    expect(res).toBeInstanceOf(BufferedResponse);
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ echo: { a: 1, s: '中文' } });
    const got = seen[0]!;
    expect(got.method).toBe('POST');
    expect(got.url).toBe(`/cgi-bin/x?access_token=${TOKEN}`);
    expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify({ a: 1, s: '中文' }))));
    expect(got.headers['user-agent']).toBe('wxkit');
    expect(got.headers['x-trace']).toBe('t1');
  });

  it('runs a generated endpoint end to end, token included', async () => {
    wechat({
      '/cgi-bin/material/batchget_material': (req, res, body) =>
        json(res, {
          total_count: 1,
          item_count: 1,
          item: [{ media_id: 'M1', update_time: 1 }],
          token: new URL(req.url!, base).searchParams.get('access_token'),
          body: JSON.parse(body.toString()),
        }),
    });
    const r = (await Material.batchGetMaterial(client(), { type: 'image', offset: 0, count: 20 })) as unknown as Record<string, unknown>;
    expect(r.item_count).toBe(1);
    expect(r.token).toBe(TOKEN);
    expect(r.body).toEqual({ type: 'image', offset: 0, count: 20 });
  });

  it('returns binary bodies byte for byte, with content type and file name', async () => {
    wechat({
      '/cgi-bin/media/get': (_req, res) => {
        res.writeHead(200, { 'content-type': 'image/png', 'content-disposition': 'attachment; filename="MEDIA.png"', 'content-length': PNG.length });
        res.end(Buffer.from(PNG));
      },
    });
    const r = await Material.getTempMedia(client(), { media_id: 'MEDIA' });
    if (!('data' in r)) throw new Error('expected bytes');
    expect(r.contentType).toBe('image/png');
    expect(r.filename).toBe('MEDIA.png');
    expect(Array.from(r.data)).toEqual(Array.from(PNG));
  });

  it('sends FormData as multipart with its boundary, file name and type', async () => {
    let parsed: FormData | undefined;
    wechat({
      '/cgi-bin/x': (req, res, body) => {
        // Parse the bytes the way a server would: through the multipart parser of a web Request.
        parsed = undefined;
        void new Request('http://parse.local/', { method: 'POST', headers: { 'content-type': req.headers['content-type']! }, body: new Uint8Array(body) })
          .formData()
          .then((f) => (parsed = f))
          .finally(() => json(res, { ok: true }));
      },
    });
    const form = new FormData();
    form.append('media', new Blob([PNG], { type: 'image/png' }), 'cover.png');
    form.append('description', '{"title":"t"}');
    const res = await nodeTransport().send(request({ method: 'POST', body: form }));
    expect(await res.json()).toEqual({ ok: true });
    expect(seen[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen[0]!.headers['content-length']).toBe(String(seen[0]!.body.length));
    const file = parsed!.get('media') as File;
    expect(file.name).toBe('cover.png');
    expect(file.type).toBe('image/png');
    expect(Array.from(new Uint8Array(await file.arrayBuffer()))).toEqual(Array.from(PNG));
    expect(parsed!.get('description')).toBe('{"title":"t"}');
  });

  it('uploads through a generated endpoint', async () => {
    let size = 0;
    wechat({ '/cgi-bin/media/uploadimg': (_req, res, body) => ((size = body.length), json(res, { url: 'http://mmbiz.qpic.cn/x' })) });
    const r = await Material.uploadImage(client(), { media: { data: PNG, filename: 'a.png' } });
    expect(r.url).toBe('http://mmbiz.qpic.cn/x');
    expect(size).toBeGreaterThan(PNG.length);
  });

  it('serves the buffered body through every Response reader, more than once', async () => {
    wechat({
      '/cgi-bin/x': (_req, res) => (
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': PNG.length }), res.end(Buffer.from(PNG))
      ),
    });
    const res = (await nodeTransport().send(request())) as BufferedResponse;
    expect(res).toBeInstanceOf(BufferedResponse);
    expect(Array.from(new Uint8Array(await res.arrayBuffer()))).toEqual(Array.from(PNG));
    expect(Array.from(new Uint8Array(await res.arrayBuffer()))).toEqual(Array.from(PNG));
    const blob = await res.blob();
    expect(blob.type).toBe('application/octet-stream');
    expect(blob.size).toBe(PNG.length);
    const chunks: number[] = [];
    for await (const chunk of res.body!) chunks.push(...chunk);
    expect(chunks).toEqual(Array.from(PNG));
    const copy = res.clone();
    expect(copy.status).toBe(200);
    expect(copy.headers.get('content-type')).toBe('application/octet-stream');
    expect((await copy.text()).length).toBeGreaterThan(0);
    expect(res.url).toBe(`${base}/cgi-bin/x?access_token=***`);
  });

  it('gives statuses without a body a null body', async () => {
    wechat({ '/cgi-bin/x': (_req, res) => (res.writeHead(204), res.end()) });
    const res = await nodeTransport().send(request());
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it('reuses the connection (keep-alive) and uses a given agent', async () => {
    wechat({ '/cgi-bin/x': (_req, res) => json(res, {}) });
    const t = nodeTransport();
    await (await t.send(request())).text();
    await (await t.send(request())).text();
    expect(seen[0]!.remotePort).toBe(seen[1]!.remotePort);

    let connections = 0;
    class CountingAgent extends http.Agent {
      override createConnection(...args: Parameters<http.Agent['createConnection']>) {
        connections++;
        return super.createConnection(...args);
      }
    }
    const agent = new CountingAgent({ keepAlive: true });
    const mine = nodeTransport({ agent });
    await (await mine.send(request())).text();
    await (await mine.send(request())).text();
    expect(connections).toBe(1);
    agent.destroy();
  });
});

describe('nodeTransport: failures', () => {
  it('times out with WxTimeoutError, token redacted', async () => {
    wechat({ '/cgi-bin/x': () => undefined /* never answers */ });
    const e = await nodeTransport()
      .send(request({ timeoutMs: 100 }))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxTimeoutError);
    expect((e as WxTimeoutError).timeoutMs).toBe(100);
    expect((e as WxTimeoutError).endpoint).toBe('Test.call');
    expect((e as Error).message).toContain('/cgi-bin/x');
    expect(JSON.stringify({ m: (e as Error).message, u: (e as WxTimeoutError).url })).not.toContain(TOKEN);
  });

  it('times out a server that sends headers and then stalls the body', async () => {
    wechat({ '/cgi-bin/x': (_req, res) => (res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 }), res.write('{"a":')) });
    const e = await nodeTransport()
      .send(request({ timeoutMs: 150 }))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxTimeoutError);
  });

  it('maps a refused connection to WxNetworkError, token redacted', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const e = await nodeTransport()
      .send(request({ url: new URL(`http://127.0.0.1:${port}/cgi-bin/x?access_token=${TOKEN}`) }))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxNetworkError);
    expect((e as Error).message).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify({ m: (e as Error).message, u: (e as WxNetworkError).url })).not.toContain(TOKEN);
  });

  it('maps a connection reset mid-response to WxNetworkError', async () => {
    wechat({ '/cgi-bin/x': (req, res) => (res.writeHead(200, { 'content-length': 100 }), res.write('{"a":'), setTimeout(() => req.socket.destroy(), 20)) });
    const e = await nodeTransport()
      .send(request())
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxNetworkError);
  });

  it('rejects with the signal reason when aborted mid-request', async () => {
    wechat({ '/cgi-bin/x': () => undefined });
    const controller = new AbortController();
    const pending = nodeTransport().send(request({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const e = await pending.catch((x: unknown) => x);
    expect((e as Error).name).toBe('AbortError');
  });

  it('does not send anything when the signal is already aborted', async () => {
    wechat({ '/cgi-bin/x': (_req, res) => json(res, {}) });
    const e = await nodeTransport()
      .send(request({ signal: AbortSignal.abort(new Error('stop')) }))
      .catch((x: unknown) => x);
    expect((e as Error).message).toBe('stop');
    expect(seen).toHaveLength(0);
  });

  it('names the URL without the token in HTTP errors', async () => {
    wechat({ '/cgi-bin/x': (_req, res) => (res.writeHead(502, { 'content-type': 'text/html' }), res.end('<html>bad gateway</html>')) });
    const e = await client()
      .request({ path: '/cgi-bin/x' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxHttpError);
    expect((e as WxHttpError).status).toBe(502);
    expect((e as Error).message).toContain('/cgi-bin/x');
    expect((e as Error).message).not.toContain(TOKEN);
  });

  it('refuses protocols other than http and https', async () => {
    const e = await nodeTransport()
      .send(request({ url: new URL('ftp://127.0.0.1/x') }))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxNetworkError);
  });
});
