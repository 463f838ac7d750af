// Platform certificates (平台证书) for merchants that still verify with them: downloaded from
// GET /v3/certificates, decrypted with the APIv3 key, kept by serial, refreshed well inside 12 h
// and shared through the client's Storage, so a fleet of processes downloads once per refresh.
//
// The download is bootstrapped the way WeChat documents it: the answer is signed by one of the
// certificates it carries, so the certificates are decrypted first (AEAD with the APIv3 key,
// which only WeChat and the merchant know) and the answer's signature is then checked with the
// one its Wechatpay-Serial names. Nothing is kept from an answer that does not verify.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { WxConfigError, WxCryptoError, WxPayError, WxValidationError } from '../core/errors.js';
import { verifyAnswer, type PayKeyResolver } from '../protocols/pay-v3.js';
import { readBody, tryJson } from '../protocols/wechat.js';
import type { TransportResponse } from '../transport/types.js';
import type { WireRequest } from '../protocols/types.js';
import type { Storage } from '../storage/types.js';
import { TokenManager } from '../auth/token-manager.js';
import type { EndpointDescriptor } from '../core/types.js';
import { decryptV3Resource } from './signatures.js';

/** One decrypted platform certificate. */
export interface PlatformCertificate {
  /** Upper-case hex, as WeChat writes it in `Wechatpay-Serial`. */
  serial_no: string;
  effective_time: string;
  expire_time: string;
  /** The certificate, PEM. */
  certificate: string;
}

/** The descriptor of the download; the Pay protocol decodes it with {@link decodeCertificates}. */
export const CERTIFICATES_ENDPOINT: EndpointDescriptor = Object.freeze({
  id: 'Pay.downloadCertificates',
  method: 'GET',
  host: 'api.mch.weixin.qq.com',
  path: '/v3/certificates',
  auth: 'pay_v3',
  protocol: 'pay_v3',
  appTypes: ['pay'],
  idempotent: true,
  query: ['algorithm_type'],
  response: 'text',
} satisfies EndpointDescriptor);

interface EncryptedEntry {
  serial_no?: unknown;
  effective_time?: unknown;
  expire_time?: unknown;
  encrypt_certificate?: { algorithm?: unknown; nonce?: unknown; associated_data?: unknown; ciphertext?: unknown };
}

/**
 * Decrypts the `data` of a /v3/certificates answer. Each entry must decrypt with the APIv3 key,
 * parse as X.509 and carry the serial it is listed under; anything else fails the whole answer.
 */
export function decryptCertificates(answer: unknown, apiV3Key: string): PlatformCertificate[] {
  const data = (answer as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) throw new WxValidationError('response', ['data: expected an array of certificates'], CERTIFICATES_ENDPOINT.id);
  return data.map((raw: EncryptedEntry, i) => {
    const enc = raw?.encrypt_certificate;
    if (typeof raw?.serial_no !== 'string' || typeof enc?.ciphertext !== 'string' || typeof enc.nonce !== 'string') {
      throw new WxValidationError('response', [`data[${i}]: expected serial_no and encrypt_certificate { nonce, ciphertext }`], CERTIFICATES_ENDPOINT.id);
    }
    if (enc.algorithm !== undefined && enc.algorithm !== 'AEAD_AES_256_GCM') {
      throw new WxCryptoError('format', `platform certificate ${raw.serial_no.slice(0, 64)}: unsupported algorithm ${String(enc.algorithm).slice(0, 32)}`);
    }
    const pem = decryptV3Resource(
      { ciphertext: enc.ciphertext, nonce: enc.nonce, associated_data: typeof enc.associated_data === 'string' ? enc.associated_data : '' },
      apiV3Key,
    );
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      throw new WxCryptoError('format', `platform certificate ${raw.serial_no.slice(0, 64)} does not parse as X.509`);
    }
    const serial = raw.serial_no.toUpperCase();
    if (normaliseSerial(cert.serialNumber) !== normaliseSerial(serial)) {
      throw new WxCryptoError('key', `platform certificate listed as ${serial.slice(0, 64)} has serial ${cert.serialNumber.slice(0, 64)}`);
    }
    return {
      serial_no: serial,
      effective_time: typeof raw.effective_time === 'string' ? raw.effective_time : new Date(cert.validFrom).toISOString(),
      expire_time: typeof raw.expire_time === 'string' ? raw.expire_time : new Date(cert.validTo).toISOString(),
      certificate: pem,
    };
  });
}

/** Serials compare as numbers: WeChat writes upper-case hex; X.509 parsers may drop leading zeros. */
function normaliseSerial(serial: string): string {
  return serial.toUpperCase().replace(/^0+(?=.)/, '');
}

/**
 * Decodes the /v3/certificates answer: errors become WxPayError (a 404 a WxConfigError: that
 * merchant has no certificates and uses the public key), a success is decrypted and then verified
 * with `known` keys or the certificate it names among those it carries.
 */
export async function decodeCertificates(
  response: TransportResponse,
  d: EndpointDescriptor,
  req: WireRequest,
  options: { apiV3Key: string; known: PayKeyResolver; skewSeconds: number; nowMs: number },
): Promise<PlatformCertificate[]> {
  const text = await readBody(response, req.url, d, (r) => r.text());
  if (!response.ok) {
    const body = tryJson(text) as { code?: unknown; message?: unknown } | undefined;
    const error = new WxPayError({
      version: 'v3',
      status: response.status,
      code: typeof body?.code === 'string' ? body.code : `HTTP_${response.status}`,
      message: typeof body?.message === 'string' ? body.message : text.slice(0, 200),
      endpoint: d.id,
    });
    if (response.status === 404) {
      throw new WxConfigError(
        `${d.id}: WeChat Pay answered 404: this merchant has no platform certificates. Merchants created since 2024 verify with the WeChat Pay public key: pass publicKey and publicKeyId to createPay`,
        { endpoint: d.id, cause: error },
      );
    }
    throw error;
  }
  const parsed = tryJson(text);
  if (parsed === undefined)
    throw new WxPayError({ version: 'v3', status: response.status, code: 'INVALID_RESPONSE', message: 'expected JSON', endpoint: d.id });
  const certificates = decryptCertificates(parsed, options.apiV3Key);
  const carried = new Map(certificates.map((c) => [c.serial_no, c.certificate]));
  await verifyAnswer(
    response.headers,
    text,
    d.id,
    async (serial) => (await options.known(serial)) ?? carried.get(serial.toUpperCase()),
    options.skewSeconds,
    options.nowMs,
  );
  return certificates;
}

export interface CertificateStoreOptions {
  /** Storage key of the shared record, e.g. `wxkit:pay:1900000001:platform_certificates`. */
  key: string;
  storage: Storage;
  /** Downloads and verifies the current certificates (a signed /v3/certificates call). */
  download: () => Promise<PlatformCertificate[]>;
  /** Download again after this long (default 1 h; WeChat asks for less than 12 h). */
  refreshIntervalMs?: number;
  /** A stored download is used at most this long when refreshing keeps failing (default 12 h). */
  maxAgeMs?: number;
  /** An unknown serial forces a download, at most this often (default 60 s). */
  minForcedIntervalMs?: number;
  now?: () => number;
  onBackgroundError?: (error: unknown) => void;
}

interface Record_ {
  /** Unix ms of the download. */
  at: number;
  certificates: PlatformCertificate[];
}

interface Parsed {
  raw: string;
  at: number;
  certificates: PlatformCertificate[];
  keys: Map<string, KeyObject>;
}

/**
 * The downloaded certificates of one merchant, shared by every process using the same Storage.
 * A TokenManager holds the serialised download: its single flight and the storage lock make a
 * fleet download once, its ahead-of-expiry refresh keeps answering from the old download while a
 * new one is fetched, and a failed refresh leaves the old one in use until `maxAgeMs`.
 */
export class PlatformCertificateStore {
  readonly #manager: TokenManager;
  readonly #now: () => number;
  readonly #minForced: number;
  #parsed: Parsed | undefined;
  #forcing: Promise<void> | undefined;

  constructor(options: CertificateStoreOptions) {
    const refresh = options.refreshIntervalMs ?? 3_600_000;
    const maxAge = options.maxAgeMs ?? 12 * 3_600_000;
    if (!(refresh > 0 && maxAge > refresh)) throw new WxConfigError('certificate refresh interval must be positive and shorter than the maximum age');
    this.#now = options.now ?? Date.now;
    this.#minForced = options.minForcedIntervalMs ?? 60_000;
    this.#manager = new TokenManager({
      key: options.key,
      storage: options.storage,
      // Kept for maxAge; refreshed once less than (maxAge - refresh) is left, i.e. `refresh` after the download.
      refreshMarginMs: maxAge - refresh,
      now: this.#now,
      fetch: async () => {
        const certificates = await options.download();
        const record: Record_ = { at: this.#now(), certificates };
        return { value: JSON.stringify(record), expiresIn: maxAge / 1000 };
      },
      onBackgroundError: options.onBackgroundError,
    });
  }

  /** The certificates of the current download (downloading first when there is none). */
  async list(): Promise<PlatformCertificate[]> {
    return (await this.#current()).certificates;
  }

  /** The certificate's public key for `serial`; an unknown serial forces one download (rate-limited). */
  async keyFor(serial: string): Promise<KeyObject | undefined> {
    const wanted = serial.toUpperCase();
    const current = await this.#current();
    const key = current.keys.get(wanted);
    if (key || this.#now() - current.at < this.#minForced) return key;
    // A serial we have never seen: WeChat may have started signing with a new certificate.
    await (this.#forcing ??= this.#manager.invalidate(current.raw).finally(() => (this.#forcing = undefined)));
    return (await this.#current()).keys.get(wanted);
  }

  /** The certificate sensitive fields are encrypted with: valid now, the one that expires last. */
  async newest(): Promise<{ serial: string; key: KeyObject } | undefined> {
    const current = await this.#current();
    const now = this.#now();
    const ranked = [...current.certificates].sort((a, b) => Date.parse(b.expire_time) - Date.parse(a.expire_time));
    const pick = ranked.find((c) => Date.parse(c.effective_time) <= now && now < Date.parse(c.expire_time)) ?? ranked[0];
    return pick ? { serial: pick.serial_no, key: current.keys.get(pick.serial_no)! } : undefined;
  }

  /** Downloads now, whatever is stored. */
  async refresh(): Promise<PlatformCertificate[]> {
    const current = this.#parsed;
    if (current) await this.#manager.invalidate(current.raw);
    else await this.#manager.clear();
    return this.list();
  }

  async #current(): Promise<Parsed> {
    const raw = await this.#manager.get();
    if (this.#parsed?.raw === raw) return this.#parsed;
    let record: Record_;
    try {
      record = JSON.parse(raw) as Record_;
      if (!Array.isArray(record.certificates) || typeof record.at !== 'number') throw new Error('shape');
    } catch {
      // Another writer's record we cannot read: drop it rather than fail every verification.
      await this.#manager.invalidate(raw);
      throw new WxValidationError('response', ['stored platform certificates are unreadable; they were dropped and will be downloaded again']);
    }
    const keys = new Map<string, KeyObject>();
    for (const c of record.certificates) keys.set(c.serial_no.toUpperCase(), new X509Certificate(c.certificate).publicKey);
    this.#parsed = { raw, at: record.at, certificates: record.certificates, keys };
    return this.#parsed;
  }
}
