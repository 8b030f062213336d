// How workflows call the `moderate` activity (docs/moderation.md): one place for its options, the failure
// a refused theme raises, and the patch id that keeps histories recorded before moderation replaying.
import { ApplicationFailure, proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index';
import type { ModerationSource, ModerationVerdict } from '../activities/moderation/index';
import { THEME_REJECTED, themeRejectedMessage } from '../shared/theme';
import { taskQueues } from '../shared/taskQueues';

/** patched() id: code paths that moderate, absent from histories recorded before moderation existed. */
export const MODERATION_PATCH = 'moderation-v1';
/**
 * patched() id: a ban stores the skeleton key of the text (shared/suggestions.ts skeletonKey); histories
 * recorded before it stored textKey, and replay the same way. Checks look for both keys.
 */
export const SUGGESTION_SKELETON_PATCH = 'suggestion-skeleton-key-v1';

/** Operator themes and shot prompts: the activity answers even when the endpoint is down, so retries are for lost workers. */
export const MODERATION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['InvalidModerationInput'] },
};

/**
 * Viewer text fails closed while the endpoint is down (ModerationUnavailable, retryable): keep retrying,
 * with backoff, for up to an hour; the text stays hidden meanwhile, and is dropped if it never gets checked.
 */
export const VIEWER_MODERATION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', nonRetryableErrorTypes: ['InvalidModerationInput'] },
};

const { moderate: moderateActivity } = proxyActivities<Pick<Activities, 'moderate'>>(MODERATION_OPTIONS);

/**
 * Checks one text, on the remote workers. `what` labels the activity in the Web UI (never the text itself);
 * `taskQueue` is the remote queue when the channel or episode names its own, like other remote steps.
 */
export function moderateText(text: string, source: ModerationSource, what: string, taskQueue?: string): Promise<ModerationVerdict> {
  const options = source === 'viewer' ? VIEWER_MODERATION_OPTIONS : MODERATION_OPTIONS;
  return moderateActivity.executeWithOptions(
    { ...options, taskQueue: taskQueue ?? taskQueues(workflowInfo().taskQueue).remote, summary: `moderate ${what} (${source}, ${text.length} chars)` },
    [{ text, source }],
  );
}

/** The failure a refused theme raises: type ThemeRejected, the categories in its message and details. */
export function themeRejected(v: ModerationVerdict): ApplicationFailure {
  return ApplicationFailure.create({
    type: THEME_REJECTED,
    message: themeRejectedMessage(v.categories),
    nonRetryable: true,
    details: [{ categories: v.categories, textHash: v.textHash }],
  });
}
