// The one function every generated endpoint and every raw request goes through: build the
// request from the descriptor, add the credential, send, turn errcodes into errors, replay once
// after a token error, retry transient failures of idempotent endpoints, validate if asked.
import { TOKEN_ERRCODES } from './errcodes.js';
import { redact, WxApiError, WxConfigError, WxValidationError } from './errors.js';
import type { HttpRequest } from './http.js';
import { WxPromise, type ResponseInfo, type WithResponse } from './promise.js';
import { buildRequest, readUploads } from './request.js';
import { readResponse } from './response.js';
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

export async function execute<R>(
  rt: Runtime,
  d: EndpointDescriptor,
  params: Record<string, unknown>,
  options: CallOptions,
): Promise<WithResponse<R>> {
  if (!d.appTypes.some((t) => rt.serves.includes(t))) {
    throw new WxConfigError(`${d.id} is for ${d.appTypes.join(' / ')} apps; this client is ${rt.appType}`, { endpoint: d.id });
  }
  const missing = (d.required ?? []).filter((k) => params[k] === undefined || params[k] === null);
  if (missing.length) throw new WxValidationError('request', missing.map((k) => `${k}: required`), d.id);

  const base = buildRequest(rt, d, d.form ? await readUploads(d, params) : params);
  let replayed = false;
  for (let attempt = 1; ; attempt++) {
    let credential: string | undefined;
    try {
      credential = await rt.addCredential(d.auth, base.url);
      const req: HttpRequest = {
        method: d.method,
        url: base.url,
        body: base.body,
        headers: options.headers,
        timeoutMs: options.timeoutMs ?? rt.timeoutMs,
        signal: options.signal,
        endpoint: d.id,
      };
      const response = await rt.transport.send(req);
      const data = (await readResponse(response, d)) as R;
      if ((options.validation ?? rt.validation) !== 'off') await validate(rt, d, data, options);
      return { data, response: responseInfo(response, base.url, attempt) };
    } catch (error) {
      if (
        error instanceof WxApiError &&
        TOKEN_ERRCODES.has(error.errcode) &&
        credential !== undefined &&
        !replayed &&
        rt.canReplay(d.auth)
      ) {
        // The token we sent was refused: drop exactly that one (not a fresher one another caller
        // already stored), fetch or re-read a valid one, and send the call once more.
        replayed = true;
        await rt.invalidateCredential(d.auth, credential);
        continue;
      }
      if (shouldRetry(error, d.idempotent, attempt, rt.retry)) {
        await sleep(backoff(attempt, rt.retry), options.signal);
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
    get url() {
      return (redacted ??= redact(url.href));
    },
    attempts,
  };
}

async function validate(rt: Runtime, d: EndpointDescriptor, data: unknown, options: CallOptions): Promise<void> {
  const mode = options.validation ?? rt.validation;
  if (mode === 'off' || !d.schema || d.response) return;
  const schema = await d.schema();
  const result = schema.safeParse(data);
  if (result.success) return;
  const issues = result.error.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
  if (mode === 'strict') throw new WxValidationError('response', issues, d.id);
  rt.logger.warn(`[wxkit] ${d.id}: response does not match the catalog schema: ${issues.join('; ')}`);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });
}
