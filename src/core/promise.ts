// What every call returns: await it for the parsed data, or ask for the raw HTTP response too.
// The request starts at once; the parsed-data promise is created only when someone awaits it,
// so a caller using only `.withResponse()` leaves no unhandled rejection behind.

export interface ResponseInfo {
  status: number;
  headers: Headers;
  /** The host that answered: the endpoint's own, or a backup host after a network failure. */
  host: string;
  /** The request URL with credentials replaced by `***`. */
  url: string;
  /** Which attempt succeeded (1 = first); a token replay or a retry adds one. */
  attempts: number;
}

export interface WithResponse<T> {
  data: T;
  response: ResponseInfo;
}

export class WxPromise<T> extends Promise<T> {
  #raw: Promise<WithResponse<T>>;
  #data: Promise<T> | undefined;

  constructor(raw: Promise<WithResponse<T>>) {
    super(() => {});
    this.#raw = raw;
    // Errors surface through whichever promise the caller awaits.
    raw.catch(() => {});
  }

  static override get [Symbol.species]() {
    return Promise;
  }

  /** The parsed data together with status, headers and the redacted URL. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#raw;
  }

  #parsed(): Promise<T> {
    this.#data ??= this.#raw.then((r) => r.data);
    return this.#data;
  }

  // `reason: any`, exactly as lib.es5's Promise declares it: with `unknown`, a handler written for
  // any other promise, `.catch((e: Error) => …)`, would not compile against a wxkit call.
  override then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    // biome-ignore lint/suspicious/noExplicitAny: mirrors Promise.prototype.then's own signature
    onrejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#parsed().then(onfulfilled, onrejected);
  }

  // biome-ignore lint/suspicious/noExplicitAny: mirrors Promise.prototype.catch's own signature
  override catch<B = never>(onrejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.#parsed().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#parsed().finally(onfinally);
  }
}
