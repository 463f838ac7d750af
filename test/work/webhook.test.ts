// The group robot (createWebhook) and the token keys of createWorkClient, checked on the wire with
// msw: the key in the query of send and upload_media, never in an error; tokens kept per
// (corpid, secret) so two apps (or a rotated secret) never get each other's token.
import { http, HttpResponse } from 'msw';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defineEndpoint } from '../../src/core/endpoint.js';
import { WxApiError, WxConfigError } from '../../src/core/errors.js';
import { memoryStorage } from '../../src/storage/memory.js';
import { createWebhook, createWorkClient, workTokenKey } from '../../src/work/index.js';
import { server } from '../helpers.js';
import { getUser } from './helpers.js';

const QY = 'https://qyapi.weixin.qq.com';
const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// As codegen emits them from catalog/work/message.yaml (auth: key).
const sendWebhookMessage = defineEndpoint<{ msgtype: string; text?: { content: string; mentioned_list?: string[] } }, Record<string, never>, 'work'>({
  id: 'Message.sendWebhookMessage',
  method: 'POST',
  path: '/cgi-bin/webhook/send',
  host: 'qyapi.weixin.qq.com',
  auth: 'key',
  appTypes: ['work'],
  idempotent: false,
  body: ['msgtype', 'text'],
  required: ['msgtype'],
});
const uploadWebhookMedia = defineEndpoint<{ type: string; media: Blob }, { type: string; media_id: string; created_at: string }, 'work'>({
  id: 'Message.uploadWebhookMedia',
  method: 'POST',
  path: '/cgi-bin/webhook/upload_media',
  host: 'qyapi.weixin.qq.com',
  auth: 'key',
  appTypes: ['work'],
  idempotent: false,
  query: ['type'],
  form: ['media'],
  files: ['media'],
  required: ['type', 'media'],
});

describe('group robot webhook', () => {
  it('sends with ?key= and the JSON body, through a descriptor and through request()', async () => {
    const seen: Array<{ search: string; body: unknown }> = [];
    server.use(
      http.post(`${QY}/cgi-bin/webhook/send`, async ({ request }) => {
        seen.push({ search: new URL(request.url).search, body: await request.json() });
        return HttpResponse.json({ errcode: 0, errmsg: 'ok' });
      }),
    );
    const robot = createWebhook({ key: KEY });
    await sendWebhookMessage(robot, { msgtype: 'text', text: { content: 'hello', mentioned_list: ['@all'] } });
    await robot.request({ method: 'POST', path: '/cgi-bin/webhook/send', body: { msgtype: 'markdown', markdown: { content: '**hi**' } } });
    expect(seen).toEqual([
      { search: `?key=${KEY}`, body: { msgtype: 'text', text: { content: 'hello', mentioned_list: ['@all'] } } },
      { search: `?key=${KEY}`, body: { msgtype: 'markdown', markdown: { content: '**hi**' } } },
    ]);
  });

  it('uploads media as multipart with key and type in the query', async () => {
    let seen: { key: string | null; type: string | null; file?: string; name?: string } | undefined;
    server.use(
      http.post(`${QY}/cgi-bin/webhook/upload_media`, async ({ request }) => {
        const q = new URL(request.url).searchParams;
        const form = await request.formData();
        const media = form.get('media') as File;
        seen = { key: q.get('key'), type: q.get('type'), file: await media.text(), name: media.name };
        return HttpResponse.json({ errcode: 0, errmsg: 'ok', type: 'file', media_id: 'M1', created_at: '1380000000' });
      }),
    );
    const robot = createWebhook({ key: KEY });
    const out = await uploadWebhookMedia(robot, { type: 'file', media: new File(['report body'], 'report.txt', { type: 'text/plain' }) });
    expect(out.media_id).toBe('M1');
    expect(seen).toEqual({ key: KEY, type: 'file', file: 'report body', name: 'report.txt' });
  });

  it('an error names the endpoint but never the key', async () => {
    server.use(http.post(`${QY}/cgi-bin/webhook/send`, () => HttpResponse.json({ errcode: 93000, errmsg: `invalid webhook url, key=${KEY}` })));
    const robot = createWebhook({ key: KEY });
    const error = await sendWebhookMessage(robot, { msgtype: 'text', text: { content: 'x' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxApiError);
    expect((error as WxApiError).errcode).toBe(93000);
    const text = `${String(error)} ${inspect(error, { depth: null })} ${JSON.stringify(error)}`;
    expect(text).not.toContain(KEY);
    expect(text).toContain('sendWebhookMessage');
  });

  it('refuses a malformed key and never asks for a token', async () => {
    expect(() => createWebhook({ key: 'has spaces in it' })).toThrow(WxConfigError);
    expect(() => createWebhook({ key: '' })).toThrow(WxConfigError);
    const robot = createWebhook({ key: KEY });
    await expect(robot.getAccessToken()).rejects.toBeInstanceOf(WxConfigError);
  });
});

describe('createWorkClient token keys', () => {
  function stubTokens() {
    const requests: string[] = [];
    server.use(
      http.get(`${QY}/cgi-bin/gettoken`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        const secret = q.get('corpsecret')!;
        requests.push(`${q.get('corpid')}/${secret}`);
        return HttpResponse.json({ errcode: 0, errmsg: 'ok', access_token: `AT(${q.get('corpid')},${secret})`, expires_in: 7200 });
      }),
      http.get(`${QY}/cgi-bin/user/get`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        return HttpResponse.json({ errcode: 0, errmsg: 'ok', userid: q.get('userid'), name: q.get('access_token') });
      }),
    );
    return requests;
  }

  it('two corps, two secrets of one corp, one shared store: every token stays with its (corpid, secret)', async () => {
    const requests = stubTokens();
    const storage = memoryStorage();
    const clients = [
      createWorkClient({ corpid: 'wwcorp1', corpsecret: 'app', agentid: 1000002, storage }),
      createWorkClient({ corpid: 'wwcorp1', corpsecret: 'contacts', storage }),
      createWorkClient({ corpid: 'wwcorp1', corpsecret: 'customer', storage }),
      createWorkClient({ corpid: 'wwcorp2', corpsecret: 'app', agentid: 1000002, storage }),
    ];
    const names = await Promise.all(clients.map(async (c) => (await getUser(c, { userid: 'u' })).name));
    expect(names).toEqual(['AT(wwcorp1,app)', 'AT(wwcorp1,contacts)', 'AT(wwcorp1,customer)', 'AT(wwcorp2,app)']);
    expect(requests.sort()).toEqual(['wwcorp1/app', 'wwcorp1/contacts', 'wwcorp1/customer', 'wwcorp2/app']);
  });

  it('the same agentid with another secret (a rotated secret, a mislabelled app) does not get the old token', async () => {
    const requests = stubTokens();
    const storage = memoryStorage();
    const before = createWorkClient({ corpid: 'wwcorp1', corpsecret: 'old-secret', agentid: 1000002, storage });
    expect(await before.getAccessToken()).toBe('AT(wwcorp1,old-secret)');
    const after = createWorkClient({ corpid: 'wwcorp1', corpsecret: 'new-secret', agentid: 1000002, storage });
    expect(await after.getAccessToken()).toBe('AT(wwcorp1,new-secret)');
    expect(requests).toEqual(['wwcorp1/old-secret', 'wwcorp1/new-secret']);
  });

  it('keys name corp and agent but never hold the secret', () => {
    const key = workTokenKey('wwcorp1', 'super-secret-value', 1000002);
    expect(key).toMatch(/^wxkit:work:wwcorp1:a-1000002[:-]/);
    expect(key).not.toContain('super-secret-value');
    expect(workTokenKey('wwcorp1', 'a')).not.toBe(workTokenKey('wwcorp1', 'b'));
    expect(workTokenKey('wwcorp1', 'a', 1)).not.toBe(workTokenKey('wwcorp1', 'b', 1));
    expect(workTokenKey('wwcorp1', 'a', 1)).not.toBe(workTokenKey('wwcorp2', 'a', 1));
  });
});
