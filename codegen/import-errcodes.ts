// One-off importer: turns the global errcode tables into catalog/errcodes.yaml.
// Run it again when the tables change; afterwards the YAML is the source of truth and may be
// corrected by hand (the generator reads only the YAML). A correction that should survive the
// next import goes into one of the tables below (OVERRIDES, WORK_OVERRIDES, TEXT, EXTRA), not
// only into the YAML.
//   npx tsx codegen/import-errcodes.ts ../shared/reference/errcodes
// The folder holds merged_by_code.json (official accounts, mini programs, the open platform,
// wechatpy) and wecom.json (企业微信全局错误码), which becomes the `work:` variant of an entry.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { ERRCODE_CATEGORIES, type ErrcodeCategory } from '../src/core/enums.js';

interface Row {
  errcode: number;
  zh?: Record<string, string>;
  en?: string;
  name?: string;
}

interface Meaning {
  category: ErrcodeCategory;
  zh?: string;
  en?: string;
}

/** One entry of errcodes.yaml: the meaning for official accounts, mini programs and the platform, and WeCom's if it differs. */
export interface ImportedErrcode extends Partial<Meaning> {
  work?: Meaning;
}

/** `work`: WeCom (企业微信), whose global table gives some codes other meanings. */
export type Product = 'work';

// Which table's Chinese text wins when several describe the same code: the official
// account and mini program tables are transcribed from the official pages most closely.
const PREFERENCE = ['official_account', 'miniprogram', 'open_platform', 'wechatpy'];

/**
 * The API credential was refused and a fresh one (plus one replay) fixes the call. Nothing else:
 * OAuth codes, refresh tokens, tickets and appid/secret problems are `credential`.
 */
const TOKEN = new Set([
  40001, // invalid credential, access_token is invalid or not latest
  40014, // invalid access_token
  41001, // access_token missing
  41021, // missing component_access_token
  42001, // access_token expired
  42006, // component_access_token expired
]);

/** WeCom: the corp, suite and provider tokens. 40001 is "invalid secret" there (credential). */
const WORK_TOKEN = new Set([
  40014, // 不合法的access_token
  40082, // 不合法的suite_token
  41001, // 缺少access_token参数
  42001, // access_token已过期
  42009, // suite_access_token已过期
  41022, // 缺少suite_access_token参数
]);

/**
 * Hand decisions the keyword rules below cannot make in general: code → [category, why].
 * They win over every rule. Keep the reason short; it is what the next reader needs.
 */
const OVERRIDES: Record<number, readonly [ErrcodeCategory, string]> = {
  // token-looking codes that a fresh access_token does not fix
  42002: ['credential', 'refresh_token expired: the user authorizes again'],
  42003: ['credential', 'oauth_code expired'],
  42007: ['credential', 'user changed the WeChat password: the OAuth tokens are void, re-authorize'],
  40029: ['credential', 'invalid oauth_code'],
  40163: ['credential', 'oauth_code already used'],
  40082: ['parameter', 'invalid banner picture size (WeCom: invalid suite_token, see WORK_OVERRIDES)'],
  42004: ['credential', 'plugin token expired'],
  40040: ['credential', 'invalid plugin token'],
  42009: ['credential', 'client tmp token expired (WeCom: suite_access_token expired)'],
  40180: ['credential', 'invalid client tmp token'],
  48012: ['credential', 'invalid token'],
  61014: ['credential', 'must use the component token'],
  61015: ['credential', 'must use the business account token, not the component one'],
  61024: ['credential', 'component accounts get their token through api_component_token'],
  45063: ['credential', 'the access_token is not a mini program one'],
  49001: ['credential', 'appid differs from the access_token’s'],
  76022: ['credential', 'the token does not belong to the API’s account'],
  9291005: ['credential', 'appid does not match the access_token'],
  89256: ['credential', 'token information wrong: no component info'],
  61004: ['credential', 'access clientip is not registered: the caller IP is not whitelisted'],
  45035: ['credential', 'access clientip is not registered, not in ip-white-list'],
  45032: ['credential', 'not inner ip for special acct in white-list'],
  45073: ['credential', 'not inner vip for sns in white list'],
  40164: ['credential', 'caller IP not in the whitelist'],
  61005: ['credential', 'component_verify_ticket expired'],
  61006: ['credential', 'invalid component_verify_ticket'],
  40091: ['credential', 'invalid component ticket'],
  41020: ['credential', 'missing platform_ticket'],
  61023: ['credential', 'authorizer refresh_token is invalid: the authorizer must authorize again'],
  87007: ['credential', 'session_key does not exist or expired'],
  50004: ['permission', 'the account may not use its access_token, for punishment'],
  // system errors
  80000: ['system_busy', '系统错误，请稍后再试'],
  89401: ['system_busy', '系统不稳定，请稍后再试'],
  72036: ['system_busy', 'invoice is busy, try again'],
  72089: ['system_busy', 'TITLE_BUSY'],
  89250: ['not_found', '未找到该任务 (the en text is a copy of 89247’s)'],
  87015: ['parameter', 'query timeout: try a smaller content'],
  89501: ['other', 'an unhandled confirmation request is pending'],
  89505: ['other', 'waiting for the administrator to confirm'],
  61401: ['other', 'kf system already transferred the session'],
  83003: ['credential', 'appid may be wrong'],
  // frequency and quota the keywords miss (or word as a size)
  43100: ['rate_limit', 'change template too frequently: once a month'],
  45028: ['rate_limit', 'has no masssend quota'],
  45029: ['rate_limit', '接口调用超过限额'],
  45040: ['rate_limit', 'reach max monthly quota limit'],
  45033: ['other', 'a user holds as many of the card as allowed'],
  45047: ['rate_limit', 'customer-service messages to a user: count reached'],
  45102: ['rate_limit', 'api blocked temporarily'],
  45104: ['rate_limit', 'reach max domain quota limit'],
  45101: ['rate_limit', 'hit upload limit'],
  53501: ['rate_limit', '频繁请求发布'],
  61055: ['rate_limit', 'exceed quota per month'],
  86005: ['rate_limit', 'wechat limit frequency'],
  86006: ['rate_limit', 'has no quota to send group msg'],
  87013: ['rate_limit', '撤回次数达到上限（每天5次，每个月 10 次）'],
  85085: ['rate_limit', '提审数量已达本月上限'],
  89030: ['rate_limit', 'operation reach month limit'],
  53200: ['rate_limit', '本月功能介绍修改次数已用完'],
  53202: ['rate_limit', '本月头像修改次数已用完'],
  53300: ['rate_limit', '超出每月次数限制'],
  72057: ['rate_limit', 'today insert limit'],
  9202003: ['credential', 'ip limit'],
  9300523: ['other', 'prepaid delivery balance is not enough: recharge'],
  9300527: ['parameter', 'the delivery company does not support quota'],
  9300813: ['other', 'not a quota'],
  9300814: ['other', 'too many sensitive words configured'],
  45015: ['other', 'reply too late (5 s) or the 48 h window is closed'],
  45037: ['other', 'the user has not talked to the account recently (tempsession)'],
  82021: ['rate_limit', 'exceed long period (send frequency)'],
  82022: ['rate_limit', 'exceed long period max send cnt'],
  82023: ['rate_limit', 'exceed short period max send cnt'],
  9300609: ['rate_limit', 'api exceed limit'],
  73105: ['system_busy', 'invoicing platform timeout: try again with the same fpqqlsh'],
  // appids and tickets passed as parameters are not the caller's credential
  40166: ['parameter', 'invalid weapp appid (a parameter)'],
  40183: ['parameter', 'invalid product_appid'],
  45086: ['parameter', "invalid attribute 'data-miniprogram-appid'"],
  73103: ['parameter', 'invalid wxa appid in url_cell'],
  82027: ['parameter', 'invalid miniprogram appid'],
  9300008: ['parameter', 'invalid tiny appid'],
  9300534: ['parameter', 'wx_appid of another entity'],
  9300536: ['parameter', 'invalid wx_appid'],
  41014: ['parameter', 'missing ticket_class (a cinema ticket)'],
  63177: ['parameter', 'src, secretkey, version or expired_time of a code is wrong'],
  72011: ['parameter', 'invalid card activate_ticket'],
  9001003: ['parameter', 'invalid 摇一摇 ticket'],
  // caps of the account (registrations, bindings), not of the request and not a rate
  53000: ['other', 'principal limit exceed'],
  53002: ['other', 'mobile limit exceed'],
  53003: ['other', 'idcard limit exceed'],
  61027: ['other', 'register limit exceed'],
  61053: ['other', 'realname exceed limits'],
  61063: ['other', 'admin exceed limits'],
  61065: ['other', 'idcard exceed limits'],
  61067: ['other', 'mobile exceed limits'],
  85003: ['other', 'the WeChat user is a tester of too many mini programs'],
  // size, length and count limits of one request: parameter, never rate_limit
  45002: ['parameter', 'content size out of limit'],
  47004: ['parameter', 'more than 1000 pages in one submission'],
  80112: ['other', 'code concurrency conflict'],
  89503: ['other', 'this call needs the administrator’s confirmation'],
  // parameter, not content
  47001: ['parameter', 'JSON/XML parse error'],
  44003: ['parameter', 'empty news data'],
  44004: ['parameter', 'empty content'],
  45166: ['parameter', 'invalid content'],
  48002: ['permission', 'the follower turned off receiving messages'],
  53201: ['content', 'the signature hits a blacklisted keyword'],
  68036: ['other', 'not enough products to refund'],
  43019: ['permission', 'the recipient is on the account’s blacklist (not content security)'],
  50002: ['permission', 'the user is restricted or banned after a violation'],
  43101: ['permission', 'the user refused the message (unsubscribed)'],
};

/** The same for the WeCom meaning (wecom.json). */
const WORK_OVERRIDES: Record<number, readonly [ErrcodeCategory, string]> = {
  40001: ['credential', '不合法的secret参数'],
  40091: ['credential', 'secret不合法'],
  40013: ['credential', '不合法的CorpID'],
  40029: ['credential', '不合法的oauth_code'],
  40077: ['credential', '不合法的pre_auth_code'],
  40078: ['credential', '不合法的auth_code'],
  40080: ['credential', '不合法的suite_secret'],
  40084: ['credential', '不合法的permanent_code'],
  40085: ['credential', '不合法的suite_ticket'],
  40093: ['credential', '不合法的jsapi_ticket'],
  42007: ['credential', 'pre_auth_code已过期'],
  41002: ['credential', '缺少corpid参数'],
  41004: ['credential', '缺少secret参数'],
  41024: ['credential', '缺少secret参数'],
  41025: ['credential', '缺少permanent_code参数'],
  48003: ['credential', 'suite_access_token 不是由指定的 suite_id 生成'],
  45009: ['rate_limit', '接口调用超过限制'],
  45033: ['rate_limit', '接口并发调用超过限制'],
  45002: ['parameter', '消息内容大小超过限制'],
  48002: ['permission', 'API接口无权限调用'],
  60020: ['credential', '访问ip不在白名单之中'],
  41023: ['credential', '缺少suite_ticket参数'],
  84014: ['credential', '成员票据(user_ticket)过期'],
  84015: ['credential', '成员票据(user_ticket)无效'],
  84071: ['credential', '不合法的外部联系人授权码'],
  84075: ['credential', '不合法或过期的authcode'],
  40086: ['parameter', '不合法的第三方应用appid (a list parameter)'],
  84054: ['parameter', '缺少auth_corpid参数'],
  2000002: ['parameter', 'CorpId参数无效 (a parameter of the linked-corp APIs)'],
  86006: ['parameter', '群成员数过多或过少'],
  48004: ['permission', '授权关系无效：无授权或授权已被取消'],
  84067: ['rate_limit', '管理员一天内被服务商呼叫的个数超过限制'],
  301022: ['system_busy', '获取打卡数据失败；系统失败，可重试'],
  301057: ['system_busy', '提交审批单内部接口失败'],
  302005: ['system_busy', '批量导入系统失败，请重新尝试导入'],
};

/** Texts the tables get wrong: code → corrected text and why. */
const TEXT: Record<number, { zh?: string; en?: string; why: string }> = {
  40125: {
    zh: '不合法的 AppSecret，请开发者检查 AppSecret 的正确性',
    en: 'invalid appsecret',
    why: 'the merged table copied 40013’s AppID text over it',
  },
  61004: {
    zh: '调用方 IP 未在白名单中，请在公众平台或第三方平台的 IP 白名单中添加服务器出口 IP',
    why: 'the official 全局返回码 page gives this code 61007’s Chinese (api 功能未授权); the official errmsg and the endpoint pages mean "IP not whitelisted"',
  },
};

/** Codes listed by catalog endpoints but missing from the tables. zh only where the endpoint's doc page was checked. */
const EXTRA: Record<number, ImportedErrcode> = {
  1001: { category: 'parameter', zh: '请求参数非法' },
  1005: { category: 'parameter', zh: '插件appid与数据不匹配' },
  1007: { category: 'not_found', zh: 'openpid数据不存在' },
  40226: { category: 'permission' },
  40243: { category: 'credential' },
  44990: { category: 'rate_limit' },
  45107: { category: 'other' },
  65320: { category: 'other' },
  85400: { category: 'rate_limit' },
  85401: { category: 'parameter' },
  85402: { category: 'parameter' },
  85403: { category: 'not_found' },
  9410010: { category: 'parameter' },
  9410011: { category: 'parameter' },
  9410012: { category: 'parameter' },
};

const SYSTEM =
  /系统繁忙|系统错误|sysem error|系统内部错误|内部错误|系统不稳定|服务器暂不可用|system (busy|error)|sys error|inner error|internal (error|exception)|server err|service timeout|connect .*timeout|resp timeout|delivery timeout/i;
const RATE =
  /频率|频繁|太快|过快|frequen|freq limit|too often|quota|配额|额度|调用.*(超过|超出)(限制|上限|限额)|(每日|每天|当天|今日|今天|每月|本月|每个月|一个月|每周|本周).*(次数|上限|限制|用完|最多|超过)|(次数|调用).*(已用完|上限|超过限制)|daily|monthly|per (day|month|minute)|speed limit|retry too fast|concurrent limit|并发/i;
const CREDENTIAL =
  /appsecret|secret.*(错误|不合法|无效|invalid|wrong)|(不合法|无效|缺少|invalid|missing).*(appid|secret|corpid|grant_type)\b|白名单|white-?list|clientip|refresh_?token|oauth_?code|凭证|(invalid|wrong|missing) (component |platform )?ticket|ticket (已过期|不合法|invalid|expired)|session_key/i;
const CONTENT = /违规|违法|违反|敏感|色情|涉嫌|风险|内容安全|安全审核|risky|unsafe|for safety|sensitive|forbidden keyword|blacklist/i;
const PERMISSION =
  /权限|未授权|没有授权|无权|unauthori[sz]ed|permission|not authorized|no auth|封禁|被冻结|禁止|forbid|banned|blocked|not allow|need authorize|require .*authori[sz]/i;
const NOT_FOUND = /不存在|not exist|no exist|not existd|not found|未找到|找不到|no such|there is no/i;
const PARAMETER =
  /不合法|非法|无效|缺少|缺失|参数|格式|为空|空白|不正确|过长|过短|max len|len is zero|不能为空|不能超过|不能包含|不支持|超过限制|超出限制|超过上限|长度|大小|invalid|missing|illegal|empty|wrong|param\w* error|format error|range error|(id|date|type|url|code|name|ip) error|must|size|length|too (many|long|large|big)|exceed|out of limit|out of range|more than|less than|require (GET|POST|https)|not support/i;

/**
 * The category of an errcode from its code and messages. `product: 'work'` reads a WeCom meaning
 * (wecom.json): its overrides and token codes, the same keyword rules otherwise.
 */
export function categorize(code: number, zh: string, en: string | undefined, product?: Product): ErrcodeCategory {
  if (code === 0) return 'ok';
  if (code === -1) return 'system_busy';
  const override = product === 'work' ? WORK_OVERRIDES[code] : OVERRIDES[code];
  if (override) return override[0];
  if ((product === 'work' ? WORK_TOKEN : TOKEN).has(code)) return 'token';
  const text = `${zh} ${en ?? ''}`;
  if (RATE.test(text)) return 'rate_limit';
  if (SYSTEM.test(text)) return 'system_busy';
  if (CREDENTIAL.test(text)) return 'credential';
  if (CONTENT.test(text)) return 'content';
  if (PERMISSION.test(text)) return 'permission';
  if (NOT_FOUND.test(text)) return 'not_found';
  if (PARAMETER.test(text)) return 'parameter';
  return 'other';
}

interface WecomTable {
  entries: { errcode: number; zh: string }[];
}

/** The entries of errcodes.yaml, in code order, from the tables folder. */
export function importErrcodes(dir: string): Map<number, ImportedErrcode> {
  const rows = JSON.parse(readFileSync(join(dir, 'merged_by_code.json'), 'utf8')) as Row[];
  const wecomFile = join(dir, 'wecom.json');
  const wecom = existsSync(wecomFile) ? (JSON.parse(readFileSync(wecomFile, 'utf8')) as WecomTable).entries : [];
  const out = new Map<number, ImportedErrcode>();
  for (const row of rows) {
    const table = PREFERENCE.find((t) => row.zh?.[t]?.trim());
    const fix = TEXT[row.errcode];
    const zh = fix?.zh ?? (table ? row.zh![table]!.trim() : undefined);
    const en = fix?.en ?? row.en?.trim();
    const entry: ImportedErrcode = { category: categorize(row.errcode, zh ?? '', en) };
    if (zh) entry.zh = zh;
    if (en) entry.en = en;
    out.set(row.errcode, entry);
  }
  for (const [code, entry] of Object.entries(EXTRA)) if (!out.has(Number(code))) out.set(Number(code), entry);
  for (const { errcode, zh: raw } of wecom) {
    const zh = raw.trim();
    const work: Meaning = { category: categorize(errcode, zh, undefined, 'work'), zh };
    const base = out.get(errcode);
    // The shared meaning serves WeCom too when WeCom's table says the same.
    if (base && base.category === work.category && base.zh === work.zh) continue;
    if (base) base.work = work;
    else out.set(errcode, { work });
  }
  return new Map([...out].sort(([a], [b]) => a - b));
}

/** errcodes.yaml's text. */
export function errcodesYaml(entries: Map<number, ImportedErrcode>): string {
  const header =
    '# errcode → official message and category. Imported from the global errcode tables by\n' +
    '# codegen/import-errcodes.ts (its OVERRIDES/TEXT tables hold the hand corrections; put new ones\n' +
    '# there too, or the next import loses them). `work:` is the WeCom (企业微信) meaning where it\n' +
    '# differs; an entry with only `work:` exists in WeCom only.\n' +
    `# categories: ${ERRCODE_CATEGORIES.join(', ')}\n`;
  const doc = new Map<string, ImportedErrcode>();
  for (const [code, e] of entries) {
    // Keys in a fixed order: category first, then the texts, then the WeCom variant.
    const o: Record<string, unknown> = {};
    if (e.category) o.category = e.category;
    if (e.zh !== undefined) o.zh = e.zh;
    if (e.en !== undefined) o.en = e.en;
    if (e.work) o.work = { category: e.work.category, ...(e.work.zh ? { zh: e.work.zh } : {}), ...(e.work.en ? { en: e.work.en } : {}) };
    doc.set(String(code), o as ImportedErrcode);
  }
  return header + stringify(doc, { lineWidth: 0 });
}

function main(path: string): void {
  const dir = statSync(path).isDirectory() ? path : dirname(path);
  const entries = importErrcodes(dir);
  writeFileSync('catalog/errcodes.yaml', errcodesYaml(entries));
  const work = [...entries.values()].filter((e) => e.work).length;
  console.log(`wrote ${entries.size} errcodes (${work} with a WeCom meaning) to catalog/errcodes.yaml`);
}

if (process.argv[1]?.endsWith('import-errcodes.ts')) {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: npx tsx codegen/import-errcodes.ts <errcode tables folder>');
    process.exit(2);
  }
  main(path);
}
