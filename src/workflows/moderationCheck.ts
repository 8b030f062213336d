// moderationCheckWorkflow: one text checked by the `moderate` activity on the remote workers, for texts
// that reach viewers without passing through a channel or an episode: the themes and notes of programme
// schedules shown in "Coming up" (channels/scheduleModeration.ts starts it, with an id made from the
// text's hash, so each text is checked once and its verdict stays in the history).
import type { ModerationSource, ModerationVerdict } from '../activities/moderation/index';
import { moderateText } from './moderation';

export interface ModerationCheckInput {
  text: string;
  source: ModerationSource;
  /** Labels the activity in the Web UI (never the text). */
  what: string;
}

export async function moderationCheckWorkflow(input: ModerationCheckInput): Promise<ModerationVerdict> {
  return moderateText(input.text, input.source, input.what);
}
