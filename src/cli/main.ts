// `wxkit` command line:
//   wxkit mock [--port N] [--host H]                 a local WeChat simulator with the demo apps
//   wxkit hub --config hub.yaml [--port N] [--host H] the token hub described by the config
// Both run until SIGINT / SIGTERM. Nothing secret is ever printed (the demo apps' secrets are
// public constants, shown so they can be pasted into a client).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { WxError } from '../core/errors.js';
import { loadHubConfig, storageFromConfig } from '../hub/config.js';
import { componentHubPlugin } from '../component/hub-plugin.js';
import { createHub } from '../hub/create-hub.js';
import { DEMO_APPS, startSimulator } from '../simulator/index.js';

const USAGE = `Usage:
  wxkit mock [--port N] [--host H]
      Start the local WeChat simulator with the demo apps (default 127.0.0.1, any free port).
  wxkit hub --config hub.yaml [--port N] [--host H]
      Start the token hub (config in YAML or JSON; see docs/scenarios.md).
  wxkit --help | --version
`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Runs a command; resolves with the exit code once it has stopped (servers stop on SIGINT/SIGTERM). */
export async function main(argv: string[], io: CliIo = consoleIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'mock':
        return await mock(rest, io);
      case 'hub':
        return await hub(rest, io);
      case '--version':
      case '-v':
        io.out(version());
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(USAGE);
        return command === undefined ? 1 : 0;
      default:
        io.err(`wxkit: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
        return 1;
    }
  } catch (e) {
    // Our errors and system errors (EADDRINUSE, bad option) explain themselves; anything else is a bug: show its stack.
    const known = e instanceof WxError || typeof (e as { code?: unknown })?.code === 'string';
    io.err(`wxkit ${command}: ${known ? (e as Error).message : ((e as Error)?.stack ?? String(e))}`);
    return 1;
  }
}

function serverArgs(args: string[], extra: { config?: boolean } = {}) {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...(extra.config ? { config: { type: 'string', short: 'c' } } : {}),
    },
    strict: true,
    allowPositionals: false,
  });
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new WxError(`--port must be a port number, got ${JSON.stringify(values.port)}`);
  }
  return { port, host: values.host as string | undefined, help: Boolean(values.help), config: (values as { config?: string }).config };
}

async function mock(args: string[], io: CliIo): Promise<number> {
  const opts = serverArgs(args);
  if (opts.help) return (io.out(USAGE), 0);
  const sim = await startSimulator({ apps: DEMO_APPS, port: opts.port, host: opts.host });
  io.out(`wxkit simulator listening on ${sim.url}`);
  io.out('demo apps (pass baseUrl to createClient):');
  for (const app of DEMO_APPS) io.out(`  ${app.appType.padEnd(16)} appid ${app.appid}  appsecret ${app.secret}`);
  // WeCom: the same server plays qyapi.weixin.qq.com (pass it as createWorkClient's / createSuite's baseUrl).
  io.out('demo WeCom (企业微信) apps and suites (qyapi, same URL):');
  for (const app of sim.work.apps)
    io.out(`  ${'work app'.padEnd(16)} corpid ${app.corpid}  ${app.agentid !== undefined ? `agentid ${app.agentid}  ` : ''}corpsecret ${app.secret}`);
  for (const suite of sim.work.suites) io.out(`  ${'work suite'.padEnd(16)} suiteId ${suite.suiteId}  suiteSecret ${suite.suiteSecret}`);
  io.out(
    'control routes: /__simulator/counters, /__simulator/faults, /__simulator/invalidate, /__simulator/reset, /__simulator/work/<push_suite_ticket|install|cancel_auth|invalidate|expire|counters>',
  );
  await untilSignal();
  await sim.close();
  return 0;
}

async function hub(args: string[], io: CliIo): Promise<number> {
  const opts = serverArgs(args, { config: true });
  if (opts.help) return (io.out(USAGE), 0);
  if (!opts.config) throw new WxError('--config <hub.yaml> is required');
  const config = await loadHubConfig(opts.config);
  const storage = storageFromConfig(config.storage);
  const logger = { warn: (m: string) => io.err(m) };
  const instance = createHub({
    secret: config.secret,
    apps: config.apps,
    components: config.components,
    ...(config.components?.length ? { componentPlugin: componentHubPlugin() } : {}),
    storage,
    baseUrl: config.baseUrl,
    refresh: config.refresh.enabled ? { marginSeconds: config.refresh.marginSeconds, retrySeconds: config.refresh.retrySeconds } : false,
    forcedRefreshIntervalSeconds: config.refresh.forcedIntervalSeconds,
    logger,
  });
  let server: Awaited<ReturnType<typeof instance.listen>>;
  try {
    server = await instance.listen({ host: opts.host ?? config.listen.host, port: opts.port ?? config.listen.port });
  } catch (e) {
    await instance.close();
    await storage.close?.();
    throw e;
  }
  const appids = [...config.apps.map((a) => a.appid), ...config.components.map((c) => `${c.appid} (component)`)];
  io.out(`wxkit hub listening on ${server.url}`);
  io.out(`  apps: ${appids.join(', ')}`);
  io.out(`  storage: ${storage.name}; WeChat at ${config.baseUrl}`);
  io.out(`  refresh: ${config.refresh.enabled ? `${config.refresh.marginSeconds} s before expiry, retry every ${config.refresh.retrySeconds} s` : 'off'}`);
  await untilSignal();
  await instance.close();
  await storage.close?.();
  return 0;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function version(): string {
  try {
    for (const rel of ['../package.json', '../../package.json']) {
      try {
        const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'wxkit') return `wxkit ${pkg.version}`;
      } catch {
        /* try the next location (src/ vs dist/src/) */
      }
    }
  } catch {
    /* fall through */
  }
  return 'wxkit (unknown version)';
}
