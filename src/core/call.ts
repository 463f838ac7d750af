// The one function every generated endpoint and every raw request goes through: build the
// request from the descriptor, add the credential, send, turn errcodes into errors, replay once
// after a token error, retry transient failures of idempotent endpoints, validate if asked, and
// stop everything at the call's deadline.
import { callInfo, describeOutcome, nextCallId, safely } from './observe.js';
import { errorLocation, redact, WxAbortError, WxConfigError, WxNetworkError, WxTimeoutError, WxValidationError } from './errors.js';
import type { HttpRequest, TransportResponse } from '../transport/types.js';
import { WxPromise, type ResponseInfo, type WithResponse } from './promise.js';
import { encodeRequest, readUploads } from '../protocols/encode.js';
import type { Protocol, WireRequest } from '../protocols/types.js';
import { backoff, shouldRetry } from './retry.js';
import type { Runtime } from './runtime.js';
import type { CallOptions, EndpointDescriptor } from './types.js';

export function callEndpoint<R>(
  rt: Runtime,
  d: EndpointDescriptor,
  params: Record<string, unknown> | undefined,
  options: CallOptions | undefined,
): WxPromise<R> {
  return new WxPromise<R>(execute<R>(rt, d, params ?? {}, options ?? {}));
}

export async function execute<R>(rt: Runtime, d: EndpointDescriptor, params: Record<string, unknown>, options: CallOptions): Promise<WithResponse<R>> {
  if (!d.appTypes.some((t) => rt.serves.includes(t))) {
    throw new WxConfigError(`${d.id} is for ${d.appTypes.join(' / ')} apps; this client is ${rt.appType}`, { endpoint: d.id });
  }
  const missing = (d.required ?? []).filter((k) => params[k] === undefined || params[k] === null);
  if (missing.length)
    throw new WxValidationError(
      'request',
      missing.map((k) => `${k}: required`),
      d.id,
    );

  const protocol = rt.protocol(d.protocol);
  if (d.deprecated) warnDeprecated(rt, d);
  const wire = encodeRequest(d, d.form ? await readUploads(d, params) : params, rt.baseFor(d.host));
  if (options.headers) Object.assign(wire.headers, options.headers);
  if (d.clientCertificate) wire.agent = rt.clientAgent(d);
  const bound = new Deadline(options.deadlineMs ?? rt.deadlineMs, options.signal);
  try {
    return await attempts<R>(rt, d, protocol, wire, options, bound);
  } catch (error) {
    throw bound.explain(error, wire.url, d.id);
  } finally {
    bound.clear();
  }
}

async function attempts<R>(
  rt: Runtime,
  d: EndpointDescriptor,
  protocol: Protocol,
  wire: WireRequest,
  options: CallOptions,
  bound: Deadline,
): Promise<WithResponse<R>> {
  let replayed = false;
  const primary = wire.url.host;
  const { hooks, logger } = rt;
  const observed = hooks !== undefined || logger.debug !== undefined;
  const callId = observed ? nextCallId() : 0;
  for (let attempt = 1; ; attempt++) {
    if (bound.stopped) throw bound.reason;
    // Getting the credential is not retried here: a token fetch is a call of its own with its own
    // retries, and retrying it again per API attempt would multiply the two budgets. Schemes
    // overwrite what they set, so the same request can be authenticated again for a replay.
    // A token at hand comes back as a string (or undefined for schemes without one): no wait, no race.
    const pending = rt.authenticate(d.auth, wire);
    const credential = pending instanceof Promise ? await bound.race(pending) : pending;
    const info = observed ? callInfo(callId, d.id, wire.method, wire.url, attempt) : undefined;
    const started = observed ? performance.now() : 0;
    if (info && hooks?.onRequest) safely(logger, 'onRequest', () => hooks.onRequest!(info));
    try {
      const req: HttpRequest = {
        method: wire.method,
        url: wire.url,
        body: wire.body,
        headers: wire.headers,
        timeoutMs: bound.timeout(options.timeoutMs ?? rt.timeoutMs),
        endpoint: d.id,
      };
      if (options.signal) req.signal = options.signal;
      if (wire.agent !== undefined) req.agent = wire.agent;
      // Raced as well, for transports that ignore timeoutMs; the built-in ones stop on their own.
      const response = await bound.race(rt.transport.send(req));
      const data = (await protocol.decode(response, d, wire, rt.appType)) as R;
      if ((options.validation ?? rt.validation) !== 'off') await validate(rt, d, data, options);
      if (info) {
        const durationMs = Math.round(performance.now() - started);
        if (hooks?.onResponse) safely(logger, 'onResponse', () => hooks.onResponse!({ ...info, status: response.status, durationMs }));
        logger.debug?.(`[wxkit] ${d.id} ${info.method} ${info.url} attempt ${attempt} → ${response.status} (${durationMs} ms)`);
      }
      return { data, response: new AttemptResponse(response, wire.url, attempt) };
    } catch (error) {
      if (bound.stopped) throw error;
      let next: 'replay' | 'retry' | 'fail' = 'fail';
      let delay = 0;
      if (protocol.isTokenError(error) && credential !== undefined && !replayed && rt.canReplay(d.auth)) next = 'replay';
      else if (shouldRetry(error, d.idempotent, attempt, rt.retry)) {
        delay = backoff(attempt, rt.retry);
        // A retry that could not even start before the deadline would only turn a real error
        // into a timeout: report the real one.
        if (delay < bound.remaining()) next = 'retry';
      }
      if (info) {
        const durationMs = Math.round(performance.now() - started);
        if (hooks?.onError)
          safely(logger, 'onError', () => hooks.onError!({ ...info, error, durationMs, next, ...(next === 'retry' ? { retryInMs: delay } : {}) }));
        const then = next === 'replay' ? '; replaying with a fresh token' : next === 'retry' ? `; retrying in ${delay} ms` : '';
        logger.debug?.(`[wxkit] ${d.id} ${info.method} ${info.url} attempt ${attempt} → ${describeOutcome(error)} (${durationMs} ms)${then}`);
      }
      if (next === 'replay') {
        // The token we sent was refused: drop exactly that one (not a fresher one another caller
        // already stored), fetch or re-read a valid one, and send the call once more.
        replayed = true;
        await bound.race(rt.invalidateCredential(d.auth, credential!));
        continue;
      }
      if (next === 'retry') {
        // A host that did not answer at all may be the one in trouble: WeChat's backup domains
        // serve the same API, so the retry goes to the next one.
        if (error instanceof WxNetworkError || error instanceof WxTimeoutError) {
          const host = rt.nextHost(primary, wire.url.host);
          if (host) wire.url.host = host;
        }
        await bound.sleep(delay);
        continue;
      }
      throw error;
    }
  }
}

/**
 * What `.withResponse()` reports. A class, so its getters live once on the prototype: the redacted
 * URL and the Headers (the Node transports build theirs only when read) cost nothing for the
 * callers, most of them, who never ask.
 */
class AttemptResponse implements ResponseInfo {
  readonly status: number;
  readonly host: string;
  readonly attempts: number;
  readonly #response: TransportResponse;
  readonly #url: URL;
  #redacted: string | undefined;

  constructor(response: TransportResponse, url: URL, attempts: number) {
    this.status = response.status;
    this.host = url.host;
    this.attempts = attempts;
    this.#response = response;
    this.#url = url;
  }

  get headers(): Headers {
    return this.#response.headers;
  }

  get url(): string {
    return (this.#redacted ??= redact(this.#url.href));
  }

  toJSON(): ResponseInfo {
    return { status: this.status, headers: this.headers, host: this.host, url: this.url, attempts: this.attempts };
  }
}

const warned = new WeakSet<EndpointDescriptor>();

/** Once per endpoint and process: a deprecated endpoint still works, and its callers should hear of it. */
function warnDeprecated(rt: Runtime, d: EndpointDescriptor): void {
  if (warned.has(d)) return;
  warned.add(d);
  rt.logger.warn(`[wxkit] ${d.id} is deprecated: ${d.deprecated}`);
}

async function validate(rt: Runtime, d: EndpointDescriptor, data: unknown, options: CallOptions): Promise<void> {
  const mode = options.validation ?? rt.validation;
  if (mode === 'off' || !d.schema || (d.response && d.response !== 'xml')) return;
  const schema = await d.schema();
  const result = schema.safeParse(data);
  if (result.success) return;
  const issues = result.error.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
  if (mode === 'strict') throw new WxValidationError('response', issues, d.id);
  rt.logger.warn(`[wxkit] ${d.id}: response does not match the catalog schema: ${issues.join('; ')}`);
}

/**
 * Everything one call may do (wait for a token, send, replay, back off, retry) ends at the call's
 * deadline or when the caller aborts, so no part can outlive it. One timer per call, cleared when
 * the call settles, and no AbortController: the transport gets its attempt's time limit cut to
 * what is left (`timeout()`) and the caller's own signal, and waits race the deadline (`race()`).
 * An AbortController and its listeners cost more than the rest of the call loop together on Node.
 */
class Deadline {
  readonly #ms: number;
  readonly #end: number;
  readonly #caller: AbortSignal | undefined;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  #onAbort: (() => void) | undefined;
  #stopped = false;
  #reason: unknown;
  /** The reject functions of the race() calls still waiting. */
  readonly #waiting = new Set<(reason: unknown) => void>();

  constructor(ms: number, caller: AbortSignal | undefined) {
    this.#ms = ms;
    this.#end = Date.now() + ms;
    this.#caller = caller;
    if (caller?.aborted) this.#stop(caller.reason);
    else if (caller) caller.addEventListener('abort', (this.#onAbort = () => this.#stop(caller.reason)), { once: true });
    if (Number.isFinite(ms) && !this.#stopped) this.#timer = setTimeout(() => this.#stop(DEADLINE), ms);
  }

  /** True once the deadline passed or the caller aborted. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Why the call stopped: DEADLINE, or the caller's abort reason. */
  get reason(): unknown {
    return this.#reason;
  }

  #stop(reason: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reason = reason;
    for (const reject of this.#waiting) reject(reason);
    this.#waiting.clear();
  }

  remaining(): number {
    return this.#end - Date.now();
  }

  /** An attempt's time limit, cut to what is left of the deadline (at least 1 ms). */
  timeout(perAttempt: number): number {
    return Math.max(1, Math.min(perAttempt, this.remaining()));
  }

  /** Waits for `work` unless the deadline or the caller's abort comes first. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.#stopped) return Promise.reject(this.#reason);
    return new Promise<T>((resolve, reject) => {
      this.#waiting.add(reject);
      work.then(
        (v) => (this.#waiting.delete(reject), resolve(v)),
        (e: unknown) => (this.#waiting.delete(reject), reject(e)),
      );
    });
  }

  sleep(ms: number): Promise<void> {
    return this.race(new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.()));
  }

  /**
   * Turns what stopped the call into a wxkit error: a timeout at the deadline (also when the
   * transport's own timer, cut to the deadline, fired first), an abort error for the caller's signal.
   */
  explain(error: unknown, url: URL, endpoint: string): unknown {
    const deadline = this.#stopped ? this.#reason === DEADLINE : error instanceof WxTimeoutError && this.remaining() <= 0;
    if (deadline) return new WxTimeoutError(errorLocation(url), this.#ms, endpoint, 'deadline');
    if (!this.#stopped) return error;
    return new WxAbortError(endpoint, this.#caller?.reason ?? this.#reason);
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#onAbort) this.#caller?.removeEventListener('abort', this.#onAbort);
  }
}

/** The abort reason of a deadline, told apart from a caller's abort by identity. */
const DEADLINE: Error = Object.freeze(new Error('wxkit call deadline'));
