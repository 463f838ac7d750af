// vitest setupFiles entry: every test file runs with the network guard (network-guard.mjs) on.
//
// A test that tries to reach anything but loopback gets a connection error, and fails here even
// when the code under test swallowed that error:
//   * afterEach fails the test during which the attempt was made;
//   * afterAll fails the file for attempts outside any test (hooks, module scope) and for attempts
//     made by Node child processes the tests spawned (they preload the guard through NODE_OPTIONS).
// The guard's own test (test/setup/network-guard.test.ts) takes the violations it provokes.

import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect } from 'vitest';
import { CHILD_LOG_ENV, installNetworkGuard, takeChildViolations, takeViolations, type NetworkViolation } from './network-guard.mjs';

installNetworkGuard((violation) => {
  violation.test = expect.getState().currentTestName;
});

// Child processes: preload the same guard, logging to a file this worker reads. The file only comes
// to exist when a child was refused something, and is removed when read.
process.env[CHILD_LOG_ENV] = join(tmpdir(), `wxkit-network-guard-${process.pid}-${randomBytes(6).toString('hex')}.jsonl`);
const preload = `--import=${new URL('./network-guard-child.mjs', import.meta.url).href}`;
const nodeOptions = process.env.NODE_OPTIONS ?? '';
if (!nodeOptions.includes(preload)) process.env.NODE_OPTIONS = `${nodeOptions} ${preload}`.trim();

function report(violations: NetworkViolation[], where: string): string {
  const lines = violations.map((v) => {
    const by = v.pid !== undefined ? ` (child process ${v.pid}: ${v.command ?? ''})` : v.test ? ` (in "${v.test}")` : '';
    return `  - ${v.what} to ${v.target}${by}`;
  });
  return (
    `[wxkit tests] ${where} tried to leave loopback; tests must not use the network:\n${lines.join('\n')}\n` +
    'Answer the request with an msw handler or the local simulator instead.'
  );
}

afterEach(() => {
  const violations = [...takeViolations(), ...takeChildViolations()];
  if (violations.length) throw new Error(report(violations, 'this test'));
});

afterAll(() => {
  const violations = [...takeViolations(), ...takeChildViolations()];
  if (violations.length) throw new Error(report(violations, 'this test file'));
});
