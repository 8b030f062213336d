// `webtv spaces check [--config file] [--json]`: connects to every Gradio app the channel config names
// and says, per capability, a Space's stage on the Hub, whether it is reachable, which Gradio/protocol
// it speaks and whether the endpoint signature matches. Exit code 0 when all is well, 1 when anything
// would fail, 2 on bad usage.
import { parseArgs } from 'node:util';
import type { BackendSpec } from '../../activities/backends/backends';
import { checkCapability, type CapabilityCheck } from '../../activities/backends/gradio/check';
import { loadChannelBackends, MEDIA_CAPABILITIES, SOUND_CAPABILITIES } from '../../channels/channelConfig';
import { checkModelServers, formatModelServers } from './modelServerHealth';
import { channelConfigFileFromEnv } from '../../config/settings';

const USAGE = 'usage: webtv spaces check [--config <channel config .json>] [--json] [--timeout <seconds>]';
export const DEFAULT_CONFIG = 'webtv.channel.json';

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv, allowPositionals: true,
      options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.values.help) { console.log(USAGE); return 0; }
  if (args.positionals[0] !== 'check' || args.positionals.length > 1) {
    console.error(`unknown spaces command ${JSON.stringify(args.positionals.join(' '))}\n${USAGE}`);
    return 2;
  }
  const timeoutSec = Number(args.values.timeout ?? 30);
  if (!(timeoutSec > 0)) { console.error(`--timeout must be a positive number of seconds\n${USAGE}`); return 2; }
  const file = args.values.config ?? channelConfigFileFromEnv() ?? DEFAULT_CONFIG;
  let backends;
  try {
    backends = loadChannelBackends(file);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  // The sound capabilities matter to directed episodes only: checked when the config names them.
  const caps = [...MEDIA_CAPABILITIES, ...SOUND_CAPABILITIES.filter((cap) => backends[cap])];
  const checks = await Promise.all(caps.map((cap) =>
    checkCapability(cap, (backends[cap] ?? { kind: 'offline' }) as BackendSpec, timeoutSec * 1000)));
  const modelServers = await checkModelServers(checks.filter((c) => c.reachable).map((c) => c.app!), timeoutSec * 1000);
  if (args.values.json) console.log(JSON.stringify({ config: file, ok: checks.every((c) => c.ok), checks, modelServers }, null, 2));
  else console.log([formatChecks(file, checks), formatModelServers(modelServers)].filter(Boolean).join('\n'));
  return checks.every((c) => c.ok) ? 0 : 1;
}

export function formatChecks(file: string, checks: CapabilityCheck[]): string {
  const lines = [`Gradio apps in ${file}:`];
  for (const c of checks) {
    const head = `  ${c.capability.padEnd(12)}`;
    if (c.kind !== 'gradio') { lines.push(`${head}${c.kind} (local, nothing to check)`); continue; }
    const status = c.ok ? 'OK' : c.stage && c.stage !== 'RUNNING' ? c.stage : c.reachable ? 'MISMATCH' : 'UNREACHABLE';
    lines.push(`${head}${status.padEnd(12)} ${c.app} ${c.endpoint ?? ''}`.trimEnd());
    if (c.stage) lines.push(`${' '.repeat(14)}Space stage: ${c.stage}${c.hardware ? ` · hardware ${c.hardware}` : ''}`);
    if (c.reachable) lines.push(`${' '.repeat(14)}reachable: yes · Gradio ${c.gradio ?? '?'} · protocol ${c.protocol ?? '?'} · ${c.signature ?? 'no such endpoint'}`);
    for (const p of c.problems) lines.push(`${' '.repeat(14)}problem: ${p}`);
  }
  const bad = checks.filter((c) => !c.ok).length;
  lines.push(bad ? `${bad} capability(ies) would fail; fix the config or the app, then run this again.` : 'All configured apps answer with the expected API.');
  return lines.join('\n');
}
