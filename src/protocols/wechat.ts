// The classic WeChat wire (api.weixin.qq.com, qyapi.weixin.qq.com): failures are HTTP 200 with a
// non-zero errcode, also on endpoints that normally return an image, so every response kind checks
// for a JSON error body before handing bytes or text back.
import { describeEndpointErrcode, TOKEN_ERRCODES } from './errcodes.js';
import { redact, WxApiError, WxError, WxHttpError, WxNetworkError, WxValidationError } from '../core/errors.js';
import { parseXml } from '../core/xml-parse.js';
import type { AppType } from '../core/enums.js';
import type { BinaryResult, EndpointDescriptor } from '../core/types.js';
import type { Protocol, WireRequest } from './types.js';

export const wechatProtocol: Protocol = {
  name: 'wechat',
  decode: decodeWechat,
  isTokenError: (error) => error instanceof WxApiError && TOKEN_ERRCODES.has(error.errcode),
};

async function decodeWechat(response: Response, d: EndpointDescriptor, req: WireRequest, secrets: readonly string[], appType?: AppType): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  const looksJson = /json|text\/plain/i.test(type);
  const kind = d.response ?? 'json';

  if ((kind === 'binary' || kind === 'json_or_binary') && response.ok && !looksJson) {
    const data = new Uint8Array(await readBody(response, req.url, d, (r) => r.arrayBuffer()));
    const result: BinaryResult = { data, contentType: type || 'application/octet-stream' };
    const filename = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(response.headers.get('content-disposition') ?? '')?.[1];
    if (filename) result.filename = decodeURIComponent(filename);
    return result;
  }

  const text = await readBody(response, req.url, d, (r) => r.text());
  const parsed = tryJson(text);
  if (isErrorBody(parsed)) {
    const info = await describeEndpointErrcode(parsed.errcode, d, appType);
    throw new WxApiError({ errcode: parsed.errcode, errmsg: String(parsed.errmsg ?? ''), info, endpoint: d.id, status: response.status, secrets });
  }
  if (!response.ok) throw new WxHttpError(response.status, redact(`${req.url.origin}${req.url.pathname}`), d.id);
  switch (kind) {
    case 'text':
      return text;
    case 'binary':
      // A JSON answer without an errcode to a binary endpoint: hand back the bytes as they came.
      return { data: new TextEncoder().encode(text), contentType: type } satisfies BinaryResult;
    case 'json_or_binary':
      if (parsed !== undefined) return parsed;
      return { data: new TextEncoder().encode(text), contentType: type } satisfies BinaryResult;
    case 'xml':
      return xmlFields(text, d);
    case 'json':
      if (parsed === undefined) throw new WxValidationError('response', [`expected JSON, got ${type || 'no content type'} (${text.length} bytes)`], d.id);
      return parsed;
  }
}

/** An XML answer as an object of its root's children (text values stay strings). */
export function xmlFields(text: string, d: EndpointDescriptor): Record<string, unknown> {
  try {
    const doc = parseXml(text);
    return typeof doc.value === 'string' ? { [doc.root]: doc.value } : doc.value;
  } catch {
    throw new WxValidationError('response', [`expected XML (${text.length} bytes)`], d.id);
  }
}

/**
 * Reads the body; a connection cut half-way (undici's `TypeError: terminated`, a reset) is a
 * network error like any other, so an idempotent call retries it. An abort is left as it is for
 * the call loop to name (deadline or caller).
 */
export async function readBody<T>(response: Response, url: URL, d: EndpointDescriptor, read: (r: Response) => Promise<T>): Promise<T> {
  try {
    return await read(response);
  } catch (error) {
    if ((error as Error)?.name === 'AbortError' || error instanceof WxError) throw error;
    throw new WxNetworkError(redact(`${url.origin}${url.pathname}`), error, d.id);
  }
}

export function tryJson(text: string): unknown {
  // Look at the first non-blank character instead of copying the body with trimStart().
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isErrorBody(v: unknown): v is { errcode: number; errmsg?: unknown } {
  return typeof v === 'object' && v !== null && typeof (v as { errcode?: unknown }).errcode === 'number' && (v as { errcode: number }).errcode !== 0;
}
