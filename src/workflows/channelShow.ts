// A channel's show and its story so far (src/shared/show.ts): the operator's show, moderated like a theme
// before it applies; each directed episode started with the story written so far, and one at a time until
// it is written (episodeWrittenSignal), so episode 12 follows on from 11; a failed episode's line dropped.
// Deterministic workflow code; state lives in ChannelState (show, story, showChecked), carried by continue-as-new.
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { addToStory, type ChannelConfig, type ChannelState } from '../shared/channel';
import type { EpisodeInput } from '../shared/types';
import type { ModerationVerdict } from '../activities/moderation/index';
import { showTexts, type Show, type StoryEntry } from '../shared/show';
import { moderateText } from './moderation';

/** patched() id: the channel may carry a show, and its episodes are directed and continue its story. */
export const SHOW_PATCH = 'channel-show-v1';

export class ChannelShow {
  /** Directed episodes started and not yet written: the next one waits, so it continues their story. */
  private readonly writing = new Set<number>();
  // When two shows are in flight, the one asked for last wins even if its verdict comes back first.
  private asked = 0;
  private applied = 0;

  constructor(
    private readonly st: ChannelState,
    private readonly cfg: ChannelConfig,
    private readonly countVerdict: (v: ModerationVerdict) => void,
    private readonly poke: () => void,
    private readonly producing: (episode: number) => boolean,
  ) {}

  /**
   * An operator's show (or null: none), every text moderated like a theme: applies from the next episode
   * on and answers its title, or throws ShowRejected naming the refused field; nothing changes then.
   */
  async set(show: Show | null): Promise<string | null> {
    patched(SHOW_PATCH);
    const asked = ++this.asked;
    if (show) await this.moderate(show, 'operator show');
    if (asked > this.applied) {
      this.applied = asked;
      // Another show (a new title) starts its own story; the same show, edited, goes on with it.
      if (show && this.st.show && show.title !== this.st.show.title) this.st.story = [];
      if (show) this.st.show = show;
      else delete this.st.show;
      this.st.showChecked = true;
      this.poke();
    }
    return show?.title ?? null;
  }

  /** A new channel's show is checked before anything can show or use it. */
  async checkInitial(): Promise<void> {
    if (this.st.showChecked !== false || !this.st.show) return;
    await this.moderate(this.st.show, 'initial show');
    this.st.showChecked = true;
  }

  /** What episode `n`'s input adds: the show and the story so far, when the channel has a checked show. */
  forEpisode(n: number): Pick<EpisodeInput, 'show' | 'storySoFar' | 'lengthSec'> {
    const { st, cfg } = this;
    if (!st.show || st.showChecked === false || !patched(SHOW_PATCH)) return {};
    this.writing.add(n);
    return { show: st.show, storySoFar: st.story ?? [], ...(cfg.lengthSec ? { lengthSec: cfg.lengthSec } : {}) };
  }

  /** No directed episode is waiting for its screenplay: the next may start (and continue the story). */
  allWritten(): boolean {
    return this.writing.size === 0;
  }

  /** A directed episode's screenplay is written: the story so far grows by its summary. */
  written(entry: StoryEntry): void {
    if (!this.producing(entry.episode)) return;
    this.writing.delete(entry.episode);
    this.st.story = addToStory(this.st.story, { episode: entry.episode, title: String(entry.title).slice(0, 120), summary: String(entry.summary).slice(0, 300) });
    this.poke();
  }

  /** Viewers never see a failed episode: the story goes on from the last one that can air. */
  episodeFailed(episode: number): void {
    if (this.st.story?.some((e) => e.episode === episode)) this.st.story = this.st.story.filter((e) => e.episode !== episode);
  }

  episodeEnded(episode: number): void {
    this.writing.delete(episode);
  }

  private async moderate(show: Show, what: string): Promise<void> {
    const texts = showTexts(show);
    const verdicts = await Promise.all(texts.map((t) => moderateText(t.text, 'operator', `${what} ${t.field}`, this.cfg.remoteTaskQueue)));
    verdicts.forEach((v) => this.countVerdict(v));
    const refused = verdicts.findIndex((v) => !v.allowed);
    if (refused >= 0) {
      const v = verdicts[refused];
      throw ApplicationFailure.create({
        type: 'ShowRejected', nonRetryable: true,
        message: `the show's ${texts[refused].field} was refused by moderation (${v.categories.join(', ') || 'policy'}); change it and set the show again`,
        details: [{ field: texts[refused].field, categories: v.categories, textHash: v.textHash }],
      });
    }
  }
}
