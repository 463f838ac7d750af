// The closed error hierarchy of wxkit. Every failure a caller can see is one of these classes,
// so `catch (e) { if (e instanceof WxApiError) ... }` is exhaustive over a small, stable set.
// Messages never contain an appsecret, access_token or encodingAESKey: URLs are redacted before
// they are stored, and no constructor accepts a raw request.

export type ErrcodeCategory =
  | 'ok'
  | 'token'
  | 'credential'
  | 'rate_limit'
  | 'system_busy'
  | 'parameter'
  | 'permission'
  | 'not_found'
  | 'content'
  | 'other';

export interface ErrcodeInfo {
  zh?: string;
  en?: string;
  category: ErrcodeCategory;
}

export class WxError extends Error {
  override name = 'WxError';
  /** The `Namespace.method` of the catalog endpoint, or `request` for raw calls. */
  readonly endpoint: string | undefined;

  constructor(message: string, options: { endpoint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.endpoint = options.endpoint;
  }
}

/** WeChat answered with a non-zero errcode. */
export class WxApiError extends WxError {
  override name = 'WxApiError';
  readonly errcode: number;
  readonly errmsg: string;
  /** The request id WeChat puts in errmsg (`rid: ...`), for support tickets. */
  readonly rid: string | undefined;
  readonly info: ErrcodeInfo;
  readonly status: number;

  constructor(args: { errcode: number; errmsg: string; info: ErrcodeInfo; endpoint?: string; status?: number }) {
    const official = args.info.zh ?? args.info.en;
    const label = args.endpoint ? `${args.endpoint}: ` : '';
    super(`${label}errcode ${args.errcode}${official ? ` (${official})` : ''}: ${redact(args.errmsg)}`, {
      endpoint: args.endpoint,
    });
    this.errcode = args.errcode;
    this.errmsg = redact(args.errmsg);
    this.rid = /rid:\s*([\w-]+)/.exec(args.errmsg)?.[1];
    this.info = args.info;
    this.status = args.status ?? 200;
  }

  get category(): ErrcodeCategory {
    return this.info.category;
  }
}

/** The server answered with an HTTP status outside 2xx and no WeChat errcode body. */
export class WxHttpError extends WxError {
  override name = 'WxHttpError';
  readonly status: number;
  readonly url: string;
  constructor(status: number, url: string, endpoint?: string) {
    super(`${endpoint ? `${endpoint}: ` : ''}HTTP ${status} from ${url}`, { endpoint });
    this.status = status;
    this.url = url;
  }
}

/** The connection failed before any response arrived (DNS, refused, reset). */
export class WxNetworkError extends WxError {
  override name = 'WxNetworkError';
  readonly url: string;
  constructor(url: string, cause: unknown, endpoint?: string) {
    super(`${endpoint ? `${endpoint}: ` : ''}network error calling ${url}: ${describeCause(cause)}`, { endpoint, cause });
    this.url = url;
  }
}

export class WxTimeoutError extends WxError {
  override name = 'WxTimeoutError';
  readonly url: string;
  readonly timeoutMs: number;
  constructor(url: string, timeoutMs: number, endpoint?: string) {
    super(`${endpoint ? `${endpoint}: ` : ''}no response from ${url} within ${timeoutMs} ms`, { endpoint });
    this.url = url;
    this.timeoutMs = timeoutMs;
  }
}

/** Input or output did not have the shape the catalog describes. `issues` names each field. */
export class WxValidationError extends WxError {
  override name = 'WxValidationError';
  readonly where: 'request' | 'response';
  readonly issues: readonly string[];
  constructor(where: 'request' | 'response', issues: readonly string[], endpoint?: string) {
    super(`${endpoint ? `${endpoint}: ` : ''}invalid ${where}: ${issues.join('; ')}`, { endpoint });
    this.where = where;
    this.issues = issues;
  }
}

/** Misconfiguration detected locally: missing appsecret, unknown app type, bad option. */
export class WxConfigError extends WxError {
  override name = 'WxConfigError';
}

/** A token store (file, Redis, hub) failed. The message names the store, never its credentials. */
export class WxStorageError extends WxError {
  override name = 'WxStorageError';
  readonly store: string;
  constructor(message: string, store: string, cause?: unknown) {
    super(`${store}: ${message}`, { cause });
    this.store = store;
  }
}

export type CryptoFailure = 'signature' | 'key' | 'base64' | 'padding' | 'length' | 'receive_id' | 'timestamp' | 'format';

/** Callback signature, AES or envelope failure. Nothing partially decrypted is ever attached. */
export class WxCryptoError extends WxError {
  override name = 'WxCryptoError';
  readonly reason: CryptoFailure;
  constructor(reason: CryptoFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

const SECRET_PARAMS = /([?&](?:access_token|component_access_token|authorizer_access_token|suite_access_token|provider_access_token|secret|appsecret|component_appsecret|corpsecret|refresh_token|authorizer_refresh_token|js_code|code|ticket)=)[^&#\s]*/gi;

/** Replace credential values in URLs or free text with `***`. */
export function redact(text: string): string {
  return text.replace(SECRET_PARAMS, '$1***');
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code ?? (cause.cause as { code?: unknown } | undefined)?.code;
    return redact(typeof code === 'string' ? `${code} ${cause.message}` : cause.message);
  }
  return redact(String(cause));
}
