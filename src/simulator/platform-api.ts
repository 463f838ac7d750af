// The simulator playing the third-party platform side of WeChat: registered components, the
// encrypted pushes WeChat sends to a component's event URL (verify tickets, authorization events),
// the component endpoints with their real checks (appsecret, ticket, pre_auth_code, auth codes,
// refresh tokens), authorizer tokens the ordinary access_token check accepts, web OAuth codes and
// user tokens, a log of customer-service messages, and the 全网发布 (release) test script.
// This class is the front door; the parts live in ./platform/.
import type { ComponentAnswer } from './answers.js';
import { oauthAuthorize } from './platform/oauth-routes.js';
import { authorize, pushVerifyTicket, unauthorize } from './platform/pushes.js';
import { runReleaseTest } from './platform/release-test.js';
import { observe, route } from './platform/platform-routes.js';
import { PlatformState } from './platform/platform-state.js';
import type {
  AuthorizeOptions,
  AuthorizeResult,
  CustomMessage,
  OAuthRedirect,
  PushOptions,
  PushResult,
  ReleaseTestResult,
  SimulatorComponent,
  UnauthorizeOptions,
} from './platform/platform-types.js';
import type { SimulatorState } from './state.js';

export class ComponentSimulator {
  readonly components: Map<string, SimulatorComponent>;
  readonly customMessages: CustomMessage[];
  readonly #p: PlatformState;

  constructor(state: SimulatorState, components: SimulatorComponent[]) {
    this.#p = new PlatformState(state, components);
    this.components = this.#p.components;
    this.customMessages = this.#p.customMessages;
  }

  register(c: SimulatorComponent): void {
    this.#p.register(c);
  }

  reset(): void {
    this.#p.reset();
  }

  // ---------------------------------------------------------------- pushes (WeChat → component)

  pushVerifyTicket(componentAppid: string, eventUrl?: string, options: PushOptions = {}): Promise<PushResult & { ticket: string }> {
    return pushVerifyTicket(this.#p, componentAppid, eventUrl, options);
  }

  authorize(componentAppid: string, authorizerAppid: string, options: AuthorizeOptions = {}): Promise<AuthorizeResult> {
    return authorize(this.#p, componentAppid, authorizerAppid, options);
  }

  unauthorize(componentAppid: string, authorizerAppid: string, options: UnauthorizeOptions = {}): Promise<PushResult | undefined> {
    return unauthorize(this.#p, componentAppid, authorizerAppid, options);
  }

  /** The user opens an OAuth authorize URL and agrees: returns the code and the redirect WeChat sends. */
  oauthAuthorize(authorizeUrl: string, options: { openid?: string } = {}): OAuthRedirect {
    return oauthAuthorize(this.#p, authorizeUrl, options);
  }

  // ---------------------------------------------------------------- 全网发布

  runReleaseTest(componentAppid: string, messageUrl: string, options: { timeoutMs?: number } = {}): Promise<ReleaseTestResult> {
    return runReleaseTest(this.#p, componentAppid, messageUrl, options);
  }

  // ---------------------------------------------------------------- HTTP routes

  /** Handles component endpoints and simulator-issued OAuth codes / user tokens. */
  route(method: string, url: URL, json: Record<string, unknown> | undefined): ComponentAnswer {
    return route(this.#p, method, url, json);
  }

  /** Called for catalog endpoints that passed the access_token check: records customer-service messages. */
  observe(path: string, appid: string, json: Record<string, unknown> | undefined): void {
    observe(this.#p, path, appid, json);
  }

  /** `/__simulator/component/<action>` for tests in other processes. */
  async control(action: string, input: Record<string, unknown>): Promise<unknown> {
    const c = String(input.componentAppid ?? '');
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    switch (action) {
      case 'push_verify_ticket':
        return this.pushVerifyTicket(c, str(input.eventUrl));
      case 'authorize':
        return this.authorize(c, String(input.authorizerAppid ?? ''), {
          eventUrl: str(input.eventUrl),
          authUrl: str(input.authUrl),
          appType: input.appType === 'mini_program' ? 'mini_program' : undefined,
        });
      case 'unauthorize':
        return (
          (await this.unauthorize(c, String(input.authorizerAppid ?? ''), {
            eventUrl: str(input.eventUrl),
            ...(input.push === false ? { push: false } : {}),
          })) ?? { ok: true }
        );
      case 'release_test':
        return this.runReleaseTest(c, String(input.messageUrl ?? ''));
      case 'custom_messages':
        return this.customMessages;
      default:
        throw new Error(`unknown component control route ${action}`);
    }
  }
}
