// Every catalogued WeChat Pay operation, called through its generated function against the
// simulator's WeChat Pay side: v3 requests are signed by the merchant and verified there, v2 ones
// carry a `sign` checked with the v2 key, and every answer (signed with the WeChat Pay public key,
// or a signed XML) is verified by the client and then checked strictly against its schema.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Pay from '../../generated/pay/index.js';
import { createPay, type PayClient } from '../../src/pay/index.js';
import { endpoints, type RegistryEntry } from '../../src/registry/index.js';
import { sample } from './sample.js';
import { DEMO_MERCHANTS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { nodeTransport } from '../../src/transport/node.js';

const tls = (name: string) => readFileSync(new URL(`../fixtures/pay/tls/${name}`, import.meta.url));
const merchant = DEMO_MERCHANTS[0]!;

let sim: Simulator;
let pay: PayClient;

beforeAll(async () => {
  sim = await startSimulator();
  // One client for both versions: v3 credentials, the v2 key, and the API certificate for the v2
  // operations that present it (over plain http to the simulator the TLS part is skipped).
  pay = createPay({
    ...(await sim.pay.credentials()),
    clientCertificate: { cert: tls('client.pem'), key: tls('client.key') },
    transport: nodeTransport(),
    validation: 'strict',
    retry: { retries: 0 },
  });
}, 60_000);
afterAll(() => sim.close());

const FILE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

/**
 * The merchant's own ids where the simulator checks them, order numbers of the operation's own
 * (orders are state: one operation's sample order must not be another's), else a placeholder.
 */
const special =
  (op: string) =>
  (key: string): unknown => {
    if (key === 'out_trade_no' || key === 'out_refund_no') return `${op}-${key}`;
    if (key === 'trade_type') return 'JSAPI';
    if (key === 'mchid' || key === 'mch_id') return merchant.mchid;
    if (key === 'appid') return merchant.appid;
    if (key === 'meta') return JSON.stringify({ filename: 'sample.png', sha256: createHash('sha256').update(FILE).digest('hex') });
    return undefined;
  };

const manifest = JSON.parse(readFileSync(new URL('../../generated/manifest.json', import.meta.url), 'utf8')) as { byAppType: Record<string, number> };
const payEntries = endpoints.filter((e) => e.appTypes.includes('pay'));
const namespaces = Pay as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>;
const called = new Set<string>();

/** Bill files: the token comes from a real apply answer, and the bytes must match its hash (they are not signed). */
const BILL_FILE = 'Bill.downloadBill';

describe('every WeChat Pay operation against the simulator', () => {
  it('covers every Pay endpoint the generator wrote', () => {
    expect(payEntries.length).toBe(manifest.byAppType['pay']);
    expect(payEntries.length).toBeGreaterThan(200);
    expect(payEntries.filter((e) => e.protocol === 'pay_v2').length).toBeGreaterThan(0);
  });

  it.each(payEntries.map((e) => [e.id, e] as const))('%s', async (_, entry: RegistryEntry) => {
    const fn = namespaces[entry.namespace]?.[entry.name];
    expect(fn, `${entry.id} is exported by generated/pay`).toBeTypeOf('function');
    const all = { ...entry.params.pathParams, ...entry.params.query, ...entry.params.body, ...entry.params.form, ...entry.params.headers };
    const params: Record<string, unknown> = Object.fromEntries(
      Object.entries(all)
        .filter(([, f]) => !f.optional && f.const === undefined)
        .map(([k, f]) => [k, sample(f, k, { special: special(entry.name), file: FILE })]),
    );
    if (entry.id === BILL_FILE) {
      const info = await Pay.Bill.getTradeBill(pay, { bill_date: '2026-12-01' });
      params.token = new URL(info.download_url).searchParams.get('token');
      const bill = (await fn!(pay, params)) as { data: Uint8Array };
      expect(createHash('sha1').update(bill.data).digest('hex')).toBe(info.hash_value);
      called.add(entry.id);
      return;
    }
    const takesParams = Object.values(all).some((f) => f.const === undefined);
    const call = () => (takesParams ? fn!(pay, params) : fn!(pay));
    const data = await call();
    if (entry.response === 'text') expect(typeof data === 'string' || typeof data === 'object').toBe(true);
    else expect(data).toBeTypeOf('object');
    if (entry.protocol === 'pay_v2' && entry.response === 'xml') expect((data as Record<string, string>).return_code).toBe('SUCCESS');
    called.add(entry.id);
  });

  it('called every one of them, and the simulator saw a request on each path', () => {
    expect(payEntries.map((e) => e.id).filter((id) => !called.has(id))).toEqual([]);
    const seen = sim.pay.counters();
    expect(seen.signatureRefusals).toBe(0);
    const calls = Object.keys(seen.calls);
    const hit = (e: RegistryEntry) => {
      const pattern = new RegExp(`^${e.path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      return calls.some((p) => pattern.test(p));
    };
    expect(payEntries.filter((e) => !hit(e)).map((e) => `${e.id} ${e.path}`)).toEqual([]);
  });
});
