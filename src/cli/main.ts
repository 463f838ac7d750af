// `wxkit` command line:
//   wxkit mock [--port N] [--host H]                 a local WeChat simulator with the demo apps
//   wxkit hub --config hub.yaml [--port N] [--host H] the token hub described by the config
// Both run until SIGINT / SIGTERM. Nothing secret is ever printed (the demo apps' secrets are
// public constants, shown so they can be pasted into a client).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { WxError } from '../core/errors.js';
// The commands' modules (simulator, hub, YAML, zod) are imported when a command runs: `--help` stays quick.

interface CommandHelp {
  usage: string;
  summary: string;
  options: [flag: string, text: string][];
}

const COMMANDS: Record<'mock' | 'hub', CommandHelp> = {
  mock: {
    usage: 'wxkit mock [--port N] [--host H]',
    summary: 'Start the local WeChat simulator with the demo apps.',
    options: [
      ['--port N', 'port to listen on (default: any free port)'],
      ['--host H', 'address to listen on (default 127.0.0.1)'],
      ['-h, --help', 'show this help'],
    ],
  },
  hub: {
    usage: 'wxkit hub --config hub.yaml [--port N] [--host H]',
    summary: 'Start the token hub described by the config (YAML or JSON: see "Hub configuration" in the docs site).',
    options: [
      ['-c, --config FILE', 'the hub configuration (required)'],
      ['--port N', "port to listen on (default: the config's listen.port)"],
      ['--host H', "address to listen on (default: the config's listen.host)"],
      ['-h, --help', 'show this help'],
    ],
  },
};

const USAGE = `Usage: wxkit <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(6)}${c.summary}`)
  .join('\n')}

  wxkit <command> --help   that command's options
  wxkit --help | --version

Docs site: every endpoint and the guides. \`npm run docs\` in a wxkit checkout builds it into site/;
open site/index.html (hub config: site/guides/scenarios.html#hub-configuration-hubyaml-or-hubjson).
`;

function commandHelp(name: keyof typeof COMMANDS): string {
  const c = COMMANDS[name];
  const width = Math.max(...c.options.map(([flag]) => flag.length)) + 2;
  return `Usage: ${c.usage}\n\n${c.summary}\n\nOptions:\n${c.options.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`).join('\n')}\n`;
}

/** Every problem with a command line (unknown options, bad values, missing ones, a broken config), reported together. */
class CliUsageError extends WxError {
  override name = 'CliUsageError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

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
        if (command === 'help' && (rest[0] === 'mock' || rest[0] === 'hub')) return (io.out(commandHelp(rest[0])), 0);
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
    if (e instanceof CliUsageError && (command === 'mock' || command === 'hub')) io.err(`\nRun "wxkit ${command} --help" for its options.`);
    return 1;
  }
}

interface ServerArgs {
  port?: number;
  host?: string;
  config?: string;
  help: boolean;
  problems: string[];
}

/** Parses a server command's options without stopping at the first problem. */
function serverArgs(args: string[], extra: { config?: boolean } = {}): ServerArgs {
  const known: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    port: { type: 'string' },
    host: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    ...(extra.config ? { config: { type: 'string', short: 'c' } } : {}),
  };
  const { tokens } = parseArgs({ args, options: known, strict: false, allowPositionals: true, tokens: true });
  const problems: string[] = [];
  const values: Record<string, string | boolean> = {};
  for (const t of tokens) {
    if (t.kind === 'positional') problems.push(`unexpected argument ${JSON.stringify(t.value)}`);
    if (t.kind !== 'option') continue;
    const spec = known[t.name];
    if (!spec) problems.push(`unknown option ${t.rawName}`);
    else if (spec.type === 'string' && (t.value === undefined || t.value === '')) problems.push(`${t.rawName} needs a value`);
    else if (spec.type === 'boolean' && t.value !== undefined) problems.push(`${t.rawName} takes no value`);
    else values[t.name] = t.value ?? true;
  }
  let port: number | undefined;
  if (typeof values.port === 'string') {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) problems.push(`--port must be a port number (0-65535), got ${JSON.stringify(values.port)}`);
  }
  const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
  return { port, host: str(values.host), config: str(values.config), help: values.help === true, problems };
}

async function mock(args: string[], io: CliIo): Promise<number> {
  const opts = serverArgs(args);
  if (opts.help) return (io.out(commandHelp('mock')), 0);
  if (opts.problems.length) throw new CliUsageError(opts.problems);
  const { DEMO_APPS, startSimulator } = await import('../simulator/index.js');
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
  if (opts.help) return (io.out(commandHelp('hub')), 0);
  const problems = [...opts.problems];
  if (opts.config === undefined && !problems.some((p) => p.startsWith('--config') || p.startsWith('-c '))) problems.push('--config <hub.yaml> is required');
  // The config is read even when an option is wrong, so one run reports everything to fix.
  const { loadHubConfig, storageFromConfig } = await import('../hub/config.js');
  let config: Awaited<ReturnType<typeof loadHubConfig>> | undefined;
  if (opts.config) {
    try {
      config = await loadHubConfig(opts.config);
    } catch (e) {
      if (!(e instanceof WxError)) throw e;
      // The loader joins its problems with "; " after naming the file: one line each here.
      const m = /^(hub config[^:]*): (.*)$/s.exec(e.message);
      problems.push(...(m ? m[2]!.split('; ').map((p) => `${m[1]}: ${p}`) : [e.message]));
    }
  }
  if (problems.length || !config) throw new CliUsageError(problems);
  const [{ createHub }, { componentHubPlugin }] = await Promise.all([import('../hub/create-hub.js'), import('../component/hub-plugin.js')]);
  const storage = storageFromConfig(config.storage);
  const logger = { warn: (m: string) => io.err(m) };
  const instance = createHub({
    secret: config.secret,
    apps: config.apps,
    components: config.components,
    ...(config.work ? { work: config.work } : {}),
    ...(config.oauth ? { oauth: config.oauth } : {}),
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

// Run directly (`tsx src/cli/main.ts …`, `node dist/src/cli/main.js …`) as well as through bin/wxkit.js.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
