// Preloaded into every Node child process a test spawns (the setup file adds it to NODE_OPTIONS):
// the same network guard as in the test worker. A refused attempt is reported on stderr and appended
// to the log the parent's setup file reads, so it fails the test file even if the child hid it.
import { appendFileSync } from 'node:fs';
import { CHILD_LOG_ENV, installNetworkGuard } from './network-guard.mjs';

installNetworkGuard((violation) => {
  process.stderr.write(`[wxkit tests] network guard (child process ${process.pid}): refused ${violation.what} to ${violation.target}\n`);
  const log = process.env[CHILD_LOG_ENV];
  if (!log) return;
  try {
    const entry = { ...violation, pid: process.pid, command: process.argv.slice(1).join(' ') };
    appendFileSync(log, `${JSON.stringify(entry)}\n`);
  } catch {
    // The log cannot be written (e.g. tmpdir is read-only): stderr above is all that is left.
  }
});
