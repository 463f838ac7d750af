// Operations marked `clientCertificate` (v2 refunds, red packets, transfers) present the merchant
// API certificate over TLS. A loopback https server that requires a client certificate signed by
// the test CA stands in for api.mch.weixin.qq.com.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineEndpoint } from '../../src/core/endpoint.js';
import { WxConfigError } from '../../src/core/errors.js';
import { createPay } from '../../src/pay/index.js';
import { signV2 } from '../../src/pay/signatures.js';
import { nodeTransport } from '../../src/transport/node.js';
import { MCHID, V2_KEY } from './helpers.js';

const tls = (name: string) => readFileSync(new URL(`../fixtures/pay/tls/${name}`, import.meta.url));
const ca = tls('ca.pem');

const refund = defineEndpoint<{ out_trade_no: string; out_refund_no: string; total_fee: string; refund_fee: string }, Record<string, string>, 'pay'>({
  id: 'Test.refund',
  method: 'POST',
  host: 'api.mch.weixin.qq.com',
  path: '/secapi/pay/refund',
  auth: 'pay_v2',
  protocol: 'pay_v2',
  appTypes: ['pay'],
  idempotent: false,
  clientCertificate: true,
  encoding: 'xml',
  response: 'xml',
  body: ['out_trade_no', 'out_refund_no', 'total_fee', 'refund_fee'],
});

let server: https.Server;
let base: string;
const seen: unknown[] = [];

beforeAll(async () => {
  server = https.createServer({ key: tls('server.key'), cert: tls('server.pem'), ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate();
    seen.push(socket.authorized ? peer.subject?.CN : undefined);
    req.resume();
    req.on('end', () => {
      const fields: Record<string, string> = socket.authorized
        ? { return_code: 'SUCCESS', result_code: 'SUCCESS', mch_id: MCHID, nonce_str: 'n1', refund_id: '50000000000000000001' }
        : { return_code: 'FAIL', return_msg: 'no certificate' };
      if (socket.authorized) fields.sign = signV2(fields, V2_KEY, 'MD5');
      const xml = `<xml>${Object.entries(fields)
        .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
        .join('')}</xml>`;
      res.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const params = { out_trade_no: 'T1', out_refund_no: 'R1', total_fee: '100', refund_fee: '100' };

describe('client certificates', () => {
  it('presents the PEM certificate on the operations that need it', async () => {
    const pay = createPay({
      mchid: MCHID,
      key: V2_KEY,
      baseUrl: base,
      transport: nodeTransport({ ca }),
      clientCertificate: { cert: tls('client.pem').toString(), key: tls('client.key').toString() },
      retry: { retries: 0 },
    });
    seen.length = 0;
    const answer = await refund(pay, params);
    expect(answer.refund_id).toBe('50000000000000000001');
    expect(seen).toEqual(['1900000109']);
  });

  it('presents a PKCS#12 bundle with its passphrase', async () => {
    const pay = createPay({
      mchid: MCHID,
      key: V2_KEY,
      baseUrl: base,
      transport: nodeTransport({ ca }),
      clientCertificate: { pfx: tls('client.p12'), passphrase: '1900000109' },
    });
    seen.length = 0;
    await refund(pay, params);
    await refund(pay, params);
    expect(seen).toEqual(['1900000109', '1900000109']);
  });

  it('refuses, before sending anything, when no certificate was configured or the transport cannot present one', async () => {
    seen.length = 0;
    const bare = createPay({ mchid: MCHID, key: V2_KEY, baseUrl: base, transport: nodeTransport({ ca }) });
    await expect(refund(bare, params)).rejects.toThrow(WxConfigError);
    await expect(refund(bare, params)).rejects.toThrow(/Test\.refund must present the merchant API certificate/);
    const onFetch = createPay({ mchid: MCHID, key: V2_KEY, baseUrl: base, clientCertificate: { pfx: tls('client.p12'), passphrase: '1900000109' } });
    await expect(refund(onFetch, params)).rejects.toThrow(
      /cannot present the client certificate; on Node leave transport unset \(undici\) or use nodeTransport/,
    );
    expect(seen).toEqual([]);
  });

  it('names a malformed certificate option at construction', () => {
    expect(() => createPay({ mchid: MCHID, key: V2_KEY, clientCertificate: { cert: 42 } as never })).toThrow(/clientCertificate must be/);
  });
});
