// `webtv channel suggestions <name> [remove|ban <id>]`: the operator's view of what viewers suggested,
// and the way to clear a suggestion or ban it (its text in any spelling, and the viewer who sent it).
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { connectClient, temporalTarget } from '../../temporal/connection';
import { channelWorkflowId, type ChannelStatus } from '../../shared/channel';
import { removeSuggestionUpdate, statusQuery } from '../../shared/channelMessages';
import { channelNameProblem } from '../../shared/validation';
import { UsageError } from '../usageError';

const USAGE = `usage:
  webtv channel suggestions <name> [--json]      list viewers' suggestions that passed moderation, by votes
  webtv channel suggestions <name> remove <id>   take one out
  webtv channel suggestions <name> ban <id>      take one out and refuse its text and its viewer from now on`;

export function formatSuggestions(s: ChannelStatus): string {
  const lines = [
    `audience  ${s.audience ? 'on: each new episode takes the top suggestion' : 'off (start the channel with --audience to let suggestions set episode themes)'}`,
    `counts    ${s.suggestions.length} shown, ${s.suggestionsChecking} being checked, ${s.suggestionsRejected} rejected by moderation, ${s.votesCounted} votes counted`,
  ];
  if (s.suggestions.length === 0) lines.push('(no suggestions waiting)');
  for (const x of s.suggestions) lines.push(`${x.id.padEnd(6)} ${String(x.votes).padStart(5)} vote${x.votes === 1 ? ' ' : 's'}  ${x.text}`);
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`webtv channel suggestions: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof WorkflowNotFoundError) {
      console.error('webtv channel suggestions: that channel is not running; start it with "webtv channel start <name>"');
      return 1;
    }
    if (err instanceof WorkflowUpdateFailedError) {
      console.error(`webtv channel suggestions: ${(err.cause as Error)?.message ?? err.message}`);
      return 1;
    }
    console.error(`webtv channel suggestions: ${(err as Error).message}`);
    return 1;
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [name, action, id, ...extra] = positionals;
  if (!name) throw new UsageError('missing channel name');
  const problem = channelNameProblem(name);
  if (problem) throw new UsageError(problem);
  if (action !== undefined && action !== 'remove' && action !== 'ban') throw new UsageError(`unknown action "${action}"`);
  if (action && !id) throw new UsageError(`${action} needs the suggestion's id (as listed, e.g. s3)`);
  if (extra.length) throw new UsageError(`unexpected "${extra.join(' ')}"`);

  const { client, connection } = await connectClient(temporalTarget());
  try {
    const handle = client.workflow.getHandle(channelWorkflowId(name));
    if (!action) {
      const status = await handle.query(statusQuery);
      console.log(values.json ? JSON.stringify(status.suggestions, null, 2) : formatSuggestions(status));
      return 0;
    }
    const removed = await handle.executeUpdate(removeSuggestionUpdate, { args: [{ id: id!, ban: action === 'ban' }] });
    console.log(`${action === 'ban' ? 'banned' : 'removed'} ${removed.id} (${removed.votes} votes): ${removed.text}`);
    return 0;
  } finally {
    await connection.close();
  }
}
