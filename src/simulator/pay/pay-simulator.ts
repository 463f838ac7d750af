// The WeChat Pay side of the simulator: a mock of api.mch.weixin.qq.com for the demo merchants.
// v3: it checks the merchant's Authorization signature (401 SIGN_ERROR otherwise) and the
// required parameters (400 PARAM_ERROR), then answers from the catalog example, signed with the
// WeChat Pay public key (public-key mode) or the platform certificate (certificate mode); 204 for
// operations without a body. v2: it checks the `sign` (MD5 or HMAC-SHA256 with the v2 key) and
// answers the example as signed XML. A little state makes the core flow real: orders (JSAPI,
// Native, App, H5 and v2 unifiedorder) are NOTPAY until `payOrder` pays them and notifies the
// order's notify_url, close makes them CLOSED, refunds are PROCESSING until `completeRefund`.
// Orders and refunds the simulator has not seen are answered from the example, like any endpoint.
import { createCipheriv, createHash, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { encryptV3Resource, signV2 } from '../../pay/signatures.js';
import { endpoints, findByRoute, findExample, type RegistryEntry } from '../../registry/index.js';
import { missingFields } from '../answers.js';
import { pageOfExample } from '../paging.js';
import { type MerchantKeys, merchantKeys } from './pay-keys.js';
import {
  DEMO_MERCHANTS,
  type PayCounters,
  type PayFault,
  type PayNotifyResult,
  type PayOrderOptions,
  type PayOrderResult,
  type SimulatorMerchant,
  type SimulatorOrder,
  type SimulatorPayCredentials,
  type SimulatorPayKeys,
  type SimulatorRefund,
} from './pay-types.js';
import {
  type AnswerSigner,
  chinaCompact,
  chinaTime,
  multipartParts,
  readAuthorization,
  sendJson,
  sendV3,
  sendXml,
  v2SignTypeOf,
  v2Xml,
  verifyRequestSignature,
  wechatpayHeaders,
  xmlBodyFields,
} from './pay-wire.js';

const PAY_HOSTS = ['api.mch.weixin.qq.com', 'apihk.mch.weixin.qq.com', 'fraud.mch.weixin.qq.com'];
const SKEW_SECONDS = 300;
const DEMO_OPENID = 'oSIMpayer000000000000000demo';

/** What `sim.pay` offers tests and demos. */
export interface PaySimulatorApi {
  readonly merchants: readonly SimulatorMerchant[];
  /**
   * createPay options for a merchant (the first by default), keys included:
   * `createPay({ ...(await sim.pay.credentials()), validation: 'strict' })`.
   */
  credentials(mchid?: string): Promise<SimulatorPayCredentials>;
  /** The credentials plus what only WeChat Pay has: the merchant's public key and the platform certificate. */
  keys(mchid?: string): Promise<SimulatorPayKeys>;
  /** Queue a fault for the next matching Pay answer(s): a wrong signature, a status, a delay. */
  inject(fault: PayFault): void;
  /**
   * The payer pays: the order becomes SUCCESS and a signed TRANSACTION.SUCCESS notification (v3,
   * resource AEAD-encrypted with the APIv3 key) or a signed XML result (v2) is posted to its
   * notify_url. Only loopback URLs are notified: the simulator never leaves the machine.
   */
  payOrder(outTradeNo: string, options?: PayOrderOptions): Promise<PayOrderResult>;
  /**
   * The refund succeeds: REFUND.SUCCESS (v3) or a result whose req_info is encrypted with the v2
   * key (v2) is posted to its notify_url (loopback only).
   */
  completeRefund(outRefundNo: string, options?: Omit<PayOrderOptions, 'openid'>): Promise<{ notification?: PayNotifyResult }>;
  /** An order the simulator remembers (a copy). */
  order(outTradeNo: string, mchid?: string): SimulatorOrder | undefined;
  refund(outRefundNo: string, mchid?: string): SimulatorRefund | undefined;
  counters(): PayCounters;
  /** Forget orders, refunds, faults and counters. */
  reset(): void;
}

type Answer = { status: number; body?: unknown };

export class PaySimulator implements PaySimulatorApi {
  readonly merchants: readonly SimulatorMerchant[];
  /** Set once the server listens. */
  url = '';
  readonly #now: () => number;
  #orders = new Map<string, SimulatorOrder>();
  #refunds = new Map<string, SimulatorRefund>();
  #faults: PayFault[] = [];
  #counters: PayCounters = { calls: {}, signatureRefusals: 0, notifications: 0 };

  constructor(merchants: readonly SimulatorMerchant[] | undefined, now: () => number) {
    this.merchants = merchants ?? DEMO_MERCHANTS;
    this.#now = now;
  }

  // --- controls -------------------------------------------------------------------------------

  async credentials(mchid?: string): Promise<SimulatorPayCredentials> {
    const { merchantPublicKey: _m, platformCertificate: _p, ...credentials } = await this.keys(mchid);
    return credentials;
  }

  async keys(mchid?: string): Promise<SimulatorPayKeys> {
    const m = mchid === undefined ? this.merchants[0] : this.#merchant(mchid);
    if (!m) throw new Error(`simulator: no merchant ${JSON.stringify(mchid)}`);
    const k = await merchantKeys(m);
    return {
      mchid: m.mchid,
      appid: m.appid,
      serialNo: m.serialNo,
      privateKey: pem(k.merchant.privateKey, 'pkcs8'),
      apiV3Key: m.apiV3Key,
      key: m.key,
      ...(m.publicKeyId ? { publicKeyId: m.publicKeyId, publicKey: pem(k.wechatPay.publicKey, 'spki') } : {}),
      baseUrl: this.url,
      merchantPublicKey: pem(k.merchant.publicKey, 'spki'),
      ...(m.certificates !== false ? { platformCertificate: { serial: k.platform.serial, pem: k.platform.pem } } : {}),
    };
  }

  inject(fault: PayFault): void {
    this.#faults.push({ ...fault, times: fault.times ?? 1 });
  }

  order(outTradeNo: string, mchid?: string): SimulatorOrder | undefined {
    const o = this.#findOrder(outTradeNo, mchid);
    return o ? { ...o } : undefined;
  }

  refund(outRefundNo: string, mchid?: string): SimulatorRefund | undefined {
    const r = this.#findRefund(outRefundNo, mchid);
    return r ? { ...r } : undefined;
  }

  counters(): PayCounters {
    return structuredClone(this.#counters);
  }

  reset(): void {
    this.#orders.clear();
    this.#refunds.clear();
    this.#faults = [];
    this.#counters = { calls: {}, signatureRefusals: 0, notifications: 0 };
  }

  async payOrder(outTradeNo: string, options: PayOrderOptions = {}): Promise<PayOrderResult> {
    const o = this.#findOrder(outTradeNo, options.mchid);
    if (!o) throw new Error(`simulator: no order ${JSON.stringify(outTradeNo)}; create it first (JSAPI / Native / App / H5 or v2 unifiedorder)`);
    if (o.state === 'CLOSED') throw new Error(`simulator: order ${outTradeNo} is closed`);
    if (o.state === 'NOTPAY') {
      o.state = 'SUCCESS';
      o.transactionId = `4200000${chinaCompact(this.#now()).slice(0, 8)}${digits(13)}`;
      o.successTime = chinaTime(this.#now());
      o.openid = options.openid ?? o.openid ?? DEMO_OPENID;
    }
    const result: PayOrderResult = { outTradeNo: o.outTradeNo, transactionId: o.transactionId! };
    const target = options.notify === false ? undefined : loopback(options.notifyUrl ?? o.notifyUrl);
    if (target) {
      const m = this.#merchant(o.mchid)!;
      result.notification =
        o.version === 'v3'
          ? await this.#notifyV3(m, target, 'TRANSACTION.SUCCESS', '支付成功', 'transaction', await this.#transaction(o), options.tamper)
          : await this.#notifyV2(m, target, o, options.tamper);
    }
    return result;
  }

  async completeRefund(outRefundNo: string, options: Omit<PayOrderOptions, 'openid'> = {}): Promise<{ notification?: PayNotifyResult }> {
    const r = this.#findRefund(outRefundNo, options.mchid);
    if (!r) throw new Error(`simulator: no refund ${JSON.stringify(outRefundNo)}`);
    r.status = 'SUCCESS';
    r.successTime ??= chinaTime(this.#now());
    const target = options.notify === false ? undefined : loopback(options.notifyUrl ?? r.notifyUrl);
    if (!target) return {};
    if (r.version === 'v2') return { notification: await this.#notifyV2Refund(this.#merchant(r.mchid)!, target, r) };
    const resource = {
      mchid: r.mchid,
      out_trade_no: r.outTradeNo,
      transaction_id: r.transactionId,
      out_refund_no: r.outRefundNo,
      refund_id: r.refundId,
      refund_status: 'SUCCESS',
      success_time: r.successTime,
      user_received_account: '支付用户零钱',
      amount: { total: r.total, refund: r.refund, payer_total: r.total, payer_refund: r.refund },
    };
    return { notification: await this.#notifyV3(this.#merchant(r.mchid)!, target, 'REFUND.SUCCESS', '退款成功', 'refund', resource, options.tamper) };
  }

  /** `/__simulator/pay/<action>` for tests in other processes. */
  async control(action: string, input: Record<string, unknown>): Promise<unknown> {
    const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
    switch (action) {
      case 'counters':
        return this.counters();
      case 'credentials':
        return this.credentials(s(input.mchid));
      case 'pay_order':
        return this.payOrder(String(input.outTradeNo ?? ''), input as PayOrderOptions);
      case 'complete_refund':
        return this.completeRefund(String(input.outRefundNo ?? ''), input as PayOrderOptions);
      case 'order':
        return this.order(String(input.outTradeNo ?? ''), s(input.mchid)) ?? null;
      case 'faults':
        this.inject(input as PayFault);
        return { ok: true };
      case 'reset':
        this.reset();
        return { ok: true };
    }
    return { error: `unknown pay control route ${action}` };
  }

  // --- routing --------------------------------------------------------------------------------

  /**
   * Whether a request is for WeChat Pay: a catalogued route on a Pay host, or any request signed
   * WECHATPAY2-… (an uncatalogued v3 path, answered 404 once its signature checks).
   */
  match(method: string, url: URL, headers: IncomingHttpHeaders): { entry?: RegistryEntry } | undefined {
    const signed = String(headers.authorization ?? '').startsWith('WECHATPAY2-');
    // The first path segment rules out the other WeChat APIs cheaply (the simulator's hot path).
    if (!signed && !paySegments().has(url.pathname.split('/')[1] ?? '')) return undefined;
    for (const host of PAY_HOSTS) {
      const found = findByRoute(method, url.pathname, host);
      if (found.length) return { entry: found[0]! };
    }
    return signed ? {} : undefined;
  }

  async handle(
    match: { entry?: RegistryEntry },
    req: { method: string; rawPath: string; url: URL; headers: IncomingHttpHeaders; body: Buffer },
    res: ServerResponse,
  ): Promise<void> {
    this.#counters.calls[req.url.pathname] = (this.#counters.calls[req.url.pathname] ?? 0) + 1;
    if (match.entry?.protocol === 'pay_v2') return this.#v2(match.entry, req, res);
    return this.#v3(match.entry, req, res);
  }

  // --- v3 -------------------------------------------------------------------------------------

  async #v3(
    entry: RegistryEntry | undefined,
    req: { method: string; rawPath: string; url: URL; headers: IncomingHttpHeaders; body: Buffer },
    res: ServerResponse,
  ) {
    const auth = readAuthorization(req.headers.authorization);
    const refuse = (message: string) => {
      this.#counters.signatureRefusals++;
      sendV3(res, 401, { code: 'SIGN_ERROR', message }, {});
    };
    if (typeof auth === 'string') return refuse(auth);
    const m = this.#merchant(auth.mchid);
    if (!m) return refuse(`商户号 ${auth.mchid.slice(0, 32)} 不存在 (unknown mchid)`);
    const keys = await merchantKeys(m);
    if (auth.serial_no.toUpperCase() !== m.serialNo.toUpperCase()) return refuse('商户证书序列号有误 (serial_no is not the merchant certificate)');
    const t = Number(auth.timestamp);
    if (!Number.isInteger(t) || Math.abs(this.#now() / 1000 - t) > SKEW_SECONDS) return refuse('请求的时间戳已过期 (timestamp outside ±300 s)');
    const contentType = String(req.headers['content-type'] ?? '');
    const parts = contentType.startsWith('multipart/') ? multipartParts(contentType, req.body) : undefined;
    const signed = parts ? (parts.get('meta')?.toString('utf8') ?? '') : req.body.toString('utf8');
    if (!verifyRequestSignature(req.method, req.rawPath, auth, signed, keys.merchant.publicKey)) return refuse('签名错误 (the signature does not verify)');

    const send = (answer: Answer, fault?: PayFault) => this.#sendSigned(res, m, keys, answer, fault);
    if (!entry)
      return send({ status: 404, body: { code: 'NOT_FOUND', message: `simulator: no catalogued WeChat Pay operation at ${req.method} ${req.url.pathname}` } });
    const serial = req.headers['wechatpay-serial'];
    if (typeof serial === 'string' && serial && !this.#knownSerial(m, keys, serial)) {
      return send({ status: 400, body: { code: 'PARAM_ERROR', message: `Wechatpay-Serial ${serial.slice(0, 64)} is not a WeChat Pay key of this merchant` } });
    }
    let json: Record<string, unknown> | undefined;
    if (!parts && req.body.length) {
      try {
        const v = JSON.parse(req.body.toString('utf8'));
        if (v && typeof v === 'object') json = v;
      } catch {
        return send({ status: 400, body: { code: 'PARAM_ERROR', message: 'the body is not JSON' } });
      }
    }
    const missing = missingFields(entry, req.url, json);
    for (const [k, f] of Object.entries(entry.params.form)) if (!f.optional && !parts?.has(k)) missing.push(k);
    if (missing.length)
      return send({ status: 400, body: { code: 'PARAM_ERROR', message: `输入源"/body/${missing[0]}"映射到值字段失败: missing ${missing.join(', ')}` } });

    if (parts?.has('file') && parts.has('meta')) {
      // A v3 upload: `meta` names the file and carries its SHA-256, which must match the bytes sent.
      const meta = tryParse(parts.get('meta')!.toString('utf8')) as { filename?: unknown; sha256?: unknown } | undefined;
      const digest = createHash('sha256').update(parts.get('file')!).digest('hex');
      if (typeof meta?.filename !== 'string' || typeof meta.sha256 !== 'string') {
        return send({ status: 400, body: { code: 'PARAM_ERROR', message: 'meta must be JSON { filename, sha256 }' } });
      }
      if (meta.sha256.toLowerCase() !== digest)
        return send({ status: 400, body: { code: 'PARAM_ERROR', message: 'meta.sha256 is not the SHA-256 of the file' } });
    }

    const fault = this.#takeFault(req.url.pathname);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.status) return send({ status: fault.status, body: { code: fault.code ?? 'SYSTEM_ERROR', message: fault.message ?? 'simulated fault' } }, fault);

    if (entry.response === 'binary') {
      // Bill files are not signed: the client checks them against the hash of the apply answer.
      const bill = Buffer.from(BILL, 'utf8');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bill.length, 'request-id': `sim-${randomUUID()}` });
      res.end(bill);
      return;
    }
    const params = { ...Object.fromEntries(req.url.searchParams), ...(json ?? {}), ...pathParams(entry.path, req.url.pathname) };
    const answer = await this.#answerV3(entry, m, keys, params);
    return send(answer, fault);
  }

  async #answerV3(entry: RegistryEntry, m: SimulatorMerchant, keys: MerchantKeys, p: Record<string, unknown>): Promise<Answer> {
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    switch (entry.id) {
      case 'Common.listCertificates': {
        if (m.certificates === false)
          return { status: 404, body: { code: 'RESOURCE_NOT_EXISTS', message: '无可用的平台证书 (this merchant verifies with the WeChat Pay public key)' } };
        const nonce = randomBytes(6).toString('hex');
        return {
          status: 200,
          body: {
            data: [
              {
                serial_no: keys.platform.serial,
                effective_time: chinaTime(keys.platform.notBefore.getTime()),
                expire_time: chinaTime(keys.platform.notAfter.getTime()),
                encrypt_certificate: {
                  algorithm: 'AEAD_AES_256_GCM',
                  nonce,
                  associated_data: 'certificate',
                  ciphertext: encryptV3Resource(keys.platform.pem, m.apiV3Key, nonce, 'certificate'),
                },
              },
            ],
          },
        };
      }
      case 'Transactions.createJsapiTransaction':
      case 'Transactions.createNativeTransaction':
      case 'Transactions.createAppTransaction':
      case 'Transactions.createH5Transaction':
        return this.#createOrderV3(entry, m, p);
      case 'Transactions.queryTransactionByOutTradeNo':
      case 'Transactions.queryTransactionById': {
        const o =
          entry.id === 'Transactions.queryTransactionById'
            ? [...this.#orders.values()].find((x) => x.mchid === m.mchid && x.transactionId === str(p.transaction_id))
            : this.#orders.get(`${m.mchid}/${str(p.out_trade_no)}`);
        if (o) return { status: 200, body: await this.#transaction(o) };
        break;
      }
      case 'Transactions.closeTransaction': {
        const o = this.#orders.get(`${m.mchid}/${str(p.out_trade_no)}`);
        if (o && (o.state === 'SUCCESS' || o.state === 'REFUND')) return { status: 400, body: { code: 'ORDERPAID', message: '订单已支付' } };
        if (o) o.state = 'CLOSED';
        return { status: 204 };
      }
      case 'Refund.createRefund':
        return this.#createRefund(entry, m, p);
      case 'Refund.queryRefundByOutRefundNo': {
        const r = this.#refunds.get(`${m.mchid}/${str(p.out_refund_no)}`);
        if (r) return { status: 200, body: await this.#refundBody(entry, r) };
        break;
      }
    }
    if (entry.response === 'text') return { status: 204 };
    const example = await findExample(entry.id);
    if (example && typeof example === 'object' && 'download_url' in example && 'hash_value' in example) return { status: 200, body: billInfo(example) };
    return { status: 200, body: entry.pagination && example ? pageOfExample(entry, example, p) : (example ?? {}) };
  }

  async #createOrderV3(entry: RegistryEntry, m: SimulatorMerchant, p: Record<string, unknown>): Promise<Answer> {
    const outTradeNo = String(p.out_trade_no);
    if (p.mchid !== m.mchid)
      return { status: 400, body: { code: 'PARAM_ERROR', message: 'mchid与请求头Authorization中的商户号不一致 (body mchid is not the signing merchant)' } };
    const kind = entry.path.split('/').pop()!;
    const tradeType = ({ jsapi: 'JSAPI', native: 'NATIVE', app: 'APP', h5: 'MWEB' } as Record<string, string>)[kind]!;
    const amount = (p.amount ?? {}) as { total?: unknown; currency?: unknown };
    const key = `${m.mchid}/${outTradeNo}`;
    let o = this.#orders.get(key);
    if (o && o.state !== 'NOTPAY')
      return {
        status: 400,
        body: { code: o.state === 'CLOSED' ? 'ORDER_CLOSED' : 'ORDERPAID', message: `订单 ${outTradeNo} ${o.state === 'CLOSED' ? '已关闭' : '已支付'}` },
      };
    if (o && (o.total !== Number(amount.total) || o.tradeType !== tradeType)) {
      return { status: 400, body: { code: 'INVALID_REQUEST', message: '201 商户订单号重复 (the same out_trade_no with other parameters)' } };
    }
    if (!o) {
      const payer = p.payer as { openid?: unknown } | undefined;
      const prepayId = `wx${chinaCompact(this.#now())}${randomBytes(10).toString('hex')}`;
      o = {
        mchid: m.mchid,
        appid: String(p.appid ?? m.appid),
        outTradeNo,
        version: 'v3',
        tradeType,
        description: String(p.description ?? ''),
        total: Number(amount.total ?? 0),
        currency: typeof amount.currency === 'string' ? amount.currency : 'CNY',
        notifyUrl: typeof p.notify_url === 'string' ? p.notify_url : undefined,
        attach: typeof p.attach === 'string' ? p.attach : undefined,
        openid: typeof payer?.openid === 'string' ? payer.openid : undefined,
        prepayId,
        codeUrl: `weixin://wxpay/bizpayurl?pr=${randomBytes(5).toString('base64url')}`,
        h5Url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepayId}&package=${digits(10)}`,
        state: 'NOTPAY',
        createdAt: this.#now(),
      };
      this.#orders.set(key, o);
    }
    if (tradeType === 'NATIVE') return { status: 200, body: { code_url: o.codeUrl } };
    if (tradeType === 'MWEB') return { status: 200, body: { h5_url: o.h5Url } };
    return { status: 200, body: { prepay_id: o.prepayId } };
  }

  /** The order as /v3/pay/transactions answers it (and as TRANSACTION.SUCCESS carries it). */
  async #transaction(o: SimulatorOrder): Promise<Record<string, unknown>> {
    const example = ((await findExample('Transactions.queryTransactionByOutTradeNo')) ?? {}) as Record<string, unknown>;
    const t: Record<string, unknown> = structuredClone(example);
    const paid = o.state === 'SUCCESS' || o.state === 'REFUND';
    Object.assign(t, {
      appid: o.appid,
      mchid: o.mchid,
      out_trade_no: o.outTradeNo,
      trade_type: o.tradeType,
      trade_state: o.state,
      trade_state_desc: { NOTPAY: '订单未支付', SUCCESS: '支付成功', CLOSED: '订单已关闭', REFUND: '转入退款' }[o.state],
      amount: paid ? { total: o.total, payer_total: o.total, currency: o.currency, payer_currency: o.currency } : { total: o.total, currency: o.currency },
    });
    if (o.attach !== undefined) t.attach = o.attach;
    else delete t.attach;
    delete t.promotion_detail;
    if (paid) {
      Object.assign(t, { transaction_id: o.transactionId, success_time: o.successTime, payer: { openid: o.openid }, bank_type: t.bank_type ?? 'OTHERS' });
    } else {
      for (const k of ['transaction_id', 'success_time', 'bank_type', 'scene_info']) delete t[k];
      if (o.openid) t.payer = { openid: o.openid };
      else delete t.payer;
    }
    return t;
  }

  async #createRefund(entry: RegistryEntry, m: SimulatorMerchant, p: Record<string, unknown>): Promise<Answer> {
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const outRefundNo = String(p.out_refund_no);
    const o = [...this.#orders.values()].find(
      (x) =>
        x.mchid === m.mchid && ((str(p.out_trade_no) && x.outTradeNo === p.out_trade_no) || (str(p.transaction_id) && x.transactionId === p.transaction_id)),
    );
    const key = `${m.mchid}/${outRefundNo}`;
    let r = this.#refunds.get(key);
    if (!r) {
      if (!o) return { status: 200, body: (await findExample(entry.id)) ?? {} };
      if (o.state !== 'SUCCESS' && o.state !== 'REFUND')
        return { status: 400, body: { code: 'INVALID_REQUEST', message: '订单未支付，不能退款 (the order is not paid)' } };
      const amount = (p.amount ?? {}) as { refund?: unknown };
      const refund = Number(amount.refund ?? o.total);
      const already = [...this.#refunds.values()].filter((x) => x.mchid === m.mchid && x.outTradeNo === o.outTradeNo).reduce((n, x) => n + x.refund, 0);
      if (refund + already > o.total) return { status: 403, body: { code: 'NOT_ENOUGH', message: '申请退款金额超过订单可退金额' } };
      r = {
        mchid: m.mchid,
        version: 'v3',
        outRefundNo,
        refundId: `50000${digits(24)}`,
        outTradeNo: o.outTradeNo,
        transactionId: o.transactionId!,
        refund,
        total: o.total,
        currency: o.currency,
        status: 'PROCESSING',
        notifyUrl: str(p.notify_url),
        createdAt: this.#now(),
      };
      this.#refunds.set(key, r);
      o.state = 'REFUND';
    }
    return { status: 200, body: await this.#refundBody(entry, r) };
  }

  async #refundBody(entry: RegistryEntry, r: SimulatorRefund): Promise<Record<string, unknown>> {
    const body = structuredClone(((await findExample(entry.id)) ?? {}) as Record<string, unknown>);
    Object.assign(body, {
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      transaction_id: r.transactionId,
      out_trade_no: r.outTradeNo,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      create_time: chinaTime(r.createdAt),
      status: r.status,
      amount: {
        total: r.total,
        refund: r.refund,
        from: [],
        payer_total: r.total,
        payer_refund: r.refund,
        settlement_refund: r.refund,
        settlement_total: r.total,
        discount_refund: 0,
        currency: r.currency,
      },
    });
    delete body.promotion_detail;
    if (r.successTime) body.success_time = r.successTime;
    else delete body.success_time;
    return body;
  }

  #sendSigned(res: ServerResponse, m: SimulatorMerchant, keys: MerchantKeys, answer: Answer, fault?: PayFault): void {
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    const signer = this.#signer(m, keys);
    let headers: Record<string, string> = {};
    if (fault?.signature !== 'unsigned') {
      const seconds = Math.floor(this.#now() / 1000) - (fault?.signature === 'stale' ? 3_600 : 0);
      // wrong_key: the serial still names WeChat Pay's key, the signature is made with another one.
      headers = wechatpayHeaders(text, fault?.signature === 'wrong_key' ? { serial: signer.serial, privateKey: keys.merchant.privateKey } : signer, seconds);
    }
    sendV3(res, answer.status, answer.body, headers);
  }

  /**
   * Public-key mode signs with the WeChat Pay public key's private half; certificate mode with the
   * platform certificate's; the mixed ramp alternates between the two.
   */
  #signer(m: SimulatorMerchant, keys: MerchantKeys): AnswerSigner {
    const certificate = { serial: keys.platform.serial, privateKey: keys.platform.privateKey };
    if (!m.publicKeyId) return certificate;
    const publicKey = { serial: m.publicKeyId, privateKey: keys.wechatPay.privateKey };
    if (m.signing !== 'mixed' || m.certificates === false) return publicKey;
    const n = (this.#signed.get(m.mchid) ?? 0) + 1;
    this.#signed.set(m.mchid, n);
    return n % 2 ? publicKey : certificate;
  }
  /** Answers signed per merchant, for the mixed ramp's alternation. */
  readonly #signed = new Map<string, number>();

  #knownSerial(m: SimulatorMerchant, keys: MerchantKeys, serial: string): boolean {
    return serial === m.publicKeyId || (m.certificates !== false && serial.toUpperCase() === keys.platform.serial);
  }

  async #notifyV3(
    m: SimulatorMerchant,
    url: string,
    eventType: string,
    summary: string,
    originalType: string,
    resource: unknown,
    tamper: 'signature' | undefined,
  ): Promise<PayNotifyResult> {
    const keys = await merchantKeys(m);
    const nonce = randomBytes(6).toString('hex');
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: chinaTime(this.#now()),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary,
      resource: {
        original_type: originalType,
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: encryptV3Resource(JSON.stringify(resource), m.apiV3Key, nonce, originalType),
        associated_data: originalType,
        nonce,
      },
    });
    const headers = wechatpayHeaders(body, this.#signer(m, keys), Math.floor(this.#now() / 1000));
    if (tamper === 'signature') headers['wechatpay-signature'] = flip(headers['wechatpay-signature']!);
    return this.#post(url, { 'content-type': 'application/json', ...headers }, body);
  }

  async #notifyV2(m: SimulatorMerchant, url: string, o: SimulatorOrder, tamper: 'signature' | undefined): Promise<PayNotifyResult> {
    const fields = {
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: o.appid,
      mch_id: m.mchid,
      nonce_str: randomBytes(16).toString('hex'),
      result_code: 'SUCCESS',
      openid: o.openid,
      is_subscribe: 'N',
      trade_type: o.tradeType,
      bank_type: 'OTHERS',
      total_fee: String(o.total),
      fee_type: o.currency,
      cash_fee: String(o.total),
      transaction_id: o.transactionId,
      out_trade_no: o.outTradeNo,
      attach: o.attach,
      time_end: chinaCompact(Date.parse(o.successTime!.replace('+08:00', 'Z')) - 8 * 3_600_000),
    };
    let xml = v2Xml(fields, m.key, 'MD5');
    if (tamper === 'signature') xml = xml.replace(/<sign><!\[CDATA\[(.)/, (_, ch: string) => `<sign><![CDATA[${ch === 'A' ? 'B' : 'A'}`);
    return this.#post(url, { 'content-type': 'text/xml' }, xml);
  }

  /** A v2 refund result: no sign; `req_info` is AES-256-ECB under the MD5 of the v2 key. */
  async #notifyV2Refund(m: SimulatorMerchant, url: string, r: SimulatorRefund): Promise<PayNotifyResult> {
    const inner = v2Xml({
      out_refund_no: r.outRefundNo,
      refund_id: r.refundId,
      out_trade_no: r.outTradeNo,
      transaction_id: r.transactionId,
      total_fee: String(r.total),
      refund_fee: String(r.refund),
      settlement_refund_fee: String(r.refund),
      refund_status: r.status,
      success_time: r.successTime?.replace('T', ' ').replace('+08:00', ''),
      refund_recv_accout: '支付用户零钱',
      refund_account: 'REFUND_SOURCE_RECHARGE_FUNDS',
      refund_request_source: 'API',
    })
      .replace(/^<xml>/, '<root>')
      .replace(/<\/xml>$/, '</root>');
    const aesKey = Buffer.from(createHash('md5').update(m.key, 'utf8').digest('hex'), 'utf8');
    const cipher = createCipheriv('aes-256-ecb', aesKey, null);
    const reqInfo = Buffer.concat([cipher.update(inner, 'utf8'), cipher.final()]).toString('base64');
    const order = this.#orders.get(`${m.mchid}/${r.outTradeNo}`);
    const xml = v2Xml({
      return_code: 'SUCCESS',
      appid: order?.appid ?? m.appid,
      mch_id: m.mchid,
      nonce_str: randomBytes(16).toString('hex'),
      req_info: reqInfo,
    });
    return this.#post(url, { 'content-type': 'text/xml' }, xml);
  }

  async #post(url: string, headers: Record<string, string>, body: string): Promise<PayNotifyResult> {
    this.#counters.notifications++;
    try {
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      const text = await response.text();
      return { url, status: response.status, body: text, delivered: response.status >= 200 && response.status < 300 };
    } catch (error) {
      // Nobody listening, or too slow: WeChat Pay would notify again later.
      return { url, status: 0, body: error instanceof Error ? error.message : String(error), delivered: false };
    }
  }

  // --- v2 -------------------------------------------------------------------------------------

  async #v2(entry: RegistryEntry, req: { method: string; url: URL; headers: IncomingHttpHeaders; body: Buffer }, res: ServerResponse): Promise<void> {
    const fail = (message: string) => sendXml(res, 200, v2Xml({ return_code: 'FAIL', return_msg: message }));
    const fields = req.method === 'GET' ? Object.fromEntries(req.url.searchParams) : xmlBodyFields(req.body.toString('utf8'));
    if (!fields) return fail('XML格式错误 (the body is not XML)');
    const signType = v2SignTypeOf(fields);
    const named = fields.mch_id ?? fields.mchid ?? fields.sp_mchid;
    const candidates = named !== undefined ? this.merchants.filter((x) => x.mchid === named) : this.merchants;
    if (!candidates.length) return fail(`商户号 ${String(named).slice(0, 32)} 不存在 (unknown mch_id)`);
    const m = candidates.find((x) => fields.sign !== undefined && signV2(fields, x.key, signType) === fields.sign.toUpperCase());
    if (!m) {
      this.#counters.signatureRefusals++;
      return fail('签名错误 (the sign does not verify with the v2 key)');
    }
    const where = req.method === 'GET' ? entry.params.query : { ...entry.params.query, ...entry.params.body };
    const missing = Object.entries(where)
      .filter(([k, f]) => !f.optional && f.const === undefined && fields[k] === undefined)
      .map(([k]) => k);
    if (missing.length) return fail(`缺少参数 ${missing.join(', ')} (missing)`);

    const fault = this.#takeFault(req.url.pathname);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.status) {
      return sendXml(res, fault.status, v2Xml({ return_code: 'FAIL', return_msg: fault.message ?? 'simulated fault', err_code: fault.code ?? 'SYSTEMERROR' }));
    }
    const example = await findExample(entry.id);
    if (typeof example === 'string') {
      // Bills (downloadbill, downloadfundflow…) come back as the file itself, not as XML.
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(example) }).end(example);
      return;
    }
    const answer = await this.#answerV2(entry, m, fields);
    if (entry.response === 'json') return sendJson(res, 200, answer);
    const out: Record<string, unknown> = { ...answer, return_code: 'SUCCESS', return_msg: answer.return_msg ?? 'OK' };
    // A business failure of the simulated state (ORDERPAID…) keeps its result_code FAIL.
    const failed = answer.result_code === 'FAIL' && answer.err_code !== undefined;
    if (!failed && (answer.result_code !== undefined || entry.result?.result_code)) out.result_code = 'SUCCESS';
    if ('mch_id' in out) out.mch_id = m.mchid;
    if ('appid' in out && fields.appid) out.appid = fields.appid;
    out.nonce_str = randomBytes(16).toString('hex');
    if (fields.sign_type !== undefined) out.sign_type = fields.sign_type;
    else delete out.sign_type;
    const key = fault?.signature ? `${m.key.slice(1)}x` : m.key;
    sendXml(res, 200, v2Xml(out, key, signType));
  }

  async #answerV2(entry: RegistryEntry, m: SimulatorMerchant, f: Record<string, string>): Promise<Record<string, unknown>> {
    const example = ((await findExample(entry.id)) ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = structuredClone(example);
    switch (entry.id) {
      case 'PayV2.unifiedOrder': {
        if (!['JSAPI', 'NATIVE', 'APP', 'MWEB'].includes(f.trade_type ?? ''))
          return { ...out, result_code: 'FAIL', err_code: 'PARAM_ERROR', err_code_des: 'trade_type 参数错误' };
        const key = `${m.mchid}/${f.out_trade_no}`;
        let o = this.#orders.get(key);
        if (o && o.state !== 'NOTPAY') return { ...out, result_code: 'FAIL', err_code: 'ORDERPAID', err_code_des: '该订单已支付' };
        if (!o) {
          const prepayId = `wx${chinaCompact(this.#now())}${randomBytes(10).toString('hex')}`;
          o = {
            mchid: m.mchid,
            appid: f.appid ?? m.appid,
            outTradeNo: f.out_trade_no!,
            version: 'v2',
            tradeType: f.trade_type ?? 'JSAPI',
            description: f.body ?? '',
            total: Number(f.total_fee ?? 0),
            currency: f.fee_type ?? 'CNY',
            notifyUrl: f.notify_url,
            attach: f.attach,
            openid: f.openid,
            prepayId,
            codeUrl: `weixin://wxpay/bizpayurl?pr=${randomBytes(5).toString('base64url')}`,
            state: 'NOTPAY',
            createdAt: this.#now(),
          };
          this.#orders.set(key, o);
        }
        Object.assign(out, { appid: o.appid, trade_type: o.tradeType, prepay_id: o.prepayId });
        if (o.tradeType === 'NATIVE') out.code_url = o.codeUrl;
        else delete out.code_url;
        if (o.tradeType !== 'MWEB') delete out.mweb_url;
        delete out.promotion_detail;
        return out;
      }
      case 'PayV2.queryOrder': {
        const o = this.#findV2Order(m, f);
        if (!o) return out;
        const paid = o.state === 'SUCCESS' || o.state === 'REFUND';
        for (const k of ['sub_appid', 'sub_mch_id', 'sub_openid', 'sub_is_subscribe', 'coupon_fee', 'coupon_count', 'settlement_total_fee']) delete out[k];
        for (const k of Object.keys(out)) if (/^coupon_/.test(k)) delete out[k];
        Object.assign(out, {
          appid: o.appid,
          out_trade_no: o.outTradeNo,
          trade_type: o.tradeType,
          trade_state: o.state,
          trade_state_desc: { NOTPAY: '订单未支付', SUCCESS: '支付成功', CLOSED: '订单已关闭', REFUND: '转入退款' }[o.state],
          total_fee: String(o.total),
          fee_type: o.currency,
          openid: o.openid,
          attach: o.attach,
        });
        if (paid) Object.assign(out, { transaction_id: o.transactionId, cash_fee: String(o.total), time_end: chinaCompact(this.#now()) });
        else for (const k of ['transaction_id', 'time_end', 'bank_type', 'cash_fee', 'cash_fee_type']) delete out[k];
        return out;
      }
      case 'PayV2.applyRefund': {
        const o = this.#findV2Order(m, f);
        if (!o) return out;
        if (o.state !== 'SUCCESS' && o.state !== 'REFUND') return { ...out, result_code: 'FAIL', err_code: 'TRADE_STATE_ERROR', err_code_des: '订单状态错误' };
        const key = `${m.mchid}/${f.out_refund_no}`;
        let r = this.#refunds.get(key);
        if (!r) {
          const refund = Number(f.refund_fee ?? 0);
          const already = [...this.#refunds.values()].filter((x) => x.mchid === m.mchid && x.outTradeNo === o.outTradeNo).reduce((n, x) => n + x.refund, 0);
          if (refund + already > o.total) return { ...out, result_code: 'FAIL', err_code: 'NOTENOUGH', err_code_des: '退款金额大于可退金额' };
          r = {
            mchid: m.mchid,
            version: 'v2',
            outRefundNo: f.out_refund_no!,
            refundId: `50000${digits(24)}`,
            outTradeNo: o.outTradeNo,
            transactionId: o.transactionId!,
            refund,
            total: o.total,
            currency: o.currency,
            status: 'PROCESSING',
            notifyUrl: f.notify_url ?? o.notifyUrl,
            createdAt: this.#now(),
          };
          this.#refunds.set(key, r);
          o.state = 'REFUND';
        }
        for (const k of Object.keys(out)) if (/^coupon_|^sub_/.test(k)) delete out[k];
        return Object.assign(out, {
          appid: o.appid,
          transaction_id: r.transactionId,
          out_trade_no: r.outTradeNo,
          out_refund_no: r.outRefundNo,
          refund_id: r.refundId,
          refund_fee: String(r.refund),
          settlement_refund_fee: String(r.refund),
          total_fee: String(r.total),
          settlement_total_fee: String(r.total),
          cash_fee: String(r.total),
          cash_refund_fee: String(r.refund),
        });
      }
      case 'PayV2.queryRefund': {
        const list = [...this.#refunds.values()].filter(
          (r) =>
            r.mchid === m.mchid &&
            ((f.out_refund_no !== undefined && r.outRefundNo === f.out_refund_no) ||
              (f.out_trade_no !== undefined && r.outTradeNo === f.out_trade_no) ||
              (f.transaction_id !== undefined && r.transactionId === f.transaction_id) ||
              (f.refund_id !== undefined && r.refundId === f.refund_id)),
        );
        if (!list.length) return out;
        for (const k of Object.keys(out)) if (/^coupon_|^sub_|_\d+$/.test(k)) delete out[k];
        Object.assign(out, {
          transaction_id: list[0]!.transactionId,
          out_trade_no: list[0]!.outTradeNo,
          total_fee: String(list[0]!.total),
          settlement_total_fee: String(list[0]!.total),
          cash_fee: String(list[0]!.total),
          total_refund_count: String(list.length),
          refund_count: String(list.length),
        });
        list.forEach((r, i) =>
          Object.assign(out, {
            [`out_refund_no_${i}`]: r.outRefundNo,
            [`refund_id_${i}`]: r.refundId,
            [`refund_fee_${i}`]: String(r.refund),
            [`refund_status_${i}`]: r.status,
            [`refund_channel_${i}`]: 'ORIGINAL',
            [`refund_recv_accout_${i}`]: '支付用户零钱',
            ...(r.successTime ? { [`refund_success_time_${i}`]: r.successTime.replace('T', ' ').replace('+08:00', '') } : {}),
          }),
        );
        return out;
      }
      case 'PayV2.closeOrder': {
        const o = this.#findV2Order(m, f);
        if (o && o.state !== 'NOTPAY') return { ...out, result_code: 'FAIL', err_code: 'ORDERPAID', err_code_des: '订单已支付，不能发起关单' };
        if (o) o.state = 'CLOSED';
        return out;
      }
    }
    return out;
  }

  #findV2Order(m: SimulatorMerchant, f: Record<string, string>): SimulatorOrder | undefined {
    if (f.out_trade_no) return this.#orders.get(`${m.mchid}/${f.out_trade_no}`);
    return [...this.#orders.values()].find((o) => o.mchid === m.mchid && f.transaction_id !== undefined && o.transactionId === f.transaction_id);
  }

  // --- helpers --------------------------------------------------------------------------------

  #merchant(mchid: string): SimulatorMerchant | undefined {
    return this.merchants.find((x) => x.mchid === mchid);
  }

  #findOrder(outTradeNo: string, mchid?: string): SimulatorOrder | undefined {
    if (mchid) return this.#orders.get(`${mchid}/${outTradeNo}`);
    return [...this.#orders.values()].find((o) => o.outTradeNo === outTradeNo);
  }

  #findRefund(outRefundNo: string, mchid?: string): SimulatorRefund | undefined {
    if (mchid) return this.#refunds.get(`${mchid}/${outRefundNo}`);
    return [...this.#refunds.values()].find((r) => r.outRefundNo === outRefundNo);
  }

  #takeFault(path: string): PayFault | undefined {
    const i = this.#faults.findIndex((f) => !f.path || f.path === path);
    if (i < 0) return undefined;
    const f = this.#faults[i]!;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.#faults.splice(i, 1);
    return f;
  }
}

let segments: Set<string> | undefined;

/** First path segments of the catalogued Pay operations (`v3`, `pay`, `secapi`, `mmpaymkttransfers`, …). */
function paySegments(): Set<string> {
  segments ??= new Set(endpoints.filter((e) => PAY_HOSTS.includes(e.host)).map((e) => e.path.split('/')[1] ?? ''));
  return segments;
}

/** What every simulated bill download serves (the apply answers carry its hash). */
const BILL =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,应结订单金额\n' +
  '`2026-12-01 10:00:00,`wx0000000000000001,`1900000109,`0,`sim,`4200000000202612011234567890,`T1,`oSIMpayer,`JSAPI,`SUCCESS,`1.00\n';

/** An apply answer (trade / fund-flow / profit-sharing bill, receipts) pointing at the simulator's bill, with its real hash. */
function billInfo(example: object): Record<string, unknown> {
  const info = structuredClone(example) as Record<string, unknown>;
  const type = String(info.hash_type ?? 'SHA1').toUpperCase() === 'SHA256' ? 'sha256' : 'sha1';
  info.hash_value = createHash(type).update(BILL, 'utf8').digest('hex');
  info.download_url = `https://api.mch.weixin.qq.com/v3/billdownload/file?token=SIM${randomBytes(12).toString('hex')}`;
  return info;
}

function pem(key: KeyObject, type: 'pkcs8' | 'spki'): string {
  return String(key.export({ type, format: 'pem' } as never));
}

function digits(n: number): string {
  let s = '';
  for (const b of randomBytes(n)) s += String(b % 10);
  return s;
}

/** The values of a templated path's placeholders in a concrete path. */
function pathParams(template: string, path: string): Record<string, string> {
  const names: string[] = [];
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  const found = new RegExp(`^${pattern}$`).exec(path);
  if (!found) return {};
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1]!)]));
}

function tryParse(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The URL when it is on this machine; notifications never leave loopback. */
function loopback(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}

function flip(signature: string): string {
  return signature.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A'));
}
