// Seeded fuzzing of the handler: mutate valid signed pushes and throw garbage at it. Invariants:
// it always answers with a known status, never rejects, never leaves an unhandled rejection, and
// onMessage only ever sees authentic content. Reproduce a failure with WXKIT_FUZZ_SEED=<seed>.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha1Signature } from '../../src/callbacks/msg-crypt.js';
import { createMessageHandler, parseMessage, type WxMessage } from '../../src/callbacks/index.js';
import { AES_KEY, APPID, BASE, NOW_MS, NOW_S, TOKEN, eventXml, plainQuery, prng, sealPush, textXml } from './helpers.js';

const SEED = Number(process.env['WXKIT_FUZZ_SEED'] ?? 20240501);
const ROUNDS = 3000;
const ALLOWED = new Set([200, 400, 401, 403, 413]);

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe(`fuzz (seed ${SEED})`, () => {
  it(`${ROUNDS} mutated and random requests`, async () => {
    const rand = prng(SEED);
    const int = (n: number): number => Math.floor(rand() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

    const safeSeen: WxMessage[] = [];
    const plainSeen: WxMessage[] = [];
    const common = { token: TOKEN, appid: APPID, now: () => NOW_MS, dedupe: false as const, maxBodyBytes: 64 * 1024, onError: () => undefined };
    const safe = createMessageHandler({
      ...common,
      encodingAESKey: AES_KEY,
      onMessage: (m) => {
        safeSeen.push(m);
      },
    });
    const plain = createMessageHandler({
      ...common,
      onMessage: (m) => {
        plainSeen.push(m);
      },
    });

    const messages = [
      textXml('fuzz 你好 🌏'),
      eventXml('CLICK'),
      JSON.stringify({ ToUserName: 'gh', FromUserName: 'u', CreateTime: 1700000000, MsgType: 'text', Content: 'json', MsgId: '1' }),
    ];
    const authentic = messages.map((m) => JSON.stringify(parseMessage(m)));

    const randomUnicode = (): string => {
      let s = '';
      for (let n = 1 + int(8); n > 0; n--) {
        const roll = rand();
        const code = roll < 0.3 ? int(0x20) : roll < 0.5 ? 0xd800 + int(0x800) : roll < 0.8 ? int(0x10000) : 0x10000 + int(0xfffff);
        s += String.fromCharCode(...(code > 0xffff ? [0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff)] : [code]));
      }
      return s;
    };
    const mutateText = (text: string): string => {
      const at = int(text.length + 1);
      switch (int(8)) {
        case 0:
          return text.slice(0, at);
        case 1:
          return `<!DOCTYPE x [<!ENTITY e "${'e'.repeat(int(50))}">]>${text}`;
        case 2:
          return text.slice(0, at) + '<!ENTITY x SYSTEM "file:///etc/passwd">' + text.slice(at);
        case 3: {
          const n = 1 + int(3000);
          return '<a>'.repeat(n) + text + '</a>'.repeat(n);
        }
        case 4:
          return text.slice(0, at) + randomUnicode() + text.slice(at);
        case 5:
          return text.slice(0, at) + text.slice(int(text.length)); // duplicate / drop a segment
        case 6:
          return text.replace(/<\/?[A-Za-z]+>/, '');
        default:
          return text.slice(0, at) + pick(['&', '&amp', '&#x0;', '<?pi?>', ']]>', '<![CDATA[', '</xml>', '"', '{', '}']) + text.slice(at);
      }
    };
    const mutateBytes = (text: string): Uint8Array => {
      const bytes = new TextEncoder().encode(text);
      for (let n = 1 + int(4); n > 0 && bytes.length > 0; n--) {
        const at = int(bytes.length);
        bytes[at] = bytes[at]! ^ (1 << int(8));
      }
      return bytes;
    };
    const mutateQuery = (query: URLSearchParams): URLSearchParams => {
      const q = new URLSearchParams(query);
      const name = pick(['signature', 'msg_signature', 'timestamp', 'nonce', 'encrypt_type']);
      const value = q.get(name) ?? '';
      const roll = int(4);
      if (roll === 0) q.delete(name);
      else if (roll === 1) q.set(name, value.slice(0, int(value.length + 1)));
      else if (roll === 2) q.set(name, String(Number(NOW_S) + pick([-100000, -301, 301, 99999999])));
      else {
        const at = int(Math.max(value.length, 1));
        q.set(name, value.slice(0, at) + pick(['0', 'a', 'f', '%', ' ']) + value.slice(at + 1));
      }
      return q;
    };

    let calledInvalid = 0;
    const statuses = new Map<number, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const which = int(messages.length);
      const encrypted = rand() < 0.6;
      const format = messages[which]!.startsWith('{') ? 'json' : 'xml';
      let query: URLSearchParams;
      let body: string | Uint8Array;
      if (encrypted) {
        const sealed = sealPush(messages[which]!, { format, compatible: format === 'xml' && rand() < 0.3, nonce: String(round) });
        query = sealed.query;
        body = sealed.body;
      } else {
        query = plainQuery(NOW_S, String(round));
        body = messages[which]!;
      }
      const mutation = int(7);
      if (mutation === 0) body = mutateText(body as string);
      else if (mutation === 1) body = mutateBytes(body as string);
      else if (mutation === 2) query = mutateQuery(query);
      else if (mutation === 3) body = (body as string).replace(/[A-Za-z0-9+/]{4}(?=[A-Za-z0-9+/=]*(\]\]>|"))/, randomUnicode().slice(0, 4) || 'AAAA');
      else if (mutation === 4) body = randomUnicode().repeat(1 + int(50));
      // Valid content padded past maxBodyBytes: must be refused although it would parse.
      else if (mutation === 5 && rand() < 0.3) body = `${body as string}${' '.repeat(65 * 1024)}`;
      // mutation 6 (and most of 5): leave the request intact (the control group).

      const request = new Request(`${BASE}?${query}`, { method: rand() < 0.97 ? 'POST' : 'GET', body: undefined });
      const withBody = request.method === 'POST' ? new Request(request, { body: body as BodyInit }) : request;
      const before = { safe: safeSeen.length, plain: plainSeen.length };
      let res: Response;
      try {
        res = await (encrypted ? safe : plain)(withBody);
      } catch (error) {
        throw new Error(`round ${round} (seed ${SEED}): handler rejected: ${String(error)}`);
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (!ALLOWED.has(res.status) && !(request.method === 'GET' && res.status === 200)) {
        throw new Error(`round ${round} (seed ${SEED}): unexpected status ${res.status}`);
      }
      await res.arrayBuffer();

      if (encrypted && safeSeen.length > before.safe) {
        // Safe mode authenticates the content: whatever reached onMessage must be the original.
        if (!authentic.includes(JSON.stringify(safeSeen.at(-1)))) calledInvalid++;
      }
      if (!encrypted && plainSeen.length > before.plain) {
        // Plain mode authenticates only the URL; the body that got through must still be well formed and signed.
        const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
        const signed = query.get('signature') === sha1Signature([TOKEN, query.get('timestamp') ?? '', query.get('nonce') ?? '']);
        let parses = true;
        try {
          parseMessage(text);
        } catch {
          parses = false;
        }
        // Declarations are refused as markup; inside CDATA or a JSON string they are just text.
        const markup = text.trimStart().startsWith('{') ? '' : text.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
        if (!signed || !parses || /<!DOCTYPE|<!ENTITY/.test(markup)) calledInvalid++;
      }
    }

    expect(calledInvalid).toBe(0);
    expect(unhandled).toEqual([]);
    // The control group and the untouched parts of mutated requests must still get through.
    expect(safeSeen.length).toBeGreaterThan(100);
    expect(plainSeen.length).toBeGreaterThan(50);
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 400, 401, 403, 413]));
  });
});
