// The Node default transport (undici) against loopback servers: answers, timeouts, aborts, the
// merchant certificate, and proxies (explicit and from HTTPS_PROXY / NO_PROXY).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import { createClient, WxAbortError, WxConfigError, WxNetworkError, WxTimeoutError } from '../../src/index.js';
import { defaultTransport } from '../../src/transport/default-node.js';
import { undiciTransport } from '../../src/transport/undici.js';
import { DEMO_APPS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { startConnectProxy, type ConnectProxy } from './connect-proxy.js';

const OA = DEMO_APPS[0]!;
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

function listen(server: http.Server | https.Server | net.Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

describe('undici transport', () => {
  it('is the shared Node default and carries typed calls end to end', async () => {
    expect(defaultTransport()).toBe(defaultTransport());
    const oa = createClient({ appType: 'official_account', appid: OA.appid, appsecret: OA.secret, baseUrl: sim.url, transport: defaultTransport() });
    const { data, response } = await Material.getMaterialCount(oa).withResponse();
    expect(data).toMatchObject({ image_count: expect.any(Number) });
    expect(response.status).toBe(200);
  });

  it('sends JSON bodies, query and headers, and hands back status and headers', async () => {
    const seen: Array<{ method?: string; url?: string; body: string; type?: string; ua?: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body, type: req.headers['content-type'], ua: req.headers['user-agent'] });
        res.writeHead(201, { 'x-one': 'a', 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    const port = await listen(server);
    try {
      const t = undiciTransport();
      const res = await t.send({ method: 'POST', url: new URL(`http://127.0.0.1:${port}/p?q=1`), body: '{"a":1}', timeoutMs: 5000, endpoint: 'X.y' });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-one')).toBe('a');
      expect(await res.json()).toEqual({ ok: true });
      expect(await res.text()).toBe('{"ok":true}');
      expect(seen).toEqual([{ method: 'POST', url: '/p?q=1', body: '{"a":1}', type: 'application/json; charset=utf-8', ua: 'wxkit' }]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('bounds the whole exchange with one timer (a trickling server cannot hold a call), and honours aborts', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const tick = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(tick));
    });
    const port = await listen(server);
    try {
      const t = undiciTransport();
      const url = new URL(`http://127.0.0.1:${port}/slow?access_token=SECRET_TOKEN_VALUE`);
      const error = await t.send({ method: 'GET', url, timeoutMs: 150, endpoint: 'X.slow' }).catch((e) => e);
      expect(error).toBeInstanceOf(WxTimeoutError);
      expect(String(error.message)).not.toContain('SECRET_TOKEN_VALUE');
      const controller = new AbortController();
      const pending = t.send({ method: 'GET', url, timeoutMs: 5000, endpoint: 'X.slow', signal: controller.signal });
      controller.abort(new WxAbortError('X.slow', new Error('stopped')));
      await expect(pending).rejects.toBeInstanceOf(WxAbortError);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('stops the exchange at the call deadline (the attempt limit is cut to it), closes that connection and keeps the pool usable', async () => {
    let closed = 0;
    let calls = 0;
    const server = http.createServer((req, res) => {
      calls++;
      if (req.url?.startsWith('/cgi-bin/material/get_materialcount')) {
        req.socket.on('close', () => closed++);
        return; // never answers
      }
      res.writeHead(204).end();
    });
    const port = await listen(server);
    try {
      const t = undiciTransport();
      const oa = createClient({
        appType: 'official_account',
        appid: OA.appid,
        accessToken: { get: async () => 'STATIC_TOKEN_VALUE', invalidate: async () => {} },
        baseUrl: `http://127.0.0.1:${port}`,
        transport: t,
        timeoutMs: 10_000,
        deadlineMs: 200,
      });
      const error = await Material.getMaterialCount(oa).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WxTimeoutError);
      expect((error as WxTimeoutError).kind).toBe('deadline');
      await expect.poll(() => closed).toBe(1);
      const after = await t.send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/after`), timeoutMs: 2000, endpoint: 'X.after' });
      expect(after.status).toBe(204);
      expect(after.body).toBeNull();
      expect(await after.text()).toBe('');
      expect(calls).toBe(2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('keeps repeated headers and reads them lazily from the raw list', async () => {
    const server = http.createServer((_req, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('X-Multi', ['x', 'y']);
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('中文');
    });
    const port = await listen(server);
    try {
      const res = await undiciTransport().send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/h`), timeoutMs: 2000, endpoint: 'X.h' });
      expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      expect(res.headers.get('x-multi')).toBe('x, y');
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toBe('中文');
      expect(new TextDecoder().decode(await res.arrayBuffer())).toBe('中文');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('reports a refused connection as a network error naming no credential', async () => {
    const probe = net.createServer();
    const port = await listen(probe);
    await new Promise<void>((r) => probe.close(() => r()));
    const error = await undiciTransport()
      .send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/cgi-bin/x?access_token=SECRET_TOKEN_VALUE`), timeoutMs: 2000, endpoint: 'X.y' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(WxNetworkError);
    expect(JSON.stringify({ m: error.message, s: error.stack, c: String(error.cause?.message) })).not.toContain('SECRET_TOKEN_VALUE');
  });

  it('presents a client certificate through clientCertificateAgent', async () => {
    const tls = (name: string) => readFileSync(new URL(`../fixtures/pay/tls/${name}`, import.meta.url));
    const names: unknown[] = [];
    const server = https.createServer(
      { key: tls('server.key'), cert: tls('server.pem'), ca: tls('ca.pem'), requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        names.push((req.socket as TLSSocket).getPeerCertificate().subject?.CN);
        res.end('<xml></xml>');
      },
    );
    const port = await listen(server);
    try {
      const t = undiciTransport({ ca: tls('ca.pem') });
      const agent = t.clientCertificateAgent!({ pfx: tls('client.p12'), passphrase: '1900000109' });
      const res = await t.send({
        method: 'POST',
        url: new URL(`https://127.0.0.1:${port}/secapi/pay/refund`),
        body: '<xml/>',
        timeoutMs: 5000,
        endpoint: 'X',
        agent,
      });
      expect(res.status).toBe(200);
      expect(names).toEqual(['1900000109']);
      // Without the certificate the server refuses the handshake.
      await expect(
        t.send({ method: 'POST', url: new URL(`https://127.0.0.1:${port}/x`), body: '<xml/>', timeoutMs: 5000, endpoint: 'X' }),
      ).rejects.toBeInstanceOf(WxNetworkError);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('proxies', () => {
  let proxy: ConnectProxy;
  let proxyPort: number;
  let tunnels: string[];
  const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
  beforeAll(async () => {
    proxy = await startConnectProxy();
    proxyPort = Number(new URL(proxy.url).port);
    tunnels = proxy.tunnels;
  });
  afterAll(() => proxy.close());
  afterEach(() => {
    tunnels.length = 0;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const target = () => new URL(`${sim.url}/cgi-bin/token?grant_type=client_credential&appid=${OA.appid}&secret=${OA.secret}`);

  it('tunnels through an explicit proxy', async () => {
    const t = undiciTransport({ proxy: `http://127.0.0.1:${proxyPort}` });
    const res = await t.send({ method: 'GET', url: target(), timeoutMs: 5000, endpoint: 'Credential.getAccessToken' });
    expect(await res.json()).toMatchObject({ expires_in: 7200 });
    expect(tunnels).toEqual([new URL(sim.url).host]);
  });

  // What createClient({ proxy }) picks on Node (vitest maps #default-transport to the portable one, for msw).
  it('the Node default for a proxy setting sends a typed call, token fetch included, through that proxy; one transport per setting', async () => {
    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    const make = () =>
      createClient({ appType: 'official_account', appid: OA.appid, appsecret: OA.secret, baseUrl: sim.url, transport: defaultTransport(proxyUrl) });
    const oa = make();
    expect(await Material.getMaterialCount(oa)).toMatchObject({ image_count: expect.any(Number) });
    // One keep-alive tunnel carries both the token fetch and the call.
    expect(tunnels.length).toBeGreaterThanOrEqual(1);
    expect(new Set(tunnels)).toEqual(new Set([new URL(sim.url).host]));
    expect(defaultTransport(proxyUrl)).toBe(defaultTransport(proxyUrl));
    expect(defaultTransport(proxyUrl)).not.toBe(defaultTransport());
    await Material.getMaterialCount(make());
  });

  it('the portable default refuses a proxy with a WxConfigError (fetch has no portable proxy setting)', async () => {
    const { defaultTransport: portable } = await import('../../src/transport/default-portable.js');
    expect(() => portable('http://user:secret-pass@127.0.0.1:1')).toThrow(WxConfigError);
    expect(() => portable('http://user:secret-pass@127.0.0.1:1')).not.toThrow(/secret-pass/);
    expect(portable(false)).toBe(portable());
    // The option as a client passes it.
    expect(() => createClient({ appType: 'official_account', appid: OA.appid, appsecret: OA.secret, proxy: 'http://127.0.0.1:1' })).toThrow(WxConfigError);
  });

  it('honours HTTP_PROXY / HTTPS_PROXY and NO_PROXY from the environment, and proxy: false ignores them', async () => {
    process.env.HTTP_PROXY = `http://127.0.0.1:${proxyPort}`;
    process.env.HTTPS_PROXY = `http://127.0.0.1:${proxyPort}`;
    delete process.env.NO_PROXY;
    await undiciTransport().send({ method: 'GET', url: target(), timeoutMs: 5000, endpoint: 'X' });
    expect(tunnels).toHaveLength(1);
    await undiciTransport({ proxy: false }).send({ method: 'GET', url: target(), timeoutMs: 5000, endpoint: 'X' });
    expect(tunnels).toHaveLength(1);
    process.env.NO_PROXY = '127.0.0.1';
    await undiciTransport().send({ method: 'GET', url: target(), timeoutMs: 5000, endpoint: 'X' });
    expect(tunnels).toHaveLength(1);
  });
});
