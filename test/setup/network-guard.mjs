// A network guard for the test suite: no test may talk to anything but this machine's loopback.
//
// Plain JavaScript (no TypeScript) so the same file can be preloaded into child processes the
// tests spawn (`node --import`), where no TypeScript loader may be present.
//
// What it patches, and why there:
//   * net.Socket.prototype.connect: every TCP/TLS connection in Node goes through it (net.connect,
//     net.createConnection, tls.connect, http(s).request through their agents, undici behind global
//     fetch, ioredis). msw never opens a socket for a request it answers, so a handled msw request
//     still works while anything that would really leave the machine is refused.
//   * globalThis.fetch: the same rule with a clearer error. msw, when a test starts it, wraps the
//     fetch it finds, which is this one, so again only requests msw lets through reach it.
//   * dns.lookup / dns.promises.lookup: resolving a public name is already traffic off the machine.
// A refused connection fails the way a real one does (an 'error' event, a rejected fetch), and is
// recorded: the vitest setup file fails the test, or the file, even when the code under test
// swallowed the error.

import dns from 'node:dns';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import net from 'node:net';

const STATE_KEY = Symbol.for('wxkit.test.networkGuard');

/** Shared state, on globalThis so that every copy of this module sees the same record. */
function state() {
  globalThis[STATE_KEY] ??= { installed: false, violations: [], listeners: [] };
  return globalThis[STATE_KEY];
}

/** localhost, 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z); an empty host is Node's default, localhost. */
export function isLoopbackHost(host) {
  if (host === undefined || host === null || host === '') return true;
  let h = String(host).trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === 'localhost') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && mapped[1].startsWith('127.');
  }
  return false;
}

export const BLOCKED_CODE = 'EWXKIT_NETWORK_BLOCKED';

function blockedError(what, target) {
  const error = new Error(`[wxkit tests] network guard: refused ${what} to ${target}; tests may only reach loopback (127.0.0.1, ::1, localhost)`);
  error.code = BLOCKED_CODE;
  return error;
}

function record(what, target) {
  const s = state();
  const violation = { what, target, stack: new Error('connection attempted here').stack };
  s.violations.push(violation);
  for (const listener of s.listeners) listener(violation);
  return blockedError(what, target);
}

/** Where a Socket#connect call is going: { host, port } for TCP, or { path } for a local socket. */
function connectTarget(args) {
  let first = args[0];
  // net.createConnection / http agents pass the already-normalised [options, callback] array.
  if (Array.isArray(first)) first = first[0];
  if (first !== null && typeof first === 'object') {
    if (first.path !== undefined && first.path !== null) return { path: String(first.path) };
    return { host: first.host ?? first.hostname, port: first.port };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first };
  }
  if (typeof first === 'string') return { path: first };
  return {};
}

function urlOf(input) {
  try {
    if (typeof input === 'string') return new URL(input);
    if (input instanceof URL) return input;
    if (input && typeof input.url === 'string') return new URL(input.url);
  } catch {
    // A relative or malformed URL: fetch itself will refuse it.
  }
  return undefined;
}

/**
 * Installs the guard once per process. `onViolation` (optional) is called with every refused
 * attempt, in addition to the record takeViolations() reads.
 */
export function installNetworkGuard(onViolation) {
  const s = state();
  if (onViolation) s.listeners.push(onViolation);
  if (s.installed) return;
  s.installed = true;

  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const target = connectTarget(args);
    if (target.path === undefined && !isLoopbackHost(target.host)) {
      const error = record('a connection', `${target.host}:${target.port}`);
      // Fail like an unreachable host: asynchronously, through the socket's 'error' event.
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return originalConnect.apply(this, args);
  };

  if (typeof globalThis.fetch === 'function') {
    const originalFetch = globalThis.fetch;
    globalThis.fetch = function guardedFetch(input, init) {
      const url = urlOf(input);
      if (url && (url.protocol === 'http:' || url.protocol === 'https:') && !isLoopbackHost(url.hostname)) {
        // The shape undici gives an unreachable host: TypeError('fetch failed') with the cause.
        return Promise.reject(new TypeError('fetch failed', { cause: record('a fetch', url.href) }));
      }
      return originalFetch.call(this, input, init);
    };
  }

  const originalLookup = dns.lookup;
  dns.lookup = function guardedLookup(hostname, ...rest) {
    if (!isLoopbackHost(hostname)) {
      const error = record('a DNS lookup', String(hostname));
      const callback = rest.findLast((a) => typeof a === 'function');
      if (callback) process.nextTick(() => callback(error));
      return {};
    }
    return originalLookup.call(this, hostname, ...rest);
  };
  const originalPromiseLookup = dns.promises.lookup;
  dns.promises.lookup = function guardedPromiseLookup(hostname, ...rest) {
    if (!isLoopbackHost(hostname)) return Promise.reject(record('a DNS lookup', String(hostname)));
    return originalPromiseLookup.call(this, hostname, ...rest);
  };
}

/** The refused attempts recorded so far in this process; the record is emptied. */
export function takeViolations() {
  const s = state();
  return s.violations.splice(0, s.violations.length);
}

/** Env var naming the file where guarded child processes append their refused attempts (JSON lines). */
export const CHILD_LOG_ENV = 'WXKIT_NETWORK_GUARD_LOG';

/** Refused attempts that guarded child processes logged since the last call; the log is emptied. */
export function takeChildViolations() {
  const log = process.env[CHILD_LOG_ENV];
  if (!log || !existsSync(log)) return [];
  // Move the log aside first: a child appending meanwhile starts a new file instead of being lost.
  const taken = `${log}.${process.pid}.${Date.now()}.taken`;
  renameSync(log, taken);
  const text = readFileSync(taken, 'utf8');
  rmSync(taken, { force: true });
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}
