// One run of a channel: its state (what continue-as-new carries) and what is not state (the episodes in
// production, the wake-up flag, viewer reports), with a method for each thing that happens to a channel.
// channelWorkflow (channel.ts) drives it: handlers call one method each, the loop waits for a reason and acts.
// Deterministic workflow code (temporalio/samples-typescript: safe-message-handlers, entity workflows).
import {
  ApplicationFailure, ParentClosePolicy, condition, getExternalWorkflowHandle, isCancellation, log, patched,
  setCurrentDetails, startChild, workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { failureMessage } from '../shared/failureMessage';
import {
  SLOT_COUNT, addRecentFailure, broadcastWorkflowId, channelConfig, channelStatus, episodeRefOf, episodeWorkflowId,
  type ChannelConfig, type ChannelInput, type ChannelState, type ChannelStatus, type EpisodeRef, type ViewerReport,
} from '../shared/channel';
import { moveAirSignal, restartAirSignal } from '../shared/channelMessages';
import type { EpisodeInput, EpisodeManifest } from '../shared/types';
import type { ModerationVerdict } from '../activities/moderation/index';
import { moderateText, themeRejected } from './moderation';
import { MODERATION_PATCH } from './moderation';
import { AIR_HOST_PATCH, airHostGone, airOn, claimAirHost, sharedAirQueue } from './channelAir';
import { broadcastEndReason, publishRunState, stopChannel, watchBroadcastEnd } from './channelStop';
import { installSuggestionHandlers } from './channelSuggestions';
import { ChannelShow } from './channelShow';

/** An episode in production, as the status shows it. */
export interface Producing { episode: number; theme: string; suggested?: boolean }

export class ChannelRun {
  readonly cfg: ChannelConfig;
  readonly channel: string;
  readonly suggestions: ReturnType<typeof installSuggestionHandlers>;
  /** The show and its story so far (channelShow.ts). */
  readonly show: ChannelShow;
  /** Why the channel is to stop (a cancel, or its broadcast ended by hand); null while it runs. */
  stopReason: string | null = null;
  private readonly producing = new Map<number, Producing>();
  /** Episodes in production whose shots are made: only their mux is left (episodeMuxingSignal). */
  private readonly muxing = new Set<number>();
  /** Viewer counts are for status only: kept out of the state, refreshed by the servers after continue-as-new. */
  private readonly viewerReports = new Map<string, { count: number; at: number }>();
  private wake = false;
  private skipRequested = false;
  private retentionDue = false;
  private finishedThisRun = 0;
  private retryAt = 0;
  /** Wall time with an episode in production (ChannelState.production): from the first start to the last end. */
  private busySince: number | null = null;
  // Operator themes: when two are in flight, the one asked for last wins even if its verdict comes back first.
  private themeAsked = 0;
  private themeApplied = 0;
  private watch: ReturnType<typeof watchBroadcastEnd> = null;

  constructor(readonly input: ChannelInput, readonly st: ChannelState) {
    this.cfg = channelConfig(input);
    this.channel = this.cfg.channel;
    st.moderation ??= { rejected: 0, warnings: 0 };
    this.suggestions = installSuggestionHandlers(st, this.cfg);
    this.show = new ChannelShow(st, this.cfg, (v) => this.countVerdict(v), () => this.poke(), (n) => this.producing.has(n));
  }

  poke(): void { this.wake = true; }

  /** Waits for a reason to act: a message, an episode ending, or the end of a failure backoff. */
  async nextReason(): Promise<void> {
    const backoff = this.retryAt - Date.now();
    if (backoff > 0) await condition(() => this.wake, backoff);
    else await condition(() => this.wake);
    this.wake = false;
  }

  // --- Operators ---

  /**
   * An operator theme (CLI, page, Temporal CLI, schedules), moderated before it applies: answers the verdict,
   * or null in histories from before moderation, where it applied unchecked.
   */
  async setTheme(theme: string): Promise<ModerationVerdict | null> {
    if (!patched(MODERATION_PATCH)) {
      this.st.theme = theme;
      this.poke();
      return null;
    }
    const asked = ++this.themeAsked;
    const v = await moderateText(theme, 'operator', 'operator theme', this.cfg.remoteTaskQueue);
    this.countVerdict(v);
    if (v.allowed && asked > this.themeApplied) {
      this.themeApplied = asked;
      this.st.theme = theme;
      this.poke();
    }
    return v;
  }

  /** A new channel's theme is checked before anything can show or use it (histories from before moderation skip this). */
  async checkInitialTheme(): Promise<void> {
    if (this.st.themeChecked !== false) return;
    const v = await moderateText(this.st.theme, 'operator', 'initial theme', this.cfg.remoteTaskQueue);
    if (!v.allowed) throw themeRejected(v);
    this.countVerdict(v);
    this.st.themeChecked = true;
  }

  setPaused(paused: boolean): void {
    this.st.paused = paused;
    publishRunState(!!this.input.searchAttributes, this.channel, paused ? 'paused' : 'on air');
    this.poke();
  }

  requestSkip(): void {
    this.skipRequested = true;
    this.poke();
  }

  /** Moves the channel's air to the named host's air worker (any air worker without one). */
  async moveAir(host: string | undefined) {
    let claim;
    try {
      claim = await claimAirHost(this.channel, host);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(host
        ? `no air worker on host ${host} answered within 30 s: start one there (WEBTV_AIR_HOST=${host} webtv worker --roles air), or leave --to out to take any air worker (${failureMessage(err)})`
        : `no air worker took the channel's air: ${failureMessage(err)}`, 'AirHostUnavailable');
    }
    const from = this.st.air?.host ?? null;
    this.st.air = claim;
    // The new host's air folder starts on standby: episodes that waited in the old host's slots go back in line.
    this.st.ready.unshift(...this.freshSlots());
    const air = await airOn(claim.queue).prepareAir(this.channel);
    this.st.slots = air.slots.map((s) => ({ inode: s.inode, episode: null, fresh: false }));
    if (this.cfg.broadcast) {
      await getExternalWorkflowHandle(broadcastWorkflowId(this.channel)).signal(moveAirSignal, claim.queue)
        .catch((err) => log.warn('move-air: the broadcast workflow is not running', { error: failureMessage(err) }));
    }
    this.poke();
    return { ...claim, from };
  }

  // --- Air and viewers ---

  viewersReported({ source, count }: Pick<ViewerReport, 'source' | 'count'>): void {
    if (typeof source === 'string' && Number.isInteger(count) && count >= 0) this.viewerReports.set(source.slice(0, 200), { count, at: Date.now() });
  }

  /** The on-air ffmpeg opened a slot file: what is on air now, and whether a fresh episode aired. */
  slotOpened(slot: number, inode: number, at: string): void {
    const content = this.st.slots[slot];
    const known = content && content.inode === inode;
    const episode = known ? content.episode : null;
    const fresh = !!(known && content.fresh);
    if (known && content.fresh) {
      content.fresh = false;
      if (episode) this.st.aired++;
      if (episode && !this.st.firstAiredAt) this.st.firstAiredAt = at;
    }
    this.st.onAir = { slot, episode, since: at, reair: !fresh };
    setCurrentDetails(episode
      ? `**On air:** episode ${episode.episode}${fresh ? '' : ' (again)'}: ${episode.theme}`
      : '**On air:** standby clip');
    this.poke();
  }

  /** Claims an air host (once), starts the broadcast (once) and watches it, and prepares the air folder. */
  async goOnAir(): Promise<void> {
    if (!this.st.air && patched(AIR_HOST_PATCH)) this.st.air = await claimAirHost(this.channel);
    if (this.cfg.broadcast) {
      try {
        await startChild('broadcastWorkflow', {
          workflowId: broadcastWorkflowId(this.channel),
          args: [{ channel: this.channel, ...(this.st.air ? { airQueue: this.st.air.queue } : {}) }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `on air: ${this.channel}`,
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      this.watch = watchBroadcastEnd(this.channel, (ended) => { this.stopReason ??= broadcastEndReason(this.channel, ended); this.poke(); });
    }
    try {
      const air = await airOn(this.airQueue()).prepareAir(this.channel);
      air.slots.forEach((s, i) => {
        if (this.st.slots[i]?.inode !== s.inode) this.st.slots[i] = { inode: s.inode, episode: null, fresh: false };
      });
    } catch (err) {
      // A channel resumed after its air host died must not fail: it keeps making episodes, says so, and
      // waits for an operator to move its air (the swaps wait too, see fillNextSlot).
      if (!airHostGone(err)) throw err;
      const warning = `the air host ${this.st.air?.host ?? '(shared air queue)'} did not answer within a minute: if it is gone, run webtv channel move-air ${this.channel}`;
      log.warn(warning);
      setCurrentDetails(`**${this.channel}**: ${warning}`);
    }
  }

  /** Puts the next ready episode into the slot after the one on air, unless it already holds a fresh one. */
  async fillNextSlot(): Promise<void> {
    if (!this.st.onAir) return;
    const next = (this.st.onAir.slot + 1) % SLOT_COUNT;
    if (this.st.slots[next]?.fresh) return;
    const episode = this.st.ready.shift();
    if (!episode) return;
    const queue = this.airQueue();
    try {
      const { inode } = await airOn(queue).swapSlot({ channel: this.channel, slot: next, source: episode.path, ...(episode.file ? { file: episode.file } : {}) }, `put episode ${episode.episode} in slot ${next}`);
      // Air moved to another host meanwhile: this swap went to the old host's folder; the episode waits its turn there.
      if (queue !== this.airQueue()) this.st.ready.unshift(episode);
      else this.st.slots[next] = { inode, episode, fresh: true };
    } catch (err) {
      if (isCancellation(err)) throw err;
      if (airHostGone(err)) {
        // Not the episode's fault: it keeps its place, and the status says what to do.
        this.st.ready.unshift(episode);
        addRecentFailure(this.st, { episode: episode.episode, theme: episode.theme, error: `the air host ${this.st.air?.host ?? '(shared air queue)'} did not take the slot swap within a minute: is its air worker running? If that host is gone, move the channel's air: webtv channel move-air ${this.channel}` });
        return;
      }
      this.st.failed++;
      addRecentFailure(this.st, { episode: episode.episode, theme: episode.theme, error: `could not air: ${failureMessage(err)}` });
      this.poke();
    }
  }

  /** A skip asked for: the broadcast restarts its ffmpeg from the next slot. */
  async skipIfAsked(): Promise<void> {
    if (!this.skipRequested) return;
    this.skipRequested = false;
    if (!this.st.onAir || !this.cfg.broadcast) return;
    try {
      await getExternalWorkflowHandle(broadcastWorkflowId(this.channel)).signal(restartAirSignal, (this.st.onAir.slot + 1) % SLOT_COUNT);
      this.st.skipped++;
    } catch (err) {
      log.warn('skip: the broadcast workflow is not running', { error: failureMessage(err) });
    }
  }

  /** After an episode is made: old episode folders go, except those queued, in slots, on air or in production. */
  async retainIfDue(): Promise<void> {
    if (!this.retentionDue) return;
    this.retentionDue = false;
    const protect = [...this.st.ready, ...this.st.slots.map((s) => s?.episode), this.st.onAir?.episode].flatMap((e) => (e ? [e.episode] : []));
    // Disk clean-up failing must not stop the channel; it is tried again after the next episode.
    await airOn(this.airQueue()).retainEpisodes({ channel: this.channel, keepLatest: this.cfg.retainEpisodes, protect: [...protect, ...this.producing.keys()] })
      .catch((err) => log.warn('could not remove old episodes', { error: failureMessage(err) }));
  }

  // --- Production ---

  /** Starts episodes while there is room: not paused, within the run, past any backoff, below targetReady. */
  async startEpisodesWhileRoom(): Promise<void> {
    const { cfg, producing } = this;
    // An episode that is muxing counts no more: the next one starts beside its mux (one at most, so a
    // mux that keeps failing cannot pile episodes up), within this run's maxEpisodesPerRun (the run
    // continues as new once its episodes end). Histories from before the signal had none: unchanged.
    const besideMux = () => this.muxing.size === 0 || this.finishedThisRun + producing.size < cfg.maxEpisodesPerRun;
    while (
      !this.st.paused && !this.continueAsNewDue() && this.show.allWritten() && this.making() < cfg.parallelEpisodes && producing.size <= cfg.parallelEpisodes && besideMux() &&
      Date.now() >= this.retryAt && this.st.ready.length + this.freshSlots().length + this.making() < cfg.targetReady
    ) {
      await this.startEpisode();
    }
  }

  episodeMuxing(n: number): void {
    if (this.producing.has(n)) this.muxing.add(n);
    this.poke();
  }

  private async startEpisode(): Promise<void> {
    const { st, cfg, channel } = this;
    const n = st.nextEpisode++;
    const suggested = this.suggestions.takeForEpisode();
    const theme = suggested ?? st.theme;
    const episodeInput: EpisodeInput = {
      channel, episode: n, theme, shots: cfg.shots, seed: cfg.seed + n, backends: cfg.backends,
      ...(cfg.parallelShots ? { parallelShots: cfg.parallelShots } : {}),
      ...(cfg.remoteTaskQueue ? { remoteTaskQueue: cfg.remoteTaskQueue } : {}),
      safeTheme: st.theme,
    };
    // A show's episode is directed, and continues the story written so far.
    Object.assign(episodeInput, this.show.forEpisode(n));
    this.episodeStarted({ episode: n, theme, ...(suggested ? { suggested: true } : {}) });
    try {
      const child = await startChild('episodeWorkflow', {
        workflowId: episodeWorkflowId(channel, n),
        args: [episodeInput],
        staticSummary: `episode ${n} of ${channel}: ${(episodeInput.show ? `${episodeInput.show.title} (directed)` : theme).slice(0, 120)}`,
      });
      void (child.result() as Promise<EpisodeManifest>)
        .then((m) => this.episodeMade(m, !!suggested), (err) => { if (this.stopReason === null && !isCancellation(err)) this.recordFailure(n, theme, err); })
        .finally(() => this.episodeFinished(n));
    } catch (err) {
      this.recordFailure(n, theme, err);
      this.finishedThisRun++;
      this.producing.delete(n);
      this.idleIfNoneProducing();
    }
  }

  private episodeStarted(p: Producing): void {
    if (this.producing.size === 0) this.busySince = Date.now();
    this.producing.set(p.episode, p);
  }

  private episodeMade(m: EpisodeManifest, suggested: boolean): void {
    const { st } = this;
    st.ready.push({ ...episodeRefOf(m), ...(suggested ? { suggested: true } : {}) });
    st.made++;
    st.failuresInARow = 0;
    st.producedSec += m.durationSec;
    st.production = { episodeSec: (st.production?.episodeSec ?? 0) + m.durationSec, busySec: st.production?.busySec ?? 0 };
    st.moderation!.rejected += m.moderation?.rejected ?? 0;
    for (const warning of m.moderation?.warnings ?? []) this.countVerdict({ allowed: true, warning });
    this.retentionDue = true;
  }

  /** An episode failed: counted, listed, and production backs off so a broken backend is not a tight loop. */
  recordFailure(episode: number, theme: string, err: unknown): void {
    const { st } = this;
    st.failed++;
    st.failuresInARow = (st.failuresInARow ?? 0) + 1;
    this.retryAt = Date.now() + Math.min(300_000, 5_000 * 2 ** Math.min(6, st.failuresInARow - 1));
    addRecentFailure(st, { episode, theme, error: failureMessage(err) });
    this.show.episodeFailed(episode);
  }

  private episodeFinished(n: number): void {
    this.show.episodeEnded(n);
    this.finishedThisRun++;
    this.producing.delete(n);
    this.muxing.delete(n);
    this.idleIfNoneProducing();
    this.poke();
  }

  private idleIfNoneProducing(): void {
    if (this.producing.size > 0 || this.busySince === null) return;
    const { st } = this;
    st.production = { episodeSec: st.production?.episodeSec ?? 0, busySec: (st.production?.busySec ?? 0) + (Date.now() - this.busySince) / 1000 };
    this.busySince = null;
  }

  // --- The run's end ---

  /** This run has made its episodes (or Temporal suggests it) and none is in production: time to continue as new. */
  readyToContinueAsNew(): boolean {
    return this.continueAsNewDue() && this.producing.size === 0;
  }

  /** The state the next run starts from; the broadcast watch ends with this run. */
  stateForNextRun(): ChannelState {
    this.watch?.cancel();
    this.st.runs++;
    return this.st;
  }

  stop(reason: string): Promise<void> {
    return stopChannel({
      channel: this.channel, reason, state: this.st,
      producing: () => [...this.producing.keys()], hasBroadcast: this.cfg.broadcast, searchAttributes: !!this.input.searchAttributes,
    });
  }

  status(): ChannelStatus {
    return channelStatus(this.st, {
      config: this.cfg, producing: [...this.producing.values()], busySince: this.busySince,
      viewerReports: [...this.viewerReports.values()], suggestions: this.suggestions.status(), now: Date.now(),
    });
  }

  // --- Helpers ---

  countVerdict(v: Pick<ModerationVerdict, 'allowed' | 'warning'>): void {
    if (!v.allowed) this.st.moderation!.rejected++;
    if (v.warning) {
      this.st.moderation!.warnings++;
      this.st.moderation!.lastWarning = v.warning;
    }
  }

  private continueAsNewDue(): boolean {
    return this.finishedThisRun >= this.cfg.maxEpisodesPerRun || workflowInfo().continueAsNewSuggested;
  }

  /** Episodes still making shots: what parallelEpisodes and targetReady count. */
  private making(): number { return this.producing.size - this.muxing.size; }

  private freshSlots(): EpisodeRef[] {
    return this.st.slots.filter((s) => s?.fresh && s.episode).map((s) => s!.episode!);
  }

  private airQueue(): string { return this.st.air?.queue ?? sharedAirQueue(); }
}
