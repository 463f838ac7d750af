// Every list that the catalog, the generator and the runtime must agree on, written once. codegen
// validates the YAML against these arrays and the runtime derives its types from them, so adding an
// app type, an auth scheme or a protocol is one edit here (and its implementation).

/**
 * Who may call an endpoint. A client serves one of them; the catalog folder decides the entry point.
 * `channels` is a 视频号小店 (Channels shop): its own appid and secret, tokens as an official account's.
 */
export const APP_TYPES = ['official_account', 'mini_program', 'channels', 'component', 'work', 'pay'] as const;
export type AppType = (typeof APP_TYPES)[number];

/** The catalog folder (and `wxkit/<entry>` module) of each app type. */
export const APP_TYPE_FOLDERS: Readonly<Record<AppType, string>> = {
  official_account: 'official-account',
  mini_program: 'mini-program',
  channels: 'channels',
  component: 'component',
  work: 'work',
  pay: 'pay',
};

/**
 * How a request proves who sends it. Token schemes put a cached token in the query under their own
 * name and replay once after a token errcode; the others are stateless.
 */
export const AUTH_SCHEMES = [
  'access_token',
  'component_access_token',
  // The platform's component_access_token sent as `?access_token=` (code templates, fast registration, batch CloudBase).
  'component_access_token_as_access_token',
  'suite_access_token',
  'provider_access_token',
  // The WeCom provider token sent as `?access_token=` (get_login_info documents it so).
  'provider_access_token_as_access_token',
  'appsecret',
  'component_appsecret',
  'key',
  'pay_v3',
  'pay_v2',
  'none',
] as const;
export type AuthScheme = (typeof AUTH_SCHEMES)[number];

/** Auth schemes whose credential is a cached token sent as `?<scheme>=<token>`. */
export const TOKEN_SCHEMES = ['access_token', 'component_access_token', 'suite_access_token', 'provider_access_token'] as const satisfies readonly AuthScheme[];
export type TokenScheme = (typeof TOKEN_SCHEMES)[number];

/**
 * The wire conventions of a family of endpoints: how errors look and what a success is. `wechat`:
 * errcode envelopes on HTTP 200 (official accounts, mini programs, the platform, WeCom). `pay_v3`:
 * REST with HTTP statuses and `{ code, message }`. `pay_v2`: XML with return_code / result_code.
 */
export const PROTOCOLS = ['wechat', 'pay_v3', 'pay_v2'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Request body encodings: JSON, `application/x-www-form-urlencoded`, multipart (uploads), XML. */
export const REQUEST_ENCODINGS = ['json', 'form', 'multipart', 'xml'] as const;
export type RequestEncoding = (typeof REQUEST_ENCODINGS)[number];

/** `json_or_binary`: bytes normally, a JSON object for some kinds (get_material for news and video). */
export const RESPONSE_KINDS = ['json', 'xml', 'binary', 'text', 'json_or_binary'] as const;
export type ResponseKind = (typeof RESPONSE_KINDS)[number];

/** How a catalogued list is paged; the generator turns each into an `iterate()` of the endpoint. */
export const PAGINATION_STYLES = ['offset', 'next_openid', 'cursor'] as const;
export type PaginationStyle = (typeof PAGINATION_STYLES)[number];

export const ERRCODE_CATEGORIES = [
  'ok',
  'token',
  'credential',
  'rate_limit',
  'system_busy',
  'parameter',
  'permission',
  'not_found',
  'content',
  'other',
] as const;
export type ErrcodeCategory = (typeof ERRCODE_CATEGORIES)[number];

/** Built-in field types of the catalog. `file` is an upload; `map` has string keys. */
export const FIELD_KINDS = ['string', 'integer', 'number', 'boolean', 'any', 'file', 'object', 'array', 'map'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export const VALIDATION_MODES = ['off', 'warn', 'strict'] as const;
export type ValidationMode = (typeof VALIDATION_MODES)[number];
