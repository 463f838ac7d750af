// File storage for a single host: one JSON file per key. Writes go to a temp file that is
// renamed into place, so a reader sees the old file or the new one, never half of either.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WxStorageError } from '../errors.js';
import type { Storage, Unlock } from './types.js';

interface Record {
  value: string;
  expiresAt: number | null;
}

export function fileStorage(options: { dir: string; now?: () => number }): Storage {
  const now = options.now ?? Date.now;
  const name = `file storage (${options.dir})`;
  let ready: Promise<unknown> | undefined;
  const ensureDir = () => (ready ??= mkdir(options.dir, { recursive: true, mode: 0o700 }));
  const pathOf = (key: string) => join(options.dir, `${encodeKey(key)}.json`);

  async function readRecord(key: string): Promise<Record | undefined> {
    let text: string;
    try {
      text = await readFile(pathOf(key), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new WxStorageError(`cannot read key ${key}: ${(e as Error).message}`, name, e);
    }
    try {
      const rec = JSON.parse(text) as Record;
      if (typeof rec.value !== 'string') return undefined;
      if (rec.expiresAt !== null && rec.expiresAt <= now()) return undefined;
      return rec;
    } catch {
      // Only a file edited by hand can be unparsable (writes are atomic): treat it as absent.
      return undefined;
    }
  }

  async function writeAtomic(path: string, text: string): Promise<void> {
    await ensureDir();
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw new WxStorageError(`cannot write ${path}: ${(e as Error).message}`, name, e);
    }
  }

  return {
    name,
    async get(key) {
      return (await readRecord(key))?.value;
    },
    async set(key, value, ttlMs) {
      const rec: Record = { value, expiresAt: ttlMs === undefined ? null : now() + ttlMs };
      await writeAtomic(pathOf(key), JSON.stringify(rec));
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async deleteIf(key, expected) {
      // Rename first so that a concurrent set between our read and our delete is not lost.
      const path = pathOf(key);
      const claimed = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.del`;
      try {
        await rename(path, claimed);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw new WxStorageError(`cannot delete key ${key}: ${(e as Error).message}`, name, e);
      }
      const text = await readFile(claimed, 'utf8').catch(() => '');
      let matches = false;
      try {
        matches = (JSON.parse(text) as Record).value === expected;
      } catch {
        matches = true;
      }
      if (matches) await rm(claimed, { force: true });
      else await rename(claimed, path).catch(() => rm(claimed, { force: true }));
      return matches;
    },
    async lock(key, ttlMs): Promise<Unlock | undefined> {
      await ensureDir();
      const path = `${pathOf(key)}.lock`;
      const owner = `${process.pid}:${randomBytes(8).toString('hex')}`;
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const fh = await open(path, 'wx', 0o600);
          await fh.writeFile(JSON.stringify({ owner, expiresAt: now() + ttlMs }));
          await fh.close();
          return async () => {
            const held = await readFile(path, 'utf8').catch(() => '');
            if (held.includes(owner)) await unlink(path).catch(() => undefined);
          };
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new WxStorageError(`cannot lock ${key}: ${(e as Error).message}`, name, e);
          // A holder that crashed leaves its lock behind; reclaim it once its TTL has passed.
          const info = await stat(path).catch(() => undefined);
          const held = await readFile(path, 'utf8').catch(() => '');
          let expiresAt = info ? info.mtimeMs + ttlMs : 0;
          try {
            expiresAt = (JSON.parse(held) as { expiresAt: number }).expiresAt;
          } catch {
            /* a lock file being written right now: use its mtime */
          }
          if (expiresAt > now()) return undefined;
          await unlink(path).catch(() => undefined);
        }
      }
      return undefined;
    },
  };
}

function encodeKey(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
