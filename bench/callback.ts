// Callback hot path: verify msg_signature, decrypt, parse — wxkit against a hand-rolled baseline of
// plain node:crypto plus a minimal regex parser, measured in the same run. Runs alternate between
// the two and the median of three is kept, so machine noise hits both sides alike.
//
//   npx tsx bench/callback.ts [iterations]

import { createDecipheriv, createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { readEnvelope } from '../src/callbacks/envelope.js';
import { createCrypto, parseMessage } from '../src/callbacks/index.js';

import type { Row } from './lib/row.js';

export type BenchRow = Row;

const TOKEN = 'benchToken';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wx1234567890abcdef';
const TIMESTAMP = '1700000000';
const NONCE = '123456789';

interface Push {
  body: string;
  msgSignature: string;
}

function makePushes(format: 'xml' | 'json', count: number): Push[] {
  const crypto = createCrypto({ token: TOKEN, encodingAESKey: AES_KEY, receiveId: APPID });
  const pushes: Push[] = [];
  for (let i = 0; i < count; i++) {
    const inner =
      format === 'xml'
        ? `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[openid_${i}]]></FromUserName>` +
          `<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello number ${i}]]></Content>` +
          `<MsgId>${6054768590064713728n + BigInt(i)}</MsgId></xml>`
        : JSON.stringify({
            ToUserName: 'gh_account',
            FromUserName: `openid_${i}`,
            CreateTime: 1700000000,
            MsgType: 'text',
            Content: `hello number ${i}`,
            MsgId: `${6054768590064713728n + BigInt(i)}`,
          });
    const encrypt = crypto.encrypt(inner);
    const body =
      format === 'xml'
        ? `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`
        : JSON.stringify({ ToUserName: 'gh_account', Encrypt: encrypt });
    pushes.push({ body, msgSignature: crypto.signature(TIMESTAMP, NONCE, encrypt) });
  }
  return pushes;
}

// --- wxkit -----------------------------------------------------------------------------------
const wxCrypto = createCrypto({ token: TOKEN, encodingAESKey: AES_KEY, receiveId: APPID });
function viaWxkit(push: Push): unknown {
  const { encrypt } = readEnvelope(push.body);
  if (encrypt === undefined || !wxCrypto.verify(push.msgSignature, TIMESTAMP, NONCE, encrypt)) throw new Error('verify');
  return parseMessage(wxCrypto.decrypt(encrypt).message);
}

// --- baseline: what a careful hand-written handler would do ------------------------------------
const key = Buffer.from(`${AES_KEY}=`, 'base64');
const iv = key.subarray(0, 16);
const FIELD = /<(\w+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g;
function viaBaseline(push: Push): unknown {
  const encrypt = push.body.startsWith('{')
    ? (JSON.parse(push.body) as { Encrypt: string }).Encrypt
    : /<Encrypt><!\[CDATA\[(.*?)\]\]><\/Encrypt>/.exec(push.body)![1]!;
  const signature = createHash('sha1').update([TOKEN, TIMESTAMP, NONCE, encrypt].sort().join('')).digest('hex');
  if (signature !== push.msgSignature) throw new Error('verify');
  const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(encrypt, 'base64'), decipher.final()]);
  const content = plain.subarray(0, plain.length - plain[plain.length - 1]!);
  const length = content.readUInt32BE(16);
  const message = content.toString('utf8', 20, 20 + length);
  if (content.toString('utf8', 20 + length) !== APPID) throw new Error('receive id');
  if (message.startsWith('{')) return JSON.parse(message);
  const fields: Record<string, string | number> = {};
  for (const m of message.matchAll(FIELD)) fields[m[1]!] = m[2] ?? m[3]!;
  fields['CreateTime'] = Number(fields['CreateTime']);
  return fields;
}

/**
 * One measured run: both sides alternate in small batches (which side starts flips every batch),
 * so a burst of load from other processes lands on both instead of on whichever ran during it.
 */
function interleavedRun(pushes: Push[], iterations: number): { ours: number; theirs: number } {
  const batch = 250;
  let oursNs = 0n;
  let theirsNs = 0n;
  let sink = 0;
  const time = (fn: (push: Push) => unknown, offset: number, count: number): bigint => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) if (fn(pushes[(offset + i) % pushes.length]!)) sink++;
    return process.hrtime.bigint() - start;
  };
  for (let done = 0, round = 0; done < iterations; done += batch, round++) {
    const count = Math.min(batch, iterations - done);
    if (round % 2 === 0) {
      oursNs += time(viaWxkit, done, count);
      theirsNs += time(viaBaseline, done, count);
    } else {
      theirsNs += time(viaBaseline, done, count);
      oursNs += time(viaWxkit, done, count);
    }
  }
  if (sink !== iterations * 2) throw new Error('bench sanity check failed');
  return { ours: iterations / (Number(oursNs) / 1e9), theirs: iterations / (Number(theirsNs) / 1e9) };
}

export async function benchCallback({ iterations }: { iterations: number }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const format of ['xml', 'json'] as const) {
    const pushes = makePushes(format, 64);
    // Both paths must agree before their speed means anything.
    const a = viaWxkit(pushes[0]!) as Record<string, unknown>;
    const b = viaBaseline(pushes[0]!) as Record<string, unknown>;
    if (a['Content'] !== b['Content'] || a['MsgId'] !== b['MsgId']) throw new Error(`${format}: wxkit and baseline disagree`);
    interleavedRun(pushes, Math.max(500, Math.floor(iterations / 10))); // warm-up, discarded
    const runs: Array<{ ours: number; theirs: number }> = [];
    for (let run = 0; run < 3; run++) {
      runs.push(interleavedRun(pushes, iterations));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // The median run by ratio, so value and baseline come from the same run.
    const mid = [...runs].sort((a, b) => a.ours / a.theirs - b.ours / b.theirs)[1]!;
    const value = Math.round(mid.ours);
    const baseline = Math.round(mid.theirs);
    rows.push({
      name: `callback verify+decrypt+parse (${format})`,
      value,
      baseline,
      ratio: Math.round((value / baseline) * 1000) / 1000,
      goal: '>= 0.8x baseline',
      unit: 'msg/s',
    });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const iterations = Number(process.argv[2] ?? 20_000);
  for (const row of await benchCallback({ iterations })) console.log(JSON.stringify(row));
}
