// The Gradio backend kind: each capability calls the app its spec names (call.ts), a line of dialogue
// with its character's reference clip (voice.ts).
import type { BackendImpl } from '../backends';
import { callGradio } from './call';
import { speakLine } from './voice';

export { callGradio };

export const gradioBackend: BackendImpl = {
  video: (spec, r, ctx) => callGradio('video', spec, { values: { prompt: r.prompt, seed: r.seed }, files: {}, outPath: r.outPath }, ctx),
  upscale: (spec, r, ctx) => callGradio('upscale', spec, { values: { prompt: r.prompt, seed: r.seed }, files: { video: { path: r.inPath, kind: 'video' } }, outPath: r.outPath }, ctx),
  interpolate: (spec, r, ctx) => callGradio('interpolate', spec, { values: { fps: r.fps }, files: { video: { path: r.inPath, kind: 'video' } }, outPath: r.outPath }, ctx),
  music: (spec, r, ctx) => callGradio('music', spec, { values: { description: r.description, duration: r.durationSec, seed: r.seed }, files: {}, outPath: r.outPath }, ctx),
  voice: speakLine,
  sfx: (spec, r, ctx) => callGradio('sfx', spec, { values: { text: r.text, duration: r.durationSec, seed: r.seed }, files: {}, outPath: r.outPath }, ctx),
};
