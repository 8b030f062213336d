// Signals, updates and queries of the channel and broadcast workflows, shared by workflows and clients.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AirClaim, ChannelStatus, SlotOpened, ViewerReport } from './channel';
import type { SuggestInput, SuggestionView, VoteBatch } from './suggestions';
import type { Show, StoryEntry } from './show';

/** A plain string, so `temporal workflow signal --name setTheme --input '"…"'` works. */
export const setThemeSignal = defineSignal<[string]>('setTheme');
/** Validated; answers the accepted theme, or rejects with the reason. */
export const setThemeUpdate = defineUpdate<string, [string]>('setTheme');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const skipSignal = defineSignal('skip');
export const statusQuery = defineQuery<ChannelStatus>('status');
export const slotOpenedSignal = defineSignal<[SlotOpened]>('slotOpened');
/**
 * From an episode to its channel: its shots and music are made, the mux is under way. The mux is an
 * episode's serial tail, so the channel may start the next episode beside it (channel.ts).
 */
export const episodeMuxingSignal = defineSignal<[number]>('episodeMuxing');
/** From each web/RTMP server process: how many watch this channel there now. */
export const viewersSignal = defineSignal<[ViewerReport]>('viewers');

/** To the broadcast workflow: restart ffmpeg from this slot (used by skip). */
export const restartAirSignal = defineSignal<[number]>('restartAir');
/** To the broadcast workflow: air from now on through this host's air task queue (sent by moveAir). */
export const moveAirSignal = defineSignal<[string]>('moveAir');
/**
 * Operators (`webtv channel move-air`): move the channel's air to the named host's air worker, or to any
 * air worker when `host` is left out. Answers the host it got, and the one it left.
 */
export const moveAirUpdate = defineUpdate<AirClaim & { from: string | null }, [{ host?: string }]>('moveAir');

/** A viewer's theme suggestion; answers its id (it stays hidden until moderation passes it), or rejects with the reason. */
export const suggestUpdate = defineUpdate<{ id: string }, [SuggestInput]>('suggest');
/** Votes batched by the web server (at most one signal per second per channel); repeats per viewer are dropped. */
export const votesSignal = defineSignal<[VoteBatch]>('votes');
/** Operators: take a suggestion out of the box; with `ban`, refuse its text and its viewer from now on. */
export const removeSuggestionUpdate = defineUpdate<SuggestionView, [{ id: string; ban?: boolean }]>('removeSuggestion');

/**
 * Operators (`webtv show set|clear`): the channel's show from its next episode on, or null for none. Every
 * text is moderated first; answers the show's title (null when cleared), or rejects with the reason.
 */
export const setShowUpdate = defineUpdate<string | null, [Show | null]>('setShow');
/**
 * From a directed episode to its channel: its screenplay is written (and moderated). The story so far grows
 * by its summary, and the next episode, written after it, continues from it.
 */
export const episodeWrittenSignal = defineSignal<[StoryEntry]>('episodeWritten');
