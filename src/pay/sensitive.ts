// Sensitive request fields (敏感信息: names, ID numbers, bank accounts, phone numbers) travel
// encrypted with RSA-OAEP under the WeChat Pay public key or a platform certificate, and the request
// names that key in `Wechatpay-Serial`. The encryption runs inside the pay_v3 authenticator, before
// the signature, because the signature must cover the ciphertext that is actually sent.
import { encodeBody } from '../protocols/encode.js';
import type { WireRequest } from '../protocols/types.js';
import { encryptSensitive } from './signatures.js';
import type { PayKeyring } from './keys.js';

/**
 * The authenticator step: encrypts the string values at `req.sensitive` paths in `req.fields`
 * (re-encoding the body) and in the query (a sensitive query parameter, as on
 * Capital.searchBanksByBankAccount), and sets `Wechatpay-Serial`. A path is dot-separated (`payee.name`); arrays on
 * the way are walked element by element (`receivers.name` covers every receiver). Runs once per
 * request: a retry re-signs the same ciphertext instead of encrypting it again.
 */
export function sensitiveFieldEncryptor(keyring: PayKeyring): (req: WireRequest) => Promise<void> {
  const done = new WeakSet<WireRequest>();
  return async (req) => {
    const paths = req.sensitive;
    if (!paths?.length || done.has(req)) return;
    // Copy on write: containers on a sensitive path are copied once, so the caller's objects are
    // never modified and two paths through one container write into the same copy.
    const root: Container = { fields: req.fields };
    const copied = new WeakSet<object>();
    const slots: Slot[] = [];
    if (req.fields) for (const path of paths) walk(root, 'fields', path.split('.'), slots, copied);
    // Query parameters (a GET's only parameters) are top-level names: `account_number`.
    const inQuery = paths.filter((p) => !p.includes('.') && (req.url.searchParams.get(p) ?? '') !== '');
    if (slots.length || inQuery.length) {
      const chosen = await keyring.encryptionKey();
      for (const slot of slots) slot.holder[slot.key] = encryptSensitive(slot.value, chosen.key);
      // Set before the authenticator signs: the signature covers the final URL, ciphertext included
      // (base64, percent-encoded in the query).
      for (const name of inQuery) req.url.searchParams.set(name, encryptSensitive(req.url.searchParams.get(name)!, chosen.key));
      for (const name of Object.keys(req.headers)) if (name.toLowerCase() === 'wechatpay-serial') delete req.headers[name];
      req.headers['Wechatpay-Serial'] = chosen.serial;
      if (slots.length) {
        req.fields = root.fields as Record<string, unknown>;
        encodeBody(req);
      }
    }
    done.add(req);
  };
}

type Container = Record<string | number, unknown>;
interface Slot {
  holder: Container;
  key: string | number;
  value: string;
}

/** Follows `path` from `holder[key]`; arrays are transparent (the path continues into each element). */
function walk(holder: Container, key: string | number, path: readonly string[], slots: Slot[], copied: WeakSet<object>): void {
  const value = holder[key];
  if (typeof value === 'string') {
    if (!path.length && value !== '') slots.push({ holder, key, value });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const own = (copy: Container): Container => {
    copied.add(copy);
    holder[key] = copy;
    return copy;
  };
  if (Array.isArray(value)) {
    const list = copied.has(value) ? (value as unknown as Container) : own([...value] as unknown as Container);
    for (let i = 0; i < (value as unknown[]).length; i++) walk(list, i, path, slots, copied);
    return;
  }
  const [head, ...rest] = path;
  // An object where the path ends (a string was expected) is left as it is.
  if (head === undefined || !Object.hasOwn(value, head)) return;
  const object = copied.has(value) ? (value as Container) : own({ ...(value as Container) });
  walk(object, head, rest, slots, copied);
}
