// Moderation of what programme schedules show viewers ("Coming up": each schedule's theme and note).
// `webtv schedule add` checks them before it creates the schedule; a schedule made another way (say
// `temporal schedule create`) is checked the first time the page or `webtv channel status` would show it,
// and stays hidden until the check passes. Each check is a moderationCheckWorkflow whose id is the text's
// hash, so a text is checked once, and the verdict is remembered here for the life of the process.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import type { ModerationVerdict } from '../activities/moderation/index';
import type { ModerationCheckInput } from '../workflows/moderationCheck';

export const MODERATION_CHECK_WORKFLOW = 'moderationCheckWorkflow';
/** Verdicts remembered per process (a text's verdict only changes with the rules: restart to re-check). */
const REMEMBERED_MAX = 1000;

export type TextVerdict = 'allowed' | 'refused' | 'pending';

export const moderationCheckId = (text: string) => `moderation/scheduled-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;

const remembered = new Map<string, ModerationVerdict>();
function remember(id: string, v: ModerationVerdict): ModerationVerdict {
  remembered.delete(id);
  remembered.set(id, v);
  if (remembered.size > REMEMBERED_MAX) remembered.delete(remembered.keys().next().value!);
  return v;
}

function startCheck(client: Client, taskQueue: string, text: string) {
  const input: ModerationCheckInput = { text, source: 'operator', what: 'scheduled text' };
  return client.workflow.start(MODERATION_CHECK_WORKFLOW, {
    workflowId: moderationCheckId(text), taskQueue, args: [input],
    // A check already running is joined, a finished one (failed, or past retention) is run again.
    workflowIdConflictPolicy: 'USE_EXISTING',
    // With no worker on that queue it would wait forever; timed out, the next listing starts it again.
    workflowRunTimeout: '10 minutes',
    staticSummary: `moderate a scheduled text (${[...text].length} chars) before "Coming up" shows it`,
  });
}

/** The verdict on a scheduled text, without waiting: 'pending' (and a check started) when there is none yet. */
export async function scheduledTextVerdict(client: Client, taskQueue: string, text: string): Promise<TextVerdict> {
  const id = moderationCheckId(text);
  let verdict = remembered.get(id);
  if (!verdict) {
    const handle = client.workflow.getHandle<() => Promise<ModerationVerdict>>(id);
    let status: string | undefined;
    try {
      status = (await handle.describe()).status.name;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    if (status === 'COMPLETED') verdict = remember(id, await handle.result());
    else if (status !== 'RUNNING') await startCheck(client, taskQueue, text);
  }
  return verdict ? (verdict.allowed ? 'allowed' : 'refused') : 'pending';
}

export class ModerationTimeout extends Error {}

/** Checks a text now and waits for the verdict (`webtv schedule add`). */
export async function moderateScheduledText(client: Client, taskQueue: string, text: string, timeoutMs = 60_000): Promise<ModerationVerdict> {
  const id = moderationCheckId(text);
  const known = remembered.get(id);
  if (known) return known;
  const handle = await startCheck(client, taskQueue, text);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ModerationTimeout(
      `moderation did not answer within ${timeoutMs / 1000} s (workflow ${id} on task queue "${taskQueue}"): is a worker running?`)), timeoutMs);
  });
  try {
    return remember(id, await Promise.race([handle.result() as Promise<ModerationVerdict>, timeout]));
  } finally {
    clearTimeout(timer);
  }
}
