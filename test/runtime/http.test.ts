import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import * as OfficialAccount from '../../generated/official-account/index.js';
import { WxQrCode } from './png-fixture.js';
import { bind, WxApiError } from '../../src/index.js';
import { server, testClient, tokenEndpoint, WX } from '../helpers.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('binary endpoints', () => {
  it('return bytes with content type and filename', async () => {
    tokenEndpoint();
    server.use(
      http.get(
        `${WX}/cgi-bin/media/get`,
        () => new HttpResponse(WxQrCode, { headers: { 'content-type': 'image/jpeg', 'content-disposition': 'attachment; filename="MEDIA_ID.jpg"' } }),
      ),
    );
    const r = await Material.getTempMedia(testClient(), { media_id: 'MEDIA_ID' });
    if (!('data' in r)) throw new Error('expected bytes');
    expect(r.contentType).toBe('image/jpeg');
    expect(r.filename).toBe('MEDIA_ID.jpg');
    expect(Buffer.from(r.data).equals(Buffer.from(WxQrCode))).toBe(true);
  });

  it('a JSON error body from a binary endpoint raises the API error (and replays on 40001)', async () => {
    const tokens = tokenEndpoint();
    let n = 0;
    server.use(
      http.post(`${WX}/cgi-bin/material/get_material`, () => {
        n++;
        return n === 1
          ? HttpResponse.json({ errcode: 40001, errmsg: 'invalid credential' })
          : new HttpResponse(JSON.stringify({ errcode: 40007, errmsg: 'invalid media_id' }), { headers: { 'content-type': 'text/plain' } });
      }),
    );
    const e = await Material.getMaterial(testClient(), { media_id: 'x' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxApiError);
    expect((e as WxApiError).errcode).toBe(40007);
    expect(tokens.count).toBe(2);
  });
});

describe('uploads', () => {
  it('send multipart with the file name and content type, plus query and text fields', async () => {
    tokenEndpoint();
    let got: { type: string | null; file?: File; description?: FormDataEntryValue | null } = { type: null };
    server.use(
      http.post(`${WX}/cgi-bin/material/add_material`, async ({ request }) => {
        const form = await request.formData();
        got = { type: new URL(request.url).searchParams.get('type'), file: form.get('media') as File, description: form.get('description') };
        return HttpResponse.json({ media_id: 'M1' });
      }),
    );
    const bytes = new Uint8Array([137, 80, 78, 71]);
    async function* stream() {
      yield bytes.slice(0, 2);
      yield bytes.slice(2);
    }
    const r = await Material.addMaterial(testClient(), {
      type: 'video',
      media: { data: stream(), filename: 'clip.mp4' },
      description: '{"title":"t","introduction":"i"}',
    });
    expect(r.media_id).toBe('M1');
    expect(got.type).toBe('video');
    expect(got.file?.name).toBe('clip.mp4');
    expect(got.file?.type).toBe('video/mp4');
    expect(new Uint8Array(await got.file!.arrayBuffer())).toEqual(bytes);
    expect(got.description).toBe('{"title":"t","introduction":"i"}');
  });

  it('refuse a value that is not a file', async () => {
    tokenEndpoint();
    await expect(Material.uploadImage(testClient(), { media: 'not a file' as never })).rejects.toThrow(
      /media: expected a Blob or \{ data, filename, contentType\? \}/,
    );
  });
});

describe('call styles', () => {
  it('raw requests get the token, errcode handling and query/body placement', async () => {
    tokenEndpoint();
    let seen: { url?: string; body?: unknown } = {};
    server.use(
      http.post(`${WX}/cgi-bin/new/thing`, async ({ request }) => {
        seen = { url: request.url, body: await request.json() };
        return HttpResponse.json({ errcode: 0, errmsg: 'ok', value: 42 });
      }),
    );
    const r = await testClient()
      .request<{ value: number }>({ path: '/cgi-bin/new/thing', query: { lang: 'zh_CN' }, body: { a: 1 } })
      .withResponse();
    expect(r.data.value).toBe(42);
    expect(seen.url).toBe(`${WX}/cgi-bin/new/thing?lang=zh_CN&access_token=T1`);
    expect(seen.body).toEqual({ a: 1 });
    expect(r.response.url).toBe(`${WX}/cgi-bin/new/thing?lang=zh_CN&access_token=***`);
  });

  it('the bound facade calls the same functions', async () => {
    tokenEndpoint();
    server.use(
      http.get(`${WX}/cgi-bin/material/get_materialcount`, () => HttpResponse.json({ voice_count: 9, video_count: 0, image_count: 0, news_count: 0 })),
    );
    const oa = bind(testClient(), OfficialAccount);
    expect((await oa.Material.getMaterialCount()).voice_count).toBe(9);
  });

  it('unknown parameters still reach WeChat (body for POST)', async () => {
    tokenEndpoint();
    let body: unknown;
    server.use(
      http.post(`${WX}/cgi-bin/material/batchget_material`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ total_count: 0, item_count: 0, item: [] });
      }),
    );
    await Material.batchGetMaterial(testClient(), { type: 'news', offset: 0, count: 1, brand_new_flag: true } as never);
    expect(body).toEqual({ type: 'news', offset: 0, count: 1, brand_new_flag: true });
  });
});
