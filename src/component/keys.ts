// Storage keys of a component. Everything lives under `wxkit:<componentAppid>:`, so components
// sharing one store never collide, and a hub and self-refreshing processes on one store agree.
//
//   component_verify_ticket                 {"ticket","createTime","receivedAt"}      TTL 12 h
//   component_access_token                  {"v": token, "e": expiresAtMs}            TTL expires_in
//   authorizers                             ["wx…", …]  the index (Storage has no scan)  no TTL
//   authorizer:<appid>:info                 AuthorizerRecord JSON                      no TTL
//   authorizer:<appid>:refresh_token        the authorizer_refresh_token, plain text   no TTL
//   authorizer:<appid>:access_token         {"v","e"}                                  TTL expires_in
//   authorizer:<appid>:ticket:jsapi|wx_card {"v","e"}                                  TTL expires_in
//   authorizer:<appid>:revoked              {"revokedAt","errcode","errmsg"}            no TTL
//   auth_code:<sha256 of the code>          the authorizer appid                       TTL 1 h
export interface ComponentKeys {
  ticket: string;
  componentToken: string;
  authorizers: string;
  authorizersLock: string;
  info(authorizerAppid: string): string;
  refreshToken(authorizerAppid: string): string;
  accessToken(authorizerAppid: string): string;
  ticketOf(authorizerAppid: string, type: 'jsapi' | 'wx_card'): string;
  /** Set when WeChat showed the authorization was cancelled; cleared when it authorizes again. */
  revoked(authorizerAppid: string): string;
  authCode(digest: string): string;
}

export function componentKeys(componentAppid: string): ComponentKeys {
  const p = `wxkit:${componentAppid}`;
  const a = (appid: string) => `${p}:authorizer:${appid}`;
  return {
    ticket: `${p}:component_verify_ticket`,
    componentToken: `${p}:component_access_token`,
    authorizers: `${p}:authorizers`,
    authorizersLock: `${p}:authorizers:lock`,
    info: (appid) => `${a(appid)}:info`,
    refreshToken: (appid) => `${a(appid)}:refresh_token`,
    accessToken: (appid) => `${a(appid)}:access_token`,
    ticketOf: (appid, type) => `${a(appid)}:ticket:${type}`,
    revoked: (appid) => `${a(appid)}:revoked`,
    authCode: (digest) => `${p}:auth_code:${digest}`,
  };
}
