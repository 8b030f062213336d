// Signals, updates and queries of the channel and broadcast workflows, shared by workflows and clients.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ChannelStatus, SlotOpened, ViewerReport } from './channel';
import type { SuggestInput, SuggestionView, VoteBatch } from './suggestions';

/** A plain string, so `temporal workflow signal --name setTheme --input '"…"'` works. */
export const setThemeSignal = defineSignal<[string]>('setTheme');
/** Validated; answers the accepted theme, or rejects with the reason. */
export const setThemeUpdate = defineUpdate<string, [string]>('setTheme');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const skipSignal = defineSignal('skip');
export const statusQuery = defineQuery<ChannelStatus>('status');
export const slotOpenedSignal = defineSignal<[SlotOpened]>('slotOpened');
/** From each web/RTMP server process: how many watch this channel there now. */
export const viewersSignal = defineSignal<[ViewerReport]>('viewers');

/** To the broadcast workflow: restart ffmpeg from this slot (used by skip). */
export const restartAirSignal = defineSignal<[number]>('restartAir');

/** A viewer's theme suggestion; answers its id (it stays hidden until moderation passes it), or rejects with the reason. */
export const suggestUpdate = defineUpdate<{ id: string }, [SuggestInput]>('suggest');
/** Votes batched by the web server (at most one signal per second per channel); repeats per viewer are dropped. */
export const votesSignal = defineSignal<[VoteBatch]>('votes');
/** Operators: take a suggestion out of the box; with `ban`, refuse its text and its viewer from now on. */
export const removeSuggestionUpdate = defineUpdate<SuggestionView, [{ id: string; ban?: boolean }]>('removeSuggestion');
