import type { AppType, AuthScheme, HttpMethod, ProtocolName, RequestEncoding, ResponseKind } from '../core/enums.js';
import type { PaginationDescriptor } from '../core/types.js';

/** A catalog field as the registry carries it: named types written out (see catalog/README.md). */
export interface RegistryField {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'any' | 'file' | 'object' | 'array' | 'map';
  /** Absent means required. */
  optional?: boolean;
  description?: string;
  enum?: readonly (string | number)[];
  /** A fixed value the runtime sends itself (`grant_type`); callers never pass it. */
  const?: string | number | boolean;
  /** The protocol encrypts this parameter before sending it (Pay). */
  sensitive?: boolean;
  /** What about this field the official docs do not confirm. */
  unverified?: string;
  items?: RegistryField;
  values?: RegistryField;
  properties?: Readonly<Record<string, RegistryField>>;
}

/** How an endpoint pages: the descriptor's own shape (see PaginationDescriptor). */
export type RegistryPagination = PaginationDescriptor;

type Fields = Readonly<Record<string, RegistryField>>;

export interface RegistryEntry {
  id: string;
  namespace: string;
  name: string;
  summary: string;
  docs?: string;
  appTypes: readonly AppType[];
  method: HttpMethod;
  host: string;
  /** May hold `{name}` placeholders, filled from `params.pathParams`. */
  path: string;
  auth: AuthScheme;
  protocol: ProtocolName;
  idempotent: boolean;
  /** The request presents the merchant's API certificate (TLS client certificate). */
  clientCertificate?: boolean;
  /** How the body is encoded: multipart for `form` endpoints, json for those without a body. */
  encoding: RequestEncoding;
  response: ResponseKind;
  /** Every parameter by where it travels; header parameters are keyed by header name. */
  params: { pathParams: Fields; query: Fields; headers: Fields; body: Fields; form: Fields };
  /** json, xml and json_or_binary answers: the answer's fields, errcode / errmsg left out. */
  result?: Fields;
  errcodes?: readonly number[];
  /** Why, and what replaces it. */
  deprecated?: string;
  /** What about this endpoint the official docs do not confirm. */
  unverified?: string;
  pagination?: RegistryPagination;
  /** Module path inside generated/, e.g. `official-account/material`. */
  module: string;
}
