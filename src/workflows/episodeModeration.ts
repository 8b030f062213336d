// The episode's moderation, in workflow code so every step shows in history: the theme before anything is
// written, then every shot prompt the writer produced (whichever writer it was, fallback included) and the
// music description before any of them reaches a model. A refused prompt is rewritten once by the writer,
// told why; refused again, the shot gets a safe prompt made from the channel's last accepted theme.
import { isCancellation, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index';
import type { ModerationVerdict } from '../activities/moderation/index';
import { DEFAULT_THEME, SAFE_MOOD, safePrompt } from '../shared/theme';
import type { EpisodeInput, EpisodeModeration } from '../shared/types';
import type { Screenplay, Show } from '../shared/show';
import { moderateText, themeRejected } from './moderation';

const { rewriteShotPrompt } = proxyActivities<Pick<Activities, 'rewriteShotPrompt'>>({ startToCloseTimeout: '3 minutes' });

export class EpisodeModerator {
  readonly record: EpisodeModeration = { checked: 0, rejected: 0, warnings: [], replaced: [] };

  constructor(private readonly input: EpisodeInput, private readonly writerOptions: ActivityOptions) {}

  private async check(text: string, source: 'operator' | 'prompt', what: string): Promise<ModerationVerdict> {
    const v = await moderateText(text, source, what, this.input.remoteTaskQueue);
    this.record.checked++;
    if (!v.allowed) this.record.rejected++;
    if (v.warning && !this.record.warnings.includes(v.warning)) this.record.warnings.push(v.warning);
    return v;
  }

  /** Fails the episode with ThemeRejected when moderation refuses its theme. */
  async checkTheme(): Promise<void> {
    const v = await this.check(this.input.theme, 'operator', 'episode theme');
    if (!v.allowed) throw themeRejected(v);
  }

  /** The prompts as they may reach the models: each accepted, rewritten, or replaced by a safe one. */
  async checkPrompts(prompts: string[], writer: EpisodeInput['backends']['writer']): Promise<string[]> {
    const n = prompts.length;
    const first = await Promise.all(prompts.map((p, i) => this.check(p, 'prompt', `shot ${i + 1}/${n} prompt`)));
    const out = [...prompts];
    const accepted = prompts.filter((_, i) => first[i].allowed);
    await Promise.all(first.map(async (v, i) => {
      if (v.allowed) return;
      out[i] = await this.replace(i, n, v, writer, accepted);
    }));
    // Replacements finish in any order; the manifest lists them by shot.
    this.record.replaced.sort((a, b) => (a.shot ?? -1) - (b.shot ?? -1));
    return out;
  }

  private async replace(i: number, n: number, refused: ModerationVerdict, writer: EpisodeInput['backends']['writer'], accepted: string[]): Promise<string> {
    const { channel, episode, theme, seed } = this.input;
    const note = (by: 'rewrite' | 'safe' | 'default') =>
      this.record.replaced.push({ what: 'shot', shot: i, by, categories: refused.categories, textHash: refused.textHash });
    try {
      const r = await rewriteShotPrompt.executeWithOptions(
        { ...this.writerOptions, summary: `rewrite shot ${i + 1}/${n} prompt (${writer.kind}): refused for ${refused.categories.join(', ')}` },
        [{ channel, episode, theme, shot: i, shots: n, seed, categories: refused.categories, accepted, writer }],
      );
      if ((await this.check(r.prompt, 'prompt', `shot ${i + 1}/${n} rewritten prompt`)).allowed) {
        note('rewrite');
        return r.prompt;
      }
    } catch (err) {
      // A writer that cannot rewrite is no reason to air the refused prompt: go on to the safe one.
      if (isCancellation(err)) throw err;
    }
    const safe = safePrompt(this.input.safeTheme ?? theme);
    if ((await this.check(safe, 'prompt', `shot ${i + 1}/${n} safe prompt`)).allowed) {
      note('safe');
      return safe;
    }
    // The default theme is our own reviewed text (a test checks it passes the local rules).
    note('default');
    return safePrompt(DEFAULT_THEME);
  }

  /** The music description (the writer's mood reaches the music model): a refused one becomes a calm generic mood. */
  async checkMusic(mood: string, description: string): Promise<{ mood: string; description: string }> {
    const v = await this.check(description, 'prompt', 'music description');
    if (v.allowed) return { mood, description };
    this.record.replaced.push({ what: 'music', by: 'safe', categories: v.categories, textHash: v.textHash });
    return { mood: SAFE_MOOD, description: `${SAFE_MOOD} soundtrack` };
  }

  /**
   * A directed episode's screenplay as it may reach the models and the viewers: every shot prompt as above;
   * a refused title or summary replaced by a plain one made from the show; a refused line or cue left out
   * (its shots keep their written length); a refused scene mood becomes the calm generic one.
   */
  async checkScreenplay(sp: Screenplay, show: Show, writer: EpisodeInput['backends']['writer']): Promise<Screenplay> {
    const n = this.input.episode;
    const prompts = await this.checkPrompts(sp.scenes.flatMap((s) => s.shots.map((x) => x.prompt)), writer);
    const verdict = (text: string, what: string) => this.check(text, 'prompt', what);
    const [title, summary, lines, cues, moods] = await Promise.all([
      verdict(sp.title, 'screenplay title'),
      verdict(sp.summary, 'screenplay summary'),
      Promise.all(sp.lines.map((l, i) => verdict(`${l.speaker}: ${l.text}`, `line ${i + 1}/${sp.lines.length}`))),
      Promise.all(sp.cues.map((c, i) => verdict(c.text, `effect cue ${i + 1}/${sp.cues.length}`))),
      Promise.all(sp.scenes.map((s, i) => verdict(s.mood, `scene ${i + 1} music mood`))),
    ]);
    const note = (what: 'title' | 'summary' | 'line' | 'cue' | 'music', v: ModerationVerdict, at: { line?: number; cue?: number } = {}) =>
      this.record.replaced.push({ what, by: 'safe', categories: v.categories, textHash: v.textHash, ...at });
    if (!title.allowed) note('title', title);
    if (!summary.allowed) note('summary', summary);
    lines.forEach((v, i) => { if (!v.allowed) note('line', v, { line: i }); });
    cues.forEach((v, i) => { if (!v.allowed) note('cue', v, { cue: i }); });
    moods.forEach((v) => { if (!v.allowed) note('music', v); });
    let k = 0;
    return {
      title: title.allowed ? sp.title : `${show.title}, episode ${n}`,
      summary: summary.allowed ? sp.summary : `Episode ${n} of ${show.title}.`,
      scenes: sp.scenes.map((s, i) => ({ mood: moods[i].allowed ? s.mood : SAFE_MOOD, shots: s.shots.map((x) => ({ ...x, prompt: prompts[k++] })) })),
      lines: sp.lines.filter((_, i) => lines[i].allowed),
      cues: sp.cues.filter((_, i) => cues[i].allowed),
    };
  }
}
