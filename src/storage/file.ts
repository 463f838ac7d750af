// File storage for a single host: one JSON file per key. Writes go to a temp file that is
// renamed into place, so a reader sees the old file or the new one, never half of either.
//
// Crash safety. Whatever instant a process is killed at, the directory holds, for each key, either
// the previous value file untouched, the new one, or (after a compare-and-delete that matched) no
// file where a stale value was. What a crash can leave besides is debris named after its writer
// (`<file>.<host tag>.<pid>.<random>.tmp`) and lock files naming their holder; both are recognised
// as dead by pid on this host, or by age, and removed by the next store opened on the directory or
// by the next process that wants the lock.
//
// Locks are files created atomically with their content (written to a temp file, then hard-linked
// into place, which fails if the lock exists). A lock file names its holder (pid, hostname, pid
// namespace, a random owner id) and its mtime is a lease the holder renews while it is alive. A
// waiter takes the lock over when its holder's pid is gone on this host, or when it has not been
// renewed for a whole lease; the takeover itself happens under a short-lived guard file, so two
// waiters that both judged the same lock stale cannot both take it.
import { createHash, randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { WxStorageError } from '../core/errors.js';
import type { Storage, Unlock } from './types.js';

interface Record {
  value: string;
  expiresAt: number | null;
}

/**
 * A lock lives this long past its holder's last renewal; the holder renews every third of it. It is
 * what frees the lock of a holder whose death cannot be seen from here (another host or container
 * sharing the directory, a recycled pid); a dead holder on this host is noticed at once.
 */
const LOCK_LEASE_MS = 2_500;
/** A takeover guard is held for a few file operations; one this old was left by a crash. */
const GUARD_STALE_MS = 2_000;
/** No write takes this long: older temp files are debris whoever wrote them. */
const ORPHAN_AGE_MS = 10 * 60_000;
/** The per-key write lock taken by set and deleteIf: held for one read or rename. */
const WRITE_LOCK_MAX_HOLD_MS = 10_000;
/** How long set/deleteIf wait for another process's write lock (a live holder keeps it for ms). */
const WRITE_LOCK_WAIT_MS = 15_000;

/**
 * Token storage for the processes of one host: one JSON file per key in `dir` (created 0700),
 * atomic writes, and a refresh lock that a crashed holder cannot keep.
 *
 * @example
 * ```ts
 * import { createClient, fileStorage } from 'wxkit';
 *
 * createClient({ appType: 'mini_program', appid: 'wx…', appsecret: process.env.WX_SECRET!, storage: fileStorage({ dir: '/var/lib/wxkit' }) });
 * ```
 */
export function fileStorage(options: { dir: string; now?: () => number }): Storage {
  // `now` dates values; leases and file ages use the real clock, which is what file mtimes follow.
  const now = options.now ?? Date.now;
  const name = `file storage (${options.dir})`;
  const dir = resolve(options.dir);
  let made: Promise<unknown> | undefined;
  let swept: Promise<void> | undefined;
  const pathOf = (key: string) => join(dir, `${encodeKey(key)}.json`);

  /** Creates the directory (once it works), and sweeps crash debris on first use. */
  async function ready(create: boolean): Promise<void> {
    if (create) {
      made ??= mkdir(dir, { recursive: true, mode: 0o700 }).catch((e: unknown) => {
        made = undefined;
        throw e;
      });
      await made;
    }
    await (swept ??= sweep(dir));
  }

  async function readRecord(key: string): Promise<Record | undefined> {
    await ready(false);
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

  async function writeAtomic(key: string, text: string): Promise<void> {
    const path = pathOf(key);
    const tmp = tempName(path);
    try {
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw new WxStorageError(`cannot write key ${key}: ${(e as Error).message}`, name, e);
    }
  }

  /**
   * Runs `fn` holding the key's write lock, which every writer of the value file (set, deleteIf)
   * takes: deleteIf can then read, compare and unlink with no set slipping in between. Callers in
   * this process queue in memory first, so only one of them at a time polls the lock file.
   */
  function underWriteLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const path = `${pathOf(key)}.write.lock`;
    return serialised(path, async () => {
      await ready(true).catch((e: unknown) => {
        throw new WxStorageError(`cannot write key ${key}: ${(e as Error).message}`, name, e);
      });
      const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
      let unlock: Unlock | undefined;
      for (let pause = 1; !unlock; pause = Math.min(pause * 2, 50)) {
        unlock = await tryLock(path, WRITE_LOCK_MAX_HOLD_MS).catch((e: unknown) => {
          throw new WxStorageError(`cannot write key ${key}: ${(e as Error).message}`, name, e);
        });
        if (unlock) break;
        if (Date.now() > deadline)
          throw new WxStorageError(`cannot write key ${key}: another process has held its write lock for ${WRITE_LOCK_WAIT_MS} ms`, name);
        await sleep(pause);
      }
      try {
        return await fn();
      } finally {
        await unlock().catch(() => undefined);
      }
    });
  }

  return {
    name,
    async get(key) {
      return (await readRecord(key))?.value;
    },
    async set(key, value, ttlMs) {
      const rec: Record = { value, expiresAt: ttlMs === undefined ? null : now() + ttlMs };
      await underWriteLock(key, () => writeAtomic(key, JSON.stringify(rec)));
    },
    async delete(key) {
      await ready(false);
      await rm(pathOf(key), { force: true });
    },
    async deleteIf(key, expected) {
      // Under the write lock nobody replaces the file between our read and our unlink, and the file
      // is only ever unlinked once it was seen to hold `expected`. A crash before the unlink leaves
      // the file as it was; after it, what is gone was the stale value. Never is a valid file moved
      // aside where a crash could strand it.
      return underWriteLock(key, async () => {
        let text: string;
        try {
          text = await readFile(pathOf(key), 'utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
          throw new WxStorageError(`cannot read key ${key}: ${(e as Error).message}`, name, e);
        }
        let matches: boolean;
        try {
          matches = (JSON.parse(text) as Record).value === expected;
        } catch {
          matches = true; // a file edited into junk by hand: nobody can use it either
        }
        if (!matches) return false;
        try {
          await unlink(pathOf(key));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
          throw new WxStorageError(`cannot delete key ${key}: ${(e as Error).message}`, name, e);
        }
        return true;
      });
    },
    async lock(key, ttlMs): Promise<Unlock | undefined> {
      try {
        await ready(true);
        return await tryLock(`${pathOf(key)}.lock`, ttlMs);
      } catch (e) {
        throw new WxStorageError(`cannot lock ${key}: ${(e as Error).message}`, name, e);
      }
    },
  };
}

function encodeKey(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// ---------------------------------------------------------------------------------------------
// Who we are, and whether another holder is alive

interface Holder {
  owner: string;
  pid: number;
  host: string;
  /** Linux pid namespace: containers that share a hostname and a volume do not share pids. */
  ns?: string;
  /** Unix ms at which the lock was taken (informational; the lease runs from the mtime). */
  at: number;
  leaseMs: number;
  /** Written by wxkit before leases: the lock's absolute expiry. */
  expiresAt?: number;
}

let self: { host: string; ns: string | undefined; tag: string } | undefined;
function whoami() {
  if (!self) {
    const host = hostname();
    let ns: string | undefined;
    try {
      ns = readlinkSync('/proc/self/ns/pid');
    } catch {
      ns = undefined; // not Linux: the hostname alone identifies the pid space
    }
    // Temp-file names carry this tag, so a sweep can tell which pid space their pid belongs to.
    const tag = createHash('sha256')
      .update(`${host}\0${ns ?? ''}`)
      .digest('hex')
      .slice(0, 8);
    self = { host, ns, tag };
  }
  return self;
}

/** Owner ids of the locks and guards this process holds now, whichever store took them. */
const heldHere = new Set<string>();

function sameHost(h: { host?: unknown; ns?: unknown }): boolean {
  const me = whoami();
  return h.host === me.host && (h.ns ?? undefined) === me.ns;
}

/** True only when the pid certainly names no running process here; false when unsure. */
function pidIsDead(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH'; // EPERM: alive, someone else's
  }
}

/** A holder on this host that is certainly gone: its pid is not running, or is ours but not our lock. */
function holderIsDead(h: Partial<Holder>): boolean {
  if (!sameHost(h)) return false;
  // Our own pid on a lock we do not hold was left by an earlier process that had this pid (pid 1
  // in a restarted container, say).
  if (h.pid === process.pid) return typeof h.owner !== 'string' || !heldHere.has(h.owner);
  return pidIsDead(h.pid);
}

// ---------------------------------------------------------------------------------------------
// Lock files

interface Seen {
  text: string;
  holder: Partial<Holder> | undefined;
  mtimeMs: number;
}

async function inspect(path: string): Promise<Seen | undefined> {
  let text: string;
  let mtimeMs: number;
  try {
    // stat first: a renewal between the two can only make the lock look older than it is, never
    // fresher, and a lock file replaced in between is caught by the text compare of a takeover.
    mtimeMs = (await stat(path)).mtimeMs;
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let holder: Partial<Holder> | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    holder = parsed && typeof parsed === 'object' ? (parsed as Partial<Holder>) : undefined;
  } catch {
    holder = undefined;
  }
  return { text, holder, mtimeMs };
}

function lockIsStale(seen: Seen): boolean {
  const h = seen.holder;
  if (h && holderIsDead(h)) return true;
  if (h && h.pid === undefined && typeof h.expiresAt === 'number') return Date.now() > h.expiresAt;
  const lease = h && typeof h.leaseMs === 'number' && h.leaseMs > 0 ? Math.min(h.leaseMs, 60_000) : LOCK_LEASE_MS;
  return Date.now() - seen.mtimeMs > lease;
}

function guardIsStale(seen: Seen): boolean {
  return (seen.holder !== undefined && holderIsDead(seen.holder)) || Date.now() - seen.mtimeMs > GUARD_STALE_MS;
}

/** `<target>.<host tag>.<pid>.<random>.tmp`: a name the sweep can attribute to its writer. */
function tempName(target: string): string {
  return `${target}.${whoami().tag}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Creates `path` holding `text` unless it exists; true if we created it. The content is written
 * first and hard-linked into place, so nobody ever sees the file empty or half-written.
 */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const tmp = tempName(path);
  try {
    await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
    try {
      await link(tmp, path);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    }
    // A file system without hard links: exclusive create, then fill in. A reader that catches it
    // empty treats it by age, which a lease outlasts.
    try {
      await writeFile(path, text, { mode: 0o600, flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

function holderText(owner: string, leaseMs: number): string {
  const me = whoami();
  const h: Holder = { owner, pid: process.pid, host: me.host, ...(me.ns ? { ns: me.ns } : {}), at: Date.now(), leaseMs };
  return JSON.stringify(h);
}

/**
 * Runs `fn` holding `<lock>.guard`, the mutex for replacing or removing a lock file; `{ value }`
 * unless the guard stayed busy for `waitMs`. It is held for a few file operations only.
 */
async function withGuard<T>(lockPath: string, fn: () => Promise<T>, waitMs: number): Promise<{ value: T } | undefined> {
  const guard = `${lockPath}.guard`;
  const owner = `${process.pid}:${randomBytes(8).toString('hex')}`;
  const text = holderText(owner, GUARD_STALE_MS);
  const deadline = Date.now() + waitMs;
  heldHere.add(owner);
  try {
    for (let pause = 1; ; pause = Math.min(pause * 2, 20)) {
      if (await createExclusive(guard, text)) break;
      const seen = await inspect(guard);
      if (seen && guardIsStale(seen)) await removeIfUnchanged(guard, seen);
      else if (Date.now() > deadline) return undefined;
      else await sleep(pause);
    }
    try {
      return { value: await fn() };
    } finally {
      await removeIfUnchanged(guard, { text }).catch(() => undefined);
    }
  } finally {
    heldHere.delete(owner);
  }
}

/** Unlinks `path` if it still holds `seen.text` (narrows, without closing, the window for removing a successor's file). */
async function removeIfUnchanged(path: string, seen: { text: string }): Promise<void> {
  const now = await readFile(path, 'utf8').catch(() => undefined);
  if (now === seen.text) await unlink(path).catch(() => undefined);
}

/**
 * One attempt at the lock file `path`; the unlock function, or undefined while a live holder has it.
 * `maxHoldMs` caps how long the lease is renewed, so even a holder that hangs frees the lock.
 */
async function tryLock(path: string, maxHoldMs: number): Promise<Unlock | undefined> {
  const owner = `${process.pid}:${randomBytes(8).toString('hex')}`;
  const leaseMs = Math.max(1, Math.min(Math.ceil(maxHoldMs), LOCK_LEASE_MS));
  const acquiredAt = Date.now();
  const text = holderText(owner, leaseMs);
  // Registered before the file exists, so that no instant shows our pid on a lock we do not hold.
  heldHere.add(owner);
  let held = false;
  try {
    for (let attempt = 0; attempt < 3 && !held; attempt++) {
      if (await createExclusive(path, text)) {
        held = true;
        break;
      }
      const seen = await inspect(path);
      if (!seen) continue; // released meanwhile: try again
      if (!lockIsStale(seen)) return undefined;
      // Replace the stale lock in one rename, under the guard and only if it is still the very
      // lock we judged: the lock path is never empty, so no third process slips in either.
      const took = await withGuard(
        path,
        async () => {
          const again = await inspect(path);
          if (!again) return createExclusive(path, text);
          if (again.text !== seen.text || !lockIsStale(again)) return false;
          const tmp = tempName(path);
          try {
            await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
            await rename(tmp, path);
          } catch (e) {
            await unlink(tmp).catch(() => undefined);
            throw e;
          }
          return true;
        },
        250,
      );
      if (!took) return undefined;
      held = took.value;
      if (!held) return undefined;
    }
  } finally {
    if (!held) heldHere.delete(owner);
  }
  return held ? holdLock(path, owner, leaseMs, acquiredAt + maxHoldMs) : undefined;
}

/** Renews a held lock's lease (its mtime) every third of a lease until unlocked, lost, or capped. */
function holdLock(path: string, owner: string, leaseMs: number, capAt: number): Unlock {
  let renewing = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const renew = async () => {
    if (renewing || !timer) return;
    const now = Date.now();
    if (now >= capAt) return stop();
    renewing = true;
    try {
      const seen = await inspect(path);
      if (seen?.holder?.owner !== owner) return stop(); // taken over: our lease had lapsed
      // The lease runs from the mtime; never date it so late that the lock outlives the cap.
      const t = Math.min(now, capAt - leaseMs) / 1000;
      await utimes(path, t, t);
    } catch {
      // A failed renewal: the next tick tries again while the lease still covers us.
    } finally {
      renewing = false;
    }
  };
  if (capAt - Date.now() > leaseMs) {
    timer = setInterval(() => void renew(), Math.max(10, Math.floor(leaseMs / 3)));
    // A held lock must not keep the process alive on its own.
    timer.unref();
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    stop();
    try {
      const mine = async () => {
        const seen = await inspect(path);
        if (seen?.holder?.owner === owner) await unlink(path).catch(() => undefined);
      };
      // Under the guard, so a waiter cannot take the lock over between our check and our unlink;
      // if the guard stays busy, check and unlink without it rather than leave the lock to lapse.
      if (!(await withGuard(path, mine, 1_000).catch(() => undefined))) await mine().catch(() => undefined);
    } finally {
      heldHere.delete(owner);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Crash debris

const TEMP = /\.(?:json|lock|guard)\.(?:([0-9a-f]{8})\.)?(\d+)\.[0-9a-f]+\.(?:tmp|del)$/;

/**
 * Removes what crashed processes left in `dir`: temp files (and the `.del` files of earlier
 * versions) whose writer's pid is dead on this host or that are older than any write takes, stale
 * lock files and guards. A live writer's in-flight temp file is left alone. Best effort: a failure
 * here never fails the caller.
 */
async function sweep(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const me = whoami();
  await Promise.all(
    names.map(async (file) => {
      const path = join(dir, file);
      try {
        const temp = TEMP.exec(file);
        if (temp) {
          const [, tag, pid] = temp;
          const mtimeMs = (await stat(path)).mtimeMs;
          // Names without a tag come from versions that wrote only a pid: they ran on this host.
          const here = tag === undefined || tag === me.tag;
          const dead = here && Number(pid) !== process.pid && pidIsDead(Number(pid));
          if (dead || Date.now() - mtimeMs > ORPHAN_AGE_MS) await rm(path, { force: true });
        } else if (file.endsWith('.lock.guard')) {
          const seen = await inspect(path);
          if (seen && guardIsStale(seen)) await removeIfUnchanged(path, seen);
        } else if (file.endsWith('.lock')) {
          const seen = await inspect(path);
          if (!seen || !lockIsStale(seen)) return;
          await withGuard(
            path,
            async () => {
              const again = await inspect(path);
              if (again && again.text === seen.text && lockIsStale(again)) await unlink(path);
            },
            250,
          );
        }
      } catch {
        // Someone else removed or replaced it meanwhile, or it is not ours to touch: leave it.
      }
    }),
  );
}

// ---------------------------------------------------------------------------------------------

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call for the same `id` in this process has settled. */
function serialised<T>(id: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(id) ?? Promise.resolve()).then(fn);
  const tail = run.catch(() => undefined);
  queues.set(id, tail);
  void tail.then(() => {
    if (queues.get(id) === tail) queues.delete(id);
  });
  return run;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
