// Mini program open-data helpers: `encryptedData` decryption (wx.getUserInfo, phone number, share
// info...) and the `rawData` signature. Both are keyed by the user's session_key from code2Session.

import { createDecipheriv, createHash } from 'node:crypto';
import { WxCryptoError } from '../core/errors.js';
import { decodeBase64Strict, stripPadding, verifySignature } from './msg-crypt.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface UserDataInput {
  /** Base64 session_key (16 bytes once decoded). */
  sessionKey: string;
  encryptedData: string;
  /** Base64 IV returned next to encryptedData (16 bytes once decoded). */
  iv: string;
}

/** Decrypt `encryptedData` (AES-128-CBC, PKCS#7 over 16 bytes) and return the plaintext as sent by WeChat. */
export function decryptUserDataText(input: UserDataInput): string {
  const key = decode16(input.sessionKey, 'sessionKey');
  const iv = decode16(input.iv, 'iv');
  const data = decodeBase64(input.encryptedData, 'encryptedData');
  if (data.length === 0 || data.length % 16 !== 0) {
    throw new WxCryptoError('length', 'encryptedData length is not a multiple of 16 bytes');
  }
  const decipher = createDecipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
  const plain = stripPadding(Buffer.concat([decipher.update(data), decipher.final()]), 16);
  try {
    return utf8.decode(plain);
  } catch {
    throw new WxCryptoError('format', 'decrypted user data is not valid UTF-8');
  }
}

/**
 * Decrypt and parse `encryptedData`. When `appid` is given, the `watermark.appid` WeChat embeds must
 * match it, which stops data decrypted for another mini program from being replayed into this one.
 */
export function decryptUserData<T extends object = Record<string, unknown>>(input: UserDataInput & { appid?: string }): T {
  const text = decryptUserDataText(input);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new WxCryptoError('format', 'decrypted user data is not JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new WxCryptoError('format', 'decrypted user data is not a JSON object');
  }
  if (input.appid !== undefined) {
    const watermark = (data as { watermark?: { appid?: unknown } }).watermark;
    if (watermark?.appid !== input.appid) {
      throw new WxCryptoError('receive_id', 'watermark.appid does not match the configured appid');
    }
  }
  return data as T;
}

/** `signature === sha1(rawData + session_key)`, compared in constant time. */
export function verifyRawDataSignature(input: { rawData: string; sessionKey: string; signature: string }): boolean {
  const expected = createHash('sha1')
    .update(input.rawData + input.sessionKey, 'utf8')
    .digest('hex');
  return verifySignature(expected, input.signature);
}

function decodeBase64(text: string, what: string): Buffer {
  const bytes = decodeBase64Strict(text);
  if (bytes === undefined) throw new WxCryptoError('base64', `${what} is not valid base64`);
  return bytes;
}

function decode16(text: string, what: string): Buffer {
  const bytes = decodeBase64(text, what);
  if (bytes.length !== 16) throw new WxCryptoError('key', `${what} must decode to 16 bytes`);
  return bytes;
}
