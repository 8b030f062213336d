// `webtv show set <channel> --file show.json | clear <channel> | check --file show.json`: a channel's show
// (src/shared/show.ts; its JSON Schema is docs/show.schema.json). The file is checked here first, one line
// naming the field; the channel checks it again and moderates every text before anything changes.
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { loadShowFile } from '../../channels/channelConfig';
import { connectClient, temporalTarget } from '../../temporal/connection';
import { channelWorkflowId } from '../../shared/channel';
import { setShowUpdate } from '../../shared/channelMessages';
import { channelNameProblem } from '../../shared/validation';
import { UsageError } from '../usageError';

const USAGE = `usage:
  webtv show set <channel> --file show.json   the channel's episodes are directed from this show, from its next episode on
  webtv show clear <channel>                  back to a theme's shots
  webtv show check --file show.json           check a show file without a channel (no moderation)`;

export async function run(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`webtv show: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof WorkflowNotFoundError) {
      console.error('webtv show: that channel is not running; start it with "webtv channel start <name>"');
      return 1;
    }
    if (err instanceof WorkflowUpdateFailedError) {
      // The channel's own verdict: the show's problem, or the field moderation refused. Nothing changed.
      console.error(`webtv show: the show was not set: ${(err.cause as Error)?.message ?? err.message}`);
      return 1;
    }
    throw err;
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { file: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const [action, channel] = positionals;
  if (values.help || !action) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (!['set', 'clear', 'check'].includes(action)) throw new UsageError(`unknown action "${action}"`);
  if ((action === 'set' || action === 'check') && !values.file) throw new UsageError('--file <show.json> is required');
  // A bad file is refused before anything is sent: nothing changes.
  const show = values.file ? loadShowFile(values.file) : null;
  if (action === 'check') {
    console.log(`${values.file}: a valid show, "${show!.title}", with ${show!.characters.length} character${show!.characters.length === 1 ? '' : 's'}`);
    return 0;
  }
  if (!channel) throw new UsageError('missing channel name');
  const problem = channelNameProblem(channel);
  if (problem) throw new UsageError(problem);
  const { client, connection } = await connectClient(temporalTarget());
  try {
    const title = await client.workflow.getHandle(channelWorkflowId(channel)).executeUpdate(setShowUpdate, { args: [action === 'set' ? show : null] });
    console.log(title === null ? `${channel} has no show: its episodes are a theme's shots again` : `${channel} now directs "${title}" from its next episode on`);
    return 0;
  } finally {
    await connection.close();
  }
}
