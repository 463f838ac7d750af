// Real PNG bytes for the simulator's image endpoints (mini program codes, QR codes, media), so
// callers exercise the same binary path as with WeChat: a grayscale finder-pattern picture.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A `modules`×`modules` code-like picture, each module `scale` pixels, seeded by `seed`. */
export function codePng(seed: string, modules = 21, scale = 8): Buffer {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  const dark = (x: number, y: number): boolean => {
    const finder = (fx: number, fy: number) => {
      const dx = x - fx;
      const dy = y - fy;
      if (dx < 0 || dy < 0 || dx > 6 || dy > 6) return undefined;
      const ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3));
      return ring !== 2;
    };
    const f = finder(0, 0) ?? finder(modules - 7, 0) ?? finder(0, modules - 7);
    if (f !== undefined) return f;
    h = Math.imul(h ^ (x * 31 + y), 2654435761) >>> 0;
    return (h & 1) === 1;
  };
  const size = modules * scale;
  const raw = Buffer.alloc((size + 1) * size, 255);
  for (let my = 0; my < modules; my++) {
    for (let mx = 0; mx < modules; mx++) {
      if (!dark(mx, my)) continue;
      for (let py = 0; py < scale; py++) {
        const row = (my * scale + py) * (size + 1);
        raw.fill(0, row + 1 + mx * scale, row + 1 + (mx + 1) * scale);
      }
    }
  }
  for (let y = 0; y < size; y++) raw[y * (size + 1)] = 0; // filter byte: none
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
