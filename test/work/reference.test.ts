// The official WeCom crypto vectors from ../shared/reference/crypto (type wecom_verify_url) through
// the WeCom handler: the GET echostr decrypted and answered with receiveid = the vector's corpid,
// refused for any other receiveid, refused with a tampered signature, and the same ciphertext
// accepted on a suite's instruction URL only when the suite's id is what it was made for.
import { expect, it } from 'vitest';
import { memoryStorage } from '../../src/storage/memory.js';
import { createSuite, createWorkMessageHandler } from '../../src/work/index.js';
import { describeReference, readReferenceJson, type CryptoCase } from '../reference.js';

describeReference('official WeCom crypto vectors (../shared/reference/crypto)', () => {
  const cases = readReferenceJson<CryptoCase[]>('crypto/official_msg_crypt.json').filter((c) => c.type === 'wecom_verify_url');

  it('holds the WeCom URL-check vectors', () => {
    expect(cases.length).toBeGreaterThanOrEqual(2);
  });

  for (const c of cases) {
    const { input, expected } = c;
    const label = c.name ?? c.title ?? input.msg_signature!;
    const query = (over: Record<string, string> = {}) =>
      new URLSearchParams({ msg_signature: input.msg_signature!, timestamp: input.timestamp!, nonce: input.nonce!, echostr: input.echostr!, ...over });
    const make = (corpid: string) =>
      createWorkMessageHandler({
        corpid,
        token: input.token!,
        encodingAESKey: input.encoding_aes_key!,
        now: () => Number(input.timestamp) * 1000,
        onMessage: () => undefined,
      });

    it(`${label}: answered with the plaintext echostr for receiveid ${expected.receive_id}`, async () => {
      const res = await make(expected.receive_id!)(new Request(`https://example.com/wecom?${query()}`));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(expected.echostr_plain);
    });

    it(`${label}: refused for another corp (403) and with a wrong signature (401)`, async () => {
      expect((await make('wwnotthiscorp00001')(new Request(`https://example.com/wecom?${query()}`))).status).toBe(403);
      const bad = `${input.msg_signature!.slice(0, -1)}${input.msg_signature!.endsWith('0') ? '1' : '0'}`;
      expect((await make(expected.receive_id!)(new Request(`https://example.com/wecom?${query({ msg_signature: bad })}`))).status).toBe(401);
    });

    it(`${label}: a suite's instruction URL takes it only as the id it was made for`, async () => {
      const options = { suiteSecret: 's', token: input.token!, encodingAESKey: input.encoding_aes_key!, storage: memoryStorage() };
      const request = () => new Request(`https://example.com/suite?${query()}`);
      const now = () => Number(input.timestamp) * 1000;
      const mine = createSuite({ ...options, suiteId: expected.receive_id! }).eventHandler({ now });
      expect(await (await mine(request())).text()).toBe(expected.echostr_plain);
      const other = createSuite({ ...options, suiteId: 'wwothersuite000001' }).eventHandler({ now });
      expect((await other(request())).status).toBe(403);
      // …unless the provider's corpid is the vector's: WeCom encrypts such checks with it.
      const provider = createSuite({ ...options, suiteId: 'wwothersuite000001', providerCorpid: expected.receive_id! }).eventHandler({ now });
      expect(await (await provider(request())).text()).toBe(expected.echostr_plain);
    });
  }
});
