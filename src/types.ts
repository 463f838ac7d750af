// Shapes shared by the generated modules and the runtime.

export type AppType = 'official_account' | 'mini_program' | 'component';
export type AuthKind = 'access_token' | 'component_access_token' | 'appsecret' | 'component_appsecret' | 'none';
export type ValidationMode = 'off' | 'warn' | 'strict';

/** Anything with a zod-like `safeParse`; the runtime never imports zod itself. */
export interface SchemaLike {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/** What a generated endpoint declares about itself. Behaviour lives in src/call.ts. */
export interface EndpointDescriptor {
  /** `Namespace.method`, as written in the catalog. */
  readonly id: string;
  readonly method: 'GET' | 'POST';
  /** Only for hosts other than api.weixin.qq.com. */
  readonly host?: string;
  readonly path: string;
  readonly auth: AuthKind;
  readonly appTypes: readonly AppType[];
  readonly idempotent: boolean;
  /** json when absent. */
  readonly response?: 'binary' | 'text';
  readonly query?: readonly string[];
  readonly body?: readonly string[];
  readonly form?: readonly string[];
  /** Form fields that must be files. */
  readonly files?: readonly string[];
  readonly required?: readonly string[];
  readonly schema?: () => Promise<SchemaLike>;
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
