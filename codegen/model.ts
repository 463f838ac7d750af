// The catalog after normalisation: defaults applied, shorthand expanded, path parameters derived,
// constants split out, named blocks resolved. Checks and emitters read only this, never YAML.
import type {
  AppType,
  AuthScheme,
  ErrcodeCategory,
  FieldKind,
  HttpMethod,
  PaginationStyle,
  ProtocolName,
  RequestEncoding,
  ResponseKind,
} from '../src/core/enums.js';
import type { YNode } from './load.js';

export const DEFAULT_HOST = 'api.weixin.qq.com';

/** Where a request parameter travels. */
export const PLACEMENTS = ['pathParams', 'query', 'headers', 'body', 'form'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export type ConstValue = string | number | boolean;

export interface Field {
  /** `ref`: a named type, local to the file or shared (catalog/types.yaml). */
  type: FieldKind | 'ref';
  ref?: string;
  scope?: 'local' | 'shared';
  optional: boolean;
  description?: string;
  enum?: (string | number)[];
  const?: ConstValue;
  sensitive?: boolean;
  unverified?: string;
  items?: Field;
  values?: Field;
  properties?: Record<string, Field>;
  line: number;
}

export interface NamedType {
  name: string;
  scope: 'local' | 'shared';
  field: Field;
  file: string;
  line: number;
}

export interface Param {
  name: string;
  placement: Placement;
  field: Field;
}

/** A whole block (`body: DayRange`) given as a named object type. */
export interface BlockRef {
  name: string;
  scope: 'local' | 'shared';
  line: number;
}

export interface Pagination {
  style: PaginationStyle;
  offset?: string;
  count?: string;
  cursor?: string;
  items: string;
  next?: string;
  total?: string;
  more?: string;
  line: number;
  /** Line of each key, for problems about the field it names. */
  lines: Record<string, number>;
}

export interface Endpoint {
  id: string;
  name: string;
  namespace: string;
  file: string;
  line: number;
  /** Line of each key the endpoint wrote, for problems about it. */
  lines: Record<string, number>;
  summary: string;
  docs?: string;
  method: HttpMethod;
  host: string;
  path: string;
  auth: AuthScheme;
  protocol: ProtocolName;
  appTypes: AppType[];
  idempotent: boolean;
  /** The request presents the merchant's API certificate (TLS client certificate; Pay v2 refunds, red packets, transfers). */
  clientCertificate?: boolean;
  /** multipart when the endpoint has `form:`. */
  encoding: RequestEncoding;
  response: ResponseKind;
  /** Every request parameter, constants included, in placement order. */
  params: Param[];
  /** Blocks written as a named type: their properties are in `params` too. */
  blockRefs: Partial<Record<'query' | 'body', BlockRef>>;
  /** json, xml and json_or_binary answers: the fields (errcode / errmsg left out). */
  result?: Record<string, Field>;
  resultRef?: BlockRef;
  errcodes: { code: number; line: number }[];
  example?: { value: unknown; node: YNode };
  deprecated?: string;
  unverified?: string;
  pagination?: Pagination;
}

export interface Namespace {
  file: string;
  folder: AppType;
  namespace: string;
  title: string;
  docs?: string;
  line: number;
  /** The file's app types as written (defaults first), then any an endpoint adds. */
  appTypes: AppType[];
  /** Named types declared in this file, in the order written. */
  types: NamedType[];
  endpoints: Endpoint[];
  /** The file name without `.yaml`: the module's name. */
  base: string;
}

export interface Errcode {
  code: number;
  zh?: string;
  en?: string;
  category: ErrcodeCategory;
}

export interface Catalog {
  namespaces: Namespace[];
  /** Types of catalog/types.yaml, usable by every file. */
  shared: NamedType[];
  sharedFile?: string;
  /** The meanings for official accounts, mini programs and the platform (errcodes.yaml's top level). */
  errcodes: Map<number, Errcode>;
  /** WeCom's meanings (the entries' `work:`), where they differ; some codes exist only here. */
  workErrcodes: Map<number, Errcode>;
  errcodesFile?: string;
  sources: { file: string; text: string }[];
}
