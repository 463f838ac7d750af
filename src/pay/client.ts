// createPay(): one merchant (商户). Everything a merchant's calls need (its keys, the platform's
// public key or certificates, the v2 API key) lives in this client's closures: two merchants in one
// process never share a key map, a certificate cache or a signer.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { payV2Authenticator, payV3Authenticator } from '../auth/pay.js';
import { clientFor, type Client } from '../client.js';
import { WxConfigError } from '../errors.js';
import { payV2Protocol } from '../protocols/pay-v2.js';
import { payV3Protocol } from '../protocols/pay-v3.js';
import type { Protocol } from '../protocols/types.js';
import { Runtime, runtimeSettings, type RuntimeSettingsOptions } from '../runtime.js';
import type { Authenticator } from '../auth/schemes.js';
import type { V2SignType } from './crypto.js';

export const PAY_HOST = 'api.mch.weixin.qq.com';

export interface PayOptions extends RuntimeSettingsOptions {
  /** 商户号. */
  mchid: string;
  /** APIv3: serial number of the merchant API certificate (商户API证书序列号). */
  serialNo?: string;
  /** APIv3: the merchant API private key (apiclient_key.pem), PEM text or a KeyObject. */
  privateKey?: string | KeyObject;
  /** APIv3 key (32 characters): decrypts notifications and downloaded certificates. */
  apiV3Key?: string;
  /** Public-key mode: the WeChat Pay public key's id (`PUB_KEY_ID_…`) and the key (PEM). */
  publicKeyId?: string;
  publicKey?: string | KeyObject;
  /** Certificate mode: platform certificates (PEM) by serial number. */
  platformCertificates?: Readonly<Record<string, string>>;
  /** APIv2: the API key (32 characters) that signs v2 requests and answers. */
  key?: string;
  /** APIv2 signature type (default MD5). */
  signType?: V2SignType;
  /** APIv2: added as `appid` to requests that carry none. */
  appid?: string;
  /** Allowed clock difference for answers, in seconds (default 300). */
  maxSkewSeconds?: number;
}

export function createPay(options: PayOptions): Client<'pay'> {
  const problems: string[] = [];
  if (typeof options?.mchid !== 'string' || !/^\d{6,32}$/.test(options.mchid)) problems.push(`mchid must be the merchant number (digits), got ${JSON.stringify(options?.mchid)}`);
  const v3 = options?.privateKey !== undefined || options?.serialNo !== undefined;
  let privateKey: KeyObject | undefined;
  if (v3) {
    if (typeof options.serialNo !== 'string' || !/^[0-9A-Fa-f]{8,64}$/.test(options.serialNo)) problems.push('serialNo must be the merchant certificate serial number (hex)');
    try {
      privateKey = typeof options.privateKey === 'object' ? options.privateKey : createPrivateKey(String(options.privateKey ?? ''));
    } catch {
      // The key text itself is never quoted.
      problems.push('privateKey is not a readable PEM private key');
    }
    if (options.apiV3Key !== undefined && Buffer.byteLength(options.apiV3Key ?? '') !== 32) problems.push('apiV3Key must be 32 bytes');
    if (!options.publicKey && !options.platformCertificates) problems.push('APIv3 needs publicKey + publicKeyId (public-key mode) or platformCertificates (certificate mode) to verify answers');
    if (options.publicKey && !/^PUB_KEY_ID_\w+$/.test(options.publicKeyId ?? '')) problems.push('publicKeyId must be the id shown with the public key (PUB_KEY_ID_…)');
  }
  if (options?.key !== undefined && Buffer.byteLength(options.key) !== 32) problems.push('key (the APIv2 key) must be 32 characters');
  if (!v3 && options?.key === undefined) problems.push('give the APIv3 credentials (serialNo, privateKey, …) or the APIv2 key, or both');
  if (problems.length) throw new WxConfigError(`createPay: ${problems.join('; ')}`);

  const keys = new Map<string, KeyObject>();
  if (options.publicKey && options.publicKeyId) keys.set(options.publicKeyId, toPublicKey(options.publicKey, 'publicKey'));
  for (const [serial, pem] of Object.entries(options.platformCertificates ?? {})) keys.set(serial, toPublicKey(pem, `platformCertificates[${serial}]`));

  const protocols: Partial<Record<'pay_v3' | 'pay_v2', Protocol>> = {};
  const auth: Partial<Record<'pay_v3' | 'pay_v2', Authenticator>> = {};
  if (v3) {
    protocols.pay_v3 = payV3Protocol({ keyFor: (serial) => keys.get(serial), maxSkewSeconds: options.maxSkewSeconds });
    auth.pay_v3 = payV3Authenticator({ mchid: options.mchid, serialNo: options.serialNo!, privateKey: privateKey! });
  }
  if (options.key !== undefined) {
    protocols.pay_v2 = payV2Protocol({ key: options.key, signType: options.signType });
    auth.pay_v2 = payV2Authenticator({ mchid: options.mchid, key: options.key, appid: options.appid, signType: options.signType });
  }
  const rt = new Runtime({ appType: 'pay', appid: options.mchid, ...runtimeSettings(options), protocols, auth });
  return clientFor(rt, 'pay', v3 ? { auth: 'pay_v3', protocol: 'pay_v3' } : { auth: 'pay_v2', protocol: 'pay_v2' });
}

function toPublicKey(pem: string | KeyObject, what: string): KeyObject {
  try {
    return typeof pem === 'object' ? pem : createPublicKey(pem);
  } catch {
    throw new WxConfigError(`createPay: ${what} is not a readable PEM public key or certificate`);
  }
}
