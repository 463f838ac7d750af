import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WxConfigError, WxCryptoError } from '../../src/core/errors.js';
import { createCrypto, decodeBase64Strict, sha1Signature, verifySignature } from '../../src/callbacks/msg-crypt.js';
import { readEnvelope } from '../../src/callbacks/envelope.js';
import { decryptUserData, decryptUserDataText, verifyRawDataSignature } from '../../src/callbacks/index.js';
import { describeReference, readFixtureJson, readReferenceJson, sameVector, type CryptoCase } from '../reference.js';
import { prng } from './helpers.js';

// The official vectors ship with the tests (test/fixtures/vectors); the reference folder, where it
// exists, is checked against the same assertions and against these copies.
const msgCases = readFixtureJson<CryptoCase[]>('vectors/msg-crypt.json');
const mpCases = readFixtureJson<CryptoCase[]>('vectors/miniprogram.json');
const label = (c: CryptoCase): string => `${c.type}: ${c.id ?? c.name}`;

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function checkMsgCase(c: CryptoCase): void {
  const { input, expected } = c;
  switch (c.type) {
    case 'url_signature': {
      const sig = sha1Signature([input.token!, input.timestamp!, input.nonce!]);
      expect(sig).toBe(expected.signature);
      expect(verifySignature(sig, expected.signature!)).toBe(true);
      break;
    }
    case 'msg_signature': {
      expect(sha1Signature([input.token!, input.timestamp!, input.nonce!, input.encrypt!])).toBe(expected.msg_signature);
      break;
    }
    case 'wxbizmsgcrypt_decrypt': {
      const crypto = createCrypto({ token: input.token!, encodingAESKey: input.encoding_aes_key!, receiveId: input.receive_id! });
      expect(crypto.verify(input.msg_signature!, input.timestamp!, input.nonce!, input.encrypt!)).toBe(true);
      const out = crypto.decrypt(input.encrypt!);
      expect(out.message).toBe(expected.msg);
      expect(out.receiveId).toBe(expected.receive_id);
      // Byte-for-byte re-encryption with the random prefix the ciphertext carried.
      expect(crypto.encrypt(out.message, Buffer.from(expected.random!, 'utf8'))).toBe(input.encrypt);
      if (input.post_body !== undefined) expect(readEnvelope(input.post_body).encrypt).toBe(input.encrypt);
      break;
    }
    case 'wxbizmsgcrypt_encrypt': {
      const crypto = createCrypto({ token: input.token!, encodingAESKey: input.encoding_aes_key!, receiveId: input.receive_id! });
      const encrypt = crypto.encrypt(input.msg!, Buffer.from(input.random!, 'utf8'));
      expect(encrypt).toBe(expected.encrypt);
      expect(crypto.signature(input.timestamp!, input.nonce!, encrypt)).toBe(expected.msg_signature);
      expect(crypto.decrypt(encrypt)).toEqual({ message: input.msg, receiveId: input.receive_id });
      break;
    }
    case 'wecom_verify_url': {
      // No receiveId configured: decrypt reports the embedded corpid without checking it.
      const crypto = createCrypto({ token: input.token!, encodingAESKey: input.encoding_aes_key! });
      expect(crypto.verify(input.msg_signature!, input.timestamp!, input.nonce!, input.echostr!)).toBe(true);
      const out = crypto.decrypt(input.echostr!);
      expect(out).toEqual({ message: expected.echostr_plain, receiveId: expected.receive_id });
      const again = createCrypto({ token: input.token!, encodingAESKey: input.encoding_aes_key!, receiveId: expected.receive_id! });
      expect(again.encrypt(out.message, Buffer.from(expected.random!, 'utf8'))).toBe(input.echostr);
      break;
    }
    default:
      throw new Error(`unhandled vector type ${c.type}`);
  }
}

describe('official WXBizMsgCrypt vectors (test/fixtures/vectors)', () => {
  it('covers every case type', () => {
    const types = new Set(msgCases.map((c) => c.type));
    expect([...types].sort()).toEqual(['url_signature', 'wecom_verify_url', 'wxbizmsgcrypt_decrypt', 'wxbizmsgcrypt_encrypt']);
    expect(msgCases).toHaveLength(15);
    expect(new Set(msgCases.map((c) => c.id)).size).toBe(15);
  });

  for (const c of msgCases) it(label(c), () => checkMsgCase(c));
});

describeReference('official WXBizMsgCrypt vectors (../shared/reference conformance)', () => {
  const referenceCases = readReferenceJson<CryptoCase[]>('crypto/official_msg_crypt.json');

  it('every reference vector is among the embedded copies, and no other', () => {
    expect(referenceCases.filter((r) => !msgCases.some((c) => sameVector(r, c))).map((r) => r.name)).toEqual([]);
    expect(referenceCases).toHaveLength(msgCases.length);
  });

  for (const c of referenceCases) it(label(c), () => checkMsgCase(c));
});

describe('crypto failures are typed and say nothing secret', () => {
  const token = 'tok3nSecret';
  const encodingAESKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  const crypto = createCrypto({ token, encodingAESKey, receiveId: 'wxappid' });
  const rawEncrypt = (plain: Buffer): string => {
    const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    return Buffer.concat([c.update(plain), c.final()]).toString('base64');
  };
  const expectReason = (fn: () => unknown, reason: WxCryptoError['reason']): void => {
    const error = caught(fn);
    expect(error).toBeInstanceOf(WxCryptoError);
    expect((error as WxCryptoError).reason).toBe(reason);
    for (const secret of [token, encodingAESKey, 'secret plaintext']) expect((error as Error).message).not.toContain(secret);
  };

  it('rejects keys that are not 43 base64 characters', () => {
    expectReason(() => createCrypto({ token, encodingAESKey: 'short' }), 'key');
    expectReason(() => createCrypto({ token, encodingAESKey: `${encodingAESKey}A` }), 'key');
    expectReason(() => createCrypto({ token, encodingAESKey: `${encodingAESKey.slice(0, 42)}!` }), 'key');
    expect(caught(() => createCrypto({ token: '', encodingAESKey }))).toBeInstanceOf(WxConfigError);
  });

  it('accepts the all-zero key ("A" x 43)', () => {
    const zero = createCrypto({ token, encodingAESKey: 'A'.repeat(43), receiveId: 'id' });
    expect(zero.decrypt(zero.encrypt('secret plaintext')).message).toBe('secret plaintext');
  });

  it('rejects bad base64, bad block length, bad padding, bad length field and a foreign receiveId', () => {
    expectReason(() => crypto.decrypt('not base64!'), 'base64');
    expectReason(() => crypto.decrypt('abc'), 'base64');
    expectReason(() => crypto.decrypt(Buffer.alloc(16).toString('base64')), 'length');
    expectReason(() => crypto.decrypt(''), 'length');

    const body = Buffer.from('secret plaintext');
    const header = Buffer.alloc(20);
    header.writeUInt32BE(body.length, 16);
    const good = Buffer.concat([header, body, Buffer.from('wxappid')]);
    const padTo32 = (b: Buffer, padByte?: number): Buffer => {
      const pad = 32 - (b.length % 32);
      return Buffer.concat([b, Buffer.alloc(pad, padByte ?? pad)]);
    };
    expect(crypto.decrypt(rawEncrypt(padTo32(good))).message).toBe('secret plaintext');
    expectReason(() => crypto.decrypt(rawEncrypt(padTo32(good, 0))), 'padding');
    const inconsistent = padTo32(good);
    inconsistent[inconsistent.length - 2] = 0; // last byte says N, an earlier pad byte disagrees
    expectReason(() => crypto.decrypt(rawEncrypt(inconsistent)), 'padding');
    const bigLength = Buffer.from(good);
    bigLength.writeUInt32BE(0xffffff, 16);
    expectReason(() => crypto.decrypt(rawEncrypt(padTo32(bigLength))), 'length');
    expectReason(() => crypto.decrypt(rawEncrypt(Buffer.alloc(32, 32))), 'length');

    const other = createCrypto({ token, encodingAESKey, receiveId: 'wxother' });
    expectReason(() => crypto.decrypt(other.encrypt('secret plaintext')), 'receive_id');
    expectReason(() => createCrypto({ token, encodingAESKey }).encrypt('x'), 'receive_id');
    expectReason(() => crypto.encrypt('x', Buffer.alloc(15)), 'length');
  });

  it('a wrong key fails as padding/length/format, never returning text', () => {
    const wrong = createCrypto({ token, encodingAESKey: 'B'.repeat(43), receiveId: 'wxappid' });
    const ciphertext = crypto.encrypt('secret plaintext');
    const error = caught(() => wrong.decrypt(ciphertext));
    expect(error).toBeInstanceOf(WxCryptoError);
    expect(['padding', 'length', 'format', 'receive_id']).toContain((error as WxCryptoError).reason);
  });

  it('round-trips unicode and block-aligned lengths', () => {
    for (const text of ['', '你好，世界 🌏', 'x'.repeat(5), 'y'.repeat(12), 'z'.repeat(1000)]) {
      expect(crypto.decrypt(crypto.encrypt(text))).toEqual({ message: text, receiveId: 'wxappid' });
    }
  });

  it('the shared block-decryption context is unaffected by failed or interleaved calls', () => {
    const a = crypto.encrypt('secret plaintext one');
    const b = createCrypto({ token, encodingAESKey, receiveId: 'wxappid' }).encrypt('second');
    const bad = rawEncrypt(Buffer.alloc(64, 0));
    for (let round = 0; round < 3; round++) {
      expect(crypto.decrypt(a).message).toBe('secret plaintext one');
      expect(() => crypto.decrypt(bad)).toThrow(WxCryptoError);
      expect(() => crypto.decrypt('AAAA')).toThrow(WxCryptoError);
      expect(crypto.decrypt(b).message).toBe('second');
    }
  });

  it('strict base64 decoding agrees with the RFC 4648 alphabet-and-padding definition', () => {
    const STRICT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
    const rand = prng(7);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n!%.';
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const length = Math.floor(rand() * 13);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(rand() * (rand() < 0.9 ? 64 : alphabet.length))];
      if (rand() < 0.3) text = Buffer.from(text).toString('base64');
      const decoded = decodeBase64Strict(text);
      // Non-canonical trailing bits (e.g. "AB==") are accepted by both definitions alike.
      expect(decoded !== undefined, JSON.stringify(text)).toBe(STRICT.test(text));
      if (decoded) expect(decoded.equals(Buffer.from(text, 'base64'))).toBe(true);
    }
  });

  it('verifySignature compares exactly', () => {
    const sig = crypto.signature('1', '2');
    expect(verifySignature(sig, sig)).toBe(true);
    expect(verifySignature(sig, sig.toUpperCase())).toBe(false);
    expect(verifySignature(sig, sig.slice(1))).toBe(false);
    expect(crypto.verify(sig, '1', '2')).toBe(true);
    expect(crypto.verify(sig, '1', '3')).toBe(false);
  });
});

function checkMiniProgramCase(c: CryptoCase): void {
  const { input, expected } = c;
  if (c.type === 'miniprogram_decrypt') {
    const args = { sessionKey: input.session_key!, iv: input.iv!, encryptedData: input.encrypted_data! };
    expect(decryptUserDataText(args)).toBe(expected.plaintext);
    const data = decryptUserData<{ openId: string; watermark: { appid: string } }>({ ...args, appid: 'wx4f4bc4dec97d474b' });
    expect(data.openId).toBe('oGZUI0egBJY1zhBYw2KhdUfwVJJE');
    const error = caught(() => decryptUserData({ ...args, appid: 'wxsomeoneelse' }));
    expect((error as WxCryptoError).reason).toBe('receive_id');
    expect((caught(() => decryptUserDataText({ ...args, sessionKey: 'AAAA' })) as WxCryptoError).reason).toBe('key');
    expect((caught(() => decryptUserDataText({ ...args, iv: '%%%' })) as WxCryptoError).reason).toBe('base64');
    const wrongKey = caught(() => decryptUserDataText({ ...args, sessionKey: Buffer.alloc(16, 7).toString('base64') }));
    expect(wrongKey).toBeInstanceOf(WxCryptoError);
  } else if (c.type === 'miniprogram_rawdata_signature') {
    const args = { rawData: input.raw_data!, sessionKey: input.session_key! };
    expect(verifyRawDataSignature({ ...args, signature: expected.signature! })).toBe(true);
    expect(verifyRawDataSignature({ ...args, signature: expected.signature!.replace(/.$/, '0') })).toBe(false);
  } else {
    throw new Error(`unhandled vector type ${c.type}`);
  }
}

describe('official mini program vectors (test/fixtures/vectors)', () => {
  it('has both case types', () => {
    expect(mpCases.map((c) => c.type).sort()).toEqual(['miniprogram_decrypt', 'miniprogram_rawdata_signature']);
  });

  for (const c of mpCases) it(label(c), () => checkMiniProgramCase(c));
});

describeReference('official mini program vectors (../shared/reference conformance)', () => {
  const referenceCases = readReferenceJson<CryptoCase[]>('crypto/official_miniprogram.json');

  it('every reference vector is among the embedded copies, and no other', () => {
    expect(referenceCases.filter((r) => !mpCases.some((c) => sameVector(r, c))).map((r) => r.name)).toEqual([]);
    expect(referenceCases).toHaveLength(mpCases.length);
  });

  for (const c of referenceCases) it(label(c), () => checkMiniProgramCase(c));
});
