// Which WeChat Pay key verifies a signature and which one encrypts sensitive fields, for one
// merchant. One resolver serves answers, notifications and encryption alike, so a serial that
// verifies an answer also verifies a notification: `PUB_KEY_ID_…` names the WeChat Pay public key,
// anything else a platform certificate (configured, or downloaded when the merchant still has
// them). During the switch from certificates to the public key both kinds arrive side by side.
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { WxConfigError } from '../core/errors.js';
import type { PlatformCertificateStore } from './certificates.js';

export interface PayKeyring {
  /** The key for a `Wechatpay-Serial`, or undefined when this merchant has none by that serial. */
  keyFor(serial: string): Promise<KeyObject | undefined>;
  /**
   * The key sensitive request fields are encrypted with and its id for `Wechatpay-Serial`: the
   * public key when there is one (WeChat's recommendation), else the newest valid certificate.
   */
  encryptionKey(): Promise<{ serial: string; key: KeyObject }>;
}

interface Configured {
  key: KeyObject;
  /** Unix ms; certificates only. */
  notBefore?: number;
  notAfter?: number;
}

export interface KeyringOptions {
  publicKeyId?: string;
  publicKey?: string | KeyObject;
  /** Certificates (PEM) by serial. */
  platformCertificates?: Readonly<Record<string, string>>;
  /** Downloaded certificates, for merchants that still have them. */
  store?: PlatformCertificateStore;
  now?: () => number;
}

export function createKeyring(options: KeyringOptions): PayKeyring {
  const now = options.now ?? Date.now;
  const configured = new Map<string, Configured>();
  let publicKey: { serial: string; key: KeyObject } | undefined;
  if (options.publicKey !== undefined && options.publicKeyId) {
    publicKey = { serial: options.publicKeyId, key: readPublicKey(options.publicKey, 'publicKey') };
    configured.set(options.publicKeyId, { key: publicKey.key });
  }
  for (const [serial, pem] of Object.entries(options.platformCertificates ?? {})) {
    configured.set(serial.toUpperCase(), readCertificate(pem, `platformCertificates[${serial}]`));
  }
  const store = options.store;

  return {
    async keyFor(serial) {
      if (typeof serial !== 'string' || !serial) return undefined;
      const known = configured.get(serial) ?? configured.get(serial.toUpperCase());
      if (known) return known.key;
      // A public key id is never a certificate serial: do not download certificates for it.
      if (!store || serial.startsWith('PUB_KEY_ID_')) return undefined;
      return store.keyFor(serial);
    },
    async encryptionKey() {
      if (publicKey) return publicKey;
      const t = now();
      let best: { serial: string; key: KeyObject; notAfter: number } | undefined;
      for (const [serial, c] of configured) {
        if (c.notAfter === undefined || (c.notBefore ?? 0) > t || c.notAfter <= t) continue;
        if (!best || c.notAfter > best.notAfter) best = { serial, key: c.key, notAfter: c.notAfter };
      }
      const downloaded = store ? await store.newest() : undefined;
      if (downloaded) return downloaded;
      if (best) return { serial: best.serial, key: best.key };
      throw new WxConfigError('no WeChat Pay public key or valid platform certificate to encrypt sensitive fields with');
    },
  };
}

function readPublicKey(pem: string | KeyObject, what: string): KeyObject {
  try {
    return typeof pem === 'object' ? pem : createPublicKey(pem);
  } catch {
    throw new WxConfigError(`createPay: ${what} is not a readable PEM public key or certificate`);
  }
}

/** A certificate keeps its validity (for choosing the encryption key); a bare public key is accepted too. */
function readCertificate(pem: string, what: string): Configured {
  if (typeof pem === 'string' && pem.includes('BEGIN CERTIFICATE')) {
    try {
      const cert = new X509Certificate(pem);
      return { key: cert.publicKey, notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
    } catch {
      throw new WxConfigError(`createPay: ${what} is not a readable PEM certificate`);
    }
  }
  return { key: readPublicKey(pem, what), notAfter: Number.MAX_SAFE_INTEGER };
}
