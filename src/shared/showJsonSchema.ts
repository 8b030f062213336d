// The show's JSON Schema, for editors and other tools (docs/show.schema.json), from its zod schema.
import { z } from 'zod';
import { showSchema } from './show';

export function showJsonSchema(): Record<string, unknown> {
  return {
    title: 'AI WebTV show',
    description: 'A show a channel directs its episodes from: `webtv show set <channel> --file show.json`. Unknown fields are refused; later versions add fields and keep these meanings.',
    ...z.toJSONSchema(showSchema, { target: 'draft-2020-12' }),
  };
}
