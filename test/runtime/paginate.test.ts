// Iterators over paged lists: what each page sends, where iteration stops, and that the simulator
// pages every catalogued list's example so iteration ends against it too.
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Material, Tag, User } from '../../generated/official-account/index.js';
import { createClient, WxValidationError } from '../../src/index.js';
import { definePagedEndpoint } from '../../src/core/endpoint.js';
import { DEMO_APPS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { findExample } from '../../src/registry/index.js';
import { server, testClient as client, tokenEndpoint, WX } from '../helpers.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('offset lists', () => {
  it('sends offset 0, then + the items received, with the page size, and stops at total', async () => {
    tokenEndpoint();
    const sent: Array<Record<string, unknown>> = [];
    const all = Array.from({ length: 25 }, (_, i) => ({ media_id: `M${i}`, update_time: 1700000000 + i }));
    server.use(
      http.post(`${WX}/cgi-bin/material/batchget_material`, async ({ request }) => {
        const body = (await request.json()) as { offset: number; count: number };
        sent.push(body);
        const item = all.slice(body.offset, body.offset + body.count);
        return HttpResponse.json({ total_count: all.length, item_count: item.length, item });
      }),
    );
    const items = await collect(Material.batchGetMaterial.iterate(client(), { type: 'image' }, { pageSize: 10 }));
    expect(items.map((i) => i.media_id)).toEqual(all.map((i) => i.media_id));
    expect(sent).toEqual([
      { type: 'image', offset: 0, count: 10 },
      { type: 'image', offset: 10, count: 10 },
      { type: 'image', offset: 20, count: 10 },
    ]);
  });

  it('asks 10 per page when the list requires a count and none is given; maxItems cuts the last page', async () => {
    tokenEndpoint();
    const sent: number[] = [];
    server.use(
      http.post(`${WX}/cgi-bin/material/batchget_material`, async ({ request }) => {
        const body = (await request.json()) as { offset: number; count: number };
        sent.push(body.count);
        const item = Array.from({ length: body.count }, (_, i) => ({ media_id: `M${body.offset + i}`, update_time: 1 }));
        return HttpResponse.json({ total_count: 1000, item_count: item.length, item });
      }),
    );
    const items = await collect(Material.batchGetMaterial.iterate(client(), { type: 'news' }, { maxItems: 15 }));
    expect(items).toHaveLength(15);
    expect(items.at(-1)!.media_id).toBe('M14');
    expect(sent).toEqual([10, 10]);
  });

  it('stops on an empty page when the answer has no total', async () => {
    tokenEndpoint();
    let calls = 0;
    server.use(
      http.post(`${WX}/cgi-bin/material/batchget_material`, () => {
        calls++;
        return HttpResponse.json({ total_count: 0, item_count: 0, item: [] });
      }),
    );
    expect(await collect(Material.batchGetMaterial.pages(client(), { type: 'voice' }))).toHaveLength(1);
    expect(calls).toBe(1);
  });
});

describe('next_openid lists', () => {
  it('sends no cursor first, then the answer next_openid, and stops at an empty page', async () => {
    tokenEndpoint();
    const cursors: Array<string | null> = [];
    const pages: Record<string, Record<string, unknown>> = {
      '': { total: 3, count: 2, data: { openid: ['o1', 'o2'] }, next_openid: 'o2' },
      o2: { total: 3, count: 1, data: { openid: ['o3'] }, next_openid: 'o3' },
      o3: { total: 3, count: 0, next_openid: '' },
    };
    server.use(
      http.get(`${WX}/cgi-bin/user/get`, ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('next_openid');
        cursors.push(cursor);
        return HttpResponse.json(pages[cursor ?? '']);
      }),
    );
    expect(await collect(User.getUsers.iterate(client()))).toEqual(['o1', 'o2', 'o3']);
    // total (3) is reached after the second page: no third request.
    expect(cursors).toEqual([null, 'o2']);
  });
});

describe('cursor lists', () => {
  const listThings = definePagedEndpoint<
    { cursor?: string; limit?: number; kind: string },
    { next_cursor?: string; has_more?: boolean; things: string[] },
    'official_account',
    'things',
    'cursor' | 'limit'
  >({
    id: 'Test.listThings',
    method: 'POST',
    host: 'qyapi.weixin.qq.com',
    path: '/cgi-bin/test/list_things',
    auth: 'none',
    appTypes: ['official_account'],
    idempotent: true,
    body: ['cursor', 'limit', 'kind'],
    required: ['kind'],
    pagination: { style: 'cursor', cursor: 'cursor', count: 'limit', next: 'next_cursor', more: 'has_more', items: 'things' },
  });

  function serve(pages: Record<string, Record<string, unknown>>, seen: unknown[]) {
    server.use(
      http.post('https://qyapi.weixin.qq.com/cgi-bin/test/list_things', async ({ request }) => {
        const body = (await request.json()) as { cursor?: string };
        seen.push(body);
        return HttpResponse.json(pages[body.cursor ?? '']);
      }),
    );
  }

  it('follows next_cursor until has_more is false', async () => {
    const seen: unknown[] = [];
    serve({ '': { things: ['a', 'b'], next_cursor: 'C1', has_more: true }, C1: { things: ['c'], next_cursor: 'C2', has_more: false } }, seen);
    expect(await collect(listThings.iterate(client(), { kind: 'x' }, { pageSize: 2 }))).toEqual(['a', 'b', 'c']);
    expect(seen).toEqual([
      { kind: 'x', limit: 2 },
      { kind: 'x', limit: 2, cursor: 'C1' },
    ]);
  });

  it('stops instead of looping when a list hands back a cursor it already gave', async () => {
    const seen: unknown[] = [];
    serve({ '': { things: ['a'], next_cursor: 'C1', has_more: true }, C1: { things: ['b'], next_cursor: 'C1', has_more: true } }, seen);
    expect(await collect(listThings.iterate(client(), { kind: 'x' }))).toEqual(['a', 'b']);
    expect(seen).toHaveLength(2);
  });

  it('maxPages bounds the calls; a bad argument rejects where the loop starts', async () => {
    const seen: unknown[] = [];
    serve({ '': { things: ['a'], next_cursor: 'C1' }, C1: { things: ['b'], next_cursor: 'C2' }, C2: { things: ['c'], next_cursor: 'C3' } }, seen);
    expect(await collect(listThings.pages(client(), { kind: 'x' }, { maxPages: 2 }))).toHaveLength(2);
    expect(seen).toHaveLength(2);
    const bad = listThings.iterate(client(), 'kind=x' as never);
    await expect(bad.next()).rejects.toBeInstanceOf(WxValidationError);
    await expect(collect(listThings.iterate(client(), {} as never))).rejects.toThrow(/kind: required/);
  });
});

describe('against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    server.close();
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
    server.listen({ onUnhandledRequest: 'error' });
  });
  const OA = DEMO_APPS[0]!;

  it('pages the example of an offset list, one page per pageSize, and iteration ends', async () => {
    const oa = createClient({ appType: 'official_account', appid: OA.appid, appsecret: OA.secret, baseUrl: sim.url });
    const example = (await findExample('Material.batchGetMaterial')) as { item: unknown[] };
    sim.reset();
    const items = await collect(Material.batchGetMaterial.iterate(oa, { type: 'image' }, { pageSize: 1 }));
    expect(items).toEqual(example.item);
    expect(sim.counters().calls['/cgi-bin/material/batchget_material']).toBe(example.item.length);
  });

  it('pages a next_openid list one openid at a time and stops', async () => {
    const oa = createClient({ appType: 'official_account', appid: OA.appid, appsecret: OA.secret, baseUrl: sim.url });
    const example = (await findExample('Tag.getUsersByTag')) as { data: { openid: string[] } };
    const openids = await collect(Tag.getUsersByTag.iterate(oa, { tagid: 100 }));
    expect(openids).toEqual(example.data.openid);
  });
});
