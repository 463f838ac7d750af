// What a component keeps in its storage besides the token records (see keys.ts): the verify
// ticket, the authorizers' refresh tokens (durable: losing one means the account must authorize
// again, unless WeChat's authorizer list still has it), their records and the index of them, and
// the marks of authorizers found to have revoked their authorization.
import { AuthCodeMemo, IdIndex } from '../storage/id-index.js';
import type { Storage } from '../storage/types.js';
import type { ComponentKeys } from './keys.js';

export type AuthorizerAppType = 'official_account' | 'mini_program';

/** What the component stores for an authorizer (a JSON record; tokens are kept apart). */
export interface AuthorizerRecord {
  componentAppid: string;
  authorizerAppid: string;
  /** From api_get_authorizer_info (MiniProgramInfo present → mini program); absent when unknown. */
  appType?: AuthorizerAppType;
  /** Permission set ids (funcscope_category.id) granted. */
  funcInfo: number[];
  /** Unix ms of the first authorization seen. */
  authorizedAt: number;
  /** Unix ms of the last authorization or update. */
  updatedAt: number;
  nickName?: string;
  /** The original id (gh_…): ToUserName of the messages sent to this account. */
  userName?: string;
  principalName?: string;
  /** The whole `authorizer_info` of api_get_authorizer_info, when it could be read. */
  info?: Record<string, unknown>;
}

export interface StoredTicket {
  ticket: string;
  /** Unix seconds from the push. */
  createTime: number;
  /** Unix ms at which this process stored it. */
  receivedAt: number;
}

/**
 * An authorizer WeChat showed to have cancelled its authorization (its refresh token refused and
 * WeChat's authorizer list without it) although no `unauthorized` push arrived. Kept until it
 * authorizes again, so its calls fail here instead of asking WeChat again and again.
 */
export interface RevokedMark {
  /** Unix ms at which it was found out. */
  revokedAt: number;
  /** WeChat's answer that showed it (61023, 61003, 40030), redacted. */
  errcode: number;
  errmsg: string;
}

/** WeChat's verify ticket is valid for 12 hours. */
export const TICKET_TTL_MS = 12 * 3600_000;

export class ComponentStore {
  readonly storage: Storage;
  readonly keys: ComponentKeys;
  readonly #now: () => number;

  readonly #index: IdIndex;
  readonly #codes: AuthCodeMemo;

  constructor(storage: Storage, keys: ComponentKeys, componentAppid: string, now: () => number) {
    this.storage = storage;
    this.keys = keys;
    this.#now = now;
    this.#index = new IdIndex(storage, keys.authorizers, keys.authorizersLock, `the authorizer index of component ${componentAppid}`);
    this.#codes = new AuthCodeMemo(storage, keys.authCode);
  }

  listAppids(): Promise<string[]> {
    return this.#index.list();
  }

  /** Remembers which authorizer an auth code gave, for an hour, so the code is exchanged once. */
  markAuthCode(code: string, appid: string): Promise<void> {
    return this.#codes.mark(code, appid);
  }

  authCodeAppid(code: string): Promise<string | undefined> {
    return this.#codes.get(code);
  }

  async getTicket(): Promise<StoredTicket | undefined> {
    const raw = await this.storage.get(this.keys.ticket);
    if (!raw) return undefined;
    try {
      const t = JSON.parse(raw) as StoredTicket;
      return typeof t.ticket === 'string' && t.ticket ? t : undefined;
    } catch {
      // A plain string written by another tool.
      return { ticket: raw, createTime: 0, receivedAt: 0 };
    }
  }

  /** Stores the ticket unless a newer one (by CreateTime) is already stored. Returns whether it was stored. */
  async saveTicket(ticket: string, createTime: number): Promise<boolean> {
    const current = await this.getTicket();
    if (current && current.createTime > createTime) return false;
    const record: StoredTicket = { ticket, createTime, receivedAt: this.#now() };
    await this.storage.set(this.keys.ticket, JSON.stringify(record), TICKET_TTL_MS);
    return true;
  }

  async getRecord(appid: string): Promise<AuthorizerRecord | undefined> {
    const raw = await this.storage.get(this.keys.info(appid));
    if (!raw) return undefined;
    try {
      const r = JSON.parse(raw) as AuthorizerRecord;
      return r && r.authorizerAppid === appid ? r : undefined;
    } catch {
      return undefined;
    }
  }

  async putRecord(record: AuthorizerRecord): Promise<void> {
    await this.storage.set(this.keys.info(record.authorizerAppid), JSON.stringify(record));
    await this.#index.add(record.authorizerAppid);
  }

  async getRefreshToken(appid: string): Promise<string | undefined> {
    return (await this.storage.get(this.keys.refreshToken(appid))) || undefined;
  }

  async putRefreshToken(appid: string, refreshToken: string): Promise<void> {
    await this.storage.set(this.keys.refreshToken(appid), refreshToken);
  }

  /** Forgets everything about an authorizer, a revoked mark included; returns the record it had. */
  async remove(appid: string): Promise<AuthorizerRecord | undefined> {
    const record = await this.#drop(appid);
    await this.storage.delete(this.keys.revoked(appid));
    return record;
  }

  /**
   * Marks an authorizer revoked and drops what it had (record, index entry, refresh token, tokens),
   * as the lost `unauthorized` push would have. The mark is written first: should the rest fail,
   * the authorizer is still refused locally rather than asked about again.
   */
  async revoke(appid: string, mark: RevokedMark): Promise<AuthorizerRecord | undefined> {
    await this.storage.set(this.keys.revoked(appid), JSON.stringify(mark));
    return this.#drop(appid);
  }

  async getRevoked(appid: string): Promise<RevokedMark | undefined> {
    const raw = await this.storage.get(this.keys.revoked(appid));
    if (!raw) return undefined;
    try {
      const m = JSON.parse(raw) as RevokedMark;
      if (typeof m?.errcode === 'number') return { revokedAt: Number(m.revokedAt) || 0, errcode: m.errcode, errmsg: String(m.errmsg ?? '') };
    } catch {
      // Unreadable: still a mark (someone wrote it on purpose); keep refusing.
    }
    return { revokedAt: 0, errcode: 61023, errmsg: 'refresh_token is invalid' };
  }

  /** The authorizer authorized again. */
  async clearRevoked(appid: string): Promise<void> {
    await this.storage.delete(this.keys.revoked(appid));
  }

  async #drop(appid: string): Promise<AuthorizerRecord | undefined> {
    const record = await this.getRecord(appid);
    await this.#index.remove(appid);
    for (const key of [
      this.keys.refreshToken(appid),
      this.keys.accessToken(appid),
      this.keys.ticketOf(appid, 'jsapi'),
      this.keys.ticketOf(appid, 'wx_card'),
      this.keys.info(appid),
    ]) {
      await this.storage.delete(key);
    }
    return record;
  }
}
