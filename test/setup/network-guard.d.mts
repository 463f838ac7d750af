// Types for network-guard.mjs (plain JavaScript so child processes can preload it).

export interface NetworkViolation {
  /** 'a connection', 'a fetch' or 'a DNS lookup'. */
  what: string;
  /** host:port, URL or host name. */
  target: string;
  stack?: string;
  /** Set by the vitest setup file: the test that was running. */
  test?: string;
  /** Set for violations logged by a child process. */
  pid?: number;
  command?: string;
}

export declare const BLOCKED_CODE: 'EWXKIT_NETWORK_BLOCKED';
export declare const CHILD_LOG_ENV: 'WXKIT_NETWORK_GUARD_LOG';
export declare function isLoopbackHost(host: unknown): boolean;
export declare function installNetworkGuard(onViolation?: (violation: NetworkViolation) => void): void;
export declare function takeViolations(): NetworkViolation[];
export declare function takeChildViolations(): NetworkViolation[];
