// defineEndpoint(): what every generated endpoint is made of. It only picks the arguments apart
// and hands them to the shared runtime, so behaviour is written (and tested) once.
import { callEndpoint } from './call.js';
import type { Client } from './client.js';
import { runtimeOf } from './runtime.js';
import { WxValidationError } from './errors.js';
import { WxPromise } from './promise.js';
import { itemsOf, pagesOf, type PagedFunctions, type PageItem, type PageOptions } from './paginate.js';
import type { AppType, CallOptions, EndpointDescriptor } from './types.js';

export type { BinaryResult, CallOptions, EndpointDescriptor, UploadInput } from './types.js';
export type { PageItem, PageOptions, PagedFunctions } from './paginate.js';
export { loadSchema } from './schemas.js';

export type EndpointFunction<P, R, A extends AppType> = ([P] extends [void]
  ? (client: Client<A>, options?: CallOptions) => WxPromise<R>
  : {} extends P
    ? (client: Client<A>, params?: P, options?: CallOptions) => WxPromise<R>
    : (client: Client<A>, params: P, options?: CallOptions) => WxPromise<R>) & { readonly endpoint: EndpointDescriptor };

export function defineEndpoint<P, R, A extends AppType>(descriptor: EndpointDescriptor): EndpointFunction<P, R, A> {
  // Path and header parameters count too: `DELETE /x/{id}` takes `{ id }`, not call options.
  // Constants do not: an endpoint whose every parameter is fixed is called `fn(client, options)`.
  const takesParams = [descriptor.query, descriptor.body, descriptor.form, descriptor.pathParams, descriptor.headers].some((names) =>
    names?.some((name) => descriptor.consts?.[name] === undefined),
  );
  const fn = (client: Client, a?: unknown, b?: unknown) => {
    const params = takesParams ? a : undefined;
    const options = (takesParams ? b : a) as CallOptions | undefined;
    try {
      return callEndpoint(runtimeOf(client), descriptor, paramsObject(params, descriptor), options);
    } catch (error) {
      // Bad arguments reject like any other failure instead of throwing synchronously.
      return new WxPromise(Promise.reject(error));
    }
  };
  return Object.assign(fn, { endpoint: descriptor }) as unknown as EndpointFunction<P, R, A>;
}

/**
 * A paged list endpoint: the function, plus `iterate()` over its items and `pages()` over its
 * answers. `Path` is the list in the answer; `Set` the parameters the iterator fills in itself.
 */
export function definePagedEndpoint<P, R, A extends AppType, Path extends string, Set extends string>(
  descriptor: EndpointDescriptor,
): EndpointFunction<P, R, A> & PagedFunctions<Omit<P, Set>, R, PageItem<R, Path>, A> {
  const fn = defineEndpoint<P, R, A>(descriptor);
  const check = (params: unknown) => paramsObject(params, descriptor);
  const paged = {
    // Generators, so a bad argument surfaces where the loop starts, like any page's failure.
    async *iterate(client: Client, params?: unknown, options?: PageOptions) {
      yield* itemsOf(client, descriptor, check(params), options);
    },
    async *pages(client: Client, params?: unknown, options?: PageOptions) {
      yield* pagesOf(client, descriptor, check(params), options);
    },
  };
  return Object.assign(fn, paged) as unknown as EndpointFunction<P, R, A> & PagedFunctions<Omit<P, Set>, R, PageItem<R, Path>, A>;
}

/** The caller's params, refused unless an object (or absent). */
function paramsObject(params: unknown, d: EndpointDescriptor): Record<string, unknown> | undefined {
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    throw new WxValidationError('request', [`params: expected an object, got ${Array.isArray(params) ? 'an array' : typeof params}`], d.id);
  }
  return params as Record<string, unknown> | undefined;
}
