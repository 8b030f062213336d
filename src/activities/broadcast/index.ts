// Broadcast activities: prepare a channel's air folder, swap what a slot holds, rotate old episodes off
// disk, and the long onAir activity that supervises ffmpeg.
import { ApplicationFailure, Context } from '@temporalio/activity';
import fs from 'node:fs/promises';
import { storeOf, type ActivityDeps } from '../deps';
import { probe } from '../media/ffmpeg';
import { channelWorkflowId, SLOT_COUNT, type AirClaim, type SlotOpened } from '../../shared/channel';
import { slotOpenedSignal } from '../../shared/channelMessages';
import { airFormatProblems, referenceParameterSets } from './airFormat';
import { hlsPlaylistFile, onAirArgs } from './onAirArgs';
import { superviseFfmpeg, type FfmpegProgress } from './onAir';
import { airPaths, ensureSlot, inodeOf, installSlot, playlistPath, writePlaylists } from './playlist';
import { removeOldEpisodes, type RetentionRequest } from './retention';
import { ensureStandbyClip } from './standby';
import { keepOnlyAired } from '../episode/intermediates';
import { publishUrl } from './streamUrl';
import path from 'node:path';
import { throughOutage } from '../../store/outage';
import type { FileRef } from '../../shared/fileRef';

export type { BroadcastSettings } from './onAirArgs';

export interface AirSlots {
  slots: { inode: number; standby: boolean }[];
}

export interface OnAirHeartbeat {
  slot: number | null;
  progress?: FfmpegProgress;
  ffmpegPid?: number;
}

function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

export function createBroadcastActivities(deps: ActivityDeps) {
  const store = storeOf(deps);

  /** Runs on the shared air queue (or a host's own, to check it is there): answers which host took it. */
  async function claimAir(input: { channel: string }): Promise<AirClaim> {
    if (!deps.air) throw ApplicationFailure.nonRetryable(`this worker has no air role, so it cannot take ${input.channel}'s air: run \`webtv worker --roles air\``, 'NoAirRole');
    return { ...deps.air };
  }

  async function prepareAir(input: { channel: string }): Promise<AirSlots> {
    const air = airPaths(deps.dataDir, input.channel);
    await fs.mkdir(air.dir, { recursive: true });
    await ensureStandbyClip(air.standby, activitySignal());
    await writePlaylists(air);
    const slots: AirSlots['slots'] = [];
    for (let i = 0; i < SLOT_COUNT; i++) {
      const existed = (await inodeOf(air.slots[i])) !== null;
      slots.push({ inode: await ensureSlot(air, i, air.standby), standby: !existed });
    }
    return { slots };
  }

  /**
   * `file` (the episode in the store) is fetched into this worker's cache first, so the air host needs no
   * folder shared with the worker that made it; `source` alone is the path form of older histories.
   */
  async function swapSlot(input: { channel: string; slot: number; source: string; file?: FileRef }): Promise<{ inode: number }> {
    const air = airPaths(deps.dataDir, input.channel);
    const file = input.file;
    const source = file ? await throughOutage(`fetch ${file.key}`, () => store.fetch(file, { signal: activitySignal() }), { signal: activitySignal(), patienceMs: 60_000 }) : input.source;
    const p = await probe(source, activitySignal(), { air: true }).catch((err: Error) => {
      throw ApplicationFailure.nonRetryable(`cannot air ${source}: ${err.message}`, 'NotAirable');
    });
    const problems = airFormatProblems(p);
    await ensureStandbyClip(air.standby, activitySignal());
    if ((p.video?.parameterSets ?? '') !== await referenceParameterSets(air.standby, activitySignal())) problems.push('its H.264 parameter sets differ from the air profile (encode it with the mux\'s BROADCAST_VIDEO settings)');
    if (problems.length > 0) {
      throw ApplicationFailure.nonRetryable(`cannot air ${source}: ${problems.join('; ')}. Re-mux it in the broadcast format.`, 'NotAirable');
    }
    const inode = await installSlot(air, input.slot, source);
    // Past the air gate: the episode's folder here keeps only its finished files.
    await keepOnlyAired(deps.dataDir, input.channel, input.source);
    return { inode };
  }

  async function retainEpisodes(input: RetentionRequest): Promise<{ removed: number[] }> {
    return { removed: await removeOldEpisodes(deps.dataDir, input, store) };
  }

  /** Runs until cancelled; fails (to be retried) when ffmpeg exits. */
  async function onAir(input: { channel: string; startSlot?: number }): Promise<void> {
    const ctx = Context.current();
    const settings = deps.broadcast;
    if (!settings) {
      throw ApplicationFailure.nonRetryable('this worker has no broadcast output configured: start it with WEBTV_RTMP_URL set (npm start does this)', 'NoBroadcastOutput');
    }
    ctx.heartbeat({ slot: null } satisfies OnAirHeartbeat);
    // Making the standby clip can outlast the heartbeat timeout on a busy machine: keep beating meanwhile.
    const beating = setInterval(() => ctx.heartbeat({ slot: null } satisfies OnAirHeartbeat), 2_000);
    try {
      await prepareAir({ channel: input.channel });
    } finally {
      clearInterval(beating);
    }
    const air = airPaths(deps.dataDir, input.channel);
    const previous = ctx.info.heartbeatDetails as OnAirHeartbeat | undefined;
    const startSlot = previous?.slot ?? input.startSlot ?? 0;
    if (settings.hlsDir) await fs.mkdir(path.dirname(hlsPlaylistFile(settings.hlsDir, input.channel)), { recursive: true });
    const args = onAirArgs({
      playlist: playlistPath(air, startSlot),
      channel: input.channel,
      mainUrl: publishUrl(settings.rtmpBase, input.channel, settings.publishSecret),
      settings,
    });
    const channelHandle = ctx.client.workflow.getHandle(channelWorkflowId(input.channel));
    let reports = Promise.resolve();
    let warned = false;
    let slot: number | null = null;
    const run = await superviseFfmpeg({
      air,
      args,
      signal: ctx.cancellationSignal,
      onSlotOpened(s, inode) {
        slot = s;
        const msg: SlotOpened = { slot: s, inode, at: new Date().toISOString() };
        ctx.heartbeat({ slot: s } satisfies OnAirHeartbeat);
        // In order, one at a time; a channel that is not running is not the broadcast's problem.
        reports = reports.then(() => ctx.client.withDeadline(Date.now() + 10_000, () => channelHandle.signal(slotOpenedSignal, msg))).catch((err) => {
          if (!warned) ctx.log.warn('could not tell the channel what is on air', { error: String(err) });
          warned = true;
        });
      },
      onTick({ progress, pid }) {
        ctx.heartbeat({ slot, progress, ffmpegPid: pid } satisfies OnAirHeartbeat);
      },
    });
    await reports;
    if (run.cancelled) {
      await ctx.cancelled;
    }
    throw ApplicationFailure.retryable(
      `on-air ffmpeg exited (${run.exitCode ?? run.signal}); it is restarted automatically. Last output: ${run.stderrTail || '(none)'}`,
      'OnAirExited',
    );
  }

  return { claimAir, prepareAir, swapSlot, retainEpisodes, onAir };
}
