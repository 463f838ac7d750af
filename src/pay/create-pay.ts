// createPay(): one merchant (商户). Everything a merchant's calls need (its keys, the platform's
// public key or certificates, the v2 API key) lives in this client's closures: two merchants in one
// process never share a key map, a certificate cache or a signer.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { payV2Authenticator, payV3Authenticator } from '../auth/pay-signers.js';
import { execute } from '../core/call.js';
import { clientFor, type Client } from '../core/client.js';
import { WxConfigError } from '../core/errors.js';
import { payV2Protocol } from '../protocols/pay-v2.js';
import type { ClientCertificate, TransportResponse } from '../transport/types.js';
import { payV3Protocol } from '../protocols/pay-v3.js';
import type { Protocol, WireRequest } from '../protocols/types.js';
import { Runtime, runtimeSettings, type RuntimeSettingsOptions } from '../core/runtime.js';
import type { Authenticator } from '../auth/schemes.js';
import { memoryStorage } from '../storage/memory.js';
import type { Storage } from '../storage/types.js';
import type { CallOptions, EndpointDescriptor, UploadInput } from '../core/types.js';
import { billDigest, billRequest, billStream, decodeBill, type BillInfo, type DownloadBillOptions } from './bills.js';
import { CERTIFICATES_ENDPOINT, decodeCertificates, PlatformCertificateStore, type PlatformCertificate } from './certificates.js';
import { encryptSensitive, type V2SignType } from './signatures.js';
import { createKeyring } from './keys.js';
import { mediaUpload, type UploadMediaOptions } from './media.js';
import { createNotifyHandler, createNotifyHandlerV2, type PayNotifyHandler, type PayNotifyHandlerOptions, type PayNotifyV2HandlerOptions } from './notify.js';
import {
  appPayParams,
  appPayParamsV2,
  jsapiPayParams,
  jsapiPayParamsV2,
  type AppPayParams,
  type AppPayParamsV2,
  type JsapiPayParams,
  type JsapiPayParamsV2,
  type PayParamsOverrides,
} from './payment-page.js';
import { sensitiveFieldEncryptor } from './sensitive.js';

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
  /**
   * Certificate mode: download the platform certificates from /v3/certificates, refresh them every
   * `certificateRefreshMs` and share them through `storage`. Default: on when `apiV3Key` is given
   * and `publicKey` is not. Public-key merchants leave it off (WeChat answers them 404 there).
   */
  downloadCertificates?: boolean;
  /** How often downloaded certificates are refreshed, in ms (default 1 h; WeChat asks for less than 12 h). */
  certificateRefreshMs?: number;
  /**
   * Where downloaded certificates are kept (memory by default). A shared store (redisStorage,
   * fileStorage) makes a fleet of processes download once per refresh, under the store's lock.
   */
  storage?: Storage;
  /** APIv2: the API key (32 characters) that signs v2 requests and answers. */
  key?: string;
  /** APIv2 signature type (default MD5). */
  signType?: V2SignType;
  /** APIv2: added as `appid` to requests that carry none; also the default appId of the payment-page helpers. */
  appid?: string;
  /** Allowed clock difference for answers and notifications, in seconds (default 300). */
  maxSkewSeconds?: number;
  /**
   * The merchant API certificate as a TLS client certificate, for the operations that require it
   * (v2 refunds, red packets, 企业付款, …; marked `clientCertificate` in the catalog): PEM
   * `{ cert, key }` (apiclient_cert.pem / apiclient_key.pem) or `{ pfx, passphrase }`
   * (apiclient_cert.p12, whose passphrase is the mchid unless changed). Needs a transport that can
   * present one: the Node transport.
   */
  clientCertificate?: ClientCertificate;
}

/** A Pay client: generated Pay endpoints take it as their first argument, and it has the merchant's helpers. */
export interface PayClient extends Client<'pay'> {
  readonly mchid: string;
  /** A web-standard handler for v3 notifications (支付/退款/分账/转账/支付分 … 回调通知). */
  notifyHandler(options: PayNotifyHandlerOptions): PayNotifyHandler;
  /** A web-standard handler for v2 (XML) payment and refund notifications. */
  notifyHandlerV2(options: PayNotifyV2HandlerOptions): PayNotifyHandler;
  /** The downloaded platform certificates (certificate mode); `refresh: true` downloads now. */
  platformCertificates(options?: { refresh?: boolean }): Promise<PlatformCertificate[]>;
  /** Streams a bill (交易/资金/分账账单) from its apply answer, gunzipped, its hash checked at the end. */
  downloadBill(info: BillInfo, options?: DownloadBillOptions & CallOptions): Promise<ReadableStream<Uint8Array>>;
  /** v3 image / video upload with the `meta` signature; resolves to WeChat's answer (`{ media_id }` or `{ media_url }`). */
  uploadMedia(file: UploadInput, options?: UploadMediaOptions & CallOptions): Promise<Record<string, unknown>>;
  /** RSA-signed parameters for JSAPI / mini program payment (`appId` defaults to the client's `appid`). */
  jsapiPayParams(input: { prepayId: string; appId?: string } & PayParamsOverrides): JsapiPayParams;
  /** RSA-signed parameters for App payment (`appid` defaults to the client's, `partnerid` is the mchid). */
  appPayParams(input: { prepayId: string; appid?: string } & PayParamsOverrides): AppPayParams;
  /** v2-signed JSAPI / mini program parameters (API key). */
  jsapiPayParamsV2(input: { prepayId: string; appId?: string; signType?: V2SignType } & PayParamsOverrides): JsapiPayParamsV2;
  /** v2-signed App parameters (API key). */
  appPayParamsV2(input: { prepayId: string; appid?: string; signType?: V2SignType } & PayParamsOverrides): AppPayParamsV2;
  /**
   * Encrypts one sensitive value for a request built by hand; send `serial` as `Wechatpay-Serial`.
   * Catalogued endpoints encrypt their sensitive fields themselves.
   */
  encryptSensitive(value: string): Promise<{ serial: string; ciphertext: string }>;
}

type Decode = (response: TransportResponse, d: EndpointDescriptor, req: WireRequest) => Promise<unknown>;

export function createPay(options: PayOptions): PayClient {
  const problems: string[] = [];
  if (typeof options?.mchid !== 'string' || !/^\d{6,32}$/.test(options.mchid))
    problems.push(`mchid must be the merchant number (digits), got ${JSON.stringify(options?.mchid)}`);
  const v3 = options?.privateKey !== undefined || options?.serialNo !== undefined;
  const download = v3 && (options.downloadCertificates ?? (options.apiV3Key !== undefined && options.publicKey === undefined));
  let privateKey: KeyObject | undefined;
  if (v3) {
    if (typeof options.serialNo !== 'string' || !/^[0-9A-Fa-f]{8,64}$/.test(options.serialNo))
      problems.push('serialNo must be the merchant certificate serial number (hex)');
    try {
      privateKey = typeof options.privateKey === 'object' ? options.privateKey : createPrivateKey(String(options.privateKey ?? ''));
    } catch {
      // The key text itself is never quoted.
      problems.push('privateKey is not a readable PEM private key');
    }
    if (options.apiV3Key !== undefined && Buffer.byteLength(options.apiV3Key ?? '') !== 32) problems.push('apiV3Key must be 32 bytes');
    if (!options.publicKey && !options.platformCertificates && !download) {
      problems.push('APIv3 needs publicKey + publicKeyId (public-key mode), or platformCertificates or apiV3Key (certificate mode), to verify answers');
    }
    if (download && options.apiV3Key === undefined) problems.push('downloading platform certificates needs the apiV3Key that decrypts them');
    if (options.publicKey && !/^PUB_KEY_ID_\w+$/.test(options.publicKeyId ?? ''))
      problems.push('publicKeyId must be the id shown with the public key (PUB_KEY_ID_…)');
    const refresh = options.certificateRefreshMs;
    if (refresh !== undefined && !(Number.isFinite(refresh) && refresh >= 60_000 && refresh <= 6 * 3_600_000)) {
      problems.push('certificateRefreshMs must be between 60 000 (1 min) and 21 600 000 (6 h): WeChat asks for a refresh well within 12 h');
    }
  }
  if (options?.key !== undefined && Buffer.byteLength(options.key) !== 32) problems.push('key (the APIv2 key) must be 32 characters');
  if (!v3 && options?.key === undefined) problems.push('give the APIv3 credentials (serialNo, privateKey, …) or the APIv2 key, or both');
  const cc = options?.clientCertificate as Record<string, unknown> | undefined;
  if (cc !== undefined) {
    const bytesOrText = (v: unknown) => typeof v === 'string' || v instanceof Uint8Array;
    const pem = bytesOrText(cc?.cert) && bytesOrText(cc?.key);
    const p12 = cc?.pfx instanceof Uint8Array && (cc.passphrase === undefined || typeof cc.passphrase === 'string');
    if (!pem && !p12) problems.push('clientCertificate must be { cert, key } (PEM text or bytes) or { pfx, passphrase? } (PKCS#12 bytes)');
  }
  if (problems.length) throw new WxConfigError(`createPay: ${problems.join('; ')}`);

  const skewSeconds = options.maxSkewSeconds ?? 300;
  const mchid = options.mchid;
  let rt: Runtime;
  // Special answers of the pay_v3 protocol: the certificate download (verified by what it carries)
  // and bill files (not signed at all). Every other answer is verified by the configured keys.
  const special = new WeakMap<EndpointDescriptor, Decode>();
  const configuredKeys = { publicKeyId: options.publicKeyId, publicKey: options.publicKey, platformCertificates: options.platformCertificates };
  const store = download
    ? new PlatformCertificateStore({
        key: `wxkit:pay:${mchid}:platform_certificates`,
        storage: options.storage ?? memoryStorage(),
        refreshIntervalMs: options.certificateRefreshMs,
        download: async () => (await execute<PlatformCertificate[]>(rt, CERTIFICATES_ENDPOINT, {}, {})).data,
        onBackgroundError: (error) => rt.logger.warn(`[wxkit] refreshing the platform certificates of merchant ${mchid} failed: ${describe(error)}`),
      })
    : undefined;
  const keyring = v3 ? createKeyring({ ...configuredKeys, store }) : undefined;
  if (download) {
    // Configured keys only: the store itself is being filled by this answer.
    const known = createKeyring(configuredKeys);
    special.set(CERTIFICATES_ENDPOINT, (response, d, req) =>
      decodeCertificates(response, d, req, { apiV3Key: options.apiV3Key!, known: (s) => known.keyFor(s), skewSeconds, nowMs: Date.now() }),
    );
  }

  const protocols: Partial<Record<'pay_v3' | 'pay_v2', Protocol>> = {};
  const auth: Partial<Record<'pay_v3' | 'pay_v2', Authenticator>> = {};
  if (v3) {
    const base = payV3Protocol({ keyFor: (serial) => keyring!.keyFor(serial), maxSkewSeconds: skewSeconds });
    protocols.pay_v3 = {
      name: base.name,
      isTokenError: base.isTokenError,
      decode: (response, d, req, appType) => special.get(d)?.(response, d, req) ?? base.decode(response, d, req, appType),
    };
    auth.pay_v3 = payV3Authenticator({ mchid, serialNo: options.serialNo!, privateKey: privateKey!, prepare: sensitiveFieldEncryptor(keyring!) });
  }
  if (options.key !== undefined) {
    protocols.pay_v2 = payV2Protocol({ key: options.key });
    auth.pay_v2 = payV2Authenticator({ mchid, key: options.key, appid: options.appid, signType: options.signType });
  }
  // Raw requests without a host go to WeChat Pay's host, not to api.weixin.qq.com.
  // Each operation names its host (api.mch, fraud.mch, apihk.mch): only an explicit baseUrl (a
  // simulator, a proxy) sends them all to one place. Raw requests default to api.mch below.
  const settings = runtimeSettings(options);
  const certificate = options.clientCertificate;
  let certificateAgent: unknown;
  const clientCertificate = certificate
    ? () => {
        if (certificateAgent !== undefined) return certificateAgent;
        if (!settings.transport.clientCertificateAgent) {
          throw new WxConfigError(
            `merchant ${mchid}: this transport cannot present the client certificate; on Node leave transport unset (undici) or use nodeTransport() from wxkit/transport/node`,
          );
        }
        return (certificateAgent = settings.transport.clientCertificateAgent(certificate));
      }
    : undefined;
  rt = new Runtime({ appType: 'pay', appid: mchid, ...settings, protocols, auth, ...(clientCertificate ? { clientCertificate } : {}) });
  const client = clientFor(rt, 'pay', v3 ? { auth: 'pay_v3', protocol: 'pay_v3', host: PAY_HOST } : { auth: 'pay_v2', protocol: 'pay_v2', host: PAY_HOST });

  const needV3 = (what: string): KeyObject => {
    if (!privateKey) throw new WxConfigError(`${what} needs the APIv3 credentials (serialNo, privateKey)`);
    return privateKey;
  };
  const needV2 = (what: string): string => {
    if (options.key === undefined) throw new WxConfigError(`${what} needs the APIv2 key`);
    return options.key;
  };
  const appIdOf = (given: string | undefined, what: string): string => {
    const appId = given ?? options.appid;
    if (!appId) throw new WxConfigError(`${what}: give the appId (or createPay({ appid }))`);
    return appId;
  };
  const credentials = { mchid, apiV3Key: options.apiV3Key, key: options.key, keyring, skewSeconds };

  const extras: Omit<PayClient, keyof Client<'pay'>> = {
    mchid,
    notifyHandler: (handlerOptions) => createNotifyHandler(credentials, handlerOptions),
    notifyHandlerV2: (handlerOptions) => createNotifyHandlerV2(credentials, handlerOptions),
    async platformCertificates(opts) {
      if (!store) throw new WxConfigError(`merchant ${mchid} does not download platform certificates (public-key mode, or downloadCertificates: false)`);
      return opts?.refresh ? store.refresh() : store.list();
    },
    async downloadBill(info, opts = {}) {
      needV3('downloadBill');
      const algorithm = billDigest(info);
      // Other hosts only when the client is pointed away from WeChat Pay (a simulator, a proxy), which then receives the download.
      const { descriptor, params } = billRequest(info, () => rt.baseFor(PAY_HOST) !== `https://${PAY_HOST}`);
      special.set(descriptor, decodeBill);
      const { tarType, ...callOptions } = opts;
      const { data } = await execute<TransportResponse>(rt, descriptor, params, callOptions);
      return billStream(data, info, algorithm, { tarType });
    },
    async uploadMedia(file, opts = {}) {
      needV3('uploadMedia');
      const { path, filename, ...callOptions } = opts;
      const { descriptor, params } = await mediaUpload(file, { path, filename });
      return (await execute<Record<string, unknown>>(rt, descriptor, params, callOptions)).data;
    },
    jsapiPayParams: (input) => jsapiPayParams({ ...input, appId: appIdOf(input.appId, 'jsapiPayParams'), privateKey: needV3('jsapiPayParams') }),
    appPayParams: (input) => appPayParams({ ...input, appid: appIdOf(input.appid, 'appPayParams'), partnerid: mchid, privateKey: needV3('appPayParams') }),
    jsapiPayParamsV2: (input) =>
      jsapiPayParamsV2({
        ...input,
        appId: appIdOf(input.appId, 'jsapiPayParamsV2'),
        key: needV2('jsapiPayParamsV2'),
        signType: input.signType ?? options.signType,
      }),
    appPayParamsV2: (input) =>
      appPayParamsV2({
        ...input,
        appid: appIdOf(input.appid, 'appPayParamsV2'),
        partnerid: mchid,
        key: needV2('appPayParamsV2'),
        signType: input.signType ?? options.signType,
      }),
    async encryptSensitive(value) {
      if (!keyring) throw new WxConfigError('encryptSensitive needs the APIv3 credentials');
      const chosen = await keyring.encryptionKey();
      return { serial: chosen.serial, ciphertext: encryptSensitive(value, chosen.key) };
    },
  };
  return Object.assign(client, extras);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
