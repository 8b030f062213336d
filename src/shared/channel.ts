// The channel's input, state and status shapes, and its defaults. Pure: the workflow bundle imports it.
import type { EpisodeBackends, EpisodeManifest } from './types';
import type { FileRef } from './fileRef';
import { DEFAULT_THEME } from './theme';
import { offlineBackends } from './validation';
import { z } from 'zod';
import type { SuggestionBox, SuggestionView } from './suggestions';
import { STORY_KEPT, type Show, type StoryEntry } from './show';

/**
 * What starts a channel (also what `temporal workflow start --type channelWorkflow --input '{...}'`
 * takes). Only `channel` is required; `state` is carried by continue-as-new and is not for people.
 */
export interface ChannelInput {
  channel: string;
  theme?: string;
  /** Per-capability backends; anything left out is 'offline'. */
  backends?: Partial<EpisodeBackends>;
  /** Shots per episode (default 3). */
  shots?: number;
  /** Finished, not yet aired episodes to keep ahead of air (default 2). */
  targetReady?: number;
  /** Episodes making shots at once (default 1); one more may be muxing (episodeMuxingSignal). */
  parallelEpisodes?: number;
  /** Episode folders kept on disk besides those queued or on air (default 12). */
  retainEpisodes?: number;
  /** Continue as new after this many episodes in one run (default 200), or when Temporal suggests it. */
  maxEpisodesPerRun?: number;
  /** Base seed; episode n uses seed + n (default 1). */
  seed?: number;
  /** Start the broadcast workflow for this channel (default true). */
  broadcast?: boolean;
  /** Shots made at once within an episode (default: all of them). */
  parallelShots?: number;
  /** Task queue for remote (GPU-bound) media steps; see EpisodeInput.remoteTaskQueue. */
  remoteTaskQueue?: string;
  /** Keep the WebtvChannel/WebtvChannelState search attributes up to date (set by clients that checked they are registered). */
  searchAttributes?: boolean;
  /** Each new episode takes the viewers' top suggestion as its theme, when one is waiting (default false). */
  audience?: boolean;
  /**
   * A show (src/shared/show.ts, docs/show.schema.json): episodes are directed, each continuing the story.
   * Moderated like a theme before it is used. Absent: episodes are a theme's shots, as before.
   */
  show?: Show;
  /** A directed episode's length range in seconds (default 30–45, within 20–90). */
  lengthSec?: { min: number; max: number };
  state?: ChannelState;
}

export interface ChannelConfig {
  channel: string;
  backends: EpisodeBackends;
  shots: number;
  targetReady: number;
  parallelEpisodes: number;
  retainEpisodes: number;
  maxEpisodesPerRun: number;
  seed: number;
  broadcast: boolean;
  parallelShots?: number;
  remoteTaskQueue?: string;
  audience: boolean;
  lengthSec?: { min: number; max: number };
}

/** A finished episode as the channel keeps it: a path and a few words, never media bytes. */
export interface EpisodeRef {
  episode: number;
  path: string;
  durationSec: number;
  theme: string;
  degraded: boolean;
  shots: { prompt: string; durationSec: number }[];
  /** Its theme was a viewer's suggestion. */
  suggested?: boolean;
  /** The episode file in the store; any worker can fetch it (absent in refs made before the store). */
  file?: FileRef;
  /** A directed episode's title and one-line summary. */
  title?: string;
  summary?: string;
}

/** What a slot file holds. `episode` null means the standby clip. */
export interface SlotContent {
  inode: number;
  episode: EpisodeRef | null;
  /** Installed and not yet aired. */
  fresh: boolean;
}

export interface OnAir {
  slot: number;
  episode: EpisodeRef | null;
  /** Wall-clock time ffmpeg opened the slot (ISO), as seen by the on-air activity. */
  since: string;
  reair: boolean;
}

export interface FailedEpisode {
  episode: number;
  theme: string;
  error: string;
}

export interface ChannelState {
  theme: string;
  paused: boolean;
  nextEpisode: number;
  ready: EpisodeRef[];
  slots: (SlotContent | null)[];
  onAir: OnAir | null;
  made: number;
  failed: number;
  recentFailures: FailedEpisode[];
  aired: number;
  skipped: number;
  producedSec: number;
  runs: number;
  /** Episodes that failed one after another; production backs off while this is above 0. */
  failuresInARow?: number;
  /**
   * Seconds of episode made and the wall time spent making them (time with at least one episode in
   * production; a failed episode's time counts): their ratio is how fast the channel makes episodes when
   * it works, which `targetReady` does not cap. Absent in channels from before it was kept; it counts
   * its own episode seconds (not producedSec) since such a channel made episodes it has no busy time for.
   */
  production?: { episodeSec: number; busySec: number };
  /** When the channel first started (ISO); production vs air is measured from here. */
  startedAt?: string;
  /** Why the channel stopped (set when it stops; kept in the closed run's memo as `lastState`). */
  stoppedBecause?: string;
  /** When the first fresh episode went on air in this run (ISO); "falling behind" waits a window after it. */
  firstAiredAt?: string;
  /** Viewers' suggestions and votes (absent in states from before they existed). */
  suggestions?: SuggestionBox;
  /** Moderation counters (absent in states carried from before moderation existed). */
  moderation?: ModerationCounts;
  /** False while a new channel's initial theme awaits moderation. */
  themeChecked?: boolean;
  /** The host whose air worker holds the air folder (absent in states from before air hosts existed). */
  air?: AirClaim;
  /** The show its episodes are directed from (absent: a theme's shots; and in states from before shows). */
  show?: Show;
  /** A show's story so far: one line per written episode, in episode order, the last STORY_KEPT. */
  story?: StoryEntry[];
  /** False while a new channel's show awaits moderation. */
  showChecked?: boolean;
}

/** An air worker's host id and its own task queue (src/shared/taskQueues.ts). */
export interface AirClaim {
  host: string;
  queue: string;
}

/** What moderation refused or could only half-check on this channel (docs/moderation.md). */
export interface ModerationCounts {
  /** Operator themes refused, plus shot prompts refused in this channel's episodes. */
  rejected: number;
  /** Texts passed on the local rules only because the moderation endpoint was down. */
  warnings: number;
  lastWarning?: string;
}

/** What the `status` query answers: the state's counters as they are, plus what is derived from them. */
export interface ChannelStatus
  extends Pick<ChannelState, 'theme' | 'paused' | 'onAir' | 'made' | 'failed' | 'recentFailures' | 'aired' | 'skipped' | 'producedSec' | 'runs'> {
  channel: string;
  next: EpisodeRef[];
  producing: { episode: number; theme: string; suggested?: boolean }[];
  /** Seconds of episode made per second since the channel started; below 1 the channel cannot keep up. */
  productionVsAir: number | null;
  /**
   * Seconds of episode made per second spent producing (ChannelState.production). productionVsAir
   * cannot pass ~1 for long, since production waits once `targetReady` episodes are queued; this is the
   * headroom: above 1 the channel makes more than it airs.
   */
  productionSpeed: number | null;
  /** What productionSpeed is made of (busySec counts an ongoing stretch of production up to now). */
  production: { episodeSec: number; busySec: number } | null;
  /**
   * True when making episodes is slower than air (productionSpeed < 1 once an episode exists), or when
   * nothing fresh is ready and air is re-running old episodes or the standby clip.
   */
  fallingBehind: boolean;
  backends: Record<string, string>;
  /** People watching now, summed over the servers that report (null: no server has reported). */
  viewers?: number | null;
  /** The air host and its task queue; null before one is claimed (or in channels from before air hosts). */
  air?: AirClaim | null;
  /** Set once the channel has stopped: why (a stop, a cancel, or its broadcast ending by hand). */
  stopped?: string | null;
  /** Episodes take the top suggestion as their theme. */
  audience: boolean;
  /** Suggestions that passed moderation, most votes first (ties: oldest first). */
  suggestions: SuggestionView[];
  /** Suggestions waiting for moderation (not shown). */
  suggestionsChecking: number;
  suggestionsRejected: number;
  votesCounted: number;
  /** themeChecked: false until a new channel's initial theme has passed moderation. */
  moderation: ModerationCounts & { themeChecked: boolean };
  /** The show's title and characters' names (null: no show). */
  show: { title: string; characters: string[] } | null;
  /** The summaries of the written episodes before the one on air, oldest first (the page's "Previously:"). */
  previously: StoryEntry[];
}

/** A server's viewer count for the channel (FLV players + recent HLS clients), sent when it changes. */
export interface ViewerReport {
  /** Which server counts (host:port of its web page); counts of several servers add up. */
  source: string;
  count: number;
  at: string;
}

/** A report older than this no longer counts (servers re-send every minute while anyone watches). */
export const VIEWER_REPORT_TTL_SEC = 150;

/** Sent by the on-air activity each time ffmpeg opens a slot file. */
export interface SlotOpened {
  slot: number;
  inode: number;
  at: string;
}

export interface BroadcastInput {
  channel: string;
  startSlot?: number;
  /** The air host's task queue (absent: the shared air queue, as in histories from before air hosts). */
  airQueue?: string;
}

export const SLOT_COUNT = 2;

/** Seconds of air after the first aired episode before "falling behind" may be said: a shorter look measures noise. */
export const FALLING_BEHIND_WINDOW_SEC = 120;

/** The memo key under which a stopped channel keeps its last state, so the next start resumes from it. */
export const LAST_STATE_MEMO = 'lastState';

/**
 * The state a stopped channel starts again from: the same theme, counters, ready episodes and slot
 * contents; nothing is on air yet, and production vs air is measured afresh (the time off air is not slowness).
 */
export function resumeState(last: ChannelState, now: string): ChannelState {
  // `air`: a stopped channel claims an air host anew (its old host may be gone, or renamed; the slots are
  // prepared again either way), so `npm start` on another machine just works.
  const { stoppedBecause: _gone, firstAiredAt: _measuredAfresh, air: _claimedAnew, ...kept } = last;
  return { ...kept, onAir: null, startedAt: now, producedSec: 0, failuresInARow: 0, runs: last.runs + 1 };
}

export const channelWorkflowId = (channel: string) => `channel/${channel}`;
export const broadcastWorkflowId = (channel: string) => `broadcast/${channel}`;
export const episodeWorkflowId = (channel: string, n: number) => `${channel}/episode-${n}`;

/** The `audience` option as people give it (CLI flag, JSON input); anything else means off. */
export const audienceOptionSchema = z.boolean({ error: 'audience must be true or false' }).optional();

export function channelConfig(input: ChannelInput): ChannelConfig {
  const int = (v: number | undefined, dflt: number, min: number) => (Number.isInteger(v) && v! >= min ? v! : dflt);
  return {
    channel: input.channel,
    backends: { ...offlineBackends(), ...(input.backends ?? {}) },
    shots: int(input.shots, 3, 1),
    targetReady: int(input.targetReady, 2, 1),
    parallelEpisodes: int(input.parallelEpisodes, 1, 1),
    retainEpisodes: int(input.retainEpisodes, 12, 0),
    maxEpisodesPerRun: int(input.maxEpisodesPerRun, 200, 1),
    seed: int(input.seed, 1, 0),
    broadcast: input.broadcast ?? true,
    parallelShots: input.parallelShots,
    remoteTaskQueue: input.remoteTaskQueue,
    audience: audienceOptionSchema.safeParse(input.audience).data ?? false,
    ...(input.lengthSec ? { lengthSec: input.lengthSec } : {}),
  };
}

export function initialChannelState(theme: string | undefined, startedAt?: string): ChannelState {
  return {
    startedAt,
    theme: theme ?? DEFAULT_THEME,
    paused: false,
    nextEpisode: 1,
    ready: [],
    slots: Array.from({ length: SLOT_COUNT }, () => null),
    onAir: null,
    made: 0,
    failed: 0,
    recentFailures: [],
    aired: 0,
    skipped: 0,
    producedSec: 0,
    runs: 1,
  };
}

/** How many failures the status lists (the newest). */
export const RECENT_FAILURES_KEPT = 10;

/** Adds a failure to the channel's recent ones, keeping the newest RECENT_FAILURES_KEPT. */
export function addRecentFailure(st: ChannelState, f: FailedEpisode): void {
  st.recentFailures = [...st.recentFailures, f].slice(-RECENT_FAILURES_KEPT);
}

/** A finished episode as the channel keeps it, from its manifest. */
export function episodeRefOf(m: EpisodeManifest): EpisodeRef {
  return {
    episode: m.episode,
    path: m.episodePath,
    durationSec: m.durationSec,
    theme: m.theme,
    degraded: m.degraded,
    shots: m.shots.map((s) => ({ prompt: s.prompt, durationSec: s.durationSec })),
    ...(m.episodeFile ? { file: m.episodeFile } : {}),
    ...(m.directed ? { title: m.directed.title, summary: m.directed.summary } : {}),
  };
}

/** The story with one more written episode: in episode order, one entry per episode, the last STORY_KEPT. */
export function addToStory(story: StoryEntry[] | undefined, entry: StoryEntry): StoryEntry[] {
  return [...(story ?? []).filter((e) => e.episode !== entry.episode), entry].sort((a, b) => a.episode - b.episode).slice(-STORY_KEPT);
}

/** What "Previously:" shows: the story before the episode on air (before the next one, with nothing on air), the last 3. */
export function previouslyOf(st: Pick<ChannelState, 'story' | 'onAir'>): StoryEntry[] {
  const current = st.onAir?.episode?.episode;
  const story = st.story ?? [];
  return (current === undefined ? story : story.filter((e) => e.episode < current)).slice(-3);
}

/** What the status needs besides the state: a run's episodes in production, its timers and reports, the time now. */
export interface ChannelSnapshot {
  config: ChannelConfig;
  producing: ChannelStatus['producing'];
  /** When the current stretch of production began (ms); null while nothing is in production. */
  busySince: number | null;
  /** The servers' latest viewer counts, with when each arrived (ms). */
  viewerReports: { count: number; at: number }[];
  suggestions: Pick<ChannelStatus, 'audience' | 'suggestions' | 'suggestionsChecking' | 'suggestionsRejected' | 'votesCounted'>;
  /** Milliseconds since the epoch. */
  now: number;
}

/** The `status` query's answer: the state's counters as they are, plus what is derived from them at `now`. */
export function channelStatus(st: ChannelState, s: ChannelSnapshot): ChannelStatus {
  const { config: cfg, now } = s;
  const fresh = st.slots.filter((x) => x?.fresh && x.episode).map((x) => x!.episode!);
  const elapsedSec = st.startedAt ? (now - Date.parse(st.startedAt)) / 1000 : 0;
  const productionVsAir = st.made > 0 && elapsedSec > 0 ? Math.round((st.producedSec / elapsedSec) * 100) / 100 : null;
  const busySec = (st.production?.busySec ?? 0) + (s.busySince === null ? 0 : (now - s.busySince) / 1000);
  const productionSpeed = st.production?.episodeSec && busySec > 0 ? Math.round((st.production.episodeSec / busySec) * 100) / 100 : null;
  const freshReports = s.viewerReports.filter((r) => now - r.at < VIEWER_REPORT_TTL_SEC * 1000);
  return {
    channel: cfg.channel,
    // A new channel's theme is not shown until moderation has accepted it.
    theme: st.themeChecked === false ? '' : st.theme,
    paused: st.paused,
    onAir: st.onAir,
    next: [...fresh, ...st.ready],
    producing: s.producing,
    made: st.made,
    failed: st.failed,
    recentFailures: st.recentFailures,
    aired: st.aired,
    skipped: st.skipped,
    producedSec: st.producedSec,
    productionVsAir,
    productionSpeed,
    production: st.production || s.busySince !== null ? { episodeSec: st.production?.episodeSec ?? 0, busySec: Math.round(busySec * 10) / 10 } : null,
    // Only once an episode has aired and production was watched for a window: before that, the
    // standby is the channel starting, not falling behind.
    fallingBehind: !!st.firstAiredAt && (now - Date.parse(st.firstAiredAt)) / 1000 >= FALLING_BEHIND_WINDOW_SEC && (
      (productionSpeed !== null && productionSpeed < 1) ||
      (fresh.length === 0 && st.ready.length === 0 && (st.onAir === null || st.onAir.reair))),
    backends: Object.fromEntries(Object.entries(cfg.backends).map(([k, v]) => [k, v.kind])),
    runs: st.runs,
    stopped: st.stoppedBecause ?? null,
    viewers: s.viewerReports.length === 0 ? null : freshReports.reduce((a, r) => a + r.count, 0),
    air: st.air ?? null,
    ...s.suggestions,
    moderation: { ...(st.moderation ?? { rejected: 0, warnings: 0 }), themeChecked: st.themeChecked !== false },
    // A show waiting for moderation (showChecked false) is not shown, like a new theme.
    show: st.show && st.showChecked !== false ? { title: st.show.title, characters: st.show.characters.map((c) => c.name) } : null,
    previously: st.showChecked === false ? [] : previouslyOf(st),
  };
}
