// A minimal X.509 v3 certificate writer (DER): Node can parse certificates but not issue them, and
// the simulator's platform certificates (and the tests' own) need real, verifiable ones. RSA keys,
// SHA256withRSA, a CN-only subject and issuer, no extensions.
import { sign as rsaSign, type KeyObject } from 'node:crypto';

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => der(0x31, Buffer.concat(parts));
function integer(hex: string): Buffer {
  let bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return der(0x02, bytes);
}
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const v of rest) {
    const groups = [v & 0x7f];
    for (let x = v >>> 7; x > 0; x >>>= 7) groups.unshift((x & 0x7f) | 0x80);
    out.push(...groups);
  }
  return der(0x06, Buffer.from(out));
}
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}
const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), der(0x0c, Buffer.from(cn)))));

export interface CertificateOptions {
  /** The serial number, hex. */
  serial: string;
  /** The certified public key. */
  subjectKey: KeyObject;
  /** The issuer's private key, which signs. */
  issuerKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  issuerCn: string;
  subjectCn: string;
}

/** A PEM certificate for `subjectKey`, signed by `issuerKey`. */
export function x509Certificate(o: CertificateOptions): string {
  const tbs = seq(
    der(0xa0, integer('02')),
    integer(o.serial),
    SHA256_RSA,
    name(o.issuerCn),
    seq(time(o.notBefore), time(o.notAfter)),
    name(o.subjectCn),
    o.subjectKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = rsaSign('sha256', tbs, o.issuerKey);
  const body = seq(tbs, SHA256_RSA, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
