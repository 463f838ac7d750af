// Runs a command to completion and reports its wall time; a failing command is an error, never a
// fast result.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface Ran {
  ms: number;
  stdout: string;
  stderr: string;
  /** Exit code; only non-zero when `allowFailure` was given. */
  code: number;
}

export function run(
  command: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; allowFailure?: boolean } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: options.cwd ?? REPO, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', (e) => (clearTimeout(timer), reject(e)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      if (code === 0 || (options.allowFailure && code !== null)) resolve({ ms, stdout, stderr, code: code ?? 0 });
      else reject(new Error(`${[command, ...args].join(' ')} failed (${signal ?? code}): ${(stderr || stdout).trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

/** `node <tsx cli> ...`: what `npm run generate` and `npm run bench` start, minus npm itself. */
export const TSX_CLI = fileURLToPath(import.meta.resolve('tsx/cli'));
export const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
