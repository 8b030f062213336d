// A directed episode's subtitles, from its lines: WebVTT to serve beside episode.mp4 (each cue at exactly
// its line's times, the speaker as a voice tag) and an ASS script the mux burns into the picture with
// libass, in the caption font preflight checked (WEBTV_FONT_FILE, else DejaVu Sans).
import fs from 'node:fs';
import path from 'node:path';
import { BROADCAST } from '../../shared/types';
import { NARRATOR } from '../../shared/show';

export interface SubtitleLine { start: number; end: number; speaker: string; text: string }

/** hh:mm:ss.mmm, to the millisecond (timeline.ts rounds every time to it). */
export function vttTime(sec: number): string {
  const ms = Math.max(0, Math.round(sec * 1000));
  const pad = (x: number, n = 2) => String(x).padStart(n, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

const vttEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Cues in order of start (WebVTT requires it); a blank line would end a cue, so a text has none. */
export function webVtt(lines: SubtitleLine[]): string {
  const cues = [...lines].sort((a, b) => a.start - b.start).map((l, i) => {
    const text = l.text.split(/\r?\n/).map((s) => vttEscape(s.replace(/\t/g, ' ').trim())).filter(Boolean).join('\n');
    const speaker = vttEscape(l.speaker.replace(/\s+/g, ' ').trim());
    return `${i + 1}\n${vttTime(l.start)} --> ${vttTime(l.end)}\n<v ${speaker}>${text}\n`;
  });
  return ['WEBVTT\n', ...cues].join('\n');
}

/** ASS times are centiseconds: H:MM:SS.cc. */
export function assTime(sec: number): string {
  const cs = Math.max(0, Math.round(sec * 100));
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${Math.floor(cs / 360_000)}:${pad(Math.floor(cs / 6000) % 60)}:${pad(Math.floor(cs / 100) % 60)}.${pad(cs % 100)}`;
}

function greedyWrap(para: string, max: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of para.replace(/\t/g, ' ').split(' ').filter(Boolean)) {
    if (line && line.length + 1 + word.length > max) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

/**
 * Word wrap to lines of at most `max` characters (a longer word gets a line of its own), balanced: as few
 * lines as greedy wrapping needs, each about as long as the others, so no one word is left on a line.
 */
export function wrapText(text: string, max: number): string[] {
  return text.split(/\r?\n/).flatMap((para) => {
    const greedy = greedyWrap(para, max);
    for (let w = Math.ceil(para.length / Math.max(1, greedy.length)); w < max; w++) {
      const lines = greedyWrap(para, w);
      if (lines.length === greedy.length) return lines;
    }
    return greedy;
  });
}

/**
 * Text as libass shows it literally: `{…}` would be an override block, so braces are escaped with a
 * backslash (libass reads `\{` as `{`); `\N`, `\n` and `\h` would be line breaks and a hard space, so a
 * word joiner (U+2060, invisible) goes between the backslash and the letter. Any other backslash is shown
 * as it is. The text's own line breaks become `\N`.
 */
export function assText(lines: string[]): string {
  return lines.map((l) => l.replace(/\\(?=[Nnh])/g, '\\\u2060').replace(/[{}]/g, (c) => `\\${c}`)).join('\\N');
}

/** Readable at 576 lines: about 42 characters a line (broadcast subtitling's usual limit), 30-px type. */
export const SUBTITLE_STYLE = { fontSize: 30, maxChars: 42, marginV: 28, marginH: 60 } as const;

/**
 * The ASS script for libass, at the broadcast frame size (PlayRes = pixels). A narrator's lines are in
 * italics, as subtitles mark a voice from off screen. Style and Name fields are comma-separated, so a
 * comma in the font family or a speaker's name becomes a space.
 */
export function assSubtitles(lines: SubtitleLine[], fontFamilyName: string): string {
  const { fontSize, maxChars, marginV, marginH } = SUBTITLE_STYLE;
  const font = fontFamilyName.replace(/,/g, ' ');
  // White text, black outline and a half-transparent shadow (ASS colours are &HAABBGGRR, alpha 00 = opaque).
  const style = (name: string, italic: boolean) =>
    `Style: ${name},${font},${fontSize},&H00FFFFFF,&H000000FF,&H00000000,&H80000000,0,${italic ? -1 : 0},0,0,100,100,0,0,1,2,1,2,${marginH},${marginH},${marginV},1`;
  const events = lines.map((l) => {
    const name = l.speaker.replace(/[,\s]+/g, ' ').trim();
    return `Dialogue: 0,${assTime(l.start)},${assTime(l.end)},${l.speaker === NARRATOR ? 'Narrator' : 'Default'},${name},0,0,0,,${assText(wrapText(l.text, maxChars))}`;
  });
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${BROADCAST.width}`,
    `PlayResY: ${BROADCAST.height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    'YCbCr Matrix: None',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    style('Default', false),
    style('Narrator', true),
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...events,
    '',
  ].join('\n');
}

/**
 * The family name a font file declares (its `name` table, ID 1): what an ASS style names to get that file
 * from libass's fonts directory. TrueType/OpenType, or the first font of a collection; the file's base
 * name when it has no readable name table (libass then falls back to a font of its own choosing).
 */
export function fontFamily(file: string): string {
  const fallback = path.basename(file).replace(/\.[^.]+$/, '');
  try {
    const b = fs.readFileSync(file);
    const font = b.toString('latin1', 0, 4) === 'ttcf' ? b.readUInt32BE(12) : 0;
    const tables = b.readUInt16BE(font + 4);
    let name = -1;
    for (let t = 0; t < tables; t++) {
      const rec = font + 12 + 16 * t;
      if (b.toString('latin1', rec, rec + 4) === 'name') name = b.readUInt32BE(rec + 8);
    }
    if (name < 0) return fallback;
    const count = b.readUInt16BE(name + 2);
    const strings = name + b.readUInt16BE(name + 4);
    let best: { rank: number; value: string } | undefined;
    for (let r = 0; r < count; r++) {
      const rec = name + 6 + 12 * r;
      const [platform, encoding, language, id, length, offset] = [0, 2, 4, 6, 8, 10].map((o) => b.readUInt16BE(rec + o));
      if (id !== 1) continue;
      const raw = b.subarray(strings + offset, strings + offset + length);
      // Windows and Unicode names are UTF-16BE; Mac Roman (platform 1, encoding 0) is ASCII for a family name.
      const utf16 = platform === 3 || platform === 0;
      const value = utf16 ? Buffer.from(raw).swap16().toString('utf16le') : raw.toString('latin1');
      const rank = platform === 3 && language === 0x409 ? 0 : utf16 ? 1 : platform === 1 && encoding === 0 ? 2 : 3;
      if (value.trim() && (!best || rank < best.rank)) best = { rank, value: value.trim() };
    }
    return best?.value ?? fallback;
  } catch {
    return fallback;
  }
}
