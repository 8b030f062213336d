// channelWorkflow (id channel/<name>): forever keeps a few finished episodes ready ahead of air by
// starting episodeWorkflow children, holds the theme, and puts the next ready episode into the slot
// file the on-air ffmpeg will open next. Its state travels through continue-as-new.
import { channelNameProblem } from '../shared/validation';
import { failureMessage } from '../shared/failureMessage';
import {
  ApplicationFailure, ParentClosePolicy, allHandlersFinished, condition,
  continueAsNew, isCancellation, getExternalWorkflowHandle, log, patched, setCurrentDetails, setHandler, startChild, workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  FALLING_BEHIND_WINDOW_SEC, SLOT_COUNT, VIEWER_REPORT_TTL_SEC, broadcastWorkflowId, channelConfig, episodeWorkflowId, initialChannelState,
  type ChannelInput, type ChannelState, type ChannelStatus, type EpisodeRef,
} from '../shared/channel';
import {
  episodeMuxingSignal, moveAirSignal, moveAirUpdate, pauseSignal, restartAirSignal, viewersSignal, resumeSignal, setThemeSignal, setThemeUpdate, skipSignal, slotOpenedSignal, statusQuery,
} from '../shared/channelMessages';
import { DEFAULT_THEME, checkTheme } from '../shared/theme';
import { broadcastEndReason, publishRunState, stopChannel, watchBroadcastEnd } from './channelStop';
import { installSuggestionHandlers } from './channelSuggestions';
import type { EpisodeInput, EpisodeManifest } from '../shared/types';
import type { ModerationVerdict } from '../activities/moderation/index';
import { MODERATION_PATCH, moderateText, themeRejected } from './moderation';
import { AIR_HOST_PATCH, airHostGone, airOn, claimAirHost, sharedAirQueue } from './channelAir';
import { hostIdProblem } from '../shared/taskQueues';


function episodeRef(m: EpisodeManifest): EpisodeRef {
  return {
    episode: m.episode,
    path: m.episodePath,
    durationSec: m.durationSec,
    theme: m.theme,
    degraded: m.degraded,
    shots: m.shots.map((s) => ({ prompt: s.prompt, durationSec: s.durationSec })),
    ...(m.episodeFile ? { file: m.episodeFile } : {}),
  };
}

export async function channelWorkflow(input: ChannelInput): Promise<void> {
  const badName = channelNameProblem(input.channel);
  if (badName) throw ApplicationFailure.nonRetryable(badName, 'InvalidChannel');
  const cfg = channelConfig(input);
  let st: ChannelState;
  if (input.state) {
    st = input.state;
  } else {
    const t = checkTheme(input.theme ?? DEFAULT_THEME);
    if (!t.ok) throw ApplicationFailure.nonRetryable(t.reason, 'InvalidTheme');
    st = initialChannelState(t.theme, new Date().toISOString());
    // Checked below, before anything can show or use it (histories from before moderation skip this).
    if (patched(MODERATION_PATCH)) st.themeChecked = false;
  }
  st.moderation ??= { rejected: 0, warnings: 0 };
  const channel = cfg.channel;
  const producing = new Map<number, { episode: number; theme: string; suggested?: boolean }>();
  // Episodes in production whose shots are made: only their mux is left (episodeMuxingSignal).
  const muxing = new Set<number>();
  /** Episodes still making shots: what parallelEpisodes and targetReady count. */
  const making = () => producing.size - muxing.size;
  let wake = false;
  let skipRequested = false;
  let retentionDue = false;
  let finishedThisRun = 0;
  let retryAt = 0;
  let stopReason: string | null = null;
  const poke = () => { wake = true; };
  const freshSlots = () => st.slots.filter((s) => s?.fresh && s.episode).map((s) => s!.episode!);
  const suggestions = installSuggestionHandlers(st, cfg);
  const airQueue = () => st.air?.queue ?? sharedAirQueue();

  // Operator themes (CLI, page, Temporal CLI, schedules) are moderated before they apply; when two are in
  // flight, the one asked for last wins even if its verdict comes back first.
  let themeAsked = 0;
  let themeApplied = 0;
  const countVerdict = (v: Pick<ModerationVerdict, 'allowed' | 'warning'>) => {
    if (!v.allowed) st.moderation!.rejected++;
    if (v.warning) {
      st.moderation!.warnings++;
      st.moderation!.lastWarning = v.warning;
    }
  };
  async function moderateTheme(theme: string): Promise<ModerationVerdict> {
    const asked = ++themeAsked;
    const v = await moderateText(theme, 'operator', 'operator theme', cfg.remoteTaskQueue);
    countVerdict(v);
    if (v.allowed && asked > themeApplied) {
      themeApplied = asked;
      st.theme = theme;
      poke();
    }
    return v;
  }
  setHandler(setThemeSignal, async (theme) => {
    const t = checkTheme(theme);
    if (!t.ok) {
      log.warn('setTheme signal ignored', { reason: t.reason });
    } else if (patched(MODERATION_PATCH)) {
      const v = await moderateTheme(t.theme);
      if (!v.allowed) log.warn('setTheme signal rejected by moderation', { textHash: v.textHash, categories: v.categories });
    } else {
      st.theme = t.theme;
    }
    poke();
  });
  setHandler(setThemeUpdate, async (theme) => {
    if (patched(MODERATION_PATCH)) {
      const v = await moderateTheme(theme.trim());
      if (!v.allowed) throw themeRejected(v);
      return theme.trim();
    }
    st.theme = checkTheme(theme).ok ? theme.trim() : st.theme;
    poke();
    return st.theme;
  }, {
    validator: (theme) => {
      const t = checkTheme(theme);
      if (!t.ok) throw new Error(t.reason);
    },
  });
  setHandler(pauseSignal, () => { st.paused = true; publishRunState(!!input.searchAttributes, channel, 'paused'); poke(); });
  setHandler(resumeSignal, () => { st.paused = false; publishRunState(!!input.searchAttributes, channel, 'on air'); poke(); });
  setHandler(skipSignal, () => { skipRequested = true; poke(); });
  setHandler(episodeMuxingSignal, (n) => {
    if (producing.has(n)) muxing.add(n);
    poke();
  });
  setHandler(moveAirUpdate, async ({ host }) => {
    let claim;
    try {
      claim = await claimAirHost(channel, host);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(host
        ? `no air worker on host ${host} answered within 30 s: start one there (WEBTV_AIR_HOST=${host} webtv worker --roles air), or leave --to out to take any air worker (${failureMessage(err)})`
        : `no air worker took the channel's air: ${failureMessage(err)}`, 'AirHostUnavailable');
    }
    const from = st.air?.host ?? null;
    st.air = claim;
    // The new host's air folder starts on standby: episodes that waited in the old host's slots go back in line.
    st.ready.unshift(...freshSlots());
    const air = await airOn(claim.queue).prepareAir(channel);
    st.slots = air.slots.map((s) => ({ inode: s.inode, episode: null, fresh: false }));
    if (cfg.broadcast) {
      await getExternalWorkflowHandle(broadcastWorkflowId(channel)).signal(moveAirSignal, claim.queue)
        .catch((err) => log.warn('move-air: the broadcast workflow is not running', { error: failureMessage(err) }));
    }
    poke();
    return { ...claim, from };
  }, {
    validator: ({ host }) => {
      const problem = host === undefined ? null : hostIdProblem(host);
      if (problem) throw new Error(problem);
    },
  });
  // Viewer counts are for status only: kept out of the state, refreshed by the servers after continue-as-new.
  const viewerReports = new Map<string, { count: number; at: number }>();
  setHandler(viewersSignal, ({ source, count }) => {
    if (typeof source === 'string' && Number.isInteger(count) && count >= 0) viewerReports.set(source.slice(0, 200), { count, at: Date.now() });
  });
  const viewers = () => {
    const fresh = [...viewerReports.values()].filter((r) => Date.now() - r.at < VIEWER_REPORT_TTL_SEC * 1000);
    return viewerReports.size === 0 ? null : fresh.reduce((a, r) => a + r.count, 0);
  };
  setHandler(slotOpenedSignal, ({ slot, inode, at }) => {
    const content = st.slots[slot];
    const known = content && content.inode === inode;
    const episode = known ? content.episode : null;
    const fresh = !!(known && content.fresh);
    if (known && content.fresh) {
      content.fresh = false;
      if (episode) st.aired++;
      if (episode && !st.firstAiredAt) st.firstAiredAt = at;
    }
    st.onAir = { slot, episode, since: at, reair: !fresh };
    setCurrentDetails(episode
      ? `**On air:** episode ${episode.episode}${fresh ? '' : ' (again)'}: ${episode.theme}`
      : '**On air:** standby clip');
    poke();
  });
  setHandler(statusQuery, (): ChannelStatus => {
    const fresh = freshSlots();
    const elapsedSec = st.startedAt ? (Date.now() - Date.parse(st.startedAt)) / 1000 : 0;
    const productionVsAir = st.made > 0 && elapsedSec > 0 ? Math.round((st.producedSec / elapsedSec) * 100) / 100 : null;
    const busySec = (st.production?.busySec ?? 0) + (busySince === null ? 0 : (Date.now() - busySince) / 1000);
    const productionSpeed = st.production?.episodeSec && busySec > 0 ? Math.round((st.production.episodeSec / busySec) * 100) / 100 : null;
    return {
      channel,
      // A new channel's theme is not shown until moderation has accepted it.
      theme: st.themeChecked === false ? '' : st.theme,
      paused: st.paused,
      onAir: st.onAir,
      next: [...fresh, ...st.ready],
      producing: [...producing.values()],
      made: st.made,
      failed: st.failed,
      recentFailures: st.recentFailures,
      aired: st.aired,
      skipped: st.skipped,
      producedSec: st.producedSec,
      productionVsAir,
      productionSpeed,
      production: st.production || busySince !== null ? { episodeSec: st.production?.episodeSec ?? 0, busySec: Math.round(busySec * 10) / 10 } : null,
      // Only once an episode has aired and production was watched for a window: before that, the
      // standby is the channel starting, not falling behind.
      fallingBehind: !!st.firstAiredAt && (Date.now() - Date.parse(st.firstAiredAt)) / 1000 >= FALLING_BEHIND_WINDOW_SEC && (
        (productionSpeed !== null && productionSpeed < 1) ||
        (fresh.length === 0 && st.ready.length === 0 && (st.onAir === null || st.onAir.reair))),
      backends: Object.fromEntries(Object.entries(cfg.backends).map(([k, v]) => [k, v.kind])),
      runs: st.runs,
      stopped: st.stoppedBecause ?? null,
      viewers: viewers(),
      air: st.air ?? null,
      ...suggestions.status(),
      moderation: { ...st.moderation!, themeChecked: st.themeChecked !== false },
    };
  });

  // Wall time with an episode in production (ChannelState.production): from the first start to the last end.
  let busySince: number | null = null;
  const idleIfNoneProducing = () => {
    if (producing.size > 0 || busySince === null) return;
    st.production = { episodeSec: st.production?.episodeSec ?? 0, busySec: (st.production?.busySec ?? 0) + (Date.now() - busySince) / 1000 };
    busySince = null;
  };

  const continueAsNewDue = () => finishedThisRun >= cfg.maxEpisodesPerRun || workflowInfo().continueAsNewSuggested;

  async function startEpisode(): Promise<void> {
    const n = st.nextEpisode++;
    const suggested = suggestions.takeForEpisode();
    const theme = suggested ?? st.theme;
    const episodeInput: EpisodeInput = {
      channel, episode: n, theme, shots: cfg.shots, seed: cfg.seed + n, backends: cfg.backends,
      ...(cfg.parallelShots ? { parallelShots: cfg.parallelShots } : {}),
      ...(cfg.remoteTaskQueue ? { remoteTaskQueue: cfg.remoteTaskQueue } : {}),
      safeTheme: st.theme,
    };
    if (producing.size === 0) busySince = Date.now();
    producing.set(n, { episode: n, theme, ...(suggested ? { suggested: true } : {}) });
    const fail = (err: unknown) => {
      st.failed++;
      st.failuresInARow = (st.failuresInARow ?? 0) + 1;
      // Back off so a broken backend does not become a tight loop of failing episodes.
      retryAt = Date.now() + Math.min(300_000, 5_000 * 2 ** Math.min(6, st.failuresInARow - 1));
      st.recentFailures = [...st.recentFailures, { episode: n, theme, error: failureMessage(err) }].slice(-10);
    };
    try {
      const child = await startChild('episodeWorkflow', {
        workflowId: episodeWorkflowId(channel, n),
        args: [episodeInput],
        staticSummary: `episode ${n} of ${channel}: ${theme.slice(0, 120)}`,
      });
      void (child.result() as Promise<EpisodeManifest>)
        .then((m) => {
          st.ready.push({ ...episodeRef(m), ...(suggested ? { suggested: true } : {}) });
          st.made++;
          st.failuresInARow = 0;
          st.producedSec += m.durationSec;
          st.production = { episodeSec: (st.production?.episodeSec ?? 0) + m.durationSec, busySec: st.production?.busySec ?? 0 };
          st.moderation!.rejected += m.moderation?.rejected ?? 0;
          for (const warning of m.moderation?.warnings ?? []) countVerdict({ allowed: true, warning });
          retentionDue = true;
        }, (err) => { if (stopReason === null && !isCancellation(err)) fail(err); })
        .finally(() => {
          finishedThisRun++;
          producing.delete(n);
          muxing.delete(n);
          idleIfNoneProducing();
          poke();
        });
    } catch (err) {
      fail(err);
      finishedThisRun++;
      producing.delete(n);
      idleIfNoneProducing();
    }
  }

  /** Puts the next ready episode into the slot after the one on air, unless it already holds a fresh one. */
  async function fillNextSlot(): Promise<void> {
    if (!st.onAir) return;
    const next = (st.onAir.slot + 1) % SLOT_COUNT;
    if (st.slots[next]?.fresh) return;
    const episode = st.ready.shift();
    if (!episode) return;
    const queue = airQueue();
    try {
      const { inode } = await airOn(queue).swapSlot({ channel, slot: next, source: episode.path, ...(episode.file ? { file: episode.file } : {}) }, `put episode ${episode.episode} in slot ${next}`);
      // Air moved to another host meanwhile: this swap went to the old host's folder; the episode waits its turn there.
      if (queue !== airQueue()) st.ready.unshift(episode);
      else st.slots[next] = { inode, episode, fresh: true };
    } catch (err) {
      if (isCancellation(err)) throw err;
      if (airHostGone(err)) {
        // Not the episode's fault: it keeps its place, and the status says what to do.
        st.ready.unshift(episode);
        st.recentFailures = [...st.recentFailures, { episode: episode.episode, theme: episode.theme, error: `the air host ${st.air?.host ?? '(shared air queue)'} did not take the slot swap within a minute: is its air worker running? If that host is gone, move the channel's air: webtv channel move-air ${channel}` }].slice(-10);
        return;
      }
      st.failed++;
      st.recentFailures = [...st.recentFailures, { episode: episode.episode, theme: episode.theme, error: `could not air: ${failureMessage(err)}` }].slice(-10);
      poke();
    }
  }

  if (st.themeChecked === false) {
    const v = await moderateText(st.theme, 'operator', 'initial theme', cfg.remoteTaskQueue);
    if (!v.allowed) throw themeRejected(v);
    countVerdict(v);
    st.themeChecked = true;
  }

  publishRunState(!!input.searchAttributes, channel, st.paused ? 'paused' : 'on air');
  const stopWith = (reason: string) => stopChannel({
    channel, reason, state: st,
    producing: () => [...producing.keys()], hasBroadcast: cfg.broadcast, searchAttributes: !!input.searchAttributes,
  });
  let watch: ReturnType<typeof watchBroadcastEnd> = null;
  try {
    if (!st.air && patched(AIR_HOST_PATCH)) st.air = await claimAirHost(channel);
    if (cfg.broadcast) {
      try {
        await startChild('broadcastWorkflow', {
          workflowId: broadcastWorkflowId(channel),
          args: [{ channel, ...(st.air ? { airQueue: st.air.queue } : {}) }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `on air: ${channel}`,
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      watch = watchBroadcastEnd(channel, (ended) => { stopReason ??= broadcastEndReason(channel, ended); poke(); });
    }
    try {
      const air = await airOn(airQueue()).prepareAir(channel);
      air.slots.forEach((s, i) => {
        if (st.slots[i]?.inode !== s.inode) st.slots[i] = { inode: s.inode, episode: null, fresh: false };
      });
    } catch (err) {
      // A channel resumed after its air host died must not fail: it keeps making episodes, says so, and
      // waits for an operator to move its air (the swaps wait too, see fillNextSlot).
      if (!airHostGone(err)) throw err;
      const warning = `the air host ${st.air?.host ?? '(shared air queue)'} did not answer within a minute: if it is gone, run webtv channel move-air ${channel}`;
      log.warn(warning);
      setCurrentDetails(`**${channel}**: ${warning}`);
    }

    for (;;) {
      if (stopReason !== null) {
        await stopWith(stopReason);
        return;
      }
      // An episode that is muxing counts no more: the next one starts beside its mux (one at most, so a
      // mux that keeps failing cannot pile episodes up), within this run's maxEpisodesPerRun (the run
      // continues as new once its episodes end). Histories from before the signal had none: unchanged.
      const besideMux = () => muxing.size === 0 || finishedThisRun + producing.size < cfg.maxEpisodesPerRun;
      while (
        !st.paused && !continueAsNewDue() && making() < cfg.parallelEpisodes && producing.size <= cfg.parallelEpisodes && besideMux() &&
        Date.now() >= retryAt && st.ready.length + freshSlots().length + making() < cfg.targetReady
      ) {
        await startEpisode();
      }
      await fillNextSlot();
      if (skipRequested) {
        skipRequested = false;
        if (st.onAir && cfg.broadcast) {
          try {
            await getExternalWorkflowHandle(broadcastWorkflowId(channel)).signal(restartAirSignal, (st.onAir.slot + 1) % SLOT_COUNT);
            st.skipped++;
          } catch (err) {
            log.warn('skip: the broadcast workflow is not running', { error: failureMessage(err) });
          }
        }
      }
      if (retentionDue) {
        retentionDue = false;
        const protect = [...st.ready, ...st.slots.map((s) => s?.episode), st.onAir?.episode].flatMap((e) => (e ? [e.episode] : []));
        // Disk clean-up failing must not stop the channel; it is tried again after the next episode.
        await airOn(airQueue()).retainEpisodes({ channel, keepLatest: cfg.retainEpisodes, protect: [...protect, ...producing.keys()] })
          .catch((err) => log.warn('could not remove old episodes', { error: failureMessage(err) }));
      }
      if (continueAsNewDue() && producing.size === 0) {
        await condition(allHandlersFinished);
        watch?.cancel();
        st.runs++;
        await continueAsNew<typeof channelWorkflow>({ ...input, state: st });
      }
      const backoff = retryAt - Date.now();
      if (backoff > 0) await condition(() => wake, backoff);
      else await condition(() => wake);
      wake = false;
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    stopReason = 'stopped by a cancel request (webtv channel stop, the Web UI or temporal workflow cancel)';
    await stopWith(stopReason);
    throw err;
  }
}
