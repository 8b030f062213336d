// A show file as operators give it (`webtv show set --file`, `episode make --show`, `channel start --show`,
// WEBTV_SHOW for `webtv start`): read, parsed and checked against the show's schema (src/shared/show.ts).
import fs from 'node:fs';
import { issueLine, showSchema, type Show } from '../shared/show';

/** A show file (`webtv show set --file`, `episode make --show`): the show, or one line naming the field to fix. */
export function loadShowFile(file: string): Show {
  const r = showSchema.safeParse(readJsonFile(file, 'the show file', '--file <show.json>'));
  if (!r.success) throw new Error(`${file}: ${issueLine(r.error.issues[0])}`);
  return r.data;
}

export function readJsonFile(file: string, what: string, flag: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}; pass ${flag}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}
