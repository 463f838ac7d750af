// The `wxkit` command, run from source as a user runs it (a child process; loopback only).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const env = { ...process.env, NODE_OPTIONS: '', WXKIT_DEBUG: '' };

function wxkit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('wxkit CLI', () => {
  it('--help lists the commands', async () => {
    const r = await wxkit('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: wxkit <command>/);
    expect(r.stdout).toMatch(/^ {2}mock +Start the local WeChat simulator/m);
    expect(r.stdout).toMatch(/^ {2}hub +Start the token hub/m);
    expect(r.stdout).toContain('wxkit <command> --help');
  });

  it("<command> --help (and help <command>) prints that command's options", async () => {
    const [mock, hub, helpHub] = await Promise.all([wxkit('mock', '--help'), wxkit('hub', '-h'), wxkit('help', 'hub')]);
    expect(mock.code).toBe(0);
    expect(mock.stdout).toMatch(/^Usage: wxkit mock/);
    expect(mock.stdout).toMatch(/--port N +port to listen on/);
    expect(mock.stdout).not.toContain('--config');
    expect(hub.code).toBe(0);
    expect(hub.stdout).toMatch(/^Usage: wxkit hub --config/);
    expect(hub.stdout).toMatch(/-c, --config FILE +the hub configuration \(required\)/);
    expect(helpHub.stdout).toBe(hub.stdout);
  });

  it('reports every problem with the options at once', async () => {
    const r = await wxkit('hub', '--port', '99999', '--bogus', 'extra');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('wxkit hub: 4 problems:');
    for (const p of ['unknown option --bogus', 'unexpected argument "extra"', '--port must be a port number', '--config <hub.yaml> is required']) {
      expect(r.stderr).toContain(`  - ${p}`);
    }
    expect(r.stderr).toContain('Run "wxkit hub --help" for its options.');
  });

  it('reports option and config problems together, one line each, without printing secrets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxkit-cli-'));
    const config = join(dir, 'hub.yaml');
    writeFileSync(config, 'secret: top-secret-but-fine-length\nlisten: { port: "x" }\nstorage: { type: nope }\napps:\n  - appid: 1\n');
    const r = await wxkit('hub', '--config', config, '--port', 'abc');
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines[0]).toContain('--port must be a port number');
    expect(lines.filter((l) => l.includes(`hub config ${config}:`)).map((l) => l.split(': ')[1])).toEqual(
      expect.arrayContaining(['listen.port', 'storage.type', 'apps[0].appid']),
    );
    expect(r.stderr).not.toContain('top-secret');
  });

  it('an unknown command fails with the usage', async () => {
    const r = await wxkit('frobnicate');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('wxkit: unknown command "frobnicate"');
    expect(r.stderr).toContain('Usage: wxkit <command>');
  });

  it('mock listens on loopback and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'mock', '--port', '0', '--host', '127.0.0.1'], { cwd: root, env });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line: ${out}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) clearTimeout(timer), resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const res = await fetch(`${url}/__simulator/counters`);
    expect(res.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
