// The closed error hierarchy of wxkit. Every failure a caller can see is one of these classes,
// so `catch (e) { if (e instanceof WxApiError) ... }` is exhaustive over a small, stable set.
// Messages never contain an appsecret, access_token or encodingAESKey: URLs are redacted before
// they are stored, and no constructor accepts a raw request.

export type ErrcodeCategory = 'ok' | 'token' | 'credential' | 'rate_limit' | 'system_busy' | 'parameter' | 'permission' | 'not_found' | 'content' | 'other';

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
    // The cause is copied field by field (never kept as given): a library error can carry the
    // request it failed on, URL and credentials included, in properties no redaction can see.
    super(message, options.cause === undefined ? undefined : { cause: safeCause(options.cause) });
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

  constructor(args: {
    errcode: number;
    errmsg: string;
    info: ErrcodeInfo;
    endpoint?: string;
    status?: number;
    /** Credential values sent with the request: WeChat sometimes quotes them back in errmsg. */
    secrets?: readonly string[];
  }) {
    const official = args.info.zh ?? args.info.en;
    const label = args.endpoint ? `${args.endpoint}: ` : '';
    const errmsg = redact(args.errmsg, args.secrets);
    super(`${label}errcode ${args.errcode}${official ? ` (${official})` : ''}: ${errmsg}`, {
      endpoint: args.endpoint,
    });
    this.errcode = args.errcode;
    this.errmsg = errmsg;
    this.rid = /rid:\s*([\w-]+)/.exec(args.errmsg)?.[1];
    this.info = args.info;
    this.status = args.status ?? 200;
  }

  get category(): ErrcodeCategory {
    return this.info.category;
  }
}

/**
 * WeChat Pay refused: v3 answers an HTTP status with `{ code, message, detail }`; v2 answers
 * `return_code` / `result_code` FAIL with `err_code` (then in `code`) and its description.
 */
export class WxPayError extends WxError {
  override name = 'WxPayError';
  readonly version: 'v2' | 'v3';
  readonly status: number;
  /** v3 `code` (`PARAM_ERROR`, `SYSTEM_ERROR`, …) or v2 `err_code` (or `return_code` when the call itself failed). */
  readonly code: string;
  readonly detail: unknown;
  constructor(args: { version: 'v2' | 'v3'; status: number; code: string; message: string; detail?: unknown; endpoint?: string }) {
    super(
      `${args.endpoint ? `${args.endpoint}: ` : ''}WeChat Pay ${args.version} ${args.status !== 200 ? `HTTP ${args.status} ` : ''}${args.code}: ${redact(args.message)}`,
      { endpoint: args.endpoint },
    );
    this.version = args.version;
    this.status = args.status;
    this.code = args.code;
    this.detail = args.detail;
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

/**
 * No answer in time: one attempt exceeded `timeoutMs`, or the whole call (token fetch, replays and
 * retries included) exceeded `deadlineMs` (`kind: 'deadline'`).
 */
export class WxTimeoutError extends WxError {
  override name = 'WxTimeoutError';
  readonly url: string;
  readonly timeoutMs: number;
  readonly kind: 'attempt' | 'deadline';
  constructor(url: string, timeoutMs: number, endpoint?: string, kind: 'attempt' | 'deadline' = 'attempt') {
    const what =
      kind === 'deadline' ? `did not complete within its deadline of ${timeoutMs} ms (calling ${url})` : `no response from ${url} within ${timeoutMs} ms`;
    super(`${endpoint ? `${endpoint}: ` : ''}${what}`, { endpoint });
    this.url = url;
    this.timeoutMs = timeoutMs;
    this.kind = kind;
  }
}

/** The caller's AbortSignal fired. `cause` is the signal's reason. Never retried. */
export class WxAbortError extends WxError {
  override name = 'WxAbortError';
  constructor(endpoint: string | undefined, reason: unknown) {
    super(`${endpoint ? `${endpoint}: ` : ''}aborted by the caller${reason instanceof Error && reason.message ? `: ${redact(reason.message)}` : ''}`, {
      endpoint,
      cause: reason,
    });
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

/**
 * A signature, AES or envelope failure: a callback, a Pay answer or notification that does not
 * verify, a probe. Nothing unverified or partially decrypted is ever attached.
 */
export class WxCryptoError extends WxError {
  override name = 'WxCryptoError';
  readonly reason: CryptoFailure;
  constructor(reason: CryptoFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Names under which WeChat, WeCom and Pay carry credentials, in URLs, JSON and free text. */
export const CREDENTIAL_NAMES = [
  'access_token',
  'component_access_token',
  'authorizer_access_token',
  'suite_access_token',
  'provider_access_token',
  'secret',
  'appsecret',
  'component_appsecret',
  'corpsecret',
  'provider_secret',
  'suite_secret',
  'permanent_code',
  'refresh_token',
  'authorizer_refresh_token',
  'component_verify_ticket',
  'suite_ticket',
  'js_code',
  'code',
  'ticket',
  'key',
  'session_key',
  'password',
] as const;

const NAMES = CREDENTIAL_NAMES.join('|');
// `?name=value` / `&name=value` in URLs, `"name": "value"` in JSON, `name: value` / `name=value` in
// prose (WeChat's errmsg). A value is anything up to a separator; `***` replaces it.
const IN_QUERY = new RegExp(`([?&](?:${NAMES})=)[^&#\\s"']*`, 'gi');
const IN_JSON = new RegExp(`("(?:${NAMES})"\\s*:\\s*")[^"]*`, 'gi');
const IN_TEXT = new RegExp(`(\\b(?:${NAMES})\\s*[:=]\\s*)(?!\\*\\*\\*)[^\\s&,;"'\\])}]+`, 'gi');

/**
 * Replaces credential values in URLs or free text with `***`; `known` values (the token or secret
 * a request actually carried) are replaced wherever they occur, whatever surrounds them.
 */
export function redact(text: string, known?: readonly (string | undefined)[]): string {
  let out = text.replace(IN_QUERY, '$1***').replace(IN_JSON, '$1***').replace(IN_TEXT, '$1***');
  if (known) {
    // Short values (a 1-digit test token) would shred ordinary text; real credentials are long.
    for (const value of known) if (value && value.length >= 6) out = out.split(value).join('***');
  }
  return out;
}

const CREDENTIAL_SET: ReadonlySet<string> = new Set(CREDENTIAL_NAMES);

/** A request URL as errors name it: origin and path only (the query carries credentials), redacted. */
export function errorLocation(url: URL): string {
  return redact(`${url.origin}${url.pathname}`);
}

/** The credential values a request URL carries, for `redact(text, known)`. */
export function credentialValues(url: URL): string[] {
  const out: string[] = [];
  for (const [name, value] of url.searchParams) if (CREDENTIAL_SET.has(name)) out.push(value);
  return out;
}

/**
 * The credential values a request carries, in its query and in its body's top-level fields
 * (get_suite_token's suite_ticket, get_corp_token's permanent_code…), so an errmsg that echoes one
 * without its name still has it redacted. Worked out only when an error is being built.
 */
export function requestCredentials(req: { url: URL; fields?: Record<string, unknown> }): string[] {
  const out = credentialValues(req.url);
  for (const [name, value] of Object.entries(req.fields ?? {})) if (typeof value === 'string' && CREDENTIAL_SET.has(name)) out.push(value);
  return out;
}

const CAUSE_FIELDS = ['code', 'errno', 'syscall', 'address', 'port', 'status'] as const;

/**
 * A copy of an error fit to hang under a wxkit error: name, redacted message and stack, the
 * diagnostic fields Node sets on socket errors, and the same for its own causes. Everything else
 * (ky's and undici's `request`, `options`, `response`) is left behind because it holds the URL.
 */
export function safeCause(cause: unknown, depth = 0): unknown {
  if (cause instanceof WxError) return cause;
  if (!(cause instanceof Error)) {
    return typeof cause === 'string' ? redact(cause) : typeof cause === 'object' && cause !== null ? '[non-error object]' : cause;
  }
  const copy = new Error(redact(cause.message));
  copy.name = cause.name;
  copy.stack = cause.stack === undefined ? undefined : redact(cause.stack);
  const from = cause as unknown as Record<string, unknown>;
  for (const field of CAUSE_FIELDS) {
    const v = from[field];
    if (typeof v === 'string' || typeof v === 'number') (copy as unknown as Record<string, unknown>)[field] = typeof v === 'string' ? redact(v) : v;
  }
  if (depth < 4) {
    if (cause.cause !== undefined) copy.cause = safeCause(cause.cause, depth + 1);
    if (cause instanceof AggregateError) {
      Object.defineProperty(copy, 'errors', { value: cause.errors.slice(0, 8).map((e) => safeCause(e, depth + 1)), enumerable: false });
    }
  }
  return copy;
}

/**
 * What went wrong on the wire, in one phrase: `ECONNREFUSED 127.0.0.1:6390` rather than fetch's
 * `fetch failed`, found by walking the cause chain (and the attempts of an AggregateError, which
 * Node raises when every address of a host refused).
 */
export function describeCause(cause: unknown): string {
  const found = socketFailure(cause, 0);
  if (found) return redact(found);
  if (cause instanceof Error) return redact(cause.message || cause.name);
  return redact(String(cause));
}

function socketFailure(e: unknown, depth: number): string | undefined {
  if (!(e instanceof Error) || depth > 5) return undefined;
  const f = e as Error & { code?: unknown; address?: unknown; port?: unknown };
  if (typeof f.code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(f.code)) {
    const where =
      typeof f.address === 'string' ? ` ${f.address.includes(':') ? `[${f.address}]` : f.address}${typeof f.port === 'number' ? `:${f.port}` : ''}` : '';
    if (where) return `${f.code}${where}`;
    // An AggregateError carries the code and each attempt carries the address.
    const inner = e instanceof AggregateError ? e.errors.map((x) => socketFailure(x, depth + 1)).find(Boolean) : undefined;
    return inner ?? (f.message && !f.message.startsWith(f.code) ? `${f.code} ${f.message}` : f.message || f.code);
  }
  return socketFailure(e.cause, depth + 1) ?? (e instanceof AggregateError ? e.errors.map((x) => socketFailure(x, depth + 1)).find(Boolean) : undefined);
}
