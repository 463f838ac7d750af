// Platform certificates: the bootstrap download (verified with a certificate the answer carries),
// decryption with the APIv3 key, one download however many callers and clients ask, sharing across
// processes through Redis, rotation (an unknown serial forces one download), refresh ahead of the
// 12 h limit, and public-key merchants never calling /v3/certificates.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPay, PlatformCertificateStore, WxConfigError, WxCryptoError, type PayClient, type PlatformCertificate } from '../../src/pay/index.js';
import { memoryStorage } from '../../src/storage/memory.js';
import { assertRedisReachable, deleteKeys, noticeIfNoRedis, REDIS_URL, stopChild, uniquePrefix } from '../fixtures/tokens/helpers.js';
import {
  answer,
  API_V3_KEY,
  certificatesBody,
  MCHID,
  MERCHANT_SERIAL,
  notification,
  pkcs8,
  platformCert,
  PUB_KEY_ID,
  rsaKeys,
  spki,
  startFakePay,
  verifyRequest,
  type FakePay,
  type PlatformCert,
} from './helpers.js';

const merchant = rsaKeys();
const ca = rsaKeys();
const certA = platformCert('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', ca);
const certB = platformCert('7132D72A03E93CDDF8C03BBD1F37EEDF13A8E3B6', ca);
const wechatPublic = rsaKeys();

let fake: FakePay;
let downloads = 0;
/** What /v3/certificates serves, and who signs the answer. */
let served: { certs: PlatformCert[]; signer: PlatformCert; delayMs?: number; status?: number };
/** Who signs ordinary answers. */
let signer: { serial: string; privateKey: import('node:crypto').KeyObject };

beforeAll(async () => {
  fake = await startFakePay();
  fake.routes.set('GET /v3/certificates', async (req, res) => {
    if (!verifyRequest(req.method, req.url, String(req.headers.authorization), '', merchant.publicKey)) {
      return answer(res, 401, { code: 'SIGN_ERROR', message: 'bad signature' }, { serial: served.signer.serial, privateKey: served.signer.keys.privateKey });
    }
    downloads++;
    if (served.delayMs) await new Promise((r) => setTimeout(r, served.delayMs));
    if (served.status === 404)
      return answer(
        res,
        404,
        { code: 'RESOURCE_NOT_EXISTS', message: '无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥' },
        { serial: PUB_KEY_ID, privateKey: wechatPublic.privateKey },
      );
    answer(res, 200, certificatesBody(served.certs), { serial: served.signer.serial, privateKey: served.signer.keys.privateKey });
  });
  fake.routes.set('GET /v3/pay/transactions/out-trade-no/T1', (_req, res) => answer(res, 200, { out_trade_no: 'T1', trade_state: 'SUCCESS' }, signer));
  for (let i = 0; i < 200; i++)
    fake.routes.set(`GET /v3/pay/transactions/out-trade-no/T${i}`, (_req, res) => answer(res, 200, { out_trade_no: `T${i}`, trade_state: 'SUCCESS' }, signer));
});
afterAll(() => fake.close());
beforeEach(() => {
  downloads = 0;
  served = { certs: [certA], signer: certA };
  signer = { serial: certA.serial, privateKey: certA.keys.privateKey };
});

function certificatePay(extra: Partial<Parameters<typeof createPay>[0]> = {}): PayClient {
  return createPay({
    mchid: MCHID,
    serialNo: MERCHANT_SERIAL,
    privateKey: pkcs8(merchant.privateKey),
    apiV3Key: API_V3_KEY,
    baseUrl: fake.base,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    ...extra,
  });
}
const query = (pay: PayClient, i = 1) =>
  pay.request<{ out_trade_no: string }>({
    method: 'GET',
    host: 'api.mch.weixin.qq.com',
    path: `/v3/pay/transactions/out-trade-no/T${i}`,
    query: { mchid: MCHID },
  });

describe('downloading platform certificates', () => {
  it('the first verified answer downloads the certificates once, bootstrapped by the certificate the download carries', async () => {
    const pay = certificatePay();
    const answers = await Promise.all(Array.from({ length: 50 }, () => query(pay)));
    expect(answers.every((a) => a.out_trade_no === 'T1')).toBe(true);
    expect(downloads).toBe(1);
    const certs = await pay.platformCertificates();
    expect(certs.map((c: PlatformCertificate) => [c.serial_no, c.expire_time])).toEqual([[certA.serial, certA.expire_time]]);
    expect(certs[0]!.certificate).toBe(certA.pem);
  });

  it('several clients sharing one storage download once', async () => {
    const storage = memoryStorage();
    const clients = Array.from({ length: 5 }, () => certificatePay({ storage }));
    await Promise.all(clients.flatMap((c) => [query(c), query(c), c.platformCertificates()]));
    expect(downloads).toBe(1);
    // Clients without a shared storage keep their own: one download each.
    await Promise.all([query(certificatePay()), query(certificatePay())]);
    expect(downloads).toBe(3);
  });

  it('an answer signed by a key that is not among the certificates is refused and nothing is kept', async () => {
    const rogue = platformCert('0123456789ABCDEF0123456789ABCDEF01234567', rsaKeys());
    served = { certs: [certA], signer: { ...certA, keys: rogue.keys } };
    const pay = certificatePay();
    await expect(pay.platformCertificates()).rejects.toMatchObject({ name: 'WxCryptoError', reason: 'signature' });
    served = { certs: [certA], signer: certA };
    expect((await pay.platformCertificates()).map((c) => c.serial_no)).toEqual([certA.serial]);
    expect(downloads).toBe(2);
  });

  it('certificates encrypted with another APIv3 key are refused (WxCryptoError, no key text in the message)', async () => {
    const pay = certificatePay({ apiV3Key: 'ffffffffffffffffffffffffffffffff' });
    const error = await pay.platformCertificates().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxCryptoError);
    expect(String((error as Error).message)).not.toContain('ffffffff');
  });

  it('404 (a merchant without certificates) is a WxConfigError that points at the public key', async () => {
    served = { certs: [certA], signer: certA, status: 404 };
    const error = await certificatePay()
      .platformCertificates()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxConfigError);
    expect((error as Error).message).toMatch(/publicKey/);
  });

  it('an unknown serial within a minute of a download does not force another (anyone can send one)', async () => {
    const pay = certificatePay();
    await query(pay);
    // WeChat (or anyone) signs with a certificate the download does not contain.
    served = { certs: [certA, certB], signer: certB };
    signer = { serial: certB.serial, privateKey: certB.keys.privateKey };
    await expect(query(pay)).rejects.toMatchObject({ name: 'WxCryptoError', reason: 'key' });
    expect(downloads).toBe(1);
    // An explicit refresh picks it up (the store-level test below covers the forced download after a minute).
    await pay.platformCertificates({ refresh: true });
    expect((await query(pay)).out_trade_no).toBe('T1');
    expect(downloads).toBe(2);
  });

  it('a public-key-only merchant never calls /v3/certificates, whatever serial arrives', async () => {
    signer = { serial: PUB_KEY_ID, privateKey: wechatPublic.privateKey };
    const before = fake.seen.length;
    const pay = createPay({
      mchid: MCHID,
      serialNo: MERCHANT_SERIAL,
      privateKey: pkcs8(merchant.privateKey),
      apiV3Key: API_V3_KEY,
      publicKeyId: PUB_KEY_ID,
      publicKey: spki(wechatPublic.publicKey),
      baseUrl: fake.base,
    });
    expect((await query(pay)).out_trade_no).toBe('T1');
    signer = { serial: certA.serial, privateKey: certA.keys.privateKey };
    await expect(query(pay)).rejects.toMatchObject({ name: 'WxCryptoError', reason: 'key' });
    await expect(pay.platformCertificates()).rejects.toBeInstanceOf(WxConfigError);
    const handler = pay.notifyHandler({ onNotify: () => undefined });
    expect((await handler(notification('TRANSACTION.SUCCESS', {}, { serial: certA.serial, privateKey: certA.keys.privateKey }))).status).toBe(401);
    expect(downloads).toBe(0);
    expect(fake.seen.slice(before).some((s) => s.url.startsWith('/v3/certificates'))).toBe(false);
  });

  it('the notification handler verifies with the downloaded certificates', async () => {
    const pay = certificatePay();
    const received: string[] = [];
    const handler = pay.notifyHandler({ onNotify: (n) => void received.push(n.kind) });
    const res = await handler(
      notification(
        'TRANSACTION.SUCCESS',
        { out_trade_no: 'T', transaction_id: '1', trade_state: 'SUCCESS' },
        { serial: certA.serial, privateKey: certA.keys.privateKey },
      ),
    );
    expect(res.status).toBe(200);
    expect(received).toEqual(['transaction']);
    expect(downloads).toBe(1);
  });

  it('refuses contradictory configuration', () => {
    const base = { mchid: MCHID, serialNo: MERCHANT_SERIAL, privateKey: pkcs8(merchant.privateKey) };
    expect(() => createPay(base)).toThrow(/publicKey \+ publicKeyId/);
    expect(() => createPay({ ...base, downloadCertificates: true })).toThrow(/apiV3Key/);
    expect(() => createPay({ ...base, apiV3Key: API_V3_KEY, certificateRefreshMs: 13 * 3_600_000 })).toThrow(/certificateRefreshMs/);
  });
});

describe('PlatformCertificateStore: refresh and rotation', () => {
  const certs = (list: PlatformCert[]): PlatformCertificate[] =>
    list.map((c) => ({ serial_no: c.serial, effective_time: c.effective_time, expire_time: c.expire_time, certificate: c.pem }));

  it('refreshes in the background after the interval, keeps answering from the old download, and forces a download for an unknown serial at most once per minute', async () => {
    let t = 1_000_000;
    let count = 0;
    let current = [certA];
    const store = new PlatformCertificateStore({
      key: 'wxkit:pay:test:platform_certificates',
      storage: memoryStorage({ now: () => t }),
      now: () => t,
      download: async () => (count++, certs(current)),
    });
    expect(await store.keyFor(certA.serial)).toBeDefined();
    expect(count).toBe(1);
    t += 59 * 60_000;
    await store.keyFor(certA.serial);
    expect(count).toBe(1);
    t += 2 * 60_000; // past the 1 h interval: served from the old download, refreshed behind it
    current = [certA, certB];
    expect(await store.keyFor(certA.serial)).toBeDefined();
    await new Promise((r) => setImmediate(r));
    expect(count).toBe(2);
    expect(await store.keyFor(certB.serial)).toBeDefined();
    // An unknown serial: one forced download, then none within the minute.
    expect(await store.keyFor('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(count).toBe(2); // the refresh just happened: too soon to force another
    t += 61_000;
    expect(await store.keyFor('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(count).toBe(3);
    expect(await store.keyFor('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(count).toBe(3);
  });

  it('chooses the valid certificate that expires last for sensitive fields', async () => {
    const older = platformCert('11111111', ca, { from: -400, to: 30 });
    const newer = platformCert('22222222', ca, { from: -1, to: 1800 });
    const future = platformCert('33333333', ca, { from: 10, to: 3000 });
    const store = new PlatformCertificateStore({ key: 'k', storage: memoryStorage(), download: async () => certs([older, future, newer]) });
    expect((await store.newest())?.serial).toBe('22222222');
  });

  it('keeps a failed refresh from breaking verification until the maximum age', async () => {
    let t = 0;
    let fail = false;
    const warnings: unknown[] = [];
    const store = new PlatformCertificateStore({
      key: 'k',
      storage: memoryStorage({ now: () => t }),
      now: () => t,
      download: async () => {
        if (fail) throw new Error('WeChat unreachable');
        return certs([certA]);
      },
      onBackgroundError: (e) => warnings.push(e),
    });
    await store.list();
    fail = true;
    t += 2 * 3_600_000;
    expect(await store.keyFor(certA.serial)).toBeDefined();
    await new Promise((r) => setImmediate(r));
    expect(warnings).toHaveLength(1);
    t += 11 * 3_600_000; // past 12 h: nothing usable is left
    await expect(store.keyFor(certA.serial)).rejects.toThrow(/unreachable/);
  });
});

noticeIfNoRedis('test/pay/certificates.test.ts');

describe.skipIf(!REDIS_URL)('platform certificates across processes through Redis', () => {
  const PROCESSES = 4;
  const CALLS = 50;
  const prefix = uniquePrefix('pay-certificates');
  const children: ChildProcess[] = [];
  const logs = new Map<ChildProcess, string>();

  beforeAll(async () => {
    await assertRedisReachable(REDIS_URL!);
    const worker = fileURLToPath(new URL('../fixtures/pay/cert-worker.ts', import.meta.url));
    const env = {
      WXKIT_PAY_BASE: fake.base,
      WXKIT_PAY_MCHID: MCHID,
      WXKIT_PAY_SERIAL: MERCHANT_SERIAL,
      WXKIT_PAY_PRIVATE_KEY: pkcs8(merchant.privateKey),
      WXKIT_PAY_API_V3_KEY: API_V3_KEY,
      WXKIT_WORKER_REDIS_URL: REDIS_URL!,
      WXKIT_WORKER_KEY_PREFIX: prefix,
    };
    await Promise.all(
      Array.from({ length: PROCESSES }, () => {
        const child = fork(worker, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
        children.push(child);
        logs.set(child, '');
        const append = (d: Buffer) => logs.set(child, logs.get(child) + d.toString());
        child.stdout!.on('data', append);
        child.stderr!.on('data', append);
        return new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`cert-worker did not start:\n${logs.get(child)}`)), 30_000);
          child.on('message', (m: { cmd?: string }) => m?.cmd === 'ready' && (clearTimeout(timer), resolve()));
          child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`cert-worker exited (${code}):\n${logs.get(child)}`))));
        });
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all(children.map((c) => (c.connected ? (c.send({ cmd: 'exit' }), stopChild(c)) : stopChild(c))));
    await deleteKeys(REDIS_URL!, prefix);
  });

  it(`${PROCESSES} processes × ${CALLS} concurrent verified calls → one /v3/certificates download`, async () => {
    // A slow download keeps every process waiting on the one that holds the Redis lock.
    served = { certs: [certA], signer: certA, delayMs: 200 };
    const results = await Promise.all(
      children.map(
        (child) =>
          new Promise<{ pid: number; ok: number; errors: string[] }>((resolve) => {
            const onMessage = (m: { cmd?: string; pid: number; ok: number; errors: string[] }) => {
              if (m?.cmd !== 'done') return;
              child.off('message', onMessage);
              resolve(m);
            };
            child.on('message', onMessage);
            child.send({ cmd: 'burst', calls: CALLS });
          }),
      ),
    );
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.reduce((n, r) => n + r.ok, 0)).toBe(PROCESSES * CALLS);
    expect(new Set(results.map((r) => r.pid)).size).toBe(PROCESSES);
    expect(downloads).toBe(1);
  });
});
