// A directed episode, as a process: the screenplay (moderated, and told to the channel so the next episode
// continues it) → every line voiced → the timeline those voices set → in parallel, each shot (generate →
// upscale → interpolate) at its final length, each sound effect and each scene's music → the mix (dialogue
// on top, music ducked under it, effects at their cues) → the mux, with subtitles. Each step is one
// activity with a summary in the Web UI, run and degraded like the shot steps (episode.ts `step`).
import { getExternalWorkflowHandle, isCancellation, workflowInfo, type ActivityInterfaceFor, type ActivityOptions, type SignalDefinition } from '@temporalio/workflow';
import type { Activities } from '../activities/index';
import type { VoicedLine, WrittenScreenplay } from '../activities/episode/directed';
import type { BackendSpec, DirectedManifest, EpisodeInput, EpisodeManifest, MediaCapability, MediaResult, SoundCapability, StepRecord } from '../shared/types';
import { BROADCAST } from '../shared/types';
import { DEFAULT_DIRECTED_SEC, NARRATOR, characterIndex, voiceSeed, type Screenplay, type Show } from '../shared/show';
import { musicSegmentSec, planEpisode, type EpisodePlan } from '../shared/timeline';
import { episodeMuxingSignal, episodeWrittenSignal } from '../shared/channelMessages';
import { failureMessage } from '../shared/failureMessage';
import { DEFAULT_THEME } from '../shared/theme';
import type { EpisodeModerator } from './episodeModeration';
import type { EpisodeProgress } from './episodeProgress';

/** patched() id: an episode with a show is directed (histories from before shows had none). */
export const DIRECTED_PATCH = 'directed-episode-v1';
/** Lines voiced at once: a voice is quick next to a shot, and a remote voice model is one GPU. */
const VOICES_AT_ONCE = 4;

type StepName = StepRecord['step'];
/** Runs one media step on its backend, falling back to offline (episode.ts). `at`: where in the episode, for the record. */
export type MediaStep = (
  media: ActivityOptions,
  cap: MediaCapability | SoundCapability,
  name: StepName,
  summary: string,
  call: (spec: BackendSpec, opts: ActivityOptions) => Promise<MediaResult>,
  at?: Pick<StepRecord, 'shot' | 'line' | 'cue' | 'segment'>,
) => Promise<MediaResult>;

export interface DirectedContext {
  input: EpisodeInput;
  show: Show;
  progress: EpisodeProgress;
  say(line: string): void;
  step: MediaStep;
  moderator?: EpisodeModerator;
  writerOptions(writer: EpisodeInput['backends']['writer']): ActivityOptions;
  acts: ActivityInterfaceFor<Activities>;
}

/** Signals the workflow that started this one, if any; a parent that is gone is no reason to fail. */
export async function signalParent<A extends unknown[]>(signal: SignalDefinition<A>, ...args: A): Promise<void> {
  const parent = workflowInfo().parent;
  if (!parent) return;
  await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(signal, ...args).catch((err) => {
    if (isCancellation(err)) throw err;
  });
}

const quote = (s: string, n = 50) => `"${s.slice(0, n)}${s.length > n ? '…' : ''}"`;

/** Writes (and moderates) the screenplay and tells the channel; returns what makes the rest. */
export async function writeDirectedEpisode(c: DirectedContext) {
  const { input, show, progress, say, acts } = c;
  const ref = { channel: input.channel, episode: input.episode };
  const writer = input.backends.writer;
  const lengthSec = input.lengthSec ?? { ...DEFAULT_DIRECTED_SEC };
  // The channel's theme steers the episode when someone set one (an operator, a schedule, a viewer's
  // suggestion); the default theme and the show's own premise say nothing the show does not.
  const steer = input.theme !== DEFAULT_THEME && input.theme !== show.premise ? { theme: input.theme } : {};
  const request = { ...ref, show, ...steer, storySoFar: input.storySoFar ?? [], seed: input.seed, lengthSec };
  say(`writing the screenplay of ${quote(show.title)}`);
  const write = (w: EpisodeInput['backends']['writer'], how: string) => acts.writeScreenplay.executeWithOptions(
    { ...c.writerOptions(w), summary: `screenplay (${how}): ${show.title.slice(0, 60)}, episode ${input.episode}` },
    [{ ...request, writer: w }],
  );
  let written: WrittenScreenplay;
  let degraded: StepRecord['degraded'];
  try {
    written = await write(writer, writer.kind);
  } catch (err) {
    if (isCancellation(err) || writer.kind === 'offline') throw err;
    // The model gave up (down, out of retries): the offline director writes this episode, on record.
    degraded = { from: writer.kind, reason: failureMessage(err, 300) };
    written = { ...(await write({ kind: 'offline' }, 'offline fallback')), fallback: degraded.reason };
  }
  progress.steps.push({ step: 'writeScreenplay', backend: written.writer, attempts: written.attempt, ...(degraded ? { degraded } : {}) });
  let screenplay = written.screenplay;
  if (c.moderator) {
    say('checking the screenplay');
    screenplay = await c.moderator.checkScreenplay(screenplay, show, written.writer === 'offline' ? { kind: 'offline' } : writer);
  }
  // The channel's story grows by this episode now, so the next episode's writer continues from it.
  await signalParent(episodeWrittenSignal, { episode: input.episode, title: screenplay.title, summary: screenplay.summary });
  const shots = screenplay.scenes.flatMap((s) => s.shots);
  progress.prompts = shots.map((s) => s.prompt);
  progress.shotsTotal = shots.length;
  return new DirectedEpisode(c, screenplay, written);
}

export class DirectedEpisode {
  constructor(private readonly c: DirectedContext, readonly screenplay: Screenplay, private readonly written: WrittenScreenplay) {}

  /**
   * Everything after the screenplay, on `media` (the claimed media worker, or the shared media queue).
   * With `keep`, an output the next step takes on that worker stays on its disk (episode.ts).
   */
  async makeMedia(media: ActivityOptions, keep: boolean): Promise<EpisodeManifest> {
    const { input, show, progress, say, step, acts } = this.c;
    const { screenplay: sp } = this;
    const ref = { channel: input.channel, episode: input.episode };
    const backends = input.backends;
    const offlineNext = (cap: MediaCapability | SoundCapability | 'mix') => cap === 'mix' || (backends[cap] ?? { kind: 'offline' }).kind === 'offline';
    const stays = (next: MediaCapability | SoundCapability | 'mix') => (keep && offlineNext(next) ? { keepLocal: true } : {});
    const file = (r: MediaResult) => ({ path: r.path, ...(r.file ? { file: r.file } : {}) });

    // 1. Voices first: their lengths set the shots'.
    progress.stage = 'voices';
    let voiced = 0;
    const voices = await inParallel(sp.lines.length, VOICES_AT_ONCE, async (i) => {
      const line = sp.lines[i];
      const character = characterIndex(show, line.speaker);
      const voice = character >= 0 ? show.characters[character].voice : undefined;
      const speaker = character >= 0 ? show.characters[character].name : NARRATOR;
      const r = await step(media, 'voice', 'voiceLine', `voice line ${i + 1}/${sp.lines.length} — ${speaker}: ${quote(line.text)}`, (spec, o) =>
        acts.voiceLine.executeWithOptions(o, [{
          ...ref, line: i, text: line.text, speaker, character, ...(voice ? { voice } : {}), seed: voiceSeed(speaker), backend: spec, ...stays('mix'),
        }]), { line: i }) as VoicedLine;
      say(`${++voiced}/${sp.lines.length} lines voiced`);
      return { r, speaker };
    });
    const plan = planEpisode(sp, voices.map((v) => v.r.durationSec), BROADCAST.fps);

    // 2. Shots at their final lengths, effects at their cues, music per scene: all at once.
    progress.stage = 'shots';
    const shotsP = inParallel(plan.shots.length, input.parallelShots ?? plan.shots.length, (i) => this.makeShot(media, stays, plan, i));
    const cuesP = Promise.all(plan.cues.map((cue) => step(media, 'sfx', 'makeSoundEffect', `effect ${cue.index + 1}/${plan.cues.length} — ${cue.kind}: ${quote(cue.text)}`, (spec, o) =>
      acts.makeSoundEffect.executeWithOptions(o, [{ ...ref, cue: cue.index, text: cue.text, kind: cue.kind, durationSec: cue.seconds, seed: (input.seed + 104729 * (cue.index + 1)) % 2147483647, backend: spec, ...stays('mix') }]),
    { cue: cue.index })));
    // Both parts are checked already: the scene's mood with the screenplay, the show's title with the show.
    const description = (scene: number) => `${sp.scenes[scene].mood}; instrumental soundtrack for a scene of ${show.title}`.slice(0, 500);
    const musicP = Promise.all(plan.music.map((m, i) => step(media, 'music', 'composeMusic', `music ${i + 1}/${plan.music.length} (scene ${m.scene + 1}), ${musicSegmentSec(plan, i)} s`, (spec, o) =>
      acts.composeMusic.executeWithOptions(o, [{ ...ref, description: description(m.scene), durationSec: musicSegmentSec(plan, i), seed: (input.seed + 7 * (m.scene + 1) + i) % 2147483647, backend: spec, ...stays('mix') }]),
    { segment: i })));
    // Awaited in order below; a rejection meanwhile must not go unhandled.
    cuesP.catch(() => {});
    musicP.catch(() => {});
    const shots = await shotsP;
    const [cues, music] = await Promise.all([cuesP, musicP]);

    // 3. The mix, then the mux with subtitles.
    progress.stage = 'mixing';
    say('mixing dialogue, music and effects');
    const mix = await acts.mixEpisodeAudio.executeWithOptions({ ...media, summary: `mix ${plan.lines.length} lines, ${plan.music.length} music segments, ${plan.cues.length} effects` }, [{
      ...ref,
      totalSec: plan.totalSec,
      lines: plan.lines.map((l) => ({ ...file(voices[l.index].r), start: l.start, end: l.end })),
      cues: plan.cues.map((cue, i) => ({ ...file(cues[i]), at: cue.at, seconds: cue.seconds })),
      music: plan.music.map((m, i) => ({ ...file(music[i]), start: m.start, end: m.end })),
      ...(keep ? { keepLocal: true } : {}),
    }]);
    progress.steps.push({ step: 'mixEpisodeAudio', backend: mix.backend, attempts: mix.attempt, reused: mix.reused || undefined });
    progress.stage = 'muxing';
    say('muxing');
    await signalParent(episodeMuxingSignal, input.episode);
    const directed: DirectedManifest = {
      title: sp.title, summary: sp.summary, writer: this.written.writer,
      ...(this.written.repaired ? { repaired: true } : {}), ...(this.written.fallback ? { fallback: this.written.fallback } : {}),
      screenplay: sp, plan,
      voices: voices.map((v, i) => ({ line: i, speaker: v.speaker, voice: v.r.voice, backend: v.r.backend, ...(v.r.fellBack ? { fellBack: v.r.fellBack } : {}) })),
    };
    return acts.muxEpisode.executeWithOptions({ ...media, summary: `mux ${plan.shots.length} shots + the mix + subtitles` }, [{
      ...ref,
      workflowId: workflowInfo().workflowId,
      theme: input.theme,
      seed: input.seed,
      mood: sp.scenes.map((s) => s.mood).join(' / ').slice(0, 300),
      shots,
      music: { path: mix.path, description: `mix: dialogue, ${plan.music.length} music segments, ${plan.cues.length} effects`, ...(mix.file ? { file: mix.file } : {}) },
      steps: progress.steps,
      subtitles: plan.lines.map((l) => ({ start: l.start, end: l.end, speaker: l.speaker, text: l.text })),
      directed,
      ...(this.c.moderator ? { moderation: this.c.moderator.record } : {}),
    }]);
  }

  /** One shot: generate → upscale with the same prompt → interpolate, at the length the timeline gives it. */
  private async makeShot(media: ActivityOptions, stays: (next: MediaCapability | 'mix') => { keepLocal?: boolean }, plan: EpisodePlan, i: number) {
    const { input, progress, say, step, acts } = this.c;
    const shot = plan.shots[i];
    const seed = (input.seed + i * 7919) % 2147483647;
    const label = `shot ${i + 1}/${plan.shots.length} (${shot.seconds.toFixed(2)} s) — ${quote(shot.prompt, 60)}`;
    const base = { channel: input.channel, episode: input.episode, shot: i, prompt: shot.prompt, seed };
    const from = (r: MediaResult) => ({ inPath: r.path, ...(r.file ? { input: r.file } : {}), ...(r.videoSec ? { inputSec: r.videoSec } : {}), ...(r.videoSize ? { inputSize: r.videoSize } : {}) });
    const generated = await step(media, 'video', 'generateShot', `generate ${label}`, (spec, o) =>
      acts.generateShot.executeWithOptions(o, [{ ...base, durationSec: shot.seconds, backend: spec, ...stays('upscale') }]), { shot: i });
    const upscaled = await step(media, 'upscale', 'upscaleShot', `upscale ${label}`, (spec, o) =>
      acts.upscaleShot.executeWithOptions(o, [{ ...base, ...from(generated), backend: spec, ...stays('interpolate') }]), { shot: i });
    const interpolated = await step(media, 'interpolate', 'interpolateShot', `interpolate ${label}`, (spec, o) =>
      acts.interpolateShot.executeWithOptions(o, [{ ...base, ...from(upscaled), fps: BROADCAST.fps, backend: spec, ...stays('mix') }]), { shot: i });
    progress.shotsDone++;
    say(`${progress.shotsDone}/${plan.shots.length} shots made`);
    return {
      index: i, prompt: shot.prompt, seed, generated: generated.path, upscaled: upscaled.path, interpolated: interpolated.path,
      ...(interpolated.file ? { interpolatedFile: interpolated.file } : {}),
      // The timeline's length: the mux holds the last frame of a clip a model made shorter, and trims a longer one.
      durationSec: shot.seconds,
    };
  }
}

/** Runs task(0..n-1) with at most `limit` at once; results in index order. */
export async function inParallel<T>(n: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(n);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n) {
      const i = next++;
      results[i] = await task(i);
    }
  });
  await Promise.all(lanes);
  return results;
}
