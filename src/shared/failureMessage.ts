// What a failure says, for a status line or a step record. Temporal wraps what an activity or child
// workflow threw in ActivityFailure / ChildWorkflowFailure; the error it threw is the first
// ApplicationFailure in the `cause` chain. What lies under that (e.g. an SDK error an activity attached as
// its cause, whose message may be a bare "UnknownError") is detail, not the message. Workflow-safe.
import { ActivityFailure, ApplicationFailure, TimeoutFailure, TimeoutType } from '@temporalio/common';

export function failureMessage(err: unknown, maxLength = 500): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e && !(e instanceof ApplicationFailure) && e.cause) e = e.cause as typeof e;
  return String(e?.message ?? err).slice(0, maxLength);
}

/**
 * No worker took the activity from its queue in time (its schedule-to-start timeout): what a step sent
 * to one worker's own queue gets when that worker is gone (air hosts, claimed media workers).
 */
export function noWorkerTookIt(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof TimeoutFailure && err.cause.timeoutType === TimeoutType.SCHEDULE_TO_START;
}
