// hub.yaml / hub.json: validated with zod, secrets read from the environment when asked to
// (`secretEnv`, `appsecretEnv`, `urlEnv`). Errors name the field and never echo a value.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { APPID } from '../core/appid.js';
import { WxConfigError } from '../core/errors.js';
import { fileStorage } from '../storage/file.js';
import { memoryStorage } from '../storage/memory.js';
import { redisStorage } from '../storage/redis.js';
import type { Storage } from '../storage/types.js';
import type { HubCommonApp } from './common-apps.js';
import type { HubComponentApp } from './create-hub.js';
import { parseReturnUrls, type HubOAuthOptions } from './oauth-springboard.js';
import type { HubWorkCorpApp, HubWorkSuite } from './work-apps.js';

const appid = z.string().regex(APPID, 'must be 4 to 64 letters, digits or underscores');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

const AppSchema = z
  .strictObject({
    appid,
    appType: z.enum(['official_account', 'mini_program']).default('official_account'),
    appsecret: z.string().min(1).optional(),
    appsecretEnv: envName.optional(),
    tokenEndpoint: z.enum(['token', 'stable_token']).optional(),
    tickets: z.array(z.enum(['jsapi', 'wx_card'])).optional(),
  })
  .refine((a) => Boolean(a.appsecret) !== Boolean(a.appsecretEnv), { message: 'give exactly one of appsecret or appsecretEnv', path: ['appsecret'] })
  .refine((a) => !a.tickets?.length || a.appType === 'official_account', { message: 'only official accounts have tickets', path: ['tickets'] });

const ComponentSchema = z
  .looseObject({
    appid,
    appsecret: z.string().min(1).optional(),
    appsecretEnv: envName.optional(),
  })
  .refine((a) => Boolean(a.appsecret) !== Boolean(a.appsecretEnv), { message: 'give exactly one of appsecret or appsecretEnv', path: ['appsecret'] });

const oneOf = (value: string, env: string) => (a: Record<string, unknown>) => Boolean(a[value]) !== Boolean(a[env]);
const oneOfMessage = (value: string, env: string) => ({ message: `give exactly one of ${value} or ${env}`, path: [value] });

const WorkAppSchema = z
  .strictObject({
    corpid: appid,
    /** The agentid, or a label for a built-in app (contacts, customer contact) with no agent. */
    agentid: z.union([z.number().int().positive(), z.string().regex(/^[\w-]{1,32}$/, 'must be the agentid or a label of letters, digits, _ or -')]),
    corpsecret: z.string().min(1).optional(),
    corpsecretEnv: envName.optional(),
    tickets: z.array(z.enum(['jsapi', 'agent_config'])).optional(),
  })
  .refine(oneOf('corpsecret', 'corpsecretEnv'), oneOfMessage('corpsecret', 'corpsecretEnv'));

const SuiteSchema = z
  .strictObject({
    suiteId: appid,
    suiteSecret: z.string().min(1).optional(),
    suiteSecretEnv: envName.optional(),
    token: z.string().min(1).optional(),
    tokenEnv: envName.optional(),
    encodingAESKey: z.string().length(43, 'must be 43 characters').optional(),
    encodingAESKeyEnv: envName.optional(),
    providerCorpid: appid.optional(),
  })
  .refine(oneOf('suiteSecret', 'suiteSecretEnv'), oneOfMessage('suiteSecret', 'suiteSecretEnv'))
  .refine(oneOf('token', 'tokenEnv'), oneOfMessage('token', 'tokenEnv'))
  .refine(oneOf('encodingAESKey', 'encodingAESKeyEnv'), oneOfMessage('encodingAESKey', 'encodingAESKeyEnv'));

const WorkSchema = z
  .strictObject({ apps: z.array(WorkAppSchema).default([]), suites: z.array(SuiteSchema).default([]) })
  .refine((w) => new Set(w.apps.map((a) => `${a.corpid}/${a.agentid}`)).size === w.apps.length, {
    message: 'a WeCom app (corpid + agentid) appears twice',
    path: ['apps'],
  })
  .refine((w) => new Set(w.suites.map((a) => a.suiteId)).size === w.suites.length, { message: 'a suiteId appears twice', path: ['suites'] });

const StorageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('memory') }),
  z.strictObject({ type: z.literal('file'), dir: z.string().min(1) }),
  z
    .strictObject({
      type: z.literal('redis'),
      url: z
        .string()
        .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
        .optional(),
      urlEnv: envName.optional(),
      keyPrefix: z.string().optional(),
    })
    .refine((s) => Boolean(s.url) !== Boolean(s.urlEnv), { message: 'give exactly one of url or urlEnv', path: ['url'] }),
]);

export const HubConfigSchema = z
  .strictObject({
    listen: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8720),
      })
      .prefault({}),
    secret: z.string().min(16, 'must be at least 16 characters').optional(),
    secretEnv: envName.optional(),
    storage: StorageSchema.default({ type: 'memory' }),
    apps: z.array(AppSchema).default([]),
    components: z.array(ComponentSchema).default([]),
    /** WeCom: self-built apps and suites. */
    work: WorkSchema.optional(),
    refresh: z
      .strictObject({
        enabled: z.boolean().default(true),
        marginSeconds: z.number().positive().max(7000).default(600),
        retrySeconds: z.number().positive().default(30),
        /** A client's report of the current token within this long of the last forced refresh gets it back unchanged. */
        forcedIntervalSeconds: z.number().min(0).default(5),
      })
      .prefault({}),
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://api.weixin.qq.com'),
    /** Web-OAuth springboard: the hub's public /oauth2/callback URL and the business servers' return URLs. */
    oauth: z
      .strictObject({
        callbackUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
        returnUrls: z.array(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })).min(1),
        stateTtlSeconds: z.number().positive().max(3600).optional(),
      })
      .optional(),
  })
  .refine((c) => Boolean(c.secret) !== Boolean(c.secretEnv), { message: 'give exactly one of secret or secretEnv', path: ['secret'] })
  .refine((c) => c.apps.length + c.components.length + (c.work?.apps.length ?? 0) + (c.work?.suites.length ?? 0) > 0, {
    message: 'configure at least one app',
    path: ['apps'],
  })
  .refine((c) => new Set(c.apps.map((a) => a.appid)).size === c.apps.length, { message: 'an appid appears twice', path: ['apps'] });

export type HubConfigInput = z.input<typeof HubConfigSchema>;

/** The configuration with every secret resolved; never print it. */
export interface HubConfig {
  listen: { host: string; port: number };
  secret: string;
  storage: { type: 'memory' } | { type: 'file'; dir: string } | { type: 'redis'; url: string; keyPrefix?: string };
  apps: HubCommonApp[];
  components: HubComponentApp[];
  /** Present when the file has a `work:` section; pass it to createHub as `work`. */
  work?: { apps: HubWorkCorpApp[]; suites: HubWorkSuite[] };
  refresh: { enabled: boolean; marginSeconds: number; retrySeconds: number; forcedIntervalSeconds: number };
  baseUrl: string;
  /** Present when the file has an `oauth:` section; pass it to createHub as `oauth`. */
  oauth?: HubOAuthOptions;
}

/** Reads and validates a YAML or JSON hub configuration. Relative paths resolve from its folder. */
export async function loadHubConfig(path: string, env: Record<string, string | undefined> = process.env): Promise<HubConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new WxConfigError(`hub config: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both.
    data = parseYaml(text);
  } catch (e) {
    throw new WxConfigError(`hub config ${path}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseHubConfig(data, { env, baseDir: dirname(resolve(path)), source: path });
}

export function parseHubConfig(data: unknown, options: { env?: Record<string, string | undefined>; baseDir?: string; source?: string } = {}): HubConfig {
  const env = options.env ?? process.env;
  const where = options.source ? `hub config ${options.source}` : 'hub config';
  const parsed = HubConfigSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new WxConfigError(`${where}: ${issues.join('; ')}`);
  }
  const c = parsed.data;
  const problems: string[] = [];
  const fromEnv = (field: string, name: string | undefined, value: string | undefined): string => {
    if (value) return value;
    const v = name ? env[name] : undefined;
    if (!v) problems.push(`${field}: environment variable ${name} is not set`);
    return v ?? '';
  };
  const secret = fromEnv('secretEnv', c.secretEnv, c.secret);
  if (c.secretEnv && secret && secret.length < 16) problems.push(`secretEnv: the secret in ${c.secretEnv} must be at least 16 characters`);
  const apps: HubCommonApp[] = c.apps.map((a, i) => ({
    appid: a.appid,
    appType: a.appType,
    appsecret: fromEnv(`apps[${i}].appsecretEnv`, a.appsecretEnv, a.appsecret),
    ...(a.tokenEndpoint ? { tokenEndpoint: a.tokenEndpoint } : {}),
    ...(a.tickets ? { tickets: a.tickets } : {}),
  }));
  const components: HubComponentApp[] = c.components.map((comp, i) => {
    const { appsecretEnv, ...rest } = comp;
    return { ...rest, appid: comp.appid, appsecret: fromEnv(`components[${i}].appsecretEnv`, appsecretEnv as string | undefined, comp.appsecret) };
  });
  const work: HubConfig['work'] = c.work && {
    apps: c.work.apps.map((a, i) => ({
      corpid: a.corpid,
      agentid: a.agentid,
      corpsecret: fromEnv(`work.apps[${i}].corpsecretEnv`, a.corpsecretEnv, a.corpsecret),
      ...(a.tickets ? { tickets: a.tickets } : {}),
    })),
    suites: c.work.suites.map((su, i) => {
      const encodingAESKey = fromEnv(`work.suites[${i}].encodingAESKeyEnv`, su.encodingAESKeyEnv, su.encodingAESKey);
      if (su.encodingAESKeyEnv && encodingAESKey && encodingAESKey.length !== 43)
        problems.push(`work.suites[${i}].encodingAESKeyEnv: the key in ${su.encodingAESKeyEnv} must be 43 characters`);
      return {
        suiteId: su.suiteId,
        suiteSecret: fromEnv(`work.suites[${i}].suiteSecretEnv`, su.suiteSecretEnv, su.suiteSecret),
        token: fromEnv(`work.suites[${i}].tokenEnv`, su.tokenEnv, su.token),
        encodingAESKey,
        ...(su.providerCorpid ? { providerCorpid: su.providerCorpid } : {}),
      };
    }),
  };
  let storage: HubConfig['storage'];
  if (c.storage.type === 'redis') {
    const url = fromEnv('storage.urlEnv', c.storage.urlEnv, c.storage.url);
    if (url && !/^rediss?:\/\//.test(url)) problems.push(`storage.urlEnv: ${c.storage.urlEnv} must hold a redis:// or rediss:// URL`);
    storage = { type: 'redis', url, ...(c.storage.keyPrefix !== undefined ? { keyPrefix: c.storage.keyPrefix } : {}) };
  } else if (c.storage.type === 'file') {
    storage = { type: 'file', dir: resolve(options.baseDir ?? process.cwd(), c.storage.dir) };
  } else {
    storage = { type: 'memory' };
  }
  if (c.oauth) {
    try {
      parseReturnUrls(c.oauth.returnUrls, 'oauth.returnUrls');
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length) throw new WxConfigError(`${where}: ${problems.join('; ')}`);
  const oauth: HubOAuthOptions | undefined = c.oauth && {
    callbackUrl: c.oauth.callbackUrl,
    returnUrls: c.oauth.returnUrls,
    ...(c.oauth.stateTtlSeconds !== undefined ? { stateTtlSeconds: c.oauth.stateTtlSeconds } : {}),
  };
  return {
    listen: c.listen,
    secret,
    storage,
    apps,
    components,
    ...(work ? { work } : {}),
    refresh: c.refresh,
    baseUrl: c.baseUrl,
    ...(oauth ? { oauth } : {}),
  };
}

/** The storage a configuration asks for. Call `close()` on it (when present) at shutdown. */
export function storageFromConfig(config: HubConfig['storage']): Storage & { close?(): Promise<void> } {
  if (config.type === 'redis') return redisStorage({ url: config.url, keyPrefix: config.keyPrefix });
  if (config.type === 'file') return fileStorage({ dir: config.dir });
  return memoryStorage();
}

function formatPath(path: readonly PropertyKey[]): string {
  if (!path.length) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
