// Key material of the simulated WeChat Pay: a merchant API key pair per merchant, the WeChat Pay
// public key (public-key mode) and a platform certificate (certificate mode). RSA 2048 keys take a
// while to generate, so they are made once per process, on first use, in the background pool, and
// shared by every simulator of the process. Node parses X.509 but does not issue it: a minimal DER
// writer makes the (self-signed) platform certificate.
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { x509Certificate } from './x509.js';
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

function certificate(o: { serial: string; key: KeyPair; notBefore: Date; notAfter: Date }): string {
  return x509Certificate({
    serial: o.serial,
    subjectKey: o.key.publicKey,
    issuerKey: o.key.privateKey,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    issuerCn: 'wxkit simulator Tenpay.com Root CA',
    subjectCn: 'wxkit simulator Tenpay.com sign',
  });
}
