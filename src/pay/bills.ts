// Bill files (交易账单 /v3/bill/tradebill, 资金账单 /v3/bill/fundflowbill, 分账账单
// /v3/profitsharing/bills): the apply call answers `{ download_url, hash_type, hash_value }`; the
// file itself is a signed GET of download_url whose answer is NOT signed. It is checked instead
// against hash_value, which WeChat computes over the original bill (the decompressed bytes when
// GZIP was asked for). Bills can be large, so they are streamed: the digest is updated as the
// bytes pass and the stream errors at its end when it does not match, so a consumer that reads to
// the end never mistakes a corrupted or truncated bill for a good one.
import { createHash, getHashes, type Hash } from 'node:crypto';
import { WxConfigError, WxCryptoError, WxPayError, WxValidationError } from '../core/errors.js';
import { readBody, tryJson } from '../protocols/wechat.js';
import type { TransportResponse } from '../transport/types.js';
import type { WireRequest } from '../protocols/types.js';
import type { EndpointDescriptor } from '../core/types.js';

/** The answer of the apply call, as WeChat sends it. */
export interface BillInfo {
  download_url: string;
  /** `SHA1` (the only value documented today); `SM3` is accepted too. */
  hash_type: string;
  hash_value: string;
}

export interface DownloadBillOptions {
  /**
   * `GZIP` when the apply call asked for `tar_type: GZIP`: the stream is then decompressed. When
   * absent, a gzip stream is recognised by its magic bytes and decompressed all the same.
   */
  tarType?: 'GZIP';
}

const HASHES: Readonly<Record<string, string>> = { SHA1: 'sha1', SM3: 'sm3' };
const PAY_HOSTS = new Set(['api.mch.weixin.qq.com', 'api2.mch.weixin.qq.com']);

/** Checks the apply answer and names the digest; throws before anything is downloaded. */
export function billDigest(info: BillInfo): string {
  if (!info || typeof info.download_url !== 'string' || typeof info.hash_value !== 'string' || typeof info.hash_type !== 'string') {
    throw new WxValidationError('request', ['expected the apply answer { download_url, hash_type, hash_value }'], 'Pay.downloadBill');
  }
  const algorithm = HASHES[info.hash_type.toUpperCase()];
  if (!algorithm || !getHashes().includes(algorithm))
    throw new WxConfigError(`downloadBill: hash_type ${JSON.stringify(info.hash_type.slice(0, 16))} is not supported here`);
  if (!/^[0-9a-fA-F]+$/.test(info.hash_value)) throw new WxValidationError('request', ['hash_value: expected hex'], 'Pay.downloadBill');
  return algorithm;
}

/**
 * The descriptor and parameters of the GET of `download_url`. Only WeChat Pay's hosts are signed
 * for, unless the client sends that host elsewhere (a simulator, a proxy): a download URL from
 * anywhere else would get a request signature it has no business seeing.
 */
export function billRequest(info: BillInfo, mapsHost: (host: string) => boolean): { descriptor: EndpointDescriptor; params: Record<string, string> } {
  let url: URL;
  try {
    url = new URL(info.download_url);
  } catch {
    throw new WxValidationError('request', ['download_url: expected an absolute URL'], 'Pay.downloadBill');
  }
  if (!PAY_HOSTS.has(url.host) && !mapsHost(url.host)) {
    throw new WxConfigError(`downloadBill: download_url must be on api.mch.weixin.qq.com, got host ${JSON.stringify(url.host.slice(0, 64))}`);
  }
  const params = Object.fromEntries(url.searchParams);
  const descriptor: EndpointDescriptor = {
    id: 'Pay.downloadBill',
    method: 'GET',
    host: url.host,
    path: url.pathname,
    auth: 'pay_v3',
    protocol: 'pay_v3',
    appTypes: ['pay'],
    idempotent: true,
    response: 'binary',
    query: Object.keys(params),
  };
  return { descriptor, params };
}

/** The Pay protocol's decode for a bill: errors become WxPayError; a success is the answer as is (unsigned, see above). */
export async function decodeBill(response: TransportResponse, d: EndpointDescriptor, req: WireRequest): Promise<TransportResponse> {
  if (response.ok) return response;
  const text = await readBody(response, req.url, d, (r) => r.text());
  const body = tryJson(text) as { code?: unknown; message?: unknown } | undefined;
  throw new WxPayError({
    version: 'v3',
    status: response.status,
    code: typeof body?.code === 'string' ? body.code : `HTTP_${response.status}`,
    message: typeof body?.message === 'string' ? body.message : text.slice(0, 200),
    endpoint: d.id,
  });
}

/**
 * The bill's bytes from a download answer: decompressed when gzip, digest-checked as they pass.
 * The last read rejects with a WxCryptoError when the digest does not match `hash_value`.
 */
export async function billStream(
  response: TransportResponse,
  info: BillInfo,
  algorithm: string,
  options: DownloadBillOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const body = response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  const { head, stream } = await peek(body, 2);
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  if (options.tarType === 'GZIP' && !gzip) {
    await stream.cancel().catch(() => undefined);
    throw new WxCryptoError('format', 'downloadBill: tar_type GZIP was asked for but the bill is not gzip');
  }
  const plain = gzip ? stream.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>) : stream;
  return plain.pipeThrough(digestCheck(createHash(algorithm), info.hash_value.toLowerCase(), info.hash_type));
}

function digestCheck(hash: Hash, expected: string, type: string): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hash.update(chunk);
      controller.enqueue(chunk);
    },
    flush(controller) {
      const actual = hash.digest('hex');
      if (actual !== expected)
        controller.error(new WxCryptoError('signature', `downloadBill: the bill's ${type} does not match hash_value (corrupted or truncated download)`));
    },
  });
}

/** Reads at least `bytes` bytes (or everything, if shorter) and gives back a stream that still starts with them. */
async function peek(body: ReadableStream<Uint8Array>, bytes: number): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < bytes) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.byteLength;
  }
  const head = Buffer.concat(chunks);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.byteLength) controller.enqueue(new Uint8Array(head));
      if (done) controller.close();
    },
    async pull(controller) {
      if (done) return;
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { head, stream };
}
