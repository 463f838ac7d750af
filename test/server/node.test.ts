import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WxConfigError } from '../../src/core/errors.js';
import { createMessageHandler, parseMessage, toExpressMiddleware, toNodeHandler, type WxMessage } from '../../src/callbacks/index.js';
import { AES_KEY, APPID, NOW_MS, TOKEN, eventXml, openReply, plainQuery, sealPush, textXml } from './helpers.js';

const received: WxMessage[] = [];
const handler = createMessageHandler({
  token: TOKEN,
  encodingAESKey: AES_KEY,
  appid: APPID,
  now: () => NOW_MS,
  maxBodyBytes: 4096,
  dedupe: false,
  onMessage: (message) => {
    received.push(message);
    return message.kind === 'text' ? `echo: ${message.Content}` : undefined;
  },
});

describe('toNodeHandler on a real node:http server', () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    server = createServer(toNodeHandler(handler));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('GET verification echoes echostr', async () => {
    const query = plainQuery();
    query.set('echostr', 'hello-echo');
    const res = await fetch(`${origin}/wx?${query}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello-echo');
  });

  it('an encrypted POST gets an encrypted reply', async () => {
    const { body, query } = sealPush(textXml('over the wire'));
    const res = await fetch(`${origin}/wx?${query}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/xml');
    expect(parseMessage(openReply(await res.text()))).toMatchObject({ kind: 'text', Content: 'echo: over the wire' });
  });

  it('refusals keep their status through the adapter', async () => {
    const { body, query } = sealPush(textXml('x'));
    query.set('msg_signature', '0'.repeat(40));
    expect((await fetch(`${origin}/wx?${query}`, { method: 'POST', body })).status).toBe(401);
    expect((await fetch(`${origin}/wx`, { method: 'DELETE' })).status).toBe(405);
  });

  it('413 for a declared length over the limit, before the body is read', async () => {
    const { query } = sealPush(textXml('x'));
    const res = await fetch(`${origin}/wx?${query}`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
  });

  it('413 for a chunked body that grows past the limit while streaming', async () => {
    const { query } = sealPush(textXml('x'));
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${origin}/wx?${query}`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // 8 KiB in 1 KiB chunks; the server answers once it has seen 4 KiB + 1.
      let sent = 0;
      const pump = (): void => {
        while (sent < 8) {
          sent++;
          if (!req.write('x'.repeat(1024))) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });
});

describe('client aborts', () => {
  it('a client that disconnects mid-body neither crashes the server nor stops it serving', async () => {
    const server = createServer(toNodeHandler(handler));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { query } = sealPush(textXml('x'));
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${origin}/wx?${query}`, { method: 'POST', headers: { 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.write('<xml><Encrypt>', () => setTimeout(() => req.destroy(), 20));
      req.on('close', () => resolve());
    });
    const again = sealPush(textXml('still alive'));
    const res = await fetch(`${origin}/wx?${again.query}`, { method: 'POST', body: again.body });
    expect(parseMessage(openReply(await res.text()))).toMatchObject({ Content: 'echo: still alive' });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

interface FakeRes {
  statusCode: number;
  headers: Record<string, string | number>;
  body: string;
  done: Promise<void>;
  headersSent: boolean;
  setHeader(name: string, value: string | number): void;
  end(chunk?: string | Uint8Array): void;
  destroy(): void;
}

function fakeRes(): FakeRes {
  let finish!: () => void;
  const res: FakeRes = {
    statusCode: 200,
    headers: {},
    body: '',
    headersSent: false,
    done: new Promise<void>((resolve) => (finish = resolve)),
    setHeader(name, value) {
      this.headers[name.toLowerCase()] = value;
    },
    end(chunk) {
      this.headersSent = true;
      this.body = chunk === undefined ? '' : Buffer.from(chunk).toString('utf8');
      finish();
    },
    destroy() {
      finish();
    },
  };
  return res;
}

function fakeReq(method: string, url: string, chunks: string[], body?: unknown): IncomingMessage & { body?: unknown } {
  const req = Readable.from(chunks.map((c) => Buffer.from(c))) as unknown as IncomingMessage & { body?: unknown };
  Object.assign(req, { method, url, headers: { host: 'wx.test' } });
  if (body !== undefined) req.body = body;
  return req;
}

describe('toExpressMiddleware with fake req/res', () => {
  const middleware = toExpressMiddleware(handler);
  const run = async (req: IncomingMessage & { body?: unknown }): Promise<{ res: FakeRes; nextError: unknown }> => {
    const res = fakeRes();
    let nextError: unknown;
    middleware(req, res as unknown as ServerResponse, (error) => {
      nextError = error ?? 'next called without error';
      res.end();
    });
    await res.done;
    return { res, nextError };
  };

  it('reads the stream when no body parser ran', async () => {
    const { body, query } = sealPush(textXml('from a stream'));
    const { res, nextError } = await run(fakeReq('POST', `/wx?${query}`, [body.slice(0, 50), body.slice(50)]));
    expect(nextError).toBeUndefined();
    expect(res.statusCode).toBe(200);
    expect(parseMessage(openReply(res.body))).toMatchObject({ Content: 'echo: from a stream' });
  });

  it('uses a body already read as a string or a Buffer', async () => {
    for (const asBuffer of [false, true]) {
      const { body, query } = sealPush(eventXml('CLICK'));
      const req = fakeReq('POST', `/wx?${query}`, []);
      // What express.text() / express.raw() leave behind: the stream consumed, the body attached.
      for await (const _ of req) void _;
      req.body = asBuffer ? Buffer.from(body) : body;
      const before = received.length;
      const { res } = await run(req);
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('success');
      expect(received.length).toBe(before + 1);
    }
  });

  it('enforces the limit on pre-read bodies, and refuses bodies parsed into objects', async () => {
    const { query } = sealPush(textXml('x'));
    const big = fakeReq('POST', `/wx?${query}`, []);
    for await (const _ of big) void _;
    big.body = 'x'.repeat(5000);
    expect((await run(big)).res.statusCode).toBe(413);

    const parsed = fakeReq('POST', `/wx?${query}`, []);
    for await (const _ of parsed) void _;
    parsed.body = { ToUserName: 'gh', Encrypt: 'abc' };
    const { nextError } = await run(parsed);
    expect(nextError).toBeInstanceOf(WxConfigError);
  });

  it('answers GET verification', async () => {
    const query = plainQuery();
    query.set('echostr', 'via-express');
    const { res } = await run(fakeReq('GET', `/wx?${query}`, []));
    expect(res.body).toBe('via-express');
  });
});
