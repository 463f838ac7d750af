// Reads a WeChat response by the endpoint's response kind. WeChat reports failures as HTTP 200
// with an errcode, also on endpoints that normally return an image, so every kind checks for a
// JSON error body before handing bytes or text back.
import { describeErrcode } from './errcodes.js';
import { redact, WxApiError, WxError, WxHttpError, WxNetworkError, WxValidationError } from './errors.js';
import type { BinaryResult, EndpointDescriptor } from './types.js';

export async function readResponse(response: Response, d: EndpointDescriptor, url: URL, secrets?: readonly string[]): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  const looksJson = /json|text\/plain/i.test(type);

  if (d.response === 'binary' && response.ok && !looksJson) {
    const data = new Uint8Array(await body(response, url, d, (r) => r.arrayBuffer()));
    const result: BinaryResult = { data, contentType: type || 'application/octet-stream' };
    const filename = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(response.headers.get('content-disposition') ?? '')?.[1];
    if (filename) result.filename = decodeURIComponent(filename);
    return result;
  }

  const text = await body(response, url, d, (r) => r.text());
  const parsed = tryJson(text);
  if (isErrorBody(parsed)) {
    const info = await describeErrcode(parsed.errcode);
    throw new WxApiError({ errcode: parsed.errcode, errmsg: String(parsed.errmsg ?? ''), info, endpoint: d.id, status: response.status, secrets });
  }
  if (!response.ok) throw new WxHttpError(response.status, redact(response.url || ''), d.id);
  if (d.response === 'text') return text;
  if (d.response === 'binary') {
    // A JSON answer without an errcode (get_material for news and video): hand back the bytes.
    return { data: new TextEncoder().encode(text), contentType: type } satisfies BinaryResult;
  }
  if (parsed === undefined) throw new WxValidationError('response', [`expected JSON, got ${type || 'no content type'} (${text.length} bytes)`], d.id);
  return parsed;
}

/**
 * Reads the body; a connection cut half-way (undici's `TypeError: terminated`, a reset) is a
 * network error like any other, so an idempotent call retries it. An abort is left as it is for
 * the call loop to name (deadline or caller).
 */
async function body<T>(response: Response, url: URL, d: EndpointDescriptor, read: (r: Response) => Promise<T>): Promise<T> {
  try {
    return await read(response);
  } catch (error) {
    if ((error as Error)?.name === 'AbortError' || error instanceof WxError) throw error;
    throw new WxNetworkError(redact(`${url.origin}${url.pathname}`), error, d.id);
  }
}

function tryJson(text: string): unknown {
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
