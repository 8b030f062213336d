// How a Gradio failure is told apart: @gradio/client reports everything as plain Errors or status
// messages, so the only evidence is the text. Every pattern lives here, with what it means for retries.
import { ApplicationFailure } from '@temporalio/common';

export type FailureType =
  | 'GradioBusy' | 'GradioQuota' | 'GradioConnection' | 'GradioTimeout' | 'GradioAppCrash' | 'GradioGpuError'
  | 'GradioIncomplete' | 'GradioBadOutput' | 'GradioSpaceStarting'
  | 'GradioSpaceUnavailable' | 'GradioSpaceNotFound'
  | 'GradioLegacyApp' | 'GradioSignatureMismatch' | 'GradioBadInput' | 'GradioAppError' | 'GradioConfigInvalid'
  | 'GradioWrongOutputShape' | 'GradioForeignUrl';

interface Rule { type: FailureType; retryable: boolean; test: RegExp; hint: string }

/** First match wins. Retryable ones are about the server's state; the rest about our call or config. */
const RULES: Rule[] = [
  { type: 'GradioBusy', retryable: true, test: /currently busy|queue is full/i, hint: 'the app\'s queue is full; retryable later' },
  { type: 'GradioQuota', retryable: true, test: /quota|rate.?limit|too many requests|\b429\b/i, hint: 'the app or Hugging Face refused for quota; retrying after the wait it asked for (set HF_TOKEN for a larger quota)' },
  { type: 'GradioLegacyApp', retryable: false, test: /legacy version of gradio|websocket/i, hint: 'the app runs Gradio 3.x, which @gradio/client cannot call: duplicate the Space and upgrade it to Gradio 5 or 6, or self-host it' },
  // Transient GPU and infrastructure failures that Spaces report as app errors with text (a gr.Error, or
  // ZeroGPU's titled errors). They come before the connection rule: "terminated" belongs to both.
  { type: 'GradioGpuError', retryable: true, test: /cuda out of memory|outofmemoryerror|\bout of memory\b|cuda error|cuda (runtime|driver) error|cublas_status_|cudnn_status_|cudnn error|nccl error|illegal memory access|device-side assert|no cuda gpus are available/i, hint: 'a CUDA or GPU-memory failure on the app\'s side, usually transient (another job held the memory); retrying with backoff' },
  { type: 'GradioGpuError', retryable: true, test: /gpu task aborted|zerogpu (worker|client) error|zerogpu queue timeout|zerogpu pending credits|no gpu (was |is )?(currently )?available|gpu (is )?(currently )?unavailable/i, hint: 'the Space\'s GPU was not available or its GPU task was cut short (ZeroGPU); retrying with backoff' },
  { type: 'GradioGpuError', retryable: true, test: /\b(process|worker|subprocess|task|job)\b[^.;]{0,40}\b(was )?(killed|died|terminated abruptly|crashed)\b|killed by signal|\bsigkill\b|\bsignal 9\b|exit(ed)? (with )?(code|status) (137|-9)\b|brokenprocesspool|^\s*"?killed"?\s*$/i, hint: 'a process of the app was killed mid-call (often out of memory); retrying with backoff' },
  { type: 'GradioConnection', retryable: true, test: /connection errored out|fetch failed|econnrefused|econnreset|socket hang up|other side closed|terminated|could not resolve app config|unexpected token|not valid json/i, hint: 'the app is down, restarting or unreachable; retryable, each attempt on a fresh connection' },
  { type: 'GradioAppCrash', retryable: true, test: /^\s*"?an (unexpected )?error occurred!?"?\s*(\(|$)/i, hint: 'the app failed without saying why (on Spaces often a CUDA out-of-memory); retrying with backoff' },
  { type: 'GradioBadInput', retryable: false, test: /validation|invalid input|must be|expected .* got/i, hint: 'the app rejected our input; check the params mapping with `webtv spaces check`' },
];

/** Parses the wait an app asks for ("Try again in 0:05:12", "retry after 30 s") into milliseconds. */
export function retryDelayMs(message: string): number | undefined {
  const hms = /try again in (\d+):(\d{1,2}):(\d{1,2})/i.exec(message);
  if (hms) return ((+hms[1] * 60 + +hms[2]) * 60 + +hms[3]) * 1000;
  const secs = /(?:retry|try again)[^\d]{0,12}(\d+(?:\.\d+)?)\s*(s\b|sec|second)/i.exec(message);
  if (secs) return Math.round(parseFloat(secs[1]) * 1000);
  const mins = /(?:retry|try again)[^\d]{0,12}(\d+)\s*(m\b|min)/i.exec(message);
  if (mins) return +mins[1] * 60_000;
  return undefined;
}

/** A failure of ours (deadline, output checks) with a known type. */
export function failure(type: FailureType, message: string, retryable: boolean, nextRetryDelayMs?: number): ApplicationFailure {
  if (!retryable) return ApplicationFailure.nonRetryable(message, type);
  return ApplicationFailure.create({ message, type, nextRetryDelay: nextRetryDelayMs });
}

/**
 * The text of an app error as the client reports it: gr.Error's title (ZeroGPU puts "ZeroGPU worker
 * error" there, and only the exception's class name in the message) before its message.
 */
export function appErrorText(status: { title?: unknown; message?: unknown }): string {
  const message = String(status.message ?? '').trim() || 'An error occurred';
  const title = typeof status.title === 'string' ? status.title.trim() : '';
  return title && title !== 'Error' ? `${title}: ${message}` : message;
}

/**
 * Turns what the client or app said into a Temporal failure. An app-raised error that matches no rule
 * (gr.Error text) is about the input and is not retried.
 */
export function classifyAppError(raw: unknown, where: string): ApplicationFailure {
  if (raw instanceof ApplicationFailure) return raw;
  const cause = raw instanceof Error ? (raw.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message;
  const message = `${(raw instanceof Error ? raw.message : String(raw)).trim() || 'no message'}${detail ? ` (${detail})` : ''}`;
  for (const rule of RULES) {
    if (rule.test.test(message)) {
      const delay = rule.type === 'GradioQuota' ? retryDelayMs(message) : undefined;
      return failure(rule.type, `${where}: ${message} (${rule.hint})`, rule.retryable, delay);
    }
  }
  return failure('GradioAppError', `${where}: the app said "${message}"; it is about our request, so it is not retried`, false);
}
