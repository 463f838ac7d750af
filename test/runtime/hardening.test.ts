// What a hostile network does to a call: credentials in error causes and in errmsg, connections cut
// half-way, aborts, a token endpoint that never answers, runs of transient failures, a token answer
// without a lifetime, a hub that is down. Each against a real loopback server, so the transports'
// own errors (ky's, undici's, node:http's) are the ones a user would see.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import { createClient, hubStorage, WxAbortError, WxApiError, WxError, WxNetworkError, WxStorageError, WxTimeoutError } from '../../src/index.js';
import type { Transport } from '../../src/transport/types.js';
import { nodeTransport } from '../../src/transport/node.js';

const APPID = 'wx00000000000000aa';
const SECRET = 'appsecret-9f8e7d6c5b4a';
const TOKEN = 'ACCESS_TOKEN_5e4d3c2b1a0f';

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let routes: Record<string, Route> = {};
let hits: Record<string, number> = {};
let base: string;
let server: http.Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url!, 'http://x').pathname;
      hits[path] = (hits[path] ?? 0) + 1;
      const route = routes[path];
      if (route) return route(req, res);
      json(res, { errcode: 40404, errmsg: 'no route' });
    });
  });
  server.on('connection', (s: Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  routes = {};
  hits = {};
  for (const s of sockets) s.destroy();
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

function json(res: http.ServerResponse, value: unknown): void {
  const text = JSON.stringify(value);
  // No keep-alive: afterEach cuts every socket, and a pooled dead one would fail the next test's first try.
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.end(text);
}

const tokenRoute: Route = (_req, res) => json(res, { access_token: TOKEN, expires_in: 7200 });

/** Headers and half the promised body, then the connection is cut. */
const cutMidBody: Route = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': 200 });
  res.write('{"voice_count": 1, "video');
  setTimeout(() => res.socket?.destroy(), 10);
};

const counts = { voice_count: 1, video_count: 2, image_count: 3, news_count: 4 };

const transports: [string, () => Transport | undefined][] = [
  ['default (ky on fetch)', () => undefined],
  ['nodeTransport()', () => nodeTransport()],
];

function client(extra: Record<string, unknown> = {}) {
  return createClient({
    appType: 'official_account',
    appid: APPID,
    appsecret: SECRET,
    baseUrl: base,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    logger: { warn: () => undefined },
    ...extra,
  });
}

/** Every text reachable from a thrown error, the way a logger or an error tracker would print it. */
function everything(e: unknown): string {
  const parts: string[] = [String(e), inspect(e, { depth: null, showHidden: true }), JSON.stringify(e) ?? ''];
  for (let c: unknown = e, depth = 0; c && depth < 10; c = (c as { cause?: unknown }).cause, depth++) {
    parts.push(String(c), (c as Error).stack ?? '', JSON.stringify(c) ?? '');
    for (const inner of (c as { errors?: unknown[] }).errors ?? []) parts.push(inspect(inner, { depth: null, showHidden: true }));
  }
  return parts.join('\n');
}

function expectNoCredentials(e: unknown): void {
  const text = everything(e);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(TOKEN);
}

describe.each(transports)('credentials never reach an error, transport %s', (_name, transport) => {
  it('a network failure on /cgi-bin/token: message, stack, cause chain, inspect and JSON hold no appsecret', async () => {
    routes['/cgi-bin/token'] = (req) => req.socket.destroy();
    const e = await Material.getMaterialCount(client({ transport: transport(), retry: { retries: 0 } })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxNetworkError);
    expect((e as Error).cause).toBeDefined();
    expectNoCredentials(e);
  });

  it('a network failure on an API call holds no access_token anywhere', async () => {
    routes['/cgi-bin/token'] = tokenRoute;
    routes['/cgi-bin/material/get_materialcount'] = (req) => req.socket.destroy();
    const e = await Material.getMaterialCount(client({ transport: transport(), retry: { retries: 0 } })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxNetworkError);
    expectNoCredentials(e);
  });

  it('credentials WeChat echoes inside errmsg are redacted', async () => {
    routes['/cgi-bin/token'] = tokenRoute;
    routes['/cgi-bin/material/get_materialcount'] = (_req, res) =>
      json(res, { errcode: 40013, errmsg: `invalid appid hint: [${TOKEN}] for access_token ${TOKEN} rid: 6561f0aa-1c2d3e4f-0000000a` });
    const e = await Material.getMaterialCount(client({ transport: transport() })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxApiError);
    expect((e as WxApiError).rid).toBe('6561f0aa-1c2d3e4f-0000000a');
    expect((e as WxApiError).errmsg).toContain('hint: [***]');
    expectNoCredentials(e);
  });
});

describe.each(transports)('every failure is a wxkit error, transport %s', (_name, transport) => {
  it('a connection cut mid-body is a retryable WxNetworkError: an idempotent read retries and succeeds', async () => {
    routes['/cgi-bin/token'] = tokenRoute;
    let n = 0;
    routes['/cgi-bin/material/get_materialcount'] = (req, res) => (++n === 1 ? cutMidBody(req, res) : json(res, counts));
    const { data, response } = await Material.getMaterialCount(client({ transport: transport() })).withResponse();
    expect(data).toEqual(counts);
    expect(response.attempts).toBe(2);
  });

  it('a connection cut mid-body on a non-idempotent send is one attempt and a WxNetworkError', async () => {
    routes['/cgi-bin/token'] = tokenRoute;
    routes['/cgi-bin/material/add_news'] = cutMidBody;
    const e = await client({ transport: transport() })
      .request({ method: 'POST', path: '/cgi-bin/material/add_news', body: { articles: [] } })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxNetworkError);
    expect(hits['/cgi-bin/material/add_news']).toBe(1);
    expectNoCredentials(e);
  });

  it("the caller's abort rejects with WxAbortError, not a bare DOMException, and is not retried", async () => {
    routes['/cgi-bin/token'] = tokenRoute;
    // Never answers; the abort comes once the request has arrived (not after a guessed delay, which
    // a loaded machine can outrun before the token fetch is even done).
    let arrived!: () => void;
    const seen = new Promise<void>((r) => (arrived = r));
    routes['/cgi-bin/material/get_materialcount'] = () => {
      arrived();
      return undefined;
    };
    const controller = new AbortController();
    const call = Material.getMaterialCount(client({ transport: transport() }), { signal: controller.signal });
    void seen.then(() => controller.abort());
    const e = await call.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxAbortError);
    expect(e).toBeInstanceOf(WxError);
    expect((e as WxError).endpoint).toBe('Material.getMaterialCount');
    expect(hits['/cgi-bin/material/get_materialcount']).toBe(1);
  });

  it('an already aborted signal rejects with WxAbortError before anything is sent', async () => {
    routes['/cgi-bin/token'] = tokenRoute;
    const e = await Material.getMaterialCount(client({ transport: transport() }), { signal: AbortSignal.abort() }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxAbortError);
    expect(hits['/cgi-bin/material/get_materialcount']).toBeUndefined();
  });
});

describe('one deadline bounds a whole call', () => {
  it('a hanging token endpoint fails the call at its deadline with WxTimeoutError (kind deadline)', async () => {
    routes['/cgi-bin/token'] = () => undefined; // never answers
    const e = await Material.getMaterialCount(client({ deadlineMs: 300 })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxTimeoutError);
    expect(e).toMatchObject({ kind: 'deadline', timeoutMs: 300, endpoint: 'Material.getMaterialCount' });
    expect(hits['/cgi-bin/token']).toBe(1);
    expectNoCredentials(e);
  });

  it('the per-call deadlineMs overrides the client', async () => {
    routes['/cgi-bin/token'] = tokenRoute;
    routes['/cgi-bin/material/get_materialcount'] = () => undefined;
    const e = await Material.getMaterialCount(client({ deadlineMs: 60_000 }), { deadlineMs: 200 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'WxTimeoutError', kind: 'deadline', timeoutMs: 200 });
  });

  it('token retries do not multiply with API retries: a token endpoint failing every attempt is asked 1 + retries times', async () => {
    routes['/cgi-bin/token'] = (_req, res) => json(res, { errcode: -1, errmsg: 'system error' });
    const e = await Material.getMaterialCount(client()).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'WxApiError', errcode: -1, endpoint: 'Credential.getAccessToken' });
    expect(hits['/cgi-bin/token']).toBe(4);
    expect(hits['/cgi-bin/material/get_materialcount']).toBeUndefined();
  });

  it('a retry that could not start before the deadline reports the real failure, not a timeout', async () => {
    routes['/cgi-bin/token'] = tokenRoute;
    routes['/cgi-bin/material/get_materialcount'] = (_req, res) => json(res, { errcode: -1, errmsg: 'system error' });
    const slow = client({ deadlineMs: 500, retry: { baseDelayMs: 5_000, maxDelayMs: 5_000 } });
    const e = await Material.getMaterialCount(slow).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'WxApiError', errcode: -1 });
    expect(hits['/cgi-bin/material/get_materialcount']).toBe(1);
  });
});

describe('default retry budget', () => {
  it('an idempotent read survives three transient failures in a row with the default retries', async () => {
    routes['/cgi-bin/token'] = tokenRoute;
    let n = 0;
    routes['/cgi-bin/material/get_materialcount'] = (_req, res) => {
      n++;
      if (n === 1) return json(res, { errcode: -1, errmsg: 'system error' });
      if (n === 2) return void res.writeHead(503, { connection: 'close' }).end('busy');
      if (n === 3) return json(res, { errcode: -1, errmsg: 'system error' });
      json(res, counts);
    };
    const { data, response } = await Material.getMaterialCount(client()).withResponse();
    expect(data).toEqual(counts);
    expect(response.attempts).toBe(4);
  });

  it('a non-idempotent send stays at exactly one attempt', async () => {
    routes['/cgi-bin/token'] = tokenRoute;
    routes['/cgi-bin/message/custom/send'] = (_req, res) => json(res, { errcode: -1, errmsg: 'system error' });
    await expect(client().request({ method: 'POST', path: '/cgi-bin/message/custom/send', body: { touser: 'o1' } })).rejects.toMatchObject({ errcode: -1 });
    expect(hits['/cgi-bin/message/custom/send']).toBe(1);
  });
});

describe('a token answer without expires_in', () => {
  it('is kept for the documented lifetime with a warning: 50 calls make 1 token request', async () => {
    routes['/cgi-bin/token'] = (_req, res) => json(res, { access_token: TOKEN });
    routes['/cgi-bin/material/get_materialcount'] = (_req, res) => json(res, counts);
    const warnings: string[] = [];
    const c = client({ logger: { warn: (m: string) => warnings.push(m) } });
    for (let i = 0; i < 50; i++) await Material.getMaterialCount(c);
    expect(hits['/cgi-bin/token']).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/expires_in undefined; keeping the token for the documented 7200 s/);
    expect(warnings.join('\n')).not.toContain(TOKEN);
  });
});

describe('hub down', () => {
  it('names the cause (ECONNREFUSED host:port), not "fetch failed"', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const hub = hubStorage({ url: `http://127.0.0.1:${port}`, secret: 'hub-secret-0123456789', retries: 0 });
    const e = await hub
      .accessToken(APPID)
      .get()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxStorageError);
    expect((e as Error).message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(everything(e)).not.toContain('hub-secret-0123456789');
  });
});
