// Starting a channel the way every command does: join it if it runs, else start it again from the state
// its last run kept when it stopped (memo `lastState`), with the visibility search attributes when the
// namespace has them registered.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  LAST_STATE_MEMO, channelWorkflowId, resumeState, type ChannelInput, type ChannelState,
} from '../shared/channel';
import { CHANNEL_SEARCH_ATTRIBUTES, channelNameKey, channelStateKey, registerSearchAttributesCommand } from '../shared/searchAttributes';
import { DEFAULT_THEME } from '../shared/theme';

/** Whether the namespace has the channel search attributes (dev servers started by us always do). */
export async function channelSearchAttributesRegistered(client: Client): Promise<boolean> {
  const r = await client.connection.operatorService.listSearchAttributes({ namespace: client.options.namespace });
  const custom = r.customAttributes ?? {};
  return CHANNEL_SEARCH_ATTRIBUTES.every((name) => name in custom);
}

export const missingSearchAttributesHint =
  `the namespace lacks the search attributes ${CHANNEL_SEARCH_ATTRIBUTES.join(', ')}: "webtv channel list" cannot see channels; register them with: ${registerSearchAttributesCommand}`;

/** The state a stopped channel kept, or null when it never ran or its last run kept none. */
export async function lastChannelState(client: Client, channel: string): Promise<{ running: boolean; state: ChannelState | null }> {
  try {
    const d = await client.workflow.getHandle(channelWorkflowId(channel)).describe();
    if (d.status.name === 'RUNNING') return { running: true, state: null };
    const memo = (await d.memo) as Record<string, unknown> | undefined;
    return { running: false, state: (memo?.[LAST_STATE_MEMO] as ChannelState | undefined) ?? null };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { running: false, state: null };
    throw err;
  }
}

export interface StartedChannel {
  workflowId: string;
  /** 'running' = it was already running; 'resumed' = started from its last state; 'new' = first start. */
  how: 'running' | 'resumed' | 'new';
  warning?: string;
}

/** Starts channel/<name> unless it runs; `themeOverride` replaces a resumed channel's theme. */
export async function startChannel(client: Client, taskQueue: string, input: ChannelInput, themeOverride?: string): Promise<StartedChannel> {
  const workflowId = channelWorkflowId(input.channel);
  const last = await lastChannelState(client, input.channel);
  if (last.running) return { workflowId, how: 'running' };
  const registered = await channelSearchAttributesRegistered(client);
  const state = last.state ? resumeState(last.state, new Date().toISOString()) : undefined;
  if (state && themeOverride && themeOverride !== state.theme) {
    state.theme = themeOverride;
    state.themeChecked = false; // a new theme is moderated like any other before it is used or shown
  }
  // A show given to a stopped channel replaces the one it kept: moderated before it is used, and another
  // show (a new title) starts its own story.
  if (state && input.show && JSON.stringify(input.show) !== JSON.stringify(state.show)) {
    if (state.show?.title !== input.show.title) state.story = [];
    state.show = input.show;
    state.showChecked = false;
  }
  const args: ChannelInput = { ...input, ...(state ? { state } : {}), searchAttributes: registered };
  await client.workflow.start('channelWorkflow', {
    taskQueue,
    workflowId,
    args: [args],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `channel ${input.channel}: ${(state?.theme ?? input.theme ?? DEFAULT_THEME).slice(0, 120)}`,
    ...(registered ? {
      typedSearchAttributes: [
        { key: channelNameKey, value: input.channel },
        { key: channelStateKey, value: state?.paused ? 'paused' : 'on air' },
      ],
    } : {}),
  });
  return { workflowId, how: state ? 'resumed' : 'new', ...(registered ? {} : { warning: missingSearchAttributesHint }) };
}
