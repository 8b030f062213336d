// The offline shot-list writer: deterministic from theme and seed, no model. Its prompts follow the shape
// video models answer best to — subject, action, setting, camera, lighting, style keywords — and share
// one style and lighting across the episode so its shots look like one piece.
import { hashOf } from '../../media/hashOf';

const ACTIONS = [
  'slowly turns to face the camera', 'works with quiet focus', 'pauses and looks around', 'moves through the scene',
  'reaches for something just out of frame', 'is lost in thought', 'laughs softly', 'glances at a flickering light',
  'walks towards the horizon', 'leans closer, curious',
];
const CAMERAS = [
  'slow dolly in', 'wide establishing shot', 'close-up', 'over-the-shoulder shot', 'slow pan left', 'slow pan right',
  'low-angle shot', 'aerial view', 'tracking shot', 'medium shot, handheld',
];
const LIGHTS = ['soft golden hour light', 'moody low-key lighting', 'neon glow', 'overcast diffuse light', 'warm candlelight', 'cold moonlight'];
const STYLES = [
  'cinematic, 35mm film, shallow depth of field', 'photorealistic, highly detailed, 4k', 'dreamy, soft focus, pastel colors',
  'film noir, high contrast', 'vibrant, colorful, studio ghibli style', 'documentary style, natural colors',
];
const MOODS: Record<string, string> = {
  'soft golden hour light': 'warm, calm, hopeful',
  'moody low-key lighting': 'dark, mysterious, slow',
  'neon glow': 'energetic, synthwave, night',
  'overcast diffuse light': 'melancholic, quiet, ambient',
  'warm candlelight': 'cosy, intimate, slow',
  'cold moonlight': 'lonely, dreamy, night',
};

export function writeOfflineShotList(theme: string, count: number, seed: number): { prompts: string[]; mood: string } {
  const base = hashOf(theme.trim().toLowerCase(), seed);
  const light = LIGHTS[base[0] % LIGHTS.length];
  const style = STYLES[base[1] % STYLES.length];
  const subject = theme.replace(/\s+/g, ' ').trim().replace(/[.!?]+$/, '');
  const prompts: string[] = [];
  for (let i = 0; i < count; i++) {
    const h = hashOf(theme, seed, i);
    const action = ACTIONS[(h[0] + i) % ACTIONS.length];
    const camera = CAMERAS[(h[1] + i * 3) % CAMERAS.length];
    prompts.push(`${subject}, ${action}, ${camera}, ${light}, ${style}`);
  }
  return { prompts, mood: MOODS[light] };
}

/**
 * The offline writer's second try at one shot: the same theme, with the calmest action and a daylight
 * look instead of what the hash picked, so a refusal caused by the combination does not come back.
 */
export function rewriteOfflineShotPrompt(theme: string, shot: number, seed: number): string {
  const subject = theme.replace(/\s+/g, ' ').trim().replace(/[.!?]+$/, '');
  const camera = CAMERAS[(hashOf(theme, seed, shot)[1] + shot * 3) % CAMERAS.length];
  return `${subject}, is lost in thought, ${camera}, soft golden hour light, documentary style, natural colors`;
}
