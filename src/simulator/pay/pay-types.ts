// The WeChat Pay side of the simulator: the demo merchants it knows, what it is configured with, and
// what its controls return. Key material is not configuration: RSA keys are generated (once per
// process, on first use) and handed out by `sim.pay.credentials()`.

/** A merchant the simulator plays WeChat Pay for. Every value here is a demo value, never a real one. */
export interface SimulatorMerchant {
  /** 商户号. */
  mchid: string;
  /** An appid bound to the merchant (JSAPI / mini program payments, v2 requests). */
  appid: string;
  /** Serial number of the merchant API certificate, upper-case hex. */
  serialNo: string;
  /** The APIv3 key (32 bytes): encrypts notifications and downloaded certificates. */
  apiV3Key: string;
  /** The APIv2 key (32 characters): v2 `sign`. */
  key: string;
  /**
   * Public-key mode: answers and notifications are signed with the WeChat Pay public key, named by
   * this id (`PUB_KEY_ID_…`). Absent: certificate mode, signed with the platform certificate.
   */
  publicKeyId?: string;
  /** Whether /v3/certificates serves a platform certificate (default true); false answers 404 as WeChat does for public-key-only merchants. */
  certificates?: boolean;
  /** Serial of the platform certificate (default derived from the mchid). */
  platformSerial?: string;
  /**
   * `mixed`: the switch-over ramp (WeChat's ~7 days from certificates to the public key), when
   * answers and notifications arrive signed by either key: they alternate between the public key
   * and the platform certificate. Needs `publicKeyId` and certificates. Default: the one key the mode names.
   */
  signing?: 'mixed';
}

export const DEMO_MERCHANTS: readonly SimulatorMerchant[] = Object.freeze([
  // Public-key mode, with a platform certificate still served (the switch-over period).
  {
    mchid: '1900000109',
    appid: 'wx0000000000000001',
    serialNo: '5A5E1D0F0C3B2A19080706050403020100000109',
    apiV3Key: 'SimulatorDemoApiV3Key0000000109A',
    key: 'SimulatorDemoApiV2Key0000000109A',
    publicKeyId: 'PUB_KEY_ID_0119000001092026120200000000000001',
    platformSerial: '6B6F2E1A0D4C3B2A1908070605040302010A0109',
  },
  // Certificate mode: answers are signed with the platform certificate that /v3/certificates serves.
  {
    mchid: '1900000110',
    appid: 'wx0000000000000002',
    serialNo: '5A5E1D0F0C3B2A19080706050403020100000110',
    apiV3Key: 'SimulatorDemoApiV3Key0000000110B',
    key: 'SimulatorDemoApiV2Key0000000110B',
    platformSerial: '6B6F2E1A0D4C3B2A1908070605040302010A0110',
  },
]);

/** Everything a `createPay` needs for one simulated merchant: spread it into createPay's options. */
export interface SimulatorPayCredentials {
  mchid: string;
  appid: string;
  serialNo: string;
  /** The merchant API private key, PKCS#8 PEM (generated for this process). */
  privateKey: string;
  apiV3Key: string;
  key: string;
  /** Public-key mode only. */
  publicKeyId?: string;
  /** Public-key mode only: the WeChat Pay public key, SPKI PEM. */
  publicKey?: string;
  /** The simulator's URL: every Pay host goes there. */
  baseUrl: string;
}

/** A platform certificate the simulator serves, and the merchant's public key (for tests that check requests themselves). */
export interface SimulatorPayKeys extends SimulatorPayCredentials {
  /** The merchant API public key (SPKI PEM): what the simulator verifies requests with. */
  merchantPublicKey: string;
  /** The platform certificate (PEM) and its serial, when the merchant has one. */
  platformCertificate?: { serial: string; pem: string };
}

/** A queued Pay fault: the next matching answer(s) break the way a broken WeChat Pay (or a man in the middle) would. */
export interface PayFault {
  /** Path to match (`/v3/pay/transactions/jsapi`, `/pay/unifiedorder`); any Pay path when absent. */
  path?: string;
  /**
   * `wrong_key`: signed with a key that is not WeChat Pay's (the client must refuse it);
   * `unsigned`: no Wechatpay-* headers (v2: no `sign`… replaced by a wrong one);
   * `stale`: a timestamp an hour old.
   */
  signature?: 'wrong_key' | 'unsigned' | 'stale';
  /** Answer this HTTP status with `{ code, message }` (v3) or return_code FAIL (v2). */
  status?: number;
  /** The error code of a status fault (default SYSTEM_ERROR). */
  code?: string;
  message?: string;
  delayMs?: number;
  /** How many requests it applies to (default 1). */
  times?: number;
}

/** What a merchant's notify_url answered to a notification the simulator posted. */
export interface PayNotifyResult {
  url: string;
  /** 0 when the URL could not be reached (nothing listening, a timeout after 10 s). */
  status: number;
  body: string;
  /** 2xx: WeChat Pay would stop retrying. */
  delivered: boolean;
}

export interface PayOrderOptions {
  /** The merchant's mchid (default: the order's, found by out_trade_no among all merchants). */
  mchid?: string;
  /** The payer's openid (default: the order's payer, or a demo openid). */
  openid?: string;
  /** Post the notification here instead of the order's notify_url. */
  notifyUrl?: string;
  /** false: mark the order paid without notifying (a lost notification). */
  notify?: boolean;
  /** Break the notification on purpose: a signature that does not verify. */
  tamper?: 'signature';
}

export interface PayOrderResult {
  outTradeNo: string;
  transactionId: string;
  /** Absent when the order has no loopback notify_url (or `notify: false`). */
  notification?: PayNotifyResult;
}

/** One order as the simulator remembers it (v3 and v2 alike). */
export interface SimulatorOrder {
  mchid: string;
  appid: string;
  outTradeNo: string;
  version: 'v3' | 'v2';
  tradeType: string;
  description: string;
  total: number;
  currency: string;
  notifyUrl?: string;
  attach?: string;
  openid?: string;
  prepayId: string;
  codeUrl?: string;
  h5Url?: string;
  state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
  transactionId?: string;
  successTime?: string;
  createdAt: number;
}

export interface SimulatorRefund {
  mchid: string;
  version: 'v3' | 'v2';
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  refund: number;
  total: number;
  currency: string;
  status: 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';
  notifyUrl?: string;
  createdAt: number;
  successTime?: string;
}

export interface PayCounters {
  /** Requests per path that reached the Pay side. */
  calls: Record<string, number>;
  /** Requests refused for their signature (v3 401 SIGN_ERROR, v2 签名错误). */
  signatureRefusals: number;
  /** Notifications posted. */
  notifications: number;
}
