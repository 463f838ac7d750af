// A WeCom suite served on a real node:http server (instruction URL, data URL ending in the corp id,
// install redirect), a storage that records every write with its TTL, and a generated-style
// WeCom descriptor, so the tests drive the suite the way WeCom and a deployed app would.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '../../src/callbacks/node-adapters.js';
import { defineEndpoint } from '../../src/core/endpoint.js';
import { memoryStorage } from '../../src/storage/memory.js';
import type { Storage } from '../../src/storage/types.js';
import type { SuiteDataHandlerOptions, WxSuite } from '../../src/work/index.js';

export interface ServedSuite {
  url: string;
  eventUrl: string;
  /** `…/wecom/data/` + corpid. */
  dataUrl(corpid: string): string;
  redirectUri: string;
  close(): Promise<void>;
}

export async function serveSuite(suite: WxSuite, data?: SuiteDataHandlerOptions): Promise<ServedSuite> {
  const events = toNodeHandler(suite.eventHandler());
  const dataHandler = data ? toNodeHandler(suite.dataHandler(data)) : undefined;
  const redirect = toNodeHandler(suite.authRedirectHandler());
  return serve((path) => {
    if (path === '/wecom/events') return events;
    if (path.startsWith('/wecom/data/') && dataHandler) return dataHandler;
    if (path === '/wecom/auth') return redirect;
    return undefined;
  }).then((s) => ({
    ...s,
    eventUrl: `${s.url}/wecom/events`,
    dataUrl: (corpid: string) => `${s.url}/wecom/data/${corpid}`,
    redirectUri: `${s.url}/wecom/auth`,
  }));
}

type NodeHandler = ReturnType<typeof toNodeHandler>;

export async function serve(route: (path: string) => NodeHandler | undefined): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const handler = route(new URL(req.url ?? '/', 'http://x').pathname);
    if (handler) return handler(req, res);
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Write {
  key: string;
  value: string;
  ttlMs: number | undefined;
}

/** memoryStorage that records every set (key, value, TTL). */
export function recordingStorage(inner: Storage = memoryStorage()): { storage: Storage; writes: Write[] } {
  const writes: Write[] = [];
  const storage: Storage = {
    name: inner.name,
    get: (key) => inner.get(key),
    set: (key, value, ttlMs) => {
      writes.push({ key, value, ttlMs });
      return inner.set(key, value, ttlMs);
    },
    delete: (key) => inner.delete(key),
    ...(inner.deleteIf ? { deleteIf: inner.deleteIf.bind(inner) } : {}),
    ...(inner.lock ? { lock: inner.lock.bind(inner) } : {}),
  };
  return { storage, writes };
}

/** A WeCom endpoint as codegen would emit it from catalog/work (通讯录: read a member). */
export const getUser = defineEndpoint<{ userid: string }, { userid: string; name: string }, 'work'>({
  id: 'Contact.getUser',
  method: 'GET',
  path: '/cgi-bin/user/get',
  host: 'qyapi.weixin.qq.com',
  auth: 'access_token',
  appTypes: ['work'],
  idempotent: true,
  query: ['userid'],
  required: ['userid'],
});

/** 部门列表, a parameterless one. */
export const listDepartments = defineEndpoint<void, { department: Array<{ id: number; name: string }> }, 'work'>({
  id: 'Department.listDepartments',
  method: 'GET',
  path: '/cgi-bin/department/list',
  host: 'qyapi.weixin.qq.com',
  auth: 'access_token',
  appTypes: ['work'],
  idempotent: true,
});
