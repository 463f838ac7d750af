// The simulator's HTTP side: WeChat's token and ticket endpoints with their real checks, every
// catalog endpoint answered with its example (or real PNG bytes), and `/__simulator/*` control
// routes so tests in other processes can inject faults and read counters.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readNodeBody } from '../transport/node-server.js';
import { findByRoute, findExample, type RegistryEntry } from '../registry/index.js';
import type { ComponentSimulator } from './platform-api.js';
import type { WorkSimulator } from './work/work-simulator.js';
import type { PaySimulator } from './pay/pay-simulator.js';
import { pageOfExample } from './paging.js';
import { codePng } from './png.js';
import { missingFields, wxErrorBody } from './answers.js';
import type { SimulatorState } from './state.js';

const MAX_BODY = 20 * 1024 * 1024;

export function createRequestListener(state: SimulatorState, component?: ComponentSimulator, work?: WorkSimulator, pay?: PaySimulator) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(state, req, res, component, work, pay).catch((error) => {
      if (!res.headersSent) send(res, 500, { errcode: -1, errmsg: `simulator error: ${(error as Error).message}` });
      else res.destroy();
    });
  };
}

async function handle(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  component: ComponentSimulator | undefined,
  work: WorkSimulator | undefined,
  pay?: PaySimulator,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const body = await readBody(req);
  if (url.pathname.startsWith('/__simulator/pay/') && pay) {
    const input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    return send(res, 200, await pay.control(url.pathname.slice('/__simulator/pay/'.length), input));
  }
  // WeChat Pay (api.mch.weixin.qq.com and its sibling hosts): signed requests, signed answers.
  const payMatch = pay?.match(req.method ?? 'GET', url, req.headers);
  if (payMatch) {
    state.count(url.pathname);
    return pay!.handle(payMatch, { method: req.method ?? 'GET', rawPath: req.url ?? '/', url, headers: req.headers, body }, res);
  }
  if (url.pathname.startsWith('/__simulator/work/') && work) {
    const input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    return send(res, 200, await work.control(url.pathname.slice('/__simulator/work/'.length), input));
  }
  if (url.pathname.startsWith('/__simulator/component/') && component) {
    const input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    return send(res, 200, await component.control(url.pathname.slice('/__simulator/component/'.length), input));
  }
  if (url.pathname.startsWith('/__simulator/')) return control(state, url, body, res);

  state.count(url.pathname);
  const fault = state.takeFault(url.pathname);
  if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault?.status) {
    res.writeHead(fault.status, { 'content-type': 'text/html' }).end(`<html>simulated ${fault.status}</html>`);
    return;
  }
  if (fault?.errcode !== undefined) return wxError(res, fault.errcode, 'simulated fault');

  const method = req.method ?? 'GET';
  const json = parseJson(req, body);
  if (url.pathname === '/cgi-bin/token' && method === 'GET') {
    const app = checkSecret(state, url.searchParams.get('appid'), url.searchParams.get('secret'), res);
    if (!app) return;
    if (url.searchParams.get('grant_type') !== 'client_credential') return wxError(res, 40002, 'invalid grant_type');
    return send(res, 200, state.issueToken(app.appid));
  }
  if (url.pathname === '/cgi-bin/stable_token' && method === 'POST') {
    const app = checkSecret(state, str(json?.appid), str(json?.secret), res);
    if (!app) return;
    return send(res, 200, state.stableToken(app.appid, json?.force_refresh === true));
  }
  // WeCom (qyapi) requests: recognised by path or by the tokens the simulator issued for WeCom.
  // Catalogued qyapi endpoints come back as an entry, answered below like any other.
  const workAnswer = work?.route(method, url, json);
  if (workAnswer && 'body' in workAnswer) return send(res, workAnswer.status ?? 200, workAnswer.body);
  if (workAnswer) return answerEntry(workAnswer.entry, url, body, res, json);

  const answer = component?.route(method, url, json);
  if (answer) return send(res, answer.status ?? 200, answer.body);

  const candidates = candidatesFor(method, url.pathname);
  if (!candidates.length) return wxError(res, 404, `simulator: no catalog endpoint at ${method} ${url.pathname}`, 404);

  // One path can serve several app types with different shapes (/cgi-bin/media/get): the
  // caller's app, known from its token or appid, picks the entry.
  let entry = candidates[0]!;
  if (entry.auth === 'access_token') {
    const check = state.checkToken(url.searchParams.get('access_token'));
    if (check.errcode) return wxError(res, check.errcode, TOKEN_MESSAGES[check.errcode] ?? 'invalid credential');
    const mine = candidates.find((e) => e.appTypes.includes(check.app!.appType));
    if (!mine) return wxError(res, 48001, 'api unauthorized');
    entry = mine;
    component?.observe(entry.path, check.app!.appid, json);
  } else if (entry.auth === 'appsecret') {
    const app = checkSecret(state, url.searchParams.get('appid'), url.searchParams.get('secret'), res);
    if (!app) return;
    entry = candidates.find((e) => e.appTypes.includes(app.appType)) ?? entry;
  }

  const missing = missingParams(entry, url, json, req.headers['content-type'] ?? '', body);
  if (missing.length) return wxError(res, 40035, `invalid args: missing ${missing.join(', ')}`);

  if (entry.path === '/cgi-bin/ticket/getticket') {
    const app = state.checkToken(url.searchParams.get('access_token')).app!;
    const type = url.searchParams.get('type') ?? 'jsapi';
    return send(res, 200, { errcode: 0, errmsg: 'ok', ...state.ticket(app.appid, type) });
  }
  return answerEntry(entry, url, body, res, json);
}

/** A catalogued endpoint answered from its example (or real PNG bytes), once its checks passed. */
async function answerEntry(entry: RegistryEntry, url: URL, body: Buffer, res: ServerResponse, json?: Record<string, unknown>): Promise<void> {
  if (entry.response === 'binary') {
    const png = codePng(`${url.pathname}${url.search}${body.toString('utf8')}`);
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length, 'content-disposition': 'attachment; filename="simulated.png"' });
    res.end(png);
    return;
  }
  // Examples live outside the registry; their module loads on the first call for its namespace.
  const example = await findExample(entry.id);
  if (entry.response === 'text') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(typeof example === 'string' ? example : 'ok');
    return;
  }
  if (entry.pagination && example) {
    const params = { ...Object.fromEntries(url.searchParams), ...(json ?? {}) };
    return send(res, 200, pageOfExample(entry, example, params));
  }
  send(res, 200, example ?? { errcode: 0, errmsg: 'ok' });
}

const TOKEN_MESSAGES: Record<number, string> = {
  41001: 'access_token missing',
  40001: 'invalid credential, access_token is invalid or not latest',
  42001: 'access_token expired',
};

function candidatesFor(method: string, path: string): RegistryEntry[] {
  const direct = findByRoute(method, path);
  if (direct.length) return direct;
  for (const host of ['mp.weixin.qq.com', 'api.mch.weixin.qq.com', 'qyapi.weixin.qq.com']) {
    const other = findByRoute(method, path, host);
    if (other.length) return other;
  }
  return [];
}

function checkSecret(state: SimulatorState, appid: string | null | undefined, secret: string | null | undefined, res: ServerResponse) {
  const app = appid ? state.apps.get(appid) : undefined;
  if (!app) return void wxError(res, 40013, 'invalid appid');
  if (app.secret !== secret) return void wxError(res, 40125, 'invalid appsecret');
  return app;
}

function missingParams(entry: RegistryEntry, url: URL, json: Record<string, unknown> | undefined, type: string, body: Buffer): string[] {
  const missing = missingFields(entry, url, json);
  if (Object.keys(entry.params.form).length) {
    if (!type.startsWith('multipart/form-data')) return ['multipart body'];
    const text = body.toString('latin1');
    for (const [k, f] of Object.entries(entry.params.form)) if (!f.optional && !text.includes(`name="${k}"`)) missing.push(k);
  }
  return missing;
}

async function control(state: SimulatorState, url: URL, body: Buffer, res: ServerResponse): Promise<void> {
  const action = url.pathname.slice('/__simulator/'.length);
  const input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
  if (action === 'counters') return send(res, 200, state.counters);
  if (action === 'faults') {
    state.addFault(input);
    return send(res, 200, { ok: true });
  }
  if (action === 'invalidate') {
    state.invalidate(String(input.appid ?? url.searchParams.get('appid')));
    return send(res, 200, { ok: true });
  }
  if (action === 'reset') {
    state.reset();
    return send(res, 200, { ok: true });
  }
  send(res, 404, { error: `unknown control route ${action}` });
}

function wxError(res: ServerResponse, errcode: number, errmsg: string, status = 200): void {
  send(res, status, wxErrorBody(errcode, errmsg));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function parseJson(req: IncomingMessage, body: Buffer): Record<string, unknown> | undefined {
  if (!body.length || (req.headers['content-type'] ?? '').startsWith('multipart/')) return undefined;
  try {
    const v = JSON.parse(body.toString('utf8'));
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const body = await readNodeBody(req, MAX_BODY);
  if (body === 'too_large') throw new Error('request body too large');
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
