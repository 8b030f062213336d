// channelWorkflow (id channel/<name>): forever keeps a few finished episodes ready ahead of air by
// starting episodeWorkflow children, holds the theme, and puts the next ready episode into the slot
// file the on-air ffmpeg will open next. Its state travels through continue-as-new. What happens to a
// channel is a method of ChannelRun (channelRun.ts); this file is the process: start or resume, answer
// messages, then a loop of wait for a reason → act.
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, isCancellation, log, patched, setHandler } from '@temporalio/workflow';
import { channelNameProblem, lengthProblem, themeProblem } from '../shared/validation';
import { initialChannelState, type ChannelInput, type ChannelState } from '../shared/channel';
import {
  episodeMuxingSignal, episodeWrittenSignal, moveAirUpdate, setShowUpdate, pauseSignal, resumeSignal, setThemeSignal, setThemeUpdate, skipSignal, slotOpenedSignal,
  statusQuery, viewersSignal,
} from '../shared/channelMessages';
import { DEFAULT_THEME, checkTheme } from '../shared/theme';
import { hostIdProblem } from '../shared/taskQueues';
import { MODERATION_PATCH, themeRejected } from './moderation';
import { publishRunState } from './channelStop';
import { ChannelRun } from './channelRun';
import { SHOW_PATCH } from './channelShow';
import { parseShow, type Show } from '../shared/show';

/** The show as validated (trimmed); the validator has refused any other. */
function parsedShow(show: unknown): Show {
  const r = parseShow(show);
  if ('problem' in r) throw ApplicationFailure.nonRetryable(r.problem, 'InvalidShow');
  return r.show;
}

/** The show's problem in one line, or null (an update's validator: nothing is changed by a bad show). */
function showProblem(show: unknown): string | null {
  const r = parseShow(show);
  return 'problem' in r ? r.problem : null;
}

export async function channelWorkflow(input: ChannelInput): Promise<void> {
  const run = new ChannelRun(input, startOrResume(input));
  answerMessages(run);
  await run.checkInitialTheme();
  await run.show.checkInitial();
  publishRunState(!!input.searchAttributes, run.channel, run.st.paused ? 'paused' : 'on air');
  try {
    await run.goOnAir();
    for (;;) {
      if (run.stopReason !== null) return await run.stop(run.stopReason);
      await run.startEpisodesWhileRoom();
      await run.fillNextSlot();
      await run.skipIfAsked();
      await run.retainIfDue();
      if (run.readyToContinueAsNew()) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof channelWorkflow>({ ...input, state: run.stateForNextRun() });
      }
      await run.nextReason();
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    run.stopReason = 'stopped by a cancel request (webtv channel stop, the Web UI or temporal workflow cancel)';
    await run.stop(run.stopReason);
    throw err;
  }
}

/** The state carried by continue-as-new, or a new channel's: its name and theme checked first. */
function startOrResume(input: ChannelInput): ChannelState {
  const badName = channelNameProblem(input.channel);
  if (badName) throw ApplicationFailure.nonRetryable(badName, 'InvalidChannel');
  // Checked here, not by every episode it would fail.
  const badLength = input.lengthSec === undefined ? undefined : lengthProblem(input.lengthSec);
  if (badLength) throw ApplicationFailure.nonRetryable(badLength, 'InvalidChannel');
  if (input.state) return input.state;
  const show = input.show === undefined ? undefined : parseShow(input.show, 'the show in the channel input');
  if (show && 'problem' in show) throw ApplicationFailure.nonRetryable(show.problem, 'InvalidShow');
  const t = checkTheme(input.theme ?? DEFAULT_THEME);
  if (!t.ok) throw ApplicationFailure.nonRetryable(t.reason, 'InvalidTheme');
  const st = initialChannelState(t.theme, new Date().toISOString());
  // Checked by checkInitialTheme, before anything can show or use it (histories from before moderation skip this).
  if (patched(MODERATION_PATCH)) st.themeChecked = false;
  if (show && patched(SHOW_PATCH)) Object.assign(st, { show: show.show, story: [], showChecked: false });
  return st;
}

/**
 * One line per message (the viewers' own are in channelSuggestions.ts). The order of registration is the
 * order buffered messages are delivered in: keep it, or old histories stop replaying.
 */
function answerMessages(run: ChannelRun): void {
  setHandler(setThemeSignal, (theme) => themeBySignal(run, theme));
  setHandler(setThemeUpdate, (theme) => themeByUpdate(run, theme), { validator: (theme) => throwIf(themeProblem(theme)) });
  setHandler(pauseSignal, () => run.setPaused(true));
  setHandler(resumeSignal, () => run.setPaused(false));
  setHandler(skipSignal, () => run.requestSkip());
  setHandler(episodeMuxingSignal, (n) => run.episodeMuxing(n));
  setHandler(moveAirUpdate, ({ host }) => run.moveAir(host), { validator: ({ host }) => throwIf(host === undefined ? null : hostIdProblem(host)) });
  setHandler(viewersSignal, (report) => run.viewersReported(report));
  setHandler(slotOpenedSignal, ({ slot, inode, at }) => run.slotOpened(slot, inode, at));
  setHandler(statusQuery, () => run.status());
  // Registered after every older handler: buffered messages of old histories keep their order.
  setHandler(setShowUpdate, (show) => run.show.set(show === null ? null : parsedShow(show)), { validator: (show) => throwIf(show === null ? null : showProblem(show)) });
  setHandler(episodeWrittenSignal, (entry) => run.show.written(entry));
}

/** A theme by signal (`temporal workflow signal`): nobody waits for an answer, so what is refused is logged. */
async function themeBySignal(run: ChannelRun, theme: string): Promise<void> {
  const t = checkTheme(theme);
  if (!t.ok) {
    log.warn('setTheme signal ignored', { reason: t.reason });
  } else {
    const v = await run.setTheme(t.theme);
    if (v && !v.allowed) log.warn('setTheme signal rejected by moderation', { textHash: v.textHash, categories: v.categories });
  }
  run.poke();
}

/** A theme by update: answers the theme applied, or fails with the moderation's verdict (ThemeRejected). */
async function themeByUpdate(run: ChannelRun, theme: string): Promise<string> {
  const v = await run.setTheme(theme.trim());
  if (v && !v.allowed) throw themeRejected(v);
  return theme.trim();
}

/** An update's validator: refuses with the problem found, if any. */
function throwIf(problem: string | null | undefined): void {
  if (problem) throw new Error(problem);
}
