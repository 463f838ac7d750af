// WeChat's appid rule, kept in one place: apps, components and authorizers are all checked against it.

/** 4 to 64 letters, digits or underscores. */
export const APPID = /^\w{4,64}$/;

export function isAppid(value: unknown): value is string {
  return typeof value === 'string' && APPID.test(value);
}
