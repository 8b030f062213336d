// The stack `webtv start` (npm start) runs: the whole product on one machine — Temporal dev server (cached
// pinned binary, SQLite under the data dir, Web UI), a worker, the RTMP server, the web page, and channel
// `default` on offline backends. Run again, it resumes the same channel from the SQLite file.
// With TEMPORAL_ADDRESS (or a Temporal profile naming an address) set it uses that Service instead of starting one.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { activityDepsFromEnv } from '../workers/deps';
import { createWorker } from '../workers/worker';
import { startDevServer, type DevServer } from './temporalDevServer';
import { connectClient, connectWorker, devServerTarget, type TemporalTarget } from '../temporal/connection';
import type { ChannelInput } from '../shared/channel';
import { startChannel } from '../channels/channelStart';
import { DEFAULT_THEME } from '../shared/theme';
import { assertPortFree, startRtmpServer } from './rtmp';
import { startWebServer } from './web/server';
import { ViewerCount } from './web/viewerCount';
import { startViewerReports } from './viewerReport';
import type { PortNeed, PreflightNeeds } from '../preflight/index';
import { fontFileFromEnv } from '../config/media';
import type { Role } from '../shared/taskQueues';

export interface StackOptions {
  dataDir: string;
  /** An existing Temporal Service (address, namespace, TLS, API key); when unset a dev server is started. */
  temporal?: TemporalTarget;
  taskQueue: string;
  /** The worker roles this process runs (WEBTV_ROLES; default all three) and its air host id (WEBTV_AIR_HOST). */
  roles?: Role[];
  airHost?: string;
  channel: string;
  bind: string;
  ports: { temporal: number; temporalUi: number; rtmp: number; flv: number; web: number };
  hls: boolean;
  extraRtmp: string[];
  /** WEBTV_CONTROL_TOKEN; unset: a token kept in <dataDir>/control-token. */
  controlToken?: string;
  /** Overrides for the channel started here (tests use fewer shots). */
  channelOptions?: Omit<ChannelInput, 'channel' | 'state'>;
  log?: (line: string) => void;
}

export interface Stack {
  temporalAddress: string;
  playerUrl: string;
  temporalUiUrl: string | null;
  flvUrl: string;
  /** Resolves true once the channel's stream is published (the banner says "on air" only then). */
  onAir: Promise<boolean>;
  stop(): Promise<void>;
}

/** How long `npm start` waits for the stream before saying it is not on air yet (the standby clip is made first). */
const ON_AIR_WAIT_MS = 180_000;

/** The control token: WEBTV_CONTROL_TOKEN, else one kept in <dataDir>/control-token (mode 600). */
function controlToken(dataDir: string, given: string | undefined): { token: string; file?: string } {
  if (given) return { token: given };
  const file = path.join(dataDir, 'control-token');
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
  return { token: fs.readFileSync(file, 'utf8').trim(), file };
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const log = o.log ?? ((line: string) => console.log(line));
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => log(`while stopping: ${(err as Error).message}`));
  };
  try {
    fs.mkdirSync(o.dataDir, { recursive: true });
    let dev: DevServer | null = null;
    let target = o.temporal;
    if (!target) {
      await assertPortFree(o.ports.temporal, '127.0.0.1', 'Temporal');
      await assertPortFree(o.ports.temporalUi, '127.0.0.1', 'Temporal Web UI');
      log('starting the Temporal dev server…');
      dev = await startDevServer({ dbFile: path.join(o.dataDir, 'temporal', 'webtv.db'), port: o.ports.temporal, uiPort: o.ports.temporalUi });
      stops.push(() => dev!.stop());
      target = devServerTarget(dev.address);
    }
    const address = target.address;
    const rtmp = await startRtmpServer({ rtmpPort: o.ports.rtmp, httpPort: o.ports.flv, bind: o.bind, storeDir: path.join(o.dataDir, 'nms') });
    stops.push(() => rtmp.stop());

    const nativeConnection = await connectWorker(target);
    stops.push(() => nativeConnection.close());
    const hlsDir = o.hls ? path.join(o.dataDir, 'hls') : undefined;
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: target.namespace,
      taskQueue: o.taskQueue,
      ...(o.roles ? { roles: o.roles } : {}),
      ...(o.airHost ? { airHost: o.airHost } : {}),
      deps: {
        ...activityDepsFromEnv(o.dataDir),
        broadcast: { rtmpBase: rtmp.rtmpBase, publishSecret: rtmp.secret, hlsDir, extraRtmp: o.extraRtmp },
      },
    });
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    const { client, connection } = await connectClient(target);
    stops.push(() => connection.close());
    // Offline interpolation by frame blending (~10× faster than motion compensation) so that, on a small
    // machine, the default channel comes as close as it can to making episodes as fast as they air.
    const input: ChannelInput = {
      theme: DEFAULT_THEME, backends: { interpolate: { kind: 'offline', mode: 'blend' } }, ...o.channelOptions, channel: o.channel,
    };
    // A channel stopped with `webtv channel stop` starts again from the state it kept.
    const started = await startChannel(client, o.taskQueue, input);
    if (started.warning) log(`  warning: ${started.warning}`);
    if (started.how === 'resumed') log(`channel "${o.channel}" resumes from where it stopped`);

    const { token, file: tokenFile } = controlToken(o.dataDir, o.controlToken);
    const viewers = new ViewerCount((c) => rtmp.viewers(c));
    const web = await startWebServer({
      port: o.ports.web, host: o.bind, client, defaultChannel: o.channel, flvUrl: (c, host) => rtmp.flvUrl(c, host),
      flvWatch: (ticket) => rtmp.watch(ticket), hlsDir, controlToken: token, viewers,
    });
    stops.push(() => web.stop());
    const reports = startViewerReports({ client, viewers, channels: () => [o.channel, ...viewers.hlsChannels()], source: web.url });
    stops.push(() => reports.stop());

    const uiUrl = dev ? dev.uiUrl.replace('127.0.0.1', 'localhost') : null;
    log([
      '',
      `  AI WebTV — channel "${o.channel}" is going on air (waiting for its stream…)`,
      `  Watch:            ${web.url}`,
      `  HTTP-FLV:         ${rtmp.flvUrl(o.channel)}`,
      `  Temporal Web UI:  ${uiUrl ?? `(your Temporal at ${target.describe})`}`,
      `  Control token:    ${tokenFile ? `in ${tokenFile}` : 'from WEBTV_CONTROL_TOKEN'}`,
      '  Ctrl-C stops everything; running again resumes the channel.',
      '',
    ].join('\n'));
    // "On air" is said only once the RTMP server has the channel's stream.
    const onAir = rtmp.waitPublished(o.channel, ON_AIR_WAIT_MS);
    let stopped = false;
    stops.push(async () => { stopped = true; });
    void onAir.then((up) => !stopped && log(up
      ? `  ● AI WebTV is on air — channel "${o.channel}": ${web.url}`
      : `  not on air after ${ON_AIR_WAIT_MS / 1000} s: see broadcast/${o.channel} in the Temporal Web UI (${uiUrl ?? address}) for why`));
    return { temporalAddress: address, playerUrl: web.url, temporalUiUrl: uiUrl, flvUrl: rtmp.flvUrl(o.channel), onAir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** What `npm start` needs before it starts anything: media tools, the caption font, its five ports. */
export function stackPreflight(o: StackOptions): PreflightNeeds {
  const ports: PortNeed[] = [
    { port: o.ports.rtmp, host: o.bind, what: 'RTMP server', variable: 'WEBTV_RTMP_PORT' },
    { port: o.ports.flv, host: o.bind, what: 'HTTP-FLV', variable: 'WEBTV_FLV_PORT' },
    { port: o.ports.web, host: o.bind, what: 'web page', variable: 'WEBTV_WEB_PORT' },
  ];
  if (!o.temporal) {
    ports.unshift(
      { port: o.ports.temporal, host: '127.0.0.1', what: 'Temporal dev server', variable: 'WEBTV_TEMPORAL_PORT' },
      { port: o.ports.temporalUi, host: '127.0.0.1', what: 'Temporal Web UI', variable: 'WEBTV_TEMPORAL_UI_PORT' },
    );
  }
  return { media: true, fontFile: fontFileFromEnv(), ports };
}
