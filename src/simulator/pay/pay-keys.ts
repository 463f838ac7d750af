// Key material of the simulated WeChat Pay: a merchant API key pair per merchant, the WeChat Pay
// public key (public-key mode) and a platform certificate (certificate mode). RSA 2048 keys take a
// while to generate, so they are made once per process, on first use, in the background pool, and
// shared by every simulator of the process. Node parses X.509 but does not issue it: a minimal DER
// writer makes the (self-signed) platform certificate.
import { generateKeyPair, sign as rsaSign, type KeyObject } from 'node:crypto';
import type { SimulatorMerchant } from './pay-types.js';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface MerchantKeys {
  merchant: KeyPair;
  /** Signs answers in public-key mode. */
  wechatPay: KeyPair;
  /** The platform certificate's key pair and PEM. */
  platform: KeyPair & { serial: string; pem: string; notBefore: Date; notAfter: Date };
}

const pairs = new Map<string, Promise<KeyPair>>();

function pair(name: string): Promise<KeyPair> {
  let p = pairs.get(name);
  if (!p) {
    p = new Promise<KeyPair>((resolve, reject) =>
      generateKeyPair('rsa', { modulusLength: 2048 }, (error, publicKey, privateKey) => (error ? reject(error) : resolve({ publicKey, privateKey }))),
    );
    pairs.set(name, p);
  }
  return p;
}

const certificates = new Map<string, { pem: string; notBefore: Date; notAfter: Date }>();

/** The merchant's keys; the WeChat Pay keys are shared by the simulated merchants of a process. */
export async function merchantKeys(m: SimulatorMerchant): Promise<MerchantKeys> {
  const [merchant, wechatPay, platform] = await Promise.all([pair(`merchant:${m.mchid}`), pair('wechatpay'), pair('platform')]);
  const serial = platformSerialOf(m);
  let cert = certificates.get(serial);
  if (!cert) {
    const notBefore = new Date(Date.now() - 86_400_000);
    const notAfter = new Date(Date.now() + 5 * 365 * 86_400_000);
    cert = { pem: certificate({ serial, key: platform, notBefore, notAfter }), notBefore, notAfter };
    certificates.set(serial, cert);
  }
  return { merchant, wechatPay, platform: { ...platform, serial, ...cert } };
}

export function platformSerialOf(m: SimulatorMerchant): string {
  return (m.platformSerial ?? `6B6F2E1A0D4C3B2A19080706050403${m.mchid.padStart(10, '0')}`).toUpperCase();
}

// --- a minimal X.509 v3 certificate writer (DER) -------------------------------------------------

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => der(0x31, Buffer.concat(parts));
function integer(hex: string): Buffer {
  let bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return der(0x02, bytes);
}
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const v of rest) {
    const groups = [v & 0x7f];
    for (let x = v >>> 7; x > 0; x >>>= 7) groups.unshift((x & 0x7f) | 0x80);
    out.push(...groups);
  }
  return der(0x06, Buffer.from(out));
}
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}
const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), der(0x0c, Buffer.from(cn)))));

function certificate(o: { serial: string; key: KeyPair; notBefore: Date; notAfter: Date }): string {
  const tbs = seq(
    der(0xa0, integer('02')),
    integer(o.serial),
    SHA256_RSA,
    name('wxkit simulator Tenpay.com Root CA'),
    seq(time(o.notBefore), time(o.notAfter)),
    name('wxkit simulator Tenpay.com sign'),
    o.key.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = rsaSign('sha256', tbs, o.key.privateKey);
  const body = seq(tbs, SHA256_RSA, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
