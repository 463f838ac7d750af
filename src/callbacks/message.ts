// parseMessage: XML or JSON push text → typed message.
//
// Numbers: a fixed list of field names (NUMERIC_FIELDS, any depth) is converted when the text is a
// plain decimal that a double holds exactly; other text in those fields is kept as it came (never
// NaN). Ids (MsgId, MsgID, MsgDataId) are always strings: they exceed 2^53 on the wire and are not
// even digits in some mini program pushes. A variant's `kind` is assigned only after the fields
// that variant requires were checked, so `kind === 'text'` guarantees `Content` is a string.

import { WxCryptoError } from '../core/errors.js';
import { parseJsonPreservingIntegers } from './json.js';
import type { MessageObject, MessageValue, WxMessage } from './message-types.js';
import { parseXml, type XmlValue } from '../core/xml-parse.js';

const NUMERIC_FIELDS = new Set([
  'CreateTime',
  'AgentID',
  'Location_X',
  'Location_Y',
  'Scale',
  'Latitude',
  'Longitude',
  'Precision',
  'ExpiredTime',
  'FailTime',
  'AuthorizationCodeExpiredTime',
  'TotalCount',
  'FilterCount',
  'SentCount',
  'ErrorCount',
  'Count',
  'CheckState',
  'ArticleIdx',
  'UserDeclareState',
  'AuditState',
  'OriginalArticleType',
  'CanReprint',
  'NeedReplaceContent',
  'NeedShowReprintSource',
  'PopupScene',
  'ErrorCode',
  'ArticleCount',
  'status',
  'code_type',
  'isrisky',
  'status_code',
  'version',
  'TimeStamp',
  // WeCom: contact changes, batch jobs, customer groups, robot callbacks.
  'MainDepartment',
  'ParentId',
  'Order',
  'TagId',
  'ErrCode',
  'MemChangeCnt',
  'create_time',
  'Mode',
]);
const ID_FIELDS = new Set(['MsgId', 'MsgID', 'MsgDataId']);
const DECIMAL = /^-?(?:\d{1,15}|\d+\.\d+)$/;
const MAX_DEPTH = 32;

interface Spec {
  strings?: readonly string[];
  numbers?: readonly string[];
  /** Replaces the usual base fields (USER_BASE for events, INFO_BASE for infos). */
  base?: Spec;
  /** Fields typed as a union of literals: a value outside it leaves the push `unknown`. */
  oneOf?: Readonly<Record<string, readonly string[]>>;
}
const USER_MESSAGES: Record<string, Spec> = {
  text: { strings: ['Content'] },
  image: { strings: ['PicUrl', 'MediaId'] },
  voice: { strings: ['MediaId', 'Format'] },
  video: { strings: ['MediaId', 'ThumbMediaId'] },
  shortvideo: { strings: ['MediaId', 'ThumbMediaId'] },
  location: { numbers: ['Location_X', 'Location_Y', 'Scale'] },
  link: { strings: ['Title', 'Description', 'Url'] },
  miniprogrampage: { strings: ['Title', 'AppId', 'PagePath'] },
};
const KEYED = { strings: ['EventKey'] };
const CONTACT_CHANGES = ['create_user', 'update_user', 'delete_user', 'create_party', 'update_party', 'delete_party', 'update_tag'];
const EXTERNAL_CONTACT_CHANGES = [
  'add_external_contact',
  'edit_external_contact',
  'add_half_external_contact',
  'del_external_contact',
  'del_follow_user',
  'transfer_fail',
];
const EXTERNAL_CHAT_CHANGES = ['create', 'update', 'dismiss'];
const EXTERNAL_TAG_CHANGES = ['create', 'update', 'delete', 'shuffle'];
const EVENTS: Record<string, Spec> = {
  subscribe: {},
  unsubscribe: {},
  SCAN: KEYED,
  CLICK: KEYED,
  VIEW: KEYED,
  LOCATION: { numbers: ['Latitude', 'Longitude', 'Precision'] },
  scancode_push: KEYED,
  scancode_waitmsg: KEYED,
  pic_sysphoto: KEYED,
  pic_photo_or_album: KEYED,
  pic_weixin: KEYED,
  location_select: KEYED,
  TEMPLATESENDJOBFINISH: { strings: ['MsgID', 'Status'] },
  MASSSENDJOBFINISH: { strings: ['MsgID', 'Status'] },
  PUBLISHJOBFINISH: {},
  kf_create_session: { strings: ['KfAccount'] },
  kf_close_session: { strings: ['KfAccount'] },
  kf_switch_session: { strings: ['FromKfAccount', 'ToKfAccount'] },
  subscribe_msg_popup_event: {},
  subscribe_msg_change_event: {},
  subscribe_msg_sent_event: {},
  user_enter_tempsession: {},
  wxa_media_check: {},
  // WeCom (企业微信) app callbacks; ChangeType says which change, typed as a union per event.
  change_contact: { oneOf: { ChangeType: CONTACT_CHANGES } },
  change_external_contact: { oneOf: { ChangeType: EXTERNAL_CONTACT_CHANGES } },
  change_external_chat: { strings: ['ChatId'], oneOf: { ChangeType: EXTERNAL_CHAT_CHANGES } },
  change_external_tag: { oneOf: { ChangeType: EXTERNAL_TAG_CHANGES } },
  sys_approval_change: {},
  batch_job_result: {},
  enter_agent: {},
  click: KEYED,
  view: KEYED,
  view_miniprogram: KEYED,
  // Template cards (buttons, votes, menus) and task cards: which card, which key.
  template_card_event: { strings: ['EventKey', 'TaskId'] },
  template_card_menu_event: { strings: ['EventKey', 'TaskId'] },
  taskcard_click: { strings: ['EventKey', 'TaskId'] },
  change_app_admin: {},
  living_status_change: { strings: ['LivingId'] },
  open_approval_change: {},
  switch_workbench_mode: { numbers: ['Mode'] },
  // 微信客服 pushes carry no FromUserName.
  kf_msg_or_event: { base: { strings: ['ToUserName'], numbers: ['CreateTime'] }, strings: ['Token', 'OpenKfId'] },
};
// Instruction callbacks of WeCom third-party apps: SuiteId + TimeStamp instead of AppId + CreateTime.
const SUITE_BASE: Spec = { strings: ['SuiteId'], numbers: ['TimeStamp'] };
const SUITE_CORP: Spec = { base: SUITE_BASE, strings: ['AuthCorpId'] };
const INFOS: Record<string, Spec> = {
  component_verify_ticket: { strings: ['ComponentVerifyTicket'] },
  authorized: { strings: ['AuthorizerAppid', 'AuthorizationCode'] },
  updateauthorized: { strings: ['AuthorizerAppid', 'AuthorizationCode'] },
  unauthorized: { strings: ['AuthorizerAppid'] },
  notify_third_fasteregister: { numbers: ['status'] },
  suite_ticket: { base: SUITE_BASE, strings: ['SuiteTicket'] },
  create_auth: { base: SUITE_BASE, strings: ['AuthCode'] },
  change_auth: { base: SUITE_BASE, strings: ['AuthCorpId'] },
  cancel_auth: { base: SUITE_BASE, strings: ['AuthCorpId'] },
  reset_permanent_code: { base: SUITE_BASE, strings: ['AuthCode'] },
  change_contact: { ...SUITE_CORP, oneOf: { ChangeType: CONTACT_CHANGES } },
  change_external_contact: { ...SUITE_CORP, oneOf: { ChangeType: EXTERNAL_CONTACT_CHANGES } },
  change_external_chat: { base: SUITE_BASE, strings: ['AuthCorpId', 'ChatId'], oneOf: { ChangeType: EXTERNAL_CHAT_CHANGES } },
  change_external_tag: { ...SUITE_CORP, oneOf: { ChangeType: EXTERNAL_TAG_CHANGES } },
};
// Intelligent-robot callbacks (JSON, lower-case names): each message type carries an object of its name.
// The value is the text field that variant's object must carry ('' for none).
const AIBOT_TYPES: Record<string, string> = { text: 'content', image: 'url', mixed: '', voice: '', file: 'url', stream: 'id', event: 'eventtype' };
const USER_BASE: Spec = { strings: ['ToUserName', 'FromUserName'], numbers: ['CreateTime'] };
const INFO_BASE: Spec = { strings: ['AppId'], numbers: ['CreateTime'] };

export type PushFormat = 'xml' | 'json';

/** Parse the push body WeChat sent (or the plaintext of an encrypted one). Throws WxCryptoError('format') on malformed input. */
export function parseMessage(text: string): WxMessage {
  return parseMessageWithFormat(text).message;
}

export function parseMessageWithFormat(text: string): { message: WxMessage; format: PushFormat } {
  const format = detectFormat(text);
  const fields = format === 'xml' ? fromXml(text) : fromJson(text);
  const message = fields as Record<string, MessageValue> & { kind?: string };
  message.kind = classify(fields);
  return { message: message as WxMessage, format };
}

export function detectFormat(text: string): PushFormat {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<') return 'xml';
    if (c === '{') return 'json';
    if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t' && c !== '\ufeff') break;
  }
  throw new WxCryptoError('format', 'push body is neither XML nor a JSON object');
}

function fromXml(text: string): MessageObject {
  const { value } = parseXml(text);
  // A root with no children (`<xml></xml>`) is an empty message, not a crash.
  return typeof value === 'string' ? {} : (normalize(value, '') as MessageObject);
}

function fromJson(text: string): MessageObject {
  const value = parseJsonPreservingIntegers(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WxCryptoError('format', 'JSON push is not an object');
  }
  return normalize(value as MessageValue, '') as MessageObject;
}

/**
 * Convert numbers and ids in place: the tree is freshly built by parseXml / JSON.parse and owned
 * here. Plain assignment is safe for `__proto__` because it is always an own property by now.
 */
function normalize(value: MessageValue | XmlValue, key: string, depth = 0): MessageValue {
  if (typeof value === 'string') {
    return NUMERIC_FIELDS.has(key) && DECIMAL.test(value.trim()) ? Number(value) : value;
  }
  if (typeof value === 'number') return ID_FIELDS.has(key) ? String(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  // XML is already bounded by the parser; JSON is not (JSON.parse itself is iterative in V8).
  if (depth > MAX_DEPTH) throw new WxCryptoError('format', `push nesting deeper than ${MAX_DEPTH}`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normalize(value[i]!, key, depth + 1) as never;
    return value as MessageValue;
  }
  const object = value as MessageObject;
  for (const name of Object.keys(object)) {
    const before = object[name]!;
    const after = normalize(before, name, depth + 1);
    if (after !== before) object[name] = after;
  }
  return object;
}

function classify(m: MessageObject): string {
  const msgType = m['MsgType'];
  if (msgType === 'event') {
    const event = m['Event'];
    const spec = typeof event === 'string' && Object.hasOwn(EVENTS, event) ? EVENTS[event]! : undefined;
    if (spec && matches(m, spec.base ?? USER_BASE) && matches(m, spec)) {
      return `event.${event}`;
    }
    return 'unknown';
  }
  if (typeof msgType === 'string') {
    const spec = Object.hasOwn(USER_MESSAGES, msgType) ? USER_MESSAGES[msgType] : undefined;
    return spec && matches(m, USER_BASE) && matches(m, spec) ? msgType : 'unknown';
  }
  const infoType = m['InfoType'];
  const info = typeof infoType === 'string' && Object.hasOwn(INFOS, infoType) ? INFOS[infoType]! : undefined;
  if (info && matches(m, info.base ?? INFO_BASE) && matches(m, info)) return `info.${infoType}`;
  return classifyAibot(m);
}

function classifyAibot(m: MessageObject): string {
  const type = m['msgtype'];
  if (typeof m['aibotid'] !== 'string' || typeof m['msgid'] !== 'string' || typeof type !== 'string' || !Object.hasOwn(AIBOT_TYPES, type)) return 'unknown';
  const from = m['from'];
  if (typeof from !== 'object' || from === null || Array.isArray(from) || typeof (from as MessageObject)['userid'] !== 'string') return 'unknown';
  const body = m[type];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'unknown';
  const required = AIBOT_TYPES[type]!;
  if (required && typeof (body as MessageObject)[required] !== 'string') return 'unknown';
  return `aibot.${type}`;
}

function matches(m: MessageObject, spec: Spec): boolean {
  return (
    (spec.strings ?? []).every((name) => typeof m[name] === 'string') &&
    (spec.numbers ?? []).every((name) => typeof m[name] === 'number') &&
    Object.entries(spec.oneOf ?? {}).every(([name, values]) => typeof m[name] === 'string' && values.includes(m[name]))
  );
}

/** The scene id of a parametric-QR subscribe (`qrscene_123` → `123`) or SCAN event, else undefined. */
export function qrScene(message: WxMessage): string | undefined {
  if (message.kind === 'event.SCAN') return message.EventKey;
  if (message.kind === 'event.subscribe' && message.EventKey?.startsWith('qrscene_')) {
    return message.EventKey.slice('qrscene_'.length);
  }
  return undefined;
}

/** XML turns one child into an object and several into an array; this always gives an array. */
export function asArray<T>(value: T | T[] | undefined | null | ''): T[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}
