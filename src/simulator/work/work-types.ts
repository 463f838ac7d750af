// The WeCom side of the simulator: what it is configured with and what its pushes return.

/** A self-built (or built-in) app of a corp: gettoken answers for (corpid, secret). */
export interface SimulatorWorkApp {
  corpid: string;
  /** Absent for built-in apps (contacts, customer contact…), which have a secret but no agent. */
  agentid?: number;
  secret: string;
  /** Callback settings, for pushes to the app's receive URL. */
  token?: string;
  encodingAESKey?: string;
}

/** A third-party app (or 代开发 template when `customized` or the id starts with `dk`). */
export interface SimulatorSuite {
  suiteId: string;
  suiteSecret: string;
  token: string;
  encodingAESKey: string;
  customized?: boolean;
  /** Where instruction pushes go until told otherwise. */
  eventUrl?: string;
}

export interface SimulatorProvider {
  corpid: string;
  providerSecret: string;
}

export interface SimulatorWorkOptions {
  apps?: SimulatorWorkApp[];
  suites?: SimulatorSuite[];
  providers?: SimulatorProvider[];
}

export interface WorkCounters {
  /** gettoken requests by `<corpid>:<agentid>` (`<corpid>:secret` for apps without an agent). */
  tokenRequests: Record<string, number>;
  /** get_suite_token requests by suite id. */
  suiteTokenRequests: Record<string, number>;
  /** get_corp_token requests by `<suiteId>/<corpid>`. */
  corpTokenRequests: Record<string, number>;
  providerTokenRequests: Record<string, number>;
  /** get_jsapi_ticket / ticket/get requests by `<corpid>:<type>`. */
  ticketRequests: Record<string, number>;
  /** Group-robot calls by `<key>:<send|upload_media>`. */
  webhookCalls: Record<string, number>;
  /** qyapi calls by path. */
  calls: Record<string, number>;
}

export interface WorkPushResult {
  status: number;
  body: string;
}

export interface InstallOptions {
  /** Where create_auth goes (default: the suite's last known instruction URL). */
  eventUrl?: string;
  /**
   * The install link the suite built (`3rdapp/install?suite_id=&pre_auth_code=&redirect_uri=&state=`):
   * its pre_auth_code is checked and spent, and the admin's browser is sent to redirect_uri with
   * auth_code, expires_in and state. WeCom pushes no create_auth for such installs unless `push`.
   */
  installUrl?: string;
  /** Push create_auth (default: true without installUrl, false with it). */
  push?: boolean;
  corpName?: string;
  /** The app's agentid in the corp (default 1000001 + a counter). */
  agentid?: number;
}

export interface InstallResult {
  authCode: string;
  agentid: number;
  push?: WorkPushResult;
  redirect?: WorkPushResult & { url: string };
}

export const DEMO_WORK: Required<SimulatorWorkOptions> = {
  apps: [
    {
      corpid: 'wwdemo000000000001',
      agentid: 1000002,
      secret: 'demo-work-app-secret',
      token: 'demoWorkToken',
      encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    },
    { corpid: 'wwdemo000000000001', secret: 'demo-work-contacts-secret' },
  ],
  suites: [
    {
      suiteId: 'wwsuitedemo0000001',
      suiteSecret: 'demo-suite-secret',
      token: 'demoSuiteToken',
      encodingAESKey: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123456',
    },
  ],
  providers: [{ corpid: 'wwproviderdemo0001', providerSecret: 'demo-provider-secret' }],
};
