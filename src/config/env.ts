// How a variable that fails its check is reported, the same way for every reader in src/config.
import type { z } from 'zod';

/** The one-line error for a variable whose value fails its rule. */
export function invalidVariable(name: string, problem: string): Error {
  // A rule whose message already names the variable (the secrets' minimum length) is the whole line.
  return new Error(problem.startsWith(name) ? problem : `environment variable ${name} is invalid: ${problem}`);
}

/** `values` (variable name → value) checked against `schema`; the first problem throws naming its variable. */
export function parseVariables<S extends z.ZodType>(schema: S, values: unknown): z.output<S> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidVariable(String(issue.path[0]), issue.message);
  }
  return parsed.data;
}
