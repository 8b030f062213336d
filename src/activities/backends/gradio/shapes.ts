// The one place that knows how Gradio versions shape files: gr.Video is { video, subtitles } on
// 4.x/5.x and the plain FileData on 6.x, for inputs and outputs alike. Decided from view_api's
// python_type, with the major version as the fallback.
import type { FileData } from '@gradio/client';
import { failure } from './failures';

/** The parts of view_api's parameter description we rely on. */
export interface ParamInfo {
  parameter_name?: string;
  component?: string;
  python_type?: { type?: string };
  parameter_has_default?: boolean;
  parameter_default?: unknown;
}

export function isVideoDict(param: ParamInfo | undefined, gradioMajor: number): boolean {
  const t = param?.python_type?.type ?? '';
  if (/^dict\(video/i.test(t)) return true;
  if (/filepath|^str$/i.test(t)) return false;
  return param?.component === 'Video' && gradioMajor < 6;
}

/** An uploaded input file in the shape the parameter takes. */
export function fileInput(file: FileData, param: ParamInfo | undefined, gradioMajor: number): unknown {
  return isVideoDict(param, gradioMajor) ? { video: file, subtitles: null } : file;
}

export interface RemoteFile { url: string }

/** The file an output holds, whichever version shaped it; a wrong shape means the mapping is wrong. */
export function outputFile(data: unknown, index: number, where: string): RemoteFile {
  const outputs = Array.isArray(data) ? data : [data];
  if (index >= outputs.length) {
    throw failure('GradioWrongOutputShape', `${where}: the app returned ${outputs.length} output(s), but the config reads output ${index}; fix backends.*.output`, false);
  }
  let value = outputs[index] as unknown;
  if (isRecord(value) && isRecord(value.video)) value = value.video;
  if (isRecord(value) && typeof value.url === 'string' && value.url) return { url: value.url };
  const seen = value === null ? 'null' : typeof value === 'object' ? `an object with keys ${Object.keys(value as object).join(', ')}` : `a ${typeof value} (${JSON.stringify(value).slice(0, 60)})`;
  throw failure('GradioWrongOutputShape', `${where}: output ${index} is ${seen}, not a file; point backends.*.output at the endpoint's file output (see \`webtv spaces check\`)`, false);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
