// The errcode table: the categories that drive behaviour (token, rate_limit, system_busy,
// credential) hold the codes they should, the importer's rules classify representative texts, the
// WeCom variant (`work:`) is read, checked and served to WeCom clients only. Reads the committed
// catalog/errcodes.yaml and the generated table, never ../shared (absent on users' machines),
// except for one reference suite that is skipped there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { problemsOf, removeCatalogs, writeCatalog } from './catalog-files.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { categorize, errcodesYaml, importErrcodes } from '../../codegen/import-errcodes.js';
import { errcodes, workErrcodes } from '../../generated/errcodes.js';
import { Material } from '../../generated/official-account/index.js';
import { Agent } from '../../generated/work/index.js';
import { describeErrcode } from '../../src/protocols/errcodes.js';
import { createClient, WxApiError } from '../../src/index.js';
import { createWorkClient } from '../../src/work/index.js';
import type { HttpRequest, Transport } from '../../src/transport/types.js';
import { describeReference, REFERENCE_DIR } from '../reference.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

interface Meaning {
  category: string;
  zh?: string;
  en?: string;
}
type Entry = Partial<Meaning> & { work?: Meaning };
const yaml = parse(readFileSync(join(REPO, 'catalog/errcodes.yaml'), 'utf8')) as Record<string, Entry>;
const category = (code: number) => yaml[String(code)]?.category;
const workCategory = (code: number) => yaml[String(code)]?.work?.category;

describe('catalog/errcodes.yaml categories', () => {
  it.each([
    ['token', [40001, 40014, 41001, 42001, 42006]],
    ['credential', [42002, 42003, 42007, 40029, 40163, 40002, 40013, 40125, 41002, 41004, 61004, 45035, 61023]],
    ['rate_limit', [45009, 45011, 43100, 45061, 53501, 45028, 45093, 61055, 86006, 45047, 47006]],
    ['system_busy', [-1, 80000, 89401, 72036, 89247]],
    ['parameter', [40082, 45002, 45001, 45003, 45067, 47001, 44003, 44004, 47004]],
    ['permission', [48001, 48004, 50002, 43019]],
    ['not_found', [46001, 46004]],
    ['content', [87014, 88002, 300004]],
  ] as const)('%s: %j', (want, codes) => {
    for (const code of codes) expect([code, category(code)]).toEqual([code, want]);
  });

  it('token holds only codes a fresh API token fixes', () => {
    const token = Object.entries(yaml)
      .filter(([, e]) => e.category === 'token')
      .map(([c]) => Number(c))
      .sort((a, b) => a - b);
    expect(token).toEqual([40001, 40014, 41001, 41021, 42001, 42006]);
  });

  it('rate_limit never holds a size or length limit', () => {
    const sized = Object.entries(yaml).filter(
      ([, e]) =>
        e.category === 'rate_limit' && /size|length|长度|大小/i.test(`${e.zh ?? ''} ${e.en ?? ''}`) && !/quota|频率|次数/i.test(`${e.zh ?? ''} ${e.en ?? ''}`),
    );
    expect(sized).toEqual([]);
  });

  it('61004 reads as the IP whitelist error it is', () => {
    expect(yaml['61004']).toMatchObject({ category: 'credential', en: 'access clientip is not registered' });
    expect(yaml['61004']!.zh).toMatch(/IP.*白名单/);
    expect(yaml['61004']!.zh).not.toMatch(/未授权/);
  });

  it('keeps the codes listed by endpoints that the tables lack', () => {
    for (const code of [1001, 1005, 1007, 40226, 40243, 44990, 85400, 9410010]) expect(yaml[String(code)]?.category).toBeDefined();
  });
});

describe('WeCom meanings (`work:`)', () => {
  it('gives colliding codes their WeCom meaning', () => {
    expect(yaml['40082']).toMatchObject({ category: 'parameter', zh: 'invalid banner picture size', work: { category: 'token', zh: '不合法的suite_token' } });
    expect(workCategory(42009)).toBe('token');
    expect(workCategory(40001)).toBe('credential');
    expect(workCategory(40096)).toBe('parameter');
    expect(yaml['40096']!.work!.zh).toContain('外部联系人');
    expect(yaml['48002']!.work).toMatchObject({ category: 'permission', zh: 'API接口无权限调用' });
    expect(yaml['40003']!.work!.zh).toBe('无效的UserID');
  });

  it('holds WeCom-only codes under `work:` alone', () => {
    for (const code of [60011, 60020, 84061, 301002, 41022]) {
      const e = yaml[String(code)]!;
      expect(Object.keys(e)).toEqual(['work']);
    }
    expect(workCategory(60020)).toBe('credential');
    expect(workCategory(41022)).toBe('token');
  });

  it('the generated tables carry both', () => {
    const base = new Map(errcodes.map((r) => [r[0], r]));
    const work = new Map(workErrcodes.map((r) => [r[0], r]));
    expect(base.get(40082)?.[1]).toBe('parameter');
    expect(work.get(40082)?.slice(1, 3)).toEqual(['token', '不合法的suite_token']);
    expect(base.has(60011)).toBe(false);
    expect(work.get(60011)?.[1]).toBe('permission');
  });

  it('describeErrcode picks the meaning of the app type', async () => {
    expect(await describeErrcode(40082)).toMatchObject({ category: 'parameter', zh: 'invalid banner picture size' });
    expect(await describeErrcode(40082, 'official_account')).toMatchObject({ category: 'parameter' });
    expect(await describeErrcode(40082, 'work')).toMatchObject({ category: 'token', zh: '不合法的suite_token' });
    // A code WeCom shares unchanged falls back to the shared meaning; a WeCom-only one is unknown elsewhere.
    expect(await describeErrcode(45009, 'work')).toMatchObject({ category: 'rate_limit' });
    expect(await describeErrcode(60011, 'work')).toMatchObject({ category: 'permission' });
    expect(await describeErrcode(60011, 'mini_program')).toEqual({ category: 'other' });
  });
});

/** Answers every token request with a token and every API call with `errcode`. */
function failing(errcode: number): Transport {
  return {
    async send(req: HttpRequest) {
      if (/\/cgi-bin\/(token|gettoken)$/.test(req.url.pathname)) return Response.json({ access_token: 'T1', expires_in: 7200 });
      return Response.json({ errcode, errmsg: `errmsg ${errcode} rid: 1` });
    },
  };
}

describe('clients describe an errcode by their own product', () => {
  it('a WeCom client reads 40082 as an invalid suite_token (token)', async () => {
    const client = createWorkClient({ corpid: 'ww0000000000000001', corpsecret: 'corp-secret', transport: failing(40082), retry: { retries: 0 } });
    const e = await Agent.getAgent(client, { agentid: 1000002 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxApiError);
    expect(e).toMatchObject({ errcode: 40082, category: 'token' });
    expect((e as WxApiError).info.zh).toBe('不合法的suite_token');
  });

  it('an official-account client reads 40082 as a banner size (parameter)', async () => {
    const client = createClient({ appType: 'official_account', appid: 'wx00000000000000aa', appsecret: 's', transport: failing(40082), retry: { retries: 0 } });
    const e = await Material.batchGetMaterial(client, { type: 'image', offset: 0, count: 1 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ errcode: 40082, category: 'parameter' });
    expect((e as WxApiError).info.zh).toBe('invalid banner picture size');
  });
});

describe('categorize()', () => {
  it.each([
    [40001, 'invalid credential', undefined, 'token'],
    [42006, 'component_access_token expired', undefined, 'token'],
    [42003, 'oauth_code 超时', 'code expired', 'credential'],
    [40082, 'invalid banner picture size', undefined, 'parameter'],
    [99001, 'API 调用太频繁，请稍候再试', undefined, 'rate_limit'],
    [99002, '当天提交页面数达到了配额上限，请明天再试', undefined, 'rate_limit'],
    [99003, 'reach max api daily quota limit', undefined, 'rate_limit'],
    [99004, 'maybe the update frequency is too often', undefined, 'rate_limit'],
    [99005, 'image url size out of limit', undefined, 'parameter'],
    [99006, '标题字段超过限制', 'title size out of limit', 'parameter'],
    [99007, '系统错误，请稍后再试', undefined, 'system_busy'],
    [99008, 'inner error, retry after some while', undefined, 'system_busy'],
    [99009, 'access clientip is not registered, not in ip-white-list', undefined, 'credential'],
    [99010, '不合法的 refresh_token', undefined, 'credential'],
    [99011, '内容含有违法违规内容', undefined, 'content'],
    [99012, '文本消息内容为空', 'empty content', 'parameter'],
    [99013, 'api 功能未授权', undefined, 'permission'],
    [99014, '不存在的用户', 'user no exist', 'not_found'],
    [99015, 'something else entirely', undefined, 'other'],
  ] as const)('%i %s → %s', (code, zh, en, want) => {
    expect(categorize(code, zh, en)).toBe(want);
  });

  it('reads WeCom texts with the WeCom rules', () => {
    expect(categorize(40082, '不合法的suite_token', undefined, 'work')).toBe('token');
    expect(categorize(42009, 'suite_access_token已过期', undefined, 'work')).toBe('token');
    expect(categorize(40001, '不合法的secret参数', undefined, 'work')).toBe('credential');
    expect(categorize(60011, '指定的成员/部门/标签参数无权限', undefined, 'work')).toBe('permission');
  });

  it('writes work-only entries with `work:` alone', () => {
    const text = errcodesYaml(
      new Map([
        [40082, { category: 'parameter' as const, zh: 'invalid banner picture size', work: { category: 'token' as const, zh: '不合法的suite_token' } }],
        [60011, { work: { category: 'permission' as const, zh: '无权限' } }],
      ]),
    );
    expect(parse(text)).toEqual({
      '40082': { category: 'parameter', zh: 'invalid banner picture size', work: { category: 'token', zh: '不合法的suite_token' } },
      '60011': { work: { category: 'permission', zh: '无权限' } },
    });
  });
});

describe('codegen reads and checks `work:`', () => {
  afterEach(removeCatalogs);

  function problems(files: Record<string, string>): string[] {
    return problemsOf(writeCatalog(files));
  }

  const ERRCODES = `"40082":
  category: parameter
  zh: invalid banner picture size
  work: { category: token, zh: 不合法的suite_token }
"60011":
  work: { category: permission, zh: 指定的成员/部门/标签参数无权限 }
`;
  const endpoint = (folder: string, appType: string, codes: string) => ({
    [`${folder}/thing.yaml`]: `namespace: Thing
title: Thing
appTypes: [${appType}]
endpoints:
  - name: getThing
    summary: get
    method: GET
    path: /cgi-bin/thing/get
    auth: access_token
    idempotent: true
    result: { id: integer }
    errcodes: [${codes}]
    example: { id: 1 }
`,
  });

  it('accepts a WeCom-only code on a WeCom endpoint', () => {
    expect(problems({ 'errcodes.yaml': ERRCODES, ...endpoint('work', 'work', '40082, 60011') })).toEqual([]);
  });

  it('refuses a WeCom-only code elsewhere, and a code nobody has', () => {
    expect(problems({ 'errcodes.yaml': ERRCODES, ...endpoint('official-account', 'official_account', '40082, 60011, 12345') })).toEqual([
      'official-account/thing.yaml:12 Thing.getThing: errcodes[1]: 60011 is a WeCom errcode (only `work:` in errcodes.yaml); this endpoint is for official_account',
      'official-account/thing.yaml:12 Thing.getThing: errcodes[2]: 12345 is not in errcodes.yaml; add it there with its official message',
    ]);
  });

  it('validates the variant like the entry', () => {
    const bad = `"40082":
  category: parameter
  work: { category: tokn, text: x }
"60011":
  zh: only a text
`;
    expect(problems({ 'errcodes.yaml': bad })).toEqual([
      expect.stringMatching(/^errcodes\.yaml:3 .*40082\.work: unknown key "text"/),
      expect.stringMatching(/^errcodes\.yaml:3 .*40082\.work\.category: "tokn" is not an errcode category/),
      expect.stringMatching(/^errcodes\.yaml:5 .*60011\.category: required/),
    ]);
  });
});

describeReference('errcodes.yaml against the errcode tables', () => {
  it('is what the importer makes of ../shared/reference/errcodes', () => {
    const made = errcodesYaml(importErrcodes(join(REFERENCE_DIR, 'errcodes')));
    expect(made).toBe(readFileSync(join(REPO, 'catalog/errcodes.yaml'), 'utf8'));
  });
});
