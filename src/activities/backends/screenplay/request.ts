// What a director is asked for: one episode of a show, continuing its story. Both directors (offline
// templates and an OpenAI-compatible model) take the same request and answer with a Screenplay.
import type { Show, StoryEntry } from '../../../shared/show';

export interface ScreenplayRequest {
  show: Show;
  /** An audience suggestion or the channel's theme: what this episode is about, if anything. */
  theme?: string;
  /** Earlier episodes, oldest first (the channel keeps the last STORY_KEPT). */
  storySoFar: StoryEntry[];
  seed: number;
  /** What the shots' written seconds add up to (voices may stretch the episode past it). */
  lengthSec: { min: number; max: number };
  episode: number;
}

export { DEFAULT_DIRECTED_SEC } from '../../../shared/show';
