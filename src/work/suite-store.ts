// What a suite keeps in its storage. Everything lives under `wxkit:suite:<suiteId>:`, so suites
// sharing a store never see each other's ticket, tokens or corps.
//
//   suite_ticket                          {"ticket","timestamp","receivedAt"}       TTL 30 min (WeCom's validity)
//   suite_access_token                    {"v","e"}                                 TTL expires_in
//   corps                                 ["ww…", …] the index (Storage has no scan)  no TTL
//   corp:<corpid>:info                    SuiteCorpRecord JSON                      no TTL
//   corp:<corpid>:permanent_code          the permanent code, plain text            no TTL
//   corp:<corpid>:access_token            {"v","e"}                                 TTL expires_in
//   corp:<corpid>:ticket:jsapi|agent_config {"v","e"}                               TTL expires_in
//   auth_code:<sha256 of the code>        the corpid it gave                        TTL 1 h
import { AuthCodeMemo, IdIndex } from '../storage/id-index.js';
import type { Storage } from '../storage/types.js';

export interface SuiteKeys {
  ticket: string;
  suiteToken: string;
  corps: string;
  corpsLock: string;
  /** Prefix of a corp's own keys; its tokens are `<prefix>:access_token`, `<prefix>:ticket:<type>`. */
  corp(corpid: string): string;
  info(corpid: string): string;
  permanentCode(corpid: string): string;
  authCode(digest: string): string;
}

export function suiteKeys(suiteId: string): SuiteKeys {
  const p = `wxkit:suite:${suiteId}`;
  const corp = (corpid: string) => `${p}:corp:${corpid}`;
  return {
    ticket: `${p}:suite_ticket`,
    suiteToken: `${p}:suite_access_token`,
    corps: `${p}:corps`,
    corpsLock: `${p}:corps:lock`,
    corp,
    info: (corpid) => `${corp(corpid)}:info`,
    permanentCode: (corpid) => `${corp(corpid)}:permanent_code`,
    authCode: (digest) => `${p}:auth_code:${digest}`,
  };
}

/** What the suite stores about an authorized corp (the permanent code is kept apart, never here). */
export interface SuiteCorpRecord {
  suiteId: string;
  corpid: string;
  corpName?: string;
  /** The app's agentid in that corp (auth_info.agent[0].agentid): what wx.agentConfig signs for. */
  agentid?: number;
  /**
   * 代开发 (agent-developed) app: the permanent code is the app's secret and tokens come from
   * gettoken, not from get_corp_token.
   */
  customized: boolean;
  /** The `state` of the install link, when there was one. */
  state?: string;
  /** Unix ms of the first authorization seen, and of the last change. */
  authorizedAt: number;
  updatedAt: number;
  /** auth_corp_info and auth_info as WeCom returned them. */
  authCorpInfo?: Record<string, unknown>;
  authInfo?: Record<string, unknown>;
}

export interface StoredSuiteTicket {
  ticket: string;
  /** TimeStamp of the push, Unix seconds. */
  timestamp: number;
  /** Unix ms at which it was stored. */
  receivedAt: number;
}

/** WeCom: a suite_ticket is pushed every 10 minutes and valid for 30. */
export const SUITE_TICKET_TTL_MS = 30 * 60_000;

export class SuiteStore {
  readonly storage: Storage;
  readonly keys: SuiteKeys;
  readonly #now: () => number;

  readonly #index: IdIndex;
  readonly #codes: AuthCodeMemo;

  constructor(storage: Storage, keys: SuiteKeys, suiteId: string, now: () => number) {
    this.storage = storage;
    this.keys = keys;
    this.#now = now;
    this.#index = new IdIndex(storage, keys.corps, keys.corpsLock, `the corp index of suite ${suiteId}`);
    this.#codes = new AuthCodeMemo(storage, keys.authCode);
  }

  listCorpids(): Promise<string[]> {
    return this.#index.list();
  }

  /** Which corp an auth code gave, for an hour: the push and the redirect of one install exchange it once. */
  markAuthCode(code: string, corpid: string): Promise<void> {
    return this.#codes.mark(code, corpid);
  }

  authCodeCorpid(code: string): Promise<string | undefined> {
    return this.#codes.get(code);
  }

  async getTicket(): Promise<StoredSuiteTicket | undefined> {
    const raw = await this.storage.get(this.keys.ticket);
    if (!raw) return undefined;
    try {
      const t = JSON.parse(raw) as StoredSuiteTicket;
      return typeof t?.ticket === 'string' && t.ticket ? t : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores the ticket unless a newer one (by TimeStamp) is already stored; says whether it did. */
  async saveTicket(ticket: string, timestamp: number): Promise<boolean> {
    const current = await this.getTicket();
    if (current && current.timestamp > timestamp) return false;
    const record: StoredSuiteTicket = { ticket, timestamp, receivedAt: this.#now() };
    await this.storage.set(this.keys.ticket, JSON.stringify(record), SUITE_TICKET_TTL_MS);
    return true;
  }

  async getRecord(corpid: string): Promise<SuiteCorpRecord | undefined> {
    const raw = await this.storage.get(this.keys.info(corpid));
    if (!raw) return undefined;
    try {
      const r = JSON.parse(raw) as SuiteCorpRecord;
      return r?.corpid === corpid ? r : undefined;
    } catch {
      return undefined;
    }
  }

  async putRecord(record: SuiteCorpRecord): Promise<void> {
    await this.storage.set(this.keys.info(record.corpid), JSON.stringify(record));
    await this.#index.add(record.corpid);
  }

  async getPermanentCode(corpid: string): Promise<string | undefined> {
    return (await this.storage.get(this.keys.permanentCode(corpid))) || undefined;
  }

  /** Kept without TTL: losing it means the corp has to install the app again. */
  async putPermanentCode(corpid: string, code: string): Promise<void> {
    await this.storage.set(this.keys.permanentCode(corpid), code);
  }

  /** Forgets a corp: record, permanent code, tokens and tickets, index entry. Returns the record it had. */
  async remove(corpid: string): Promise<SuiteCorpRecord | undefined> {
    const record = await this.getRecord(corpid);
    await this.#index.remove(corpid);
    const corp = this.keys.corp(corpid);
    for (const key of [
      this.keys.permanentCode(corpid),
      `${corp}:access_token`,
      `${corp}:ticket:jsapi`,
      `${corp}:ticket:agent_config`,
      this.keys.info(corpid),
    ]) {
      await this.storage.delete(key);
    }
    return record;
  }
}
