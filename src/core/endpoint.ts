// defineEndpoint(): what every generated endpoint is made of. It only picks the arguments apart
// and hands them to the shared runtime, so behaviour is written (and tested) once.
import { callEndpoint } from './call.js';
import type { Client } from './client.js';
import { runtimeOf } from './runtime.js';
import { WxValidationError } from './errors.js';
import { WxPromise } from './promise.js';
import type { AppType, CallOptions, EndpointDescriptor } from './types.js';

export type { BinaryResult, CallOptions, EndpointDescriptor, UploadInput } from './types.js';

export type EndpointFunction<P, R, A extends AppType> = ([P] extends [void]
  ? (client: Client<A>, options?: CallOptions) => WxPromise<R>
  : {} extends P
    ? (client: Client<A>, params?: P, options?: CallOptions) => WxPromise<R>
    : (client: Client<A>, params: P, options?: CallOptions) => WxPromise<R>) & { readonly endpoint: EndpointDescriptor };

export function defineEndpoint<P, R, A extends AppType>(descriptor: EndpointDescriptor): EndpointFunction<P, R, A> {
  // Path and header parameters count too: `DELETE /x/{id}` takes `{ id }`, not call options.
  const takesParams = Boolean(descriptor.query || descriptor.body || descriptor.form || descriptor.pathParams || descriptor.headers);
  const fn = (client: Client, a?: unknown, b?: unknown) => {
    const params = takesParams ? a : undefined;
    const options = (takesParams ? b : a) as CallOptions | undefined;
    try {
      if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
        throw new WxValidationError('request', [`params: expected an object, got ${Array.isArray(params) ? 'an array' : typeof params}`], descriptor.id);
      }
      return callEndpoint(runtimeOf(client), descriptor, params as Record<string, unknown> | undefined, options);
    } catch (error) {
      // Bad arguments reject like any other failure instead of throwing synchronously.
      return new WxPromise(Promise.reject(error));
    }
  };
  return Object.assign(fn, { endpoint: descriptor }) as unknown as EndpointFunction<P, R, A>;
}
