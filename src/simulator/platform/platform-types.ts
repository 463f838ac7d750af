// The platform simulator's public shapes, its demo component and WeChat's 全网发布 test accounts.
export interface SimulatorComponent {
  componentAppid: string;
  componentAppsecret: string;
  /** Message verification token (消息校验Token). */
  token: string;
  /** 43-character message encryption key (消息加解密Key). */
  encodingAESKey: string;
  /** Where verify tickets and authorization events go when a call gives no URL. */
  eventUrl?: string;
}

export const DEMO_COMPONENTS: SimulatorComponent[] = [
  {
    componentAppid: 'wx00000000000000c1',
    componentAppsecret: 'demo-component-secret',
    token: 'demoComponentToken',
    encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  },
];

/** WeChat's own accounts for the 全网发布 test: the official account, then the mini program. */
export const RELEASE_TEST_APPIDS = { official_account: 'wx570bc396a51b8ff8', mini_program: 'wxd101a85aa106f53e' } as const;

export interface PushResult {
  status: number;
  body: string;
}

export interface PushOptions {
  /** Break the push on purpose: a wrong msg_signature. */
  tamper?: 'signature';
  /** Send this ticket instead of a new one (it still becomes the component's current ticket). */
  ticket?: string;
}

export interface AuthorizeOptions {
  /** Where the authorized event goes (default: the component's last known event URL). */
  eventUrl?: string;
  /** Type of the account when it is new to the simulator (default official_account). */
  appType?: 'official_account' | 'mini_program';
  /**
   * The authorization page URL the component built (componentloginpage / bindcomponent): its
   * pre_auth_code, auth_type and biz_appid are checked, and the user's browser is then sent to its
   * redirect_uri with auth_code and expires_in, as WeChat does.
   */
  authUrl?: string;
  /** Permission set ids granted (default 1, 2, 3, 11, 15). */
  funcInfo?: number[];
  /** false: push no event (the code is only handed out, e.g. to exchange it by hand). */
  push?: boolean;
}

export interface UnauthorizeOptions {
  /** Where the unauthorized event goes (default: the component's last known event URL). */
  eventUrl?: string;
  /** false: push nothing, as when WeChat's push is lost; the authorization is cancelled all the same. */
  push?: boolean;
}

export interface AuthorizeResult {
  authCode: string;
  expiresIn: number;
  /** The answer of the event URL, when an event was pushed. */
  push?: PushResult;
  /** The answer of the redirect_uri, when `authUrl` was given. */
  redirect?: PushResult & { url: string };
}

export interface ReleaseTestStep {
  name: 'event' | 'text' | 'api';
  passed: boolean;
  detail: string;
}

export interface ReleaseTestResult {
  passed: boolean;
  steps: ReleaseTestStep[];
}

export interface CustomMessage {
  /** The account that sent it (the token's app). */
  appid: string;
  touser: string;
  msgtype: string;
  /** text.content, for text messages. */
  content?: string;
  body: Record<string, unknown>;
  at: number;
}

export interface OAuthRedirect {
  code: string;
  openid: string;
  /** redirect_uri with code and state added: where WeChat sends the user's browser. */
  location: string;
}
