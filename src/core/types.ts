// Shapes shared by the generated modules and the runtime. The enumerations come from one place,
// src/core/enums.ts, which the generator validates the catalog against.
import type { AuthScheme, HttpMethod, PaginationStyle, ProtocolName, RequestEncoding, ResponseKind } from './enums.js';

export type { AppType, AuthScheme, HttpMethod, ProtocolName, RequestEncoding, ResponseKind, ValidationMode } from './enums.js';
import type { AppType, ValidationMode } from './enums.js';
import type { ErrcodeCategory } from './errors.js';
/** @deprecated the name of `AuthScheme` before the catalog had schemes other than tokens. */
export type AuthKind = AuthScheme;

/** Anything with a zod-like `safeParse`; the runtime never imports zod itself. */
export interface SchemaLike {
  safeParse(
    value: unknown,
  ): { success: true; data: unknown } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/** What a generated endpoint declares about itself. Behaviour lives in src/core/call.ts. */
export interface EndpointDescriptor {
  /** `Namespace.method`, as written in the catalog. */
  readonly id: string;
  readonly method: HttpMethod;
  /** Only for hosts other than api.weixin.qq.com. */
  readonly host?: string;
  /** May hold `{name}` placeholders, filled from `pathParams`. */
  readonly path: string;
  readonly auth: AuthScheme;
  readonly appTypes: readonly AppType[];
  readonly idempotent: boolean;
  /** The request must present the merchant's API certificate (TLS client certificate; Pay v2 refunds, transfers). */
  readonly clientCertificate?: boolean;
  /** `wechat` when absent. */
  readonly protocol?: ProtocolName;
  /** Body encoding; json when absent, multipart when `form` is set. */
  readonly encoding?: Exclude<RequestEncoding, 'multipart'>;
  /** json when absent. */
  readonly response?: Exclude<ResponseKind, 'json'>;
  readonly pathParams?: readonly string[];
  readonly query?: readonly string[];
  /** Parameters sent as HTTP headers, by header name. */
  readonly headers?: readonly string[];
  readonly body?: readonly string[];
  readonly form?: readonly string[];
  /** Fixed values the catalog sends (`grant_type`); callers never pass them. */
  readonly consts?: Readonly<Record<string, string | number | boolean>>;
  /** Fields the protocol encrypts before sending (Pay's sensitive fields). */
  readonly sensitive?: readonly string[];
  /** Why, and what replaces it; the runtime warns once per process. */
  readonly deprecated?: string;
  /** Form fields that must be files. */
  readonly files?: readonly string[];
  readonly required?: readonly string[];
  /** How the list pages (catalog `pagination:`); paged endpoints have `iterate()` and `pages()`. */
  readonly pagination?: PaginationDescriptor;
  /**
   * The official meaning of the codes the endpoint documents: [category, Chinese message, English
   * message]. Other codes are described from the full table when it is at hand (src/protocols/errcodes.ts).
   */
  readonly errcodes?: Readonly<Record<number, readonly [category: ErrcodeCategory, zh?: string, en?: string]>>;
  /** The answer's schema, loaded only when validation is on (src/core/schemas.ts). */
  readonly schema?: () => Promise<SchemaLike>;
}

/**
 * A paged list, as the catalog describes it (catalog/README.md, Pagination). Request keys name
 * top-level parameters; answer keys are dotted paths into the answer (`data.openid`).
 *
 * - `offset`: send `offset` (0, then + the items received) and `count`; stop on an empty page or
 *   when `total` is reached.
 * - `next_openid`: send `cursor` (absent at first), then the answer's `next`; stop on an empty page
 *   or an empty `next`.
 * - `cursor`: send `cursor`, then the answer's `next`; stop when `next` is absent or empty, `more`
 *   is false, or the page is empty.
 */
export interface PaginationDescriptor {
  readonly style: PaginationStyle;
  /** offset style: the parameter holding the index of the first item. */
  readonly offset?: string;
  /** The parameter holding the page size. */
  readonly count?: string;
  /** next_openid and cursor styles: the parameter that says where to continue. */
  readonly cursor?: string;
  /** The list in the answer. */
  readonly items: string;
  /** The answer's value to send as `cursor` next. */
  readonly next?: string;
  /** The answer's total number of items. */
  readonly total?: string;
  /** The answer's "more pages" flag. */
  readonly more?: string;
}

/** A file to upload: bytes or a Blob, or a web/Node stream, plus the name WeChat should see. */
export type UploadInput =
  | Blob
  | { data: Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>; filename: string; contentType?: string };

/** What a binary endpoint (images, media downloads) resolves to. */
export interface BinaryResult {
  data: Uint8Array;
  contentType: string;
  /** From Content-Disposition, when WeChat sends one. */
  filename?: string;
}

/** Per-call options every generated function and `client.request` accept. */
export interface CallOptions {
  /** Aborting it rejects the call with WxAbortError. */
  signal?: AbortSignal;
  /** Per attempt (default: the client's, 10 s). */
  timeoutMs?: number;
  /**
   * Bounds the whole call: waiting for a token, every attempt, replay and backoff (default: the
   * client's, 30 s). Past it the call rejects with WxTimeoutError (`kind: 'deadline'`).
   */
  deadlineMs?: number;
  /** Overrides the client's validation mode for this call. */
  validation?: ValidationMode;
  /** Extra headers, e.g. for tracing. */
  headers?: Record<string, string>;
}
