// What the parts of one component share (identity, store, emitter, runtime settings), built once by
// createComponent() so tokens, authorizers and the authorization flow can live in their own files.
import { isAppid } from '../core/appid.js';
import { WxConfigError } from '../core/errors.js';
import type { HubStorage } from '../hub/hub-storage.js';
import type { RuntimeSettings } from '../core/runtime.js';
import type { Storage } from '../storage/types.js';
import type { ComponentEmitter } from './events.js';
import type { ComponentKeys } from './keys.js';
import type { ComponentStore } from './store.js';

export interface ComponentContext {
  readonly componentAppid: string;
  /** Absent for a hub client, which never fetches. */
  readonly secret: string | undefined;
  readonly hub: HubStorage | undefined;
  readonly storage: Storage;
  readonly keys: ComponentKeys;
  readonly store: ComponentStore;
  readonly emitter: ComponentEmitter;
  readonly settings: RuntimeSettings;
  readonly refreshMarginMs: number | undefined;
  readonly now: () => number;
}

export function checkAppid(componentAppid: string, appid: unknown, what = 'authorizerAppid'): asserts appid is string {
  if (!isAppid(appid)) throw new WxConfigError(`component ${componentAppid}: ${what} must be letters and digits, got ${JSON.stringify(appid)}`);
}
