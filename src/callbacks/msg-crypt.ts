// WeChat callback cryptography (the scheme of Tencent's "WXBizMsgCrypt" samples), on node:crypto.
//
// Ciphertext = base64(AES-256-CBC(key, iv = key[0..16), random16 ‖ len32be ‖ message ‖ receiveId ‖ pad)),
// where pad is PKCS#7 with a 32-byte block (not AES's 16), so Node's own padding must stay off.
// Errors never carry key material, ciphertext or plaintext: only the failing step.

import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual, type Decipher } from 'node:crypto';
import { WxConfigError, WxCryptoError } from '../core/errors.js';

const PAD_BLOCK = 32;
const HEADER_BYTES = 20; // 16 random bytes + 4-byte big-endian length
const AES_KEY_TEXT = /^[A-Za-z0-9+/]{43}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface CryptoOptions {
  token: string;
  /** The 43-character EncodingAESKey from the WeChat console. */
  encodingAESKey: string;
  /**
   * appid / corpid / component appid expected inside every ciphertext. Required by `encrypt`;
   * when omitted, `decrypt` reports the embedded id without checking it.
   */
  receiveId?: string;
}

export interface DecryptedMessage {
  message: string;
  receiveId: string;
}

export interface WxCrypto {
  /** sha1 hex of the sorted [token, timestamp, nonce(, encrypt)] joined. */
  signature(timestamp: string, nonce: string, encrypt?: string): string;
  /** Constant-time check of a `signature` / `msg_signature` query parameter. */
  verify(signature: string, timestamp: string, nonce: string, encrypt?: string): boolean;
  encrypt(message: string, random16?: Uint8Array): string;
  decrypt(ciphertext: string): DecryptedMessage;
}

/** sha1 hex over the lexicographically sorted parts. All parts WeChat signs are ASCII, so UTF-16 order is byte order. */
export function sha1Signature(parts: readonly string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** Compare two signatures without leaking, through timing, how many leading characters match. */
export function verifySignature(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(actual, 'utf8');
  // Lengths are public (sha1 hex is always 40), so an early exit here leaks nothing useful.
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Decode the 43-character EncodingAESKey into the 32-byte AES key, or throw WxCryptoError('key'). */
export function decodeAesKey(encodingAESKey: string): Buffer {
  if (typeof encodingAESKey !== 'string' || !AES_KEY_TEXT.test(encodingAESKey)) {
    throw new WxCryptoError('key', 'encodingAESKey must be 43 base64 characters (32 bytes)');
  }
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (key.length !== 32) throw new WxCryptoError('key', 'encodingAESKey does not decode to 32 bytes');
  return key;
}

export function createCrypto(options: CryptoOptions): WxCrypto {
  const { token, receiveId } = options;
  if (typeof token !== 'string' || token.length === 0) {
    throw new WxConfigError('token must be a non-empty string');
  }
  const key = decodeAesKey(options.encodingAESKey);
  const iv = key.subarray(0, 16);
  const receiveIdBytes = receiveId === undefined ? undefined : Buffer.from(receiveId, 'utf8');
  // CBC decryption is P[i] = AES-decrypt(C[i]) XOR C[i-1] (C[-1] = IV). One long-lived ECB context
  // computes the AES-decrypt part for every message, and the chaining is XORed here: creating an
  // OpenSSL CBC context per message was the largest single cost of handling a small push. ECB keeps
  // no state between calls, and only whole blocks ever reach it, so nothing carries over.
  const blockDecipher = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);

  const signature = (timestamp: string, nonce: string, encrypt?: string): string =>
    sha1Signature(encrypt === undefined ? [token, timestamp, nonce] : [token, timestamp, nonce, encrypt]);

  return {
    signature,
    verify(sig, timestamp, nonce, encrypt) {
      // Raw digest against the hex-decoded candidate: no hex re-encoding on the hot path. A candidate
      // that is not 40 hex digits decodes short (Buffer stops at the first non-hex pair) and fails;
      // the case of the hex digits does not matter, as for any hex comparison.
      if (typeof sig !== 'string' || sig.length !== 40) return false;
      const parts = encrypt === undefined ? [token, timestamp, nonce] : [token, timestamp, nonce, encrypt];
      const expected = createHash('sha1').update(parts.sort().join('')).digest();
      const actual = Buffer.from(sig, 'hex');
      return actual.length === 20 && timingSafeEqual(expected, actual);
    },
    encrypt(message, random16) {
      if (receiveId === undefined) throw new WxCryptoError('receive_id', 'encrypt needs a configured receiveId');
      const random = random16 ?? randomBytes(16);
      if (random.length !== 16) throw new WxCryptoError('length', 'random prefix must be exactly 16 bytes');
      const body = Buffer.from(message, 'utf8');
      const id = Buffer.from(receiveId, 'utf8');
      const size = HEADER_BYTES + body.length + id.length;
      const pad = PAD_BLOCK - (size % PAD_BLOCK); // 1..32: a full block when already aligned
      const plain = Buffer.alloc(size + pad, pad);
      plain.set(random, 0);
      plain.writeUInt32BE(body.length, 16);
      body.copy(plain, HEADER_BYTES);
      id.copy(plain, HEADER_BYTES + body.length);
      const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
    },
    decrypt(ciphertext) {
      const plain = cbcDecrypt(blockDecipher, iv, ciphertext);
      const content = stripPadding(plain);
      if (content.length < HEADER_BYTES) throw new WxCryptoError('length', 'decrypted payload is shorter than its header');
      const length = content.readUInt32BE(16);
      if (length > content.length - HEADER_BYTES) {
        throw new WxCryptoError('length', 'message length field exceeds the decrypted payload');
      }
      const idBytes = content.subarray(HEADER_BYTES + length);
      if (receiveIdBytes !== undefined && !idBytes.equals(receiveIdBytes)) {
        throw new WxCryptoError('receive_id', 'receiveId inside the ciphertext does not match the configured one');
      }
      // Checked before the message is decoded: nothing is turned into text for a foreign app.
      const message = decodeUtf8(content.subarray(HEADER_BYTES, HEADER_BYTES + length));
      return { message, receiveId: receiveId ?? decodeUtf8(idBytes) };
    },
  };
}

function cbcDecrypt(blockDecipher: Decipher, iv: Buffer, ciphertext: string): Buffer {
  const data = decodeBase64Strict(ciphertext);
  if (data === undefined) throw new WxCryptoError('base64', 'ciphertext is not valid base64');
  if (data.length === 0 || data.length % PAD_BLOCK !== 0) {
    throw new WxCryptoError('length', 'ciphertext length is not a multiple of 32 bytes');
  }
  const plain = blockDecipher.update(data);
  if (plain.length !== data.length) throw new WxCryptoError('length', 'block decryption returned a partial result');
  for (let i = 0; i < 16; i++) plain[i] = plain[i]! ^ iv[i]!;
  for (let i = 16; i < plain.length; i++) plain[i] = plain[i]! ^ data[i - 16]!;
  return plain;
}

/**
 * Standard padded base64, or undefined. Node's decoder skips characters outside the alphabet and
 * stops at '=', so any stray character makes the output shorter than the length the text implies;
 * comparing lengths validates without a second pass over the text. The URL-safe '-' and '_', which
 * Node also accepts, are refused explicitly.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (typeof text !== 'string' || text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const data = Buffer.from(text, 'base64');
  if (data.length !== (text.length / 4) * 3 - padding || text.includes('-') || text.includes('_')) return undefined;
  return data;
}

/** PKCS#7 over 32-byte blocks; every padding byte must carry the pad length. */
export function stripPadding(plain: Buffer, block = PAD_BLOCK): Buffer {
  const pad = plain.length === 0 ? 0 : plain[plain.length - 1]!;
  if (pad < 1 || pad > block || pad > plain.length) throw new WxCryptoError('padding', 'invalid PKCS#7 padding');
  for (let i = plain.length - pad; i < plain.length; i++) {
    if (plain[i] !== pad) throw new WxCryptoError('padding', 'invalid PKCS#7 padding');
  }
  return plain.subarray(0, plain.length - pad);
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new WxCryptoError('format', 'decrypted content is not valid UTF-8');
  }
}
