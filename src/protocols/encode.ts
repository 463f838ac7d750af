// Splits the caller's single parameter object into path, query, headers and body as the descriptor
// says, and encodes the body (JSON, urlencoded form, multipart, XML). Keys the catalog does not know
// yet still reach the server (body for methods with one, query otherwise), because WeChat adds
// parameters faster than any catalog follows. Shared by every protocol.
import { WxValidationError } from '../core/errors.js';
import { buildXml, type XmlBuildObject } from '../core/xml-build.js';
import type { EndpointDescriptor, UploadInput } from '../core/types.js';
import type { WireRequest } from './types.js';

interface Placement {
  path: ReadonlySet<string>;
  query: ReadonlySet<string>;
  headers: ReadonlySet<string>;
  form: ReadonlySet<string>;
}

// Descriptors are module constants, so their key sets are built once, not on every call.
const placements = new WeakMap<EndpointDescriptor, Placement>();

function placementOf(d: EndpointDescriptor): Placement {
  let p = placements.get(d);
  if (!p) {
    p = { path: new Set(d.pathParams ?? []), query: new Set(d.query ?? []), headers: new Set(d.headers ?? []), form: new Set(d.form ?? []) };
    placements.set(d, p);
  }
  return p;
}

const NO_BODY: ReadonlySet<string> = new Set(['GET', 'DELETE']);

export function encodeRequest(d: EndpointDescriptor, params: Record<string, unknown>, base: string): WireRequest {
  const { path: pathKeys, query: queryKeys, headers: headerKeys, form: formKeys } = placementOf(d);
  const all = d.consts ? { ...params, ...d.consts } : params;
  const url = new URL(pathKeys.size ? fillPath(d, all) : d.path, base);
  const headers: Record<string, string> = {};
  const fields: Record<string, unknown> = {};
  const hasBody = !NO_BODY.has(d.method);
  let form: FormData | undefined;

  for (const key in all) {
    const value = all[key];
    if (value === undefined || pathKeys.has(key)) continue;
    if (headerKeys.has(key)) headers[key] = String(value);
    else if (queryKeys.has(key) || (!hasBody && !formKeys.has(key))) {
      url.searchParams.set(key, typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
    } else if (formKeys.has(key)) {
      form ??= new FormData();
      appendFormField(form, key, value, d.id, d.files?.includes(key) ?? false);
    } else {
      fields[key] = value;
    }
  }
  const encoding = d.form ? 'multipart' : (d.encoding ?? 'json');
  const req: WireRequest = { method: d.method, url, headers, encoding };
  if (d.sensitive?.length) req.sensitive = d.sensitive;
  if (!hasBody) return req;
  if (encoding === 'multipart') {
    req.body = form ?? new FormData();
    return req;
  }
  req.fields = fields;
  encodeBody(req);
  return req;
}

/** (Re-)encodes `req.fields` into `req.body` by the request's encoding and sets its content type. */
export function encodeBody(req: WireRequest): void {
  const fields = req.fields ?? {};
  switch (req.encoding) {
    case 'json':
      req.body = JSON.stringify(fields);
      req.headers['content-type'] ??= 'application/json; charset=utf-8';
      return;
    case 'form': {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
      req.body = form.toString();
      req.headers['content-type'] ??= 'application/x-www-form-urlencoded';
      return;
    }
    case 'xml':
      req.body = buildXml(fields as XmlBuildObject);
      req.headers['content-type'] ??= 'text/xml; charset=utf-8';
      return;
    case 'multipart':
      return;
  }
}

function fillPath(d: EndpointDescriptor, params: Record<string, unknown>): string {
  return d.path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null || value === '') throw new WxValidationError('request', [`${name}: required (path parameter)`], d.id);
    // Encoded whole: a `/` or `..` in an id must not change which resource is addressed.
    return encodeURIComponent(String(value));
  });
}

function appendFormField(form: FormData, key: string, value: unknown, endpoint: string, mustBeFile: boolean): void {
  if (!mustBeFile && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
    form.append(key, String(value));
    return;
  }
  if (value instanceof Blob) {
    form.append(key, value, (value as File).name ?? key);
    return;
  }
  const upload = value as Exclude<UploadInput, Blob>;
  if (!upload || typeof upload !== 'object' || !('data' in upload) || typeof upload.filename !== 'string') {
    throw new WxValidationError('request', [`${key}: expected a Blob or { data, filename, contentType? }`], endpoint);
  }
  const data = upload.data;
  if (data instanceof Uint8Array || data instanceof ArrayBuffer || data instanceof Blob) {
    const blob = data instanceof Blob ? data : new Blob([data as BlobPart], { type: upload.contentType ?? guessType(upload.filename) });
    form.append(key, blob, upload.filename);
    return;
  }
  throw new WxValidationError('request', [`${key}: streams must be read first with readUpload()`], endpoint);
}

/**
 * Reads a stream upload into memory. WeChat caps uploads at about 10 MB and may ask for a
 * request to be sent twice (token replay, retry), so the bytes must be replayable anyway.
 */
export async function readUpload(upload: UploadInput): Promise<UploadInput> {
  if (upload instanceof Blob) return upload;
  const { data } = upload;
  if (data instanceof Uint8Array || data instanceof ArrayBuffer || data instanceof Blob) return upload;
  const chunks: Uint8Array[] = [];
  if (Symbol.asyncIterator in data) {
    for await (const chunk of data as AsyncIterable<Uint8Array>) chunks.push(chunk);
  } else {
    const reader = (data as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  }
  return { ...upload, data: Buffer.concat(chunks) };
}

export async function readUploads(d: EndpointDescriptor, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (!d.form) return params;
  const out = { ...params };
  for (const key of d.form) {
    const v = out[key];
    if (v && typeof v === 'object' && 'data' in v) out[key] = await readUpload(v as UploadInput);
  }
  return out;
}

const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  mp3: 'audio/mpeg',
  amr: 'audio/amr',
  mp4: 'video/mp4',
};

function guessType(filename: string): string {
  return TYPES[filename.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}
