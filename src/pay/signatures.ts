// WeChat Pay's signatures and ciphers as pure functions: no clock, no I/O, no state. The protocols
// and authenticators use them, and they are exported for anyone checking a value independently.
import { createCipheriv, createDecipheriv, createHash, createHmac, createSign, createVerify, publicEncrypt, constants, type KeyObject } from 'node:crypto';
import { WxCryptoError } from '../core/errors.js';

export type V2SignType = 'MD5' | 'HMAC-SHA256';

/**
 * The v2 `sign`: every non-empty field but `sign` itself, sorted by key (ASCII), joined as
 * `k=v&…&key=API_KEY`, then MD5 or HMAC-SHA256 keyed with the API key, in upper-case hex.
 */
export function signV2(params: Readonly<Record<string, unknown>>, key: string, signType: V2SignType = 'MD5'): string {
  const text = `${v2SignText(params)}&key=${key}`;
  const digest = signType === 'HMAC-SHA256' ? createHmac('sha256', key).update(text, 'utf8') : createHash('md5').update(text, 'utf8');
  return digest.digest('hex').toUpperCase();
}

/** The `k=v&…` part of the v2 signed text (without `&key=`). */
export function v2SignText(params: Readonly<Record<string, unknown>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== null && params[k] !== '')
    .sort()
    .map((k) => `${k}=${typeof params[k] === 'object' ? JSON.stringify(params[k]) : String(params[k])}`)
    .join('&');
}

/** The text a v3 request signature covers: `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`. */
export function v3Message(req: { method: string; url: string | URL; timestamp: string | number; nonce: string; body?: string }): string {
  const url = typeof req.url === 'string' ? new URL(req.url, 'https://api.mch.weixin.qq.com') : req.url;
  return `${req.method.toUpperCase()}\n${url.pathname}${url.search}\n${req.timestamp}\n${req.nonce}\n${req.body ?? ''}\n`;
}

/** RSASSA-PKCS1-v1_5 with SHA-256 under the merchant's private key, base64. */
export function signV3(message: string, privateKeyPem: string | KeyObject): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKeyPem, 'base64');
}

/**
 * Checks a v3 answer's or notification's signature over `TIMESTAMP\nNONCE\nBODY\n` with the public
 * key or certificate the serial names. False for anything that does not verify, probes
 * (`WECHATPAY/SIGNTEST/…`) included; never throws on a malformed signature.
 */
export function verifyV3(
  input: { timestamp: string | number; nonce: string; body: string; signature: string; serial?: string },
  publicKeyOrCertificatePem: string | KeyObject,
): boolean {
  if (typeof input.signature !== 'string' || !input.signature || input.signature.startsWith('WECHATPAY/SIGNTEST/')) return false;
  try {
    return createVerify('RSA-SHA256')
      .update(`${input.timestamp}\n${input.nonce}\n${input.body}\n`, 'utf8')
      .verify(publicKeyOrCertificatePem, input.signature, 'base64');
  } catch {
    return false;
  }
}

/**
 * Decrypts a notification `resource` or a downloaded certificate: AEAD_AES_256_GCM with the 32-byte
 * APIv3 key, the 12-byte nonce and `associated_data` as AAD; the last 16 bytes are the tag.
 */
export function decryptV3Resource(resource: { ciphertext: string; nonce: string; associated_data?: string }, apiV3Key: string): string {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new WxCryptoError('key', 'the APIv3 key must be 32 bytes');
  const data = Buffer.from(resource.ciphertext ?? '', 'base64');
  if (data.length < 17) throw new WxCryptoError('length', 'the resource ciphertext is too short');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce ?? '', 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    // Nothing partially decrypted is returned or attached.
    throw new WxCryptoError('signature', 'the resource does not decrypt with this APIv3 key (tag mismatch)');
  }
}

/** The inverse of decryptV3Resource, for the simulator and tests: base64(ciphertext ‖ tag). */
export function encryptV3Resource(plaintext: string, apiV3Key: string, nonce: string, associatedData = ''): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString('base64');
}

/**
 * A v2 refund notification's `req_info`: AES-256-ECB with PKCS#7 padding, keyed with the lower-case
 * hex MD5 of the API key. Returns the plaintext XML.
 */
export function decryptV2RefundInfo(reqInfo: string, key: string): string {
  const aesKey = Buffer.from(createHash('md5').update(key, 'utf8').digest('hex').toLowerCase(), 'utf8');
  try {
    const decipher = createDecipheriv('aes-256-ecb', aesKey, null);
    return Buffer.concat([decipher.update(Buffer.from(reqInfo, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new WxCryptoError('padding', 'req_info does not decrypt with this API key');
  }
}

/** RSA-OAEP (SHA-1, MGF1) encryption of a sensitive field under WeChat Pay's public key or certificate, base64. */
export function encryptSensitive(value: string, publicKeyOrCertificatePem: string | KeyObject): string {
  return publicEncrypt({ key: publicKeyOrCertificatePem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(value, 'utf8')).toString(
    'base64',
  );
}
