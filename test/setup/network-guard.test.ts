// The network guard (network-guard.mjs, installed for every file by no-network.ts) refuses anything
// that would leave loopback, lets loopback and msw-answered requests through, and reaches child
// processes. Each test here takes the violations it provokes, so the setup file's afterEach does
// not fail it; a violation nobody took fails the test it happened in.
import { execFileSync } from 'node:child_process';
import { promises as dnsPromises } from 'node:dns';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join, relative } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { http as mswHttp, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCKED_CODE, isLoopbackHost, takeChildViolations, takeViolations } from './network-guard.mjs';

const TEST_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The error a socket reports, and how long it took: a refused connection fails at once. */
async function socketError(socket: net.Socket): Promise<{ error: NodeJS.ErrnoException; ms: number }> {
  const started = performance.now();
  const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
    socket.once('error', resolve);
    socket.once('connect', () => reject(new Error('connected: the guard let it through')));
  });
  return { error, ms: performance.now() - started };
}

describe('the network guard refuses everything but loopback', () => {
  it('a fetch to api.weixin.qq.com with no msw handler', async () => {
    const error = (await fetch('https://api.weixin.qq.com/x').catch((e: unknown) => e)) as TypeError;
    expect(error).toBeInstanceOf(TypeError);
    expect((error.cause as NodeJS.ErrnoException).code).toBe(BLOCKED_CODE);
    expect(takeViolations()).toMatchObject([{ what: 'a fetch', target: 'https://api.weixin.qq.com/x', test: expect.stringContaining('api.weixin.qq.com') }]);
  });

  it('a raw net.connect to a TEST-NET address, at once', async () => {
    const { error, ms } = await socketError(net.connect(443, '203.0.113.1'));
    expect(error.code).toBe(BLOCKED_CODE);
    expect(error.message).toContain('203.0.113.1:443');
    expect(ms).toBeLessThan(1_000);
    expect(takeViolations()).toMatchObject([{ what: 'a connection', target: '203.0.113.1:443' }]);
  });

  it('net.createConnection with options, tls.connect and an IPv6 address', async () => {
    expect((await socketError(net.createConnection({ host: '198.51.100.7', port: 80 }))).error.code).toBe(BLOCKED_CODE);
    expect((await socketError(tls.connect({ host: 'api.weixin.qq.com', port: 443, servername: 'api.weixin.qq.com' }))).error.code).toBe(BLOCKED_CODE);
    expect((await socketError(net.connect({ host: '2001:db8::1', port: 443 }))).error.code).toBe(BLOCKED_CODE);
    expect(takeViolations().map((v) => v.target)).toEqual(['198.51.100.7:80', 'api.weixin.qq.com:443', '2001:db8::1:443']);
  });

  it('http.request and https.get through their agents', async () => {
    const failed = (request: http.ClientRequest): Promise<NodeJS.ErrnoException> =>
      new Promise((resolve, reject) => {
        request.once('error', resolve);
        request.once('response', () => reject(new Error('got a response: the guard let it through')));
        request.end();
      });
    expect((await failed(http.request('http://203.0.113.1/cgi-bin/token'))).code).toBe(BLOCKED_CODE);
    expect((await failed(https.get('https://api.weixin.qq.com/cgi-bin/token'))).code).toBe(BLOCKED_CODE);
    expect(takeViolations().map((v) => v.target)).toEqual(['203.0.113.1:80', 'api.weixin.qq.com:443']);
  });

  it('a DNS lookup of a public name', async () => {
    await expect(dnsPromises.lookup('api.weixin.qq.com')).rejects.toMatchObject({ code: BLOCKED_CODE });
    expect(takeViolations()).toMatchObject([{ what: 'a DNS lookup', target: 'api.weixin.qq.com' }]);
  });

  it('tells loopback from everything else', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.8.9.10', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', undefined, '']) {
      expect(isLoopbackHost(host), String(host)).toBe(true);
    }
    for (const host of ['api.weixin.qq.com', '10.0.0.1', '192.168.1.1', '0.0.0.0', '::', '203.0.113.1', '2001:db8::1', 'localhost.example.com', '128.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('what the guard lets through', () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('local'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('loopback by address and by name, through fetch and node:http', async () => {
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('local');
    expect(await (await fetch(`http://localhost:${port}/`)).text()).toBe('local');
    const viaHttp = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(viaHttp).toBe('local');
    expect(takeViolations()).toEqual([]);
  });

  describe('requests msw answers', () => {
    const msw = setupServer(mswHttp.get('https://api.weixin.qq.com/cgi-bin/token', () => HttpResponse.json({ access_token: 'MOCKED', expires_in: 7200 })));
    beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
    afterAll(() => msw.close());

    it('a handled request to api.weixin.qq.com works, through fetch and node:https', async () => {
      expect(await (await fetch('https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential')).json()).toEqual({
        access_token: 'MOCKED',
        expires_in: 7200,
      });
      // The default export: msw patches the module object, which a namespace import does not follow.
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get('https://api.weixin.qq.com/cgi-bin/token', (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve(text));
          })
          .on('error', reject);
      });
      expect(JSON.parse(body)).toMatchObject({ access_token: 'MOCKED' });
      expect(takeViolations()).toEqual([]);
    });

    it('an unhandled one is an error from msw and never reaches the network', async () => {
      await expect(fetch('https://api.weixin.qq.com/cgi-bin/unknown')).rejects.toThrow();
      expect(takeViolations()).toEqual([]);
    });
  });
});

describe('child processes', () => {
  it('a Node child the tests spawn is guarded too, and its attempt is reported to this worker', () => {
    const script = `require('net').connect(443, '203.0.113.1').on('error', (e) => { console.log(e.code); process.exit(0); }).on('connect', () => process.exit(1));`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out.trim()).toBe(BLOCKED_CODE);
    expect(takeChildViolations()).toMatchObject([{ what: 'a connection', target: '203.0.113.1:443', pid: expect.any(Number) }]);
  });
});

describe('msw servers in the suite refuse unhandled requests', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : /\.(ts|mts)$/.test(name) ? [path] : [];
    });
  const sources = new Map(files(TEST_ROOT).map((path) => [path, readFileSync(path, 'utf8')]));
  const CREATED = /(?:const|let)\s+(\w+)\s*(?::[^=]+)?=\s*setupServer\(/g;
  // Modules that export an msw server, with its name.
  const exported = new Map(
    [...sources].flatMap(([path, text]) => [...text.matchAll(CREATED)].filter((m) => text.includes(`export ${m[0]}`)).map((m) => [path, m[1]!] as const)),
  );
  /** The names an msw server goes by in a file: created there, or imported from a module that exports one. */
  function mswNames(path: string, text: string): string[] {
    const names = [...text.matchAll(CREATED)].map((m) => m[1]!);
    for (const [, list, from] of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(\.[^']+)\.js'/g)) {
      const name = exported.get(join(path, '..', `${from}.ts`));
      if (name && new RegExp(`\\b${name}\\b`).test(list!)) names.push(name);
    }
    return names;
  }
  const listens = [...sources].flatMap(([path, text]) =>
    mswNames(path, text).flatMap((name) =>
      [...text.matchAll(new RegExp(`\\b${name}\\.listen\\(([^)]*)\\)`, 'g'))].map((m) => ({ file: relative(TEST_ROOT, path), args: m[1]! })),
    ),
  );

  it('finds the msw servers and where they start (so the check below checks something)', () => {
    expect([...exported].map(([path, name]) => `${relative(TEST_ROOT, path)}:${name}`)).toContain('helpers.ts:server');
    expect([...new Set(listens.map((l) => l.file))]).toEqual(
      expect.arrayContaining(['runtime/errors.test.ts', 'runtime/http.test.ts', 'runtime/token.test.ts', 'setup/network-guard.test.ts']),
    );
  });

  it("every msw server is started with onUnhandledRequest: 'error'", () => {
    expect(listens.filter((l) => !/^\s*\{[^}]*onUnhandledRequest:\s*'error'/.test(l.args))).toEqual([]);
  });
});
