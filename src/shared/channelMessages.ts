// Signals, updates and queries of the channel and broadcast workflows, shared by workflows and clients.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ChannelStatus, SlotOpened, ViewerReport } from './channel';

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
