// Writes docs/show.schema.json from the show's zod schema (src/shared/show.ts), the one home of its rules.
// Run: node --import tsx scripts/show-schema.ts   (test/show.test.ts fails when the file is out of date).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { showJsonSchema } from '../src/shared/showJsonSchema';

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'show.schema.json');
fs.writeFileSync(out, `${JSON.stringify(showJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
