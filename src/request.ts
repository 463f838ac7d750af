// Splits the caller's single parameter object into query, JSON body and multipart form, as the
// descriptor says. Keys the catalog does not know yet still reach WeChat (body for POST, query
// for GET), because WeChat adds parameters faster than any catalog follows.
import { WxValidationError } from './errors.js';
import type { Runtime } from './runtime.js';
import type { EndpointDescriptor, UploadInput } from './types.js';

export interface BuiltRequest {
  /** Credentials are set on it per attempt (`searchParams.set` replaces a previous token). */
  url: URL;
  body?: string | FormData;
}

interface Placement {
  query: ReadonlySet<string>;
  form: ReadonlySet<string>;
}

// Descriptors are module constants, so their key sets are built once, not on every call.
const placements = new WeakMap<EndpointDescriptor, Placement>();

function placementOf(d: EndpointDescriptor): Placement {
  let p = placements.get(d);
  if (!p) {
    p = { query: new Set(d.query ?? []), form: new Set(d.form ?? []) };
    placements.set(d, p);
  }
  return p;
}

export function buildRequest(rt: Runtime, d: EndpointDescriptor, params: Record<string, unknown>): BuiltRequest {
  const url = new URL(d.path, rt.baseFor(d.host));
  const { query: queryKeys, form: formKeys } = placementOf(d);
  const body: Record<string, unknown> = {};
  let form: FormData | undefined;

  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (queryKeys.has(key) || (d.method === 'GET' && !formKeys.has(key))) {
      url.searchParams.set(key, typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
    } else if (formKeys.has(key)) {
      form ??= new FormData();
      appendFormField(form, key, value, d.id, d.files?.includes(key) ?? false);
    } else {
      body[key] = value;
    }
  }
  if (d.method === 'GET') return { url };
  if (d.form) return { url, body: form ?? new FormData() };
  return { url, body: JSON.stringify(body) };
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
