// The one function every generated endpoint and every raw request goes through: build the
// request from the descriptor, add the credential, send, turn errcodes into errors, replay once
// after a token error, retry transient failures of idempotent endpoints, validate if asked, and
// stop everything at the call's deadline.
import { callInfo, describeOutcome, safely } from './observe.js';
import { CREDENTIAL_NAMES, credentialValues, redact, WxAbortError, WxConfigError, WxNetworkError, WxTimeoutError, WxValidationError } from './errors.js';
import type { HttpRequest } from '../transport/fetch.js';
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
  for (let attempt = 1; ; attempt++) {
    if (bound.signal.aborted) throw bound.signal.reason;
    // Getting the credential is not retried here: a token fetch is a call of its own with its own
    // retries, and retrying it again per API attempt would multiply the two budgets. Schemes
    // overwrite what they set, so the same request can be authenticated again for a replay.
    const credential = await bound.race(rt.authenticate(d.auth, wire));
    const info = observed ? callInfo(d.id, wire.method, wire.url, attempt) : undefined;
    const started = observed ? performance.now() : 0;
    if (info && hooks?.onRequest) safely(logger, 'onRequest', () => hooks.onRequest!(info));
    try {
      const req: HttpRequest = {
        method: wire.method,
        url: wire.url,
        body: wire.body,
        headers: wire.headers,
        timeoutMs: options.timeoutMs ?? rt.timeoutMs,
        signal: bound.signal,
        endpoint: d.id,
        ...(wire.agent !== undefined ? { agent: wire.agent } : {}),
      };
      const response = await rt.transport.send(req);
      const data = (await protocol.decode(response, d, wire, requestCredentials(wire), rt.appType)) as R;
      if ((options.validation ?? rt.validation) !== 'off') await validate(rt, d, data, options);
      if (info) {
        const durationMs = Math.round(performance.now() - started);
        if (hooks?.onResponse) safely(logger, 'onResponse', () => hooks.onResponse!({ ...info, status: response.status, durationMs }));
        logger.debug?.(`[wxkit] ${d.id} ${info.method} ${info.url} attempt ${attempt} → ${response.status} (${durationMs} ms)`);
      }
      return { data, response: responseInfo(response, wire.url, attempt) };
    } catch (error) {
      if (bound.signal.aborted) throw error;
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

/** The redacted URL is built only if someone reads it: most callers never ask for the response. */
function responseInfo(response: Response, url: URL, attempts: number): ResponseInfo {
  let redacted: string | undefined;
  return {
    status: response.status,
    headers: response.headers,
    host: url.host,
    get url() {
      return (redacted ??= redact(url.href));
    },
    attempts,
  };
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
 * Everything one call may do (wait for a token, send, replay, back off, retry) happens under one
 * signal that fires at the call's deadline or when the caller aborts, so no part can outlive it.
 * One timer per call, cleared when the call settles.
 */
class Deadline {
  readonly signal: AbortSignal;
  readonly #ms: number;
  readonly #end: number;
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #caller: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  constructor(ms: number, caller: AbortSignal | undefined) {
    this.#ms = ms;
    this.#end = Date.now() + ms;
    this.#caller = caller;
    this.signal = this.#controller.signal;
    if (caller?.aborted) this.#controller.abort(caller.reason);
    else if (caller) caller.addEventListener('abort', (this.#onAbort = () => this.#controller.abort(caller.reason)), { once: true });
    if (Number.isFinite(ms) && !this.signal.aborted) {
      this.#timer = setTimeout(() => this.#controller.abort(DEADLINE), ms);
    }
  }

  remaining(): number {
    return this.#end - Date.now();
  }

  /** Waits for `work` unless the deadline or the caller's abort comes first. */
  race<T>(work: Promise<T>): Promise<T> {
    const signal = this.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
        (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
      );
    });
  }

  sleep(ms: number): Promise<void> {
    return this.race(new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.()));
  }

  /** Turns what stopped the call into a wxkit error: a timeout at the deadline, an abort error for the caller's signal. */
  explain(error: unknown, url: URL, endpoint: string): unknown {
    if (!this.signal.aborted) return error;
    if (this.signal.reason === DEADLINE) return new WxTimeoutError(redact(`${url.origin}${url.pathname}`), this.#ms, endpoint, 'deadline');
    return new WxAbortError(endpoint, this.#caller?.reason ?? this.signal.reason);
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#onAbort) this.#caller?.removeEventListener('abort', this.#onAbort);
  }
}

/** The abort reason of a deadline, told apart from a caller's abort by identity. */
const DEADLINE: Error = Object.freeze(new Error('wxkit call deadline'));

const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set(CREDENTIAL_NAMES);

/**
 * The credential values a request carries, in its query and in its body's top-level fields
 * (get_suite_token's suite_ticket, get_corp_token's permanent_code…), so an errmsg that echoes one
 * without its name still has it redacted.
 */
function requestCredentials(wire: { url: URL; fields?: Record<string, unknown> }): string[] {
  const out = credentialValues(wire.url);
  for (const [name, value] of Object.entries(wire.fields ?? {})) if (typeof value === 'string' && CREDENTIAL_FIELDS.has(name)) out.push(value);
  return out;
}
