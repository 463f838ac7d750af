// Test doubles for WeChat Pay: RSA keys, X.509 platform certificates (signed with a test CA key
// by the simulator's certificate writer, src/simulator/pay/x509.ts), signed notifications, and a
// loopback server that checks v3 request signatures and signs its answers
// the way WeChat Pay does.
import { createSign, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encryptV3Resource } from '../../src/pay/signatures.js';
import { x509Certificate } from '../../src/simulator/pay/x509.js';

export const MCHID = '1900000001';
export const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD2C2E7E11';
export const PUB_KEY_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';
export const API_V3_KEY = 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6';
export const V2_KEY = '192006250b4c09247ec02edce69f6a2d';
export const APPID = 'wxd930ea5d5a258f4f';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function rsaKeys(): KeyPair {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export const pkcs8 = (k: KeyObject): string => String(k.export({ type: 'pkcs8', format: 'pem' }));
export const spki = (k: KeyObject): string => String(k.export({ type: 'spki', format: 'pem' }));

/** A certificate for `subject`'s public key with the given serial (hex), signed by `issuer`. */
export function certificate(options: { serial: string; subject: KeyObject; issuer: KeyObject; notBefore?: Date; notAfter?: Date; cn?: string }): string {
  return x509Certificate({
    serial: options.serial,
    subjectKey: options.subject,
    issuerKey: options.issuer,
    notBefore: options.notBefore ?? new Date(Date.now() - 86_400_000),
    notAfter: options.notAfter ?? new Date(Date.now() + 5 * 365 * 86_400_000),
    issuerCn: 'Tenpay.com Root CA (test)',
    subjectCn: options.cn ?? 'Tenpay.com sign (test)',
  });
}

/** A platform certificate with its key pair and WeChat's rendering of its validity. */
export interface PlatformCert {
  serial: string;
  keys: KeyPair;
  pem: string;
  effective_time: string;
  expire_time: string;
}

export function platformCert(serial: string, ca: KeyPair, days = { from: -1, to: 5 * 365 }): PlatformCert {
  const keys = rsaKeys();
  const notBefore = new Date(Date.now() + days.from * 86_400_000);
  const notAfter = new Date(Date.now() + days.to * 86_400_000);
  return {
    serial,
    keys,
    pem: certificate({ serial, subject: keys.publicKey, issuer: ca.privateKey, notBefore, notAfter }),
    effective_time: notBefore.toISOString(),
    expire_time: notAfter.toISOString(),
  };
}

/** The /v3/certificates answer body for `certs`, each encrypted with the APIv3 key. */
export function certificatesBody(certs: PlatformCert[], apiV3Key = API_V3_KEY): string {
  return JSON.stringify({
    data: certs.map((c) => {
      const nonce = randomBytes(6).toString('hex');
      return {
        serial_no: c.serial,
        effective_time: c.effective_time,
        expire_time: c.expire_time,
        encrypt_certificate: {
          algorithm: 'AEAD_AES_256_GCM',
          nonce,
          associated_data: 'certificate',
          ciphertext: encryptV3Resource(c.pem, apiV3Key, nonce, 'certificate'),
        },
      };
    }),
  });
}

// --- signatures -----------------------------------------------------------------------------------

export interface Signer {
  serial: string;
  privateKey: KeyObject;
}

/** The Wechatpay-* headers over `body`, as WeChat Pay signs answers and notifications. */
export function signedHeaders(body: string, signer: Signer, over: { timestamp?: number; signature?: string } = {}): Record<string, string> {
  const timestamp = String(over.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  return {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-serial': signer.serial,
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    'wechatpay-signature': over.signature ?? createSign('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`).sign(signer.privateKey, 'base64'),
  };
}

/** A v3 notification as WeChat posts it: the resource encrypted with the APIv3 key, the body signed. */
export function notification(
  eventType: string,
  resource: unknown,
  signer: Signer,
  over: { id?: string; timestamp?: number; signature?: string; apiV3Key?: string; originalType?: string; tamper?: (body: string) => string } = {},
): Request {
  const nonce = randomBytes(6).toString('hex');
  const aad = over.originalType ?? 'transaction';
  const body = JSON.stringify({
    id: over.id ?? `EV-${randomBytes(8).toString('hex')}`,
    create_time: '2026-12-02T10:34:56+08:00',
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: '支付成功',
    resource: {
      original_type: aad,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: encryptV3Resource(JSON.stringify(resource), over.apiV3Key ?? API_V3_KEY, nonce, aad),
      associated_data: aad,
      nonce,
    },
  });
  const headers = signedHeaders(body, signer, over);
  return new Request('http://127.0.0.1/pay/notify', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: over.tamper ? over.tamper(body) : body,
  });
}

/** What WeChat Pay checks on a v3 request: the Authorization header signs method, path, time, nonce and body. */
export function verifyRequest(method: string, pathWithQuery: string, authorization: string, body: string, merchantPublicKey: KeyObject): boolean {
  const fields = Object.fromEntries([...authorization.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  if (!authorization.startsWith('WECHATPAY2-SHA256-RSA2048 ') || fields.mchid !== MCHID || fields.serial_no !== MERCHANT_SERIAL) return false;
  const message = `${method}\n${pathWithQuery}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
  return createVerify('RSA-SHA256').update(message).verify(merchantPublicKey, fields.signature!, 'base64');
}

// --- a loopback WeChat Pay ------------------------------------------------------------------------

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Route = (req: Seen, res: http.ServerResponse) => void | Promise<void>;

export interface FakePay {
  base: string;
  seen: Seen[];
  /** Routes by `METHOD /path` (query ignored). */
  routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startFakePay(): Promise<FakePay> {
  const seen: Seen[] = [];
  const routes = new Map<string, Route>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(entry);
      const route = routes.get(`${req.method} ${req.url!.split('?')[0]}`);
      if (!route) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'NOT_FOUND', message: 'no such route in the fake' }));
        return;
      }
      Promise.resolve(route(entry, res)).catch((e: unknown) => {
        res.writeHead(500);
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    routes,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Answers `status` + JSON `body`, signed by `signer`. */
export function answer(res: http.ServerResponse, status: number, body: unknown, signer: Signer): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...signedHeaders(text, signer) });
  res.end(text);
}
