// One episode, from a theme to a broadcast-ready episode.mp4. Reads like the process: write the shot list,
// make every shot (generate → upscale with the same prompt → interpolate, a few shots at once), compose
// the music meanwhile, then mux. A remote backend that gives up is replaced by the offline one, on record.
// An episode of a show is directed instead: directedEpisode.ts, from the same steps.
import {
  ApplicationFailure, CancellationScope, isCancellation, log, patched, proxyActivities, setCurrentDetails, setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index';
import type { BackendSpec, EpisodeInput, EpisodeManifest, MediaCapability, MediaResult, ShotList } from '../shared/types';
import { failureMessage, noWorkerTookIt } from '../shared/failureMessage';
import { BROADCAST, SHOT_SECONDS } from '../shared/types';
import { episodeInputProblem } from '../shared/validation';
import { taskQueues } from '../shared/taskQueues';
import { EpisodeModerator } from './episodeModeration';
import { episodeMuxingSignal } from '../shared/channelMessages';
import { MODERATION_PATCH } from './moderation';
import { episodeProgressQuery, type EpisodeProgress } from './episodeProgress';
import { DIRECTED_PATCH, inParallel, signalParent, writeDirectedEpisode, type MediaStep } from './directedEpisode';

const LOCAL: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  // Offline renderers heartbeat every few seconds: a dead worker is noticed within 15 s.
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3 },
};
const REMOTE: ActivityOptions = {
  startToCloseTimeout: '20 minutes',
  heartbeatTimeout: '60 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 4 },
};
const WRITER: ActivityOptions = {
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '60 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: ['InvalidShotList'] },
};

// Every call passes its own full options (LOCAL, REMOTE or WRITER, on its role's task queue) with a summary for the Web UI.
const acts = proxyActivities<Activities>(LOCAL);

const OFFLINE: BackendSpec = { kind: 'offline' };
/** Shots made at once, by default: all of them (before this patch, 2). */
export const ALL_SHOTS_PATCH = 'all-shots-at-once';
/** The episode tells its channel when its mux starts (episodeMuxingSignal). */
export const MUXING_SIGNAL_PATCH = 'muxing-signal';
/** The episode claims a media worker for its media steps (claimMediaWorker). */
export const MEDIA_WORKER_PATCH = 'media-worker';
/** How many media workers an episode tries before it fails (each lost one costs its media again). */
const MEDIA_ROUNDS = 3;
const CLAIM: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['NotAMediaWorker'] },
};
const OFFLINE_WRITER: EpisodeInput['backends']['writer'] = { kind: 'offline' };

export async function episodeWorkflow(input: EpisodeInput): Promise<EpisodeManifest> {
  const problem = episodeInputProblem(input);
  if (problem) throw ApplicationFailure.nonRetryable(`invalid episode input: ${problem}`, 'InvalidEpisodeInput');
  const { channel, episode, theme, seed, backends } = input;
  const ref = { channel, episode };
  // Offline renders and the mux on the media workers; models, the writer and moderation on the remote ones.
  const queues = taskQueues(workflowInfo().taskQueue);
  const local: ActivityOptions = { ...LOCAL, taskQueue: queues.media };
  const remote: ActivityOptions = { ...REMOTE, taskQueue: input.remoteTaskQueue ?? queues.remote };
  const writerOptions = (writer: EpisodeInput['backends']['writer']): ActivityOptions =>
    ({ ...WRITER, taskQueue: writer.kind === 'offline' ? queues.media : remote.taskQueue });
  const progress: EpisodeProgress = { stage: 'writing', shotsTotal: input.shots, shotsDone: 0, prompts: [], steps: [] };
  setHandler(episodeProgressQuery, () => progress);
  const say = (line: string) => setCurrentDetails(`**${channel} #${episode}** — ${line}`);
  /**
   * Runs one media step on its configured backend; if that backend gives up, on the offline one. Offline
   * steps run with `media`: the shared media queue, or the media worker this episode claimed.
   */
  const step: MediaStep = async (media, cap, name, summary, call, at = {}) => {
    const spec = backends[cap] ?? OFFLINE;
    const opts = spec.kind === 'offline' ? media : remote;
    try {
      const r = await call(spec, { ...opts, summary: `${summary} (${spec.kind})` });
      progress.steps.push({ step: name, ...at, backend: r.backend, attempts: r.attempt, reused: r.reused || undefined });
      return r;
    } catch (err) {
      if (isCancellation(err) || spec.kind === 'offline') throw err;
      const reason = failureMessage(err, 300);
      const r = await call(OFFLINE, { ...media, summary: `${summary} (offline fallback)` });
      progress.steps.push({ step: name, ...at, backend: r.backend, attempts: r.attempt, reused: r.reused || undefined, degraded: { from: spec.kind, reason } });
      return r;
    }
  };
  // Histories recorded before moderation existed replay without it (and without the writer fallback).
  const moderator = patched(MODERATION_PATCH) ? new EpisodeModerator(input, { ...WRITER, taskQueue: remote.taskQueue }) : undefined;
  if (moderator) {
    say('checking the theme');
    await moderator.checkTheme();
  }
  // A show's episode is directed: a screenplay, its voices, shots at their final lengths, effects, music per
  // scene, the mix and subtitles (directedEpisode.ts). Histories from before shows never had one.
  if (input.show && patched(DIRECTED_PATCH)) {
    const directed = await writeDirectedEpisode({ input, show: input.show, progress, say, step, moderator, writerOptions, acts });
    return finish(await withMediaWorker((media, keep) => directed.makeMedia(media, keep)));
  }
  say('writing the shot list');

  const writeList = (writer: EpisodeInput['backends']['writer'], summary: string) => acts.writeShotList.executeWithOptions(
    { ...writerOptions(writer), summary: `shot list (${summary}): ${input.shots} shots` },
    [{ ...ref, theme, shots: input.shots, seed, writer }],
  );
  let list: ShotList;
  try {
    list = await writeList(backends.writer, backends.writer.kind);
    progress.steps.push({ step: 'writeShotList', backend: list.writer, attempts: list.attempt });
  } catch (err) {
    if (!moderator || isCancellation(err) || backends.writer.kind === 'offline') throw err;
    // The writer gave up: the offline writer takes over, and its prompts are moderated like any others.
    list = await writeList(OFFLINE_WRITER, 'offline fallback');
    progress.steps.push({ step: 'writeShotList', backend: list.writer, attempts: list.attempt, degraded: { from: backends.writer.kind, reason: failureMessage(err, 300) } });
  }
  if (moderator) {
    say('checking the shot prompts');
    list = { ...list, prompts: await moderator.checkPrompts(list.prompts, list.writer === 'offline' ? OFFLINE_WRITER : backends.writer) };
  }
  progress.prompts = list.prompts;
  progress.stage = 'shots';

  const durationSec = input.shots * SHOT_SECONDS;
  let description = `${list.mood}; instrumental soundtrack for: ${theme}`.slice(0, 500);
  let mood = list.mood;
  if (moderator) ({ mood, description } = await moderator.checkMusic(mood, description));

  /**
   * The music, the shots and the mux. With `keep`, every offline step runs on the one media worker `media`
   * names, and a step whose output the next step takes there keeps it on that worker's disk.
   */
  async function makeMedia(media: ActivityOptions, keep: boolean): Promise<EpisodeManifest> {
    const stays = (next: MediaCapability | 'mux') => (keep && (next === 'mux' || backends[next].kind === 'offline') ? { keepLocal: true } : {});
    const music = step(media, 'music', 'composeMusic', `music, ${durationSec} s`, (spec, o) =>
      acts.composeMusic.executeWithOptions(o, [{ ...ref, description, durationSec, seed, backend: spec, ...stays('mux') }]));
    // Awaited after the shots; if a shot fails first, its rejection must not go unhandled meanwhile.
    music.catch(() => {});

    async function makeShot(i: number) {
      const prompt = list.prompts[i];
      const shotSeed = (seed + i * 7919) % 2147483647;
      const label = `shot ${i + 1}/${input.shots} — "${prompt.slice(0, 60)}${prompt.length > 60 ? '…' : ''}"`;
      const base = { ...ref, shot: i, prompt, seed: shotSeed };
      const generated = await step(media, 'video', 'generateShot', `generate ${label}`, (spec, o) =>
        acts.generateShot.executeWithOptions(o, [{ ...base, backend: spec, ...stays('upscale') }]), { shot: i });
      // The upscaler gets the very prompt the shot was generated from.
      // Each step names its input by path and, with a shared store, by ref: the next step may run on another machine.
      const from = (r: MediaResult) => ({ inPath: r.path, ...(r.file ? { input: r.file } : {}), ...(r.videoSec ? { inputSec: r.videoSec } : {}), ...(r.videoSize ? { inputSize: r.videoSize } : {}) });
      const upscaled = await step(media, 'upscale', 'upscaleShot', `upscale ${label}`, (spec, o) =>
        acts.upscaleShot.executeWithOptions(o, [{ ...base, ...from(generated), backend: spec, ...stays('interpolate') }]), { shot: i });
      const interpolated = await step(media, 'interpolate', 'interpolateShot', `interpolate ${label}`, (spec, o) =>
        acts.interpolateShot.executeWithOptions(o, [{ ...base, ...from(upscaled), fps: BROADCAST.fps, backend: spec, ...stays('mux') }]), { shot: i });
      progress.shotsDone++;
      say(`${progress.shotsDone}/${input.shots} shots made`);
      return {
        index: i, prompt, seed: shotSeed, generated: generated.path, upscaled: upscaled.path, interpolated: interpolated.path,
        ...(interpolated.file ? { interpolatedFile: interpolated.file } : {}),
        ...(interpolated.videoSec ? { durationSec: interpolated.videoSec } : {}),
      };
    }

    // Every shot at once unless the channel says otherwise: the media workers' slots bound what really runs,
    // and a last shot made alone left a core idle for a third of the episode (histories from before made 2).
    const shots = await inParallel(input.shots, input.parallelShots ?? (patched(ALL_SHOTS_PATCH) ? input.shots : 2), makeShot);
    const song = await music;
    progress.stage = 'muxing';
    say('muxing');
    // The channel that started this episode may start its next one beside the mux (channel.ts).
    if (workflowInfo().parent && patched(MUXING_SIGNAL_PATCH)) await signalParent(episodeMuxingSignal, episode);
    return acts.muxEpisode.executeWithOptions({ ...media, summary: `mux ${input.shots} shots + music` }, [{
      ...ref,
      workflowId: workflowInfo().workflowId,
      theme,
      seed,
      mood,
      shots,
      music: { path: song.path, description, ...(song.file ? { file: song.file } : {}) },
      steps: progress.steps,
      ...(moderator ? { moderation: moderator.record } : {}),
    }]);
  }

  // With a shared store the episode claims a media worker and makes all its media there (the worker-specific
  // task queue pattern, as air does): the files between steps stay on that worker's disk, and only what
  // leaves it travels. If that worker stops answering, the episode's media is made again on another.
  async function withMediaWorker(makeMedia: (media: ActivityOptions, keep: boolean) => Promise<EpisodeManifest>): Promise<EpisodeManifest> {
    let manifest: EpisodeManifest | undefined;
    if (!patched(MEDIA_WORKER_PATCH)) manifest = await makeMedia(local, false);
    for (let round = 1; !manifest; round++) {
      const claim = await acts.claimMediaWorker.executeWithOptions({ ...CLAIM, taskQueue: queues.media, summary: 'claim a media worker' }, []);
      if (!claim.pin) {
        manifest = await makeMedia(local, false);
        break;
      }
      const media: ActivityOptions = { ...local, taskQueue: claim.queue, scheduleToStartTimeout: `${input.mediaWorkerWaitSec ?? 300} seconds` };
      const stepsBefore = progress.steps.length;
      const scope = new CancellationScope();
      try {
        manifest = await scope.run(() => makeMedia(media, true));
      } catch (err) {
        if (!noWorkerTookIt(err) || round >= MEDIA_ROUNDS) throw err;
        scope.cancel();
        progress.steps.length = stepsBefore;
        progress.shotsDone = 0;
        progress.stage = 'shots';
        const why = `the media worker of ${claim.queue} took no step for ${input.mediaWorkerWaitSec ?? 300} s: making this episode's media again on another`;
        log.warn(why);
        say(why);
      }
    }
    return manifest;
  }

  function finish(manifest: EpisodeManifest): EpisodeManifest {
    progress.stage = 'done';
    say(`done: ${manifest.durationSec.toFixed(1)} s${manifest.degraded ? ' (degraded: see manifest)' : ''}`);
    return manifest;
  }

  return finish(await withMediaWorker(makeMedia));
}

