// fileStorage after crashes: a process killed at any step of set or deleteIf leaves either the old
// valid value or the new one (never nothing in place of a valid token), no orphans that outlive the
// next store opened on the directory, and no lock that makes the next writer wait.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fileStorage } from '../../src/storage/file.js';
import { deadPid } from './spawn.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wxkit-file-crash-'));
  dirs.push(d);
  return d;
};

/** Runs `op` in a child killed after its `at`th fs call; true when the op finished first. */
function crashRun(d: string, op: string, at: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      env: { ...process.env, WXKIT_CRASH_DIR: d, WXKIT_CRASH_OP: op, WXKIT_CRASH_AT: String(at) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b));
    child.stderr.on('data', (b: Buffer) => (out += b));
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(false);
      else if (code === 0 && out.includes('finished')) resolve(true);
      else reject(new Error(`crash child failed (${code ?? signal}):\n${out}`));
    });
  });
}

const leftovers = (d: string) => readdirSync(d).filter((f) => !f.endsWith('.json'));

/** Crashes `op` at every step in turn; `check` gets a fresh store on the directory the crash left. */
async function everyCrashPoint(op: string, setup: (d: string) => Promise<void>, check: (d: string, at: number) => Promise<void>): Promise<number> {
  for (let at = 1; at < 60; at++) {
    const d = dir();
    await setup(d);
    const finished = await crashRun(d, op, at);
    await check(d, at);
    if (finished) {
      console.log(`[file crash] ${op}: crashed at each of ${at - 1} fs calls, then ran to completion`);
      return at;
    }
  }
  throw new Error(`${op} never finished`);
}

describe('fileStorage crash safety', () => {
  it('a crash at any step of a non-matching deleteIf keeps the valid token', async () => {
    const points = await everyCrashPoint(
      'deleteIf:a-stale-token',
      (d) => fileStorage({ dir: d }).set('k', 'the-valid-token'),
      async (d, at) => {
        const fresh = fileStorage({ dir: d });
        expect(await fresh.get('k'), `crash after fs call ${at} lost the valid token`).toBe('the-valid-token');
        // The dead process's lock, if any, must not make this one wait.
        const t0 = performance.now();
        expect(await fresh.deleteIf!('k', 'a-stale-token')).toBe(false);
        expect(performance.now() - t0).toBeLessThan(3000);
        expect(leftovers(d), `crash after fs call ${at} left orphans`).toEqual([]);
      },
    );
    expect(points).toBeGreaterThan(1);
  }, 120_000);

  it('a crash at any step of a matching deleteIf leaves the stale token or nothing, and the store usable', async () => {
    await everyCrashPoint(
      'deleteIf:the-stale-token',
      (d) => fileStorage({ dir: d }).set('k', 'the-stale-token'),
      async (d, at) => {
        const fresh = fileStorage({ dir: d });
        expect([undefined, 'the-stale-token']).toContain(await fresh.get('k'));
        const t0 = performance.now();
        await fresh.set('k', 'next');
        expect(performance.now() - t0, `crash after fs call ${at}: the next set waited`).toBeLessThan(3000);
        expect(await fresh.get('k')).toBe('next');
        expect(leftovers(d), `crash after fs call ${at} left orphans`).toEqual([]);
      },
    );
  }, 120_000);

  it('a crash at any step of set leaves the old value or the new one, and no orphans', async () => {
    await everyCrashPoint(
      'set:new',
      (d) => fileStorage({ dir: d }).set('k', 'old'),
      async (d, at) => {
        const fresh = fileStorage({ dir: d });
        expect(['old', 'new']).toContain(await fresh.get('k'));
        expect(leftovers(d), `crash after fs call ${at} left orphans`).toEqual([]);
        const t0 = performance.now();
        await fresh.set('k', 'after');
        expect(performance.now() - t0).toBeLessThan(3000);
      },
    );
  }, 120_000);

  it("a fresh store removes temp files of dead writers and old ones, and keeps a live writer's", async () => {
    const d = dir();
    await fileStorage({ dir: d }).set('k', 'v');
    const dead = await deadPid();
    // What today's and earlier versions leave: <file>.<pid>.<random>.tmp / .del
    writeFileSync(join(d, `k.json.${dead}.0badc0de.tmp`), '{"value":"hal');
    writeFileSync(join(d, `k.json.${dead}.0badc0de.del`), '{"value":"v","expiresAt":null}');
    // This test process is alive: its fresh temp file is an in-flight write and must survive...
    writeFileSync(join(d, `k.json.${process.pid}.0000cafe.tmp`), '{"value":"in fli');
    // ...but not once it is far older than any write takes.
    const ancient = join(d, `k.json.${process.pid}.0000beef.tmp`);
    writeFileSync(ancient, '{');
    const hourAgo = (Date.now() - 3_600_000) / 1000;
    utimesSync(ancient, hourAgo, hourAgo);

    const fresh = fileStorage({ dir: d });
    expect(await fresh.get('k')).toBe('v');
    expect(leftovers(d)).toEqual([`k.json.${process.pid}.0000cafe.tmp`]);
  });

  it('deleteIf never hides or overwrites a value another store writes meanwhile', async () => {
    const d = dir();
    const a = fileStorage({ dir: d });
    const b = fileStorage({ dir: d });
    const seen: (string | undefined)[] = [];
    for (let i = 0; i < 100; i++) {
      await a.set('k', `v${i}`);
      await Promise.all([b.deleteIf!('k', 'not-the-stored-one'), a.set('k', `w${i}`), ...Array.from({ length: 3 }, async () => seen.push(await b.get('k')))]);
      expect(await b.get('k'), `round ${i}`).toBe(`w${i}`);
    }
    expect(seen).not.toContain(undefined);
  });
});
