// The failure patterns and config checks of the Gradio backend, on the texts @gradio/client and Gradio
// servers actually produce (as measured in shared/notes/gradio.md), without a server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appErrorText, classifyAppError, retryDelayMs } from '../src/activities/backends/gradio/failures';
import { deadlineOutcome } from '../src/activities/backends/gradio/job';
import { parseGradioSpec, resolveParams } from '../src/activities/backends/gradio/spec';

describe('Gradio failure classification', () => {
  const cases: [string, string, boolean][] = [
    ['This application is currently busy. Please try again. ', 'GradioBusy', true],
    ['You have exceeded your GPU quota (60s requested vs. 12s left). Try again in 0:05:12', 'GradioQuota', true],
    ['429 Too Many Requests', 'GradioQuota', true],
    ['Connection errored out. ', 'GradioConnection', true],
    ['fetch failed', 'GradioConnection', true],
    ['Could not resolve app config', 'GradioConnection', true],
    ['An error occurred', 'GradioAppCrash', true],
    ['"An error occurred"', 'GradioAppCrash', true],
    ['An Unexpected Error Occurred!', 'GradioAppCrash', true],
    ['Could not connect: legacy version of Gradio (WebSockets)', 'GradioLegacyApp', false],
    ['Invalid input: prompt too long', 'GradioBadInput', false],
    ['The model refuses to draw that', 'GradioAppError', false],
  ];
  for (const [text, type, retryable] of cases) {
    test(`"${text.trim()}" → ${type}, ${retryable ? 'retryable' : 'not retryable'}`, () => {
      const f = classifyAppError(new Error(text), 'video via Gradio app x /run');
      assert.equal(f.type, type);
      assert.equal(f.nonRetryable, !retryable);
      assert.ok(f.message.startsWith('video via Gradio app x /run: '), f.message);
    });
  }

  // Transient GPU / infrastructure failures as Spaces report them (gr.Error text, or ZeroGPU's title and
  // message as appErrorText joins them; ZeroGPU's texts as spaces 0.51 words them): retried, own type.
  const gpu: [string, string][] = [
    ['CUDA out of memory', 'Injected fault in /run: CUDA out of memory (fake)'],
    ['CUDA OOM with torch\'s detail', 'CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 14.75 GiB total capacity; 12.01 GiB already allocated)'],
    ['torch OutOfMemoryError class name', 'ZeroGPU worker error: OutOfMemoryError'],
    ['another CUDA error', 'CUDA error: an illegal memory access was encountered'],
    ['device-side assert', 'RuntimeError: CUDA error: device-side assert triggered'],
    ['cuBLAS failure', 'CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`'],
    ['cuDNN failure', 'cuDNN error: CUDNN_STATUS_INTERNAL_ERROR'],
    ['no CUDA device', 'No CUDA GPUs are available'],
    ['GPU task aborted', 'GPU task aborted'],
    ['ZeroGPU abort with its title', 'ZeroGPU worker error: GPU task aborted'],
    ['ZeroGPU worker error (class name only)', 'ZeroGPU worker error: RuntimeError'],
    ['ZeroGPU no GPU available', 'ZeroGPU queue timeout: No GPU was available after 60s Retry later'],
    ['ZeroGPU scheduler', 'ZeroGPU client error: No GPU was available'],
    ['ZeroGPU pending credits', 'ZeroGPU pending credits exceeded: You have too many ZeroGPU credits allocated to running tasks. Try again once some of those tasks have completed.'],
    ['no GPU available (plain)', 'No GPU available right now, please retry'],
    ['process killed mid-call', 'The worker process was killed while generating'],
    ['killed by signal', 'ffmpeg was killed by signal 9'],
    ['exit code 137', 'the inference subprocess exited with code 137'],
    ['bare "Killed"', 'Killed'],
    ['process pool broken', 'BrokenProcessPool: A process in the process pool was terminated abruptly while the future was running or pending.'],
  ];
  for (const [what, text] of gpu) {
    test(`${what}: "${text.slice(0, 60)}" → GradioGpuError, retryable`, () => {
      const f = classifyAppError(new Error(text), 'upscale via Gradio app x /upscale');
      assert.equal(f.type, 'GradioGpuError', f.message);
      assert.equal(f.nonRetryable, false);
      assert.ok(f.message.includes(text), f.message);
      assert.match(f.message, /retrying with backoff/);
    });
  }

  // Errors about our input stay non-retryable, even when they name the GPU or memory in passing.
  const ours: [string, string][] = [
    ['Invalid input: the video must be at most 4 s long', 'GradioBadInput'],
    ['ZeroGPU illegal duration: The requested GPU duration (180s) is larger than the maximum allowed', 'GradioAppError'],
    ['The prompt was rejected by the safety filter', 'GradioAppError'],
    ['Input video has no frames', 'GradioAppError'],
  ];
  for (const [text, type] of ours) {
    test(`about our input: "${text.slice(0, 60)}" → ${type}, not retried`, () => {
      const f = classifyAppError(new Error(text), 'w');
      assert.equal(f.type, type, f.message);
      assert.equal(f.nonRetryable, true);
    });
  }

  test('an app error\'s title is read before its message; the default title "Error" is not', () => {
    assert.equal(appErrorText({ title: 'ZeroGPU worker error', message: 'OutOfMemoryError' }), 'ZeroGPU worker error: OutOfMemoryError');
    assert.equal(appErrorText({ title: 'Error', message: 'Invalid input' }), 'Invalid input');
    assert.equal(appErrorText({ message: undefined }), 'An error occurred');
  });

  test('the wait an app asks for becomes the next retry delay', () => {
    assert.equal(retryDelayMs('Try again in 0:05:12'), 312_000);
    assert.equal(retryDelayMs('rate limited, retry after 30 seconds'), 30_000);
    assert.equal(retryDelayMs('please try again in 2 min'), 120_000);
    assert.equal(retryDelayMs('no hint here'), undefined);
    const f = classifyAppError(new Error('You have exceeded your GPU quota. Try again in 0:00:07'), 'w');
    assert.equal(f.nextRetryDelay, 7_000);
  });
});

describe('what the deadline message says, by the job\'s last state', () => {
  test('queued: dropped from the app\'s queue; nothing for the heartbeat', () => {
    const o = deadlineOutcome({ stage: 'queued', position: 2, size: 3 }, 'w', 20);
    assert.equal(o.message, 'w: the job was still queued at position 2 of 3 when our deadline of 20 s passed; it was dropped from the app\'s queue and never ran. Raise deadlineSec if the app\'s queue is just long');
    assert.equal(o.heartbeat, undefined);
  });
  test('running: still running and holding the app\'s slot, in the message and the heartbeat; never "dropped from the queue"', () => {
    const o = deadlineOutcome({ stage: 'running', progress: '12/25 steps' }, 'w', 20);
    assert.match(o.message, /^w: the job was still running when our deadline of 20 s passed, at 12\/25 steps; we stopped waiting, but our abandoned job is still running on the app and holds its slot until its function returns/);
    assert.doesNotMatch(o.message, /dropped from the app's queue/);
    assert.equal(o.heartbeat?.stage, 'deadline passed while running');
    assert.match(String(o.heartbeat?.slot), /holds its slot until its function returns: the next attempt may wait behind it/);
  });
  test('before the app queued it, and after it returned its result', () => {
    assert.match(deadlineOutcome({ stage: 'submitting' }, 'w', 5).message, /the app had not queued the job when our deadline of 5 s passed \(last state: submitting\); nothing of ours is left on the app/);
    assert.match(deadlineOutcome({ stage: 'downloading' }, 'w', 5).message, /had returned its result, but its stream had not ended/);
  });
});

describe('Gradio spec validation', () => {
  test('a typo in an option names the field and lists the allowed ones', () => {
    assert.throws(() => parseGradioSpec('video', { kind: 'gradio', app: 'owner/space', endpiont: '/run' }),
      /backends\.video: unknown option\(s\) "endpiont"; allowed: kind, app, endpoint, params/);
  });
  test('a bad app or endpoint says what shape is expected', () => {
    assert.throws(() => parseGradioSpec('music', { kind: 'gradio', app: 'not a space' }), /backends\.music\.app: app must be a Space id like "owner\/name"/);
    assert.throws(() => parseGradioSpec('music', { kind: 'gradio', app: 'a/b', endpoint: 'run' }), /endpoint must look like "\/run"/);
  });
  test('a params reference our call cannot provide is named, with the ones it can', () => {
    assert.throws(() => parseGradioSpec('interpolate', { kind: 'gradio', app: 'a/b', params: { video: '$video', text: '$prompt' } }),
      /params\.text refers to "\$prompt", but a interpolate call provides only "\$video", "\$fps"/);
  });
  test('defaults follow the Spaces; "$name" takes our value, "$$" a literal dollar', () => {
    const call = parseGradioSpec('video', { kind: 'gradio', app: 'hysts/zeroscope-v2' });
    assert.equal(call.endpoint, '/run');
    assert.equal(call.deadlineMs, 900_000);
    assert.deepEqual(resolveParams({ prompt: '$prompt', seed: '$seed', tag: '$$x', n: 24 }, { prompt: 'p', seed: 3 }), { prompt: 'p', seed: 3, tag: '$x', n: 24 });
  });
});
