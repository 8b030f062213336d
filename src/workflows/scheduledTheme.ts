// scheduledThemeWorkflow: what a programme schedule (a Temporal Schedule) runs when it fires. It sets the
// channel's theme through the channel's own `setTheme` update (an activity sends it: workflows cannot
// send updates), so every check of that update — length, moderation — applies as to any theme. With
// `episodes`, it waits until the channel has made that many more episodes and puts the previous theme
// back, unless someone changed the theme meanwhile.
import { ApplicationFailure, log, proxyActivities, setCurrentDetails, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/index';
import { parseScheduledTheme, type ScheduledTheme } from '../shared/schedule';

type ChannelControl = Pick<Activities, 'applyChannelTheme' | 'channelStatus'>;

const { applyChannelTheme, channelStatus } = proxyActivities<ChannelControl>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['ThemeRejected', 'ChannelNotRunning'] },
});

const EPISODE_POLL = '30 seconds';

export interface ScheduledThemeResult {
  accepted: string;
  previous: string;
  restored: boolean;
}

export async function scheduledThemeWorkflow(input: ScheduledTheme): Promise<ScheduledThemeResult> {
  const parsed = parseScheduledTheme(input);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(`invalid scheduled theme: ${parsed.reason}`, 'InvalidScheduledTheme');
  const { channel, theme, episodes } = parsed.value;
  const applied = await applyChannelTheme.executeWithOptions(
    { startToCloseTimeout: '1 minute', summary: `theme of ${channel}: ${theme.slice(0, 80)}` },
    [{ channel, theme }],
  );
  setCurrentDetails(`**${channel}** now: ${applied.accepted}`);
  if (!episodes) return { accepted: applied.accepted, previous: applied.previous, restored: false };
  for (;;) {
    await sleep(EPISODE_POLL);
    const s = await channelStatus({ channel });
    if (s.theme !== applied.accepted) {
      log.info('the theme was changed meanwhile; leaving it', { theme: s.theme });
      return { accepted: applied.accepted, previous: applied.previous, restored: false };
    }
    // Episodes already in production at the change finish with the old theme: they do not count.
    if (s.made >= applied.made + (applied.inProduction ?? 0) + episodes) break;
  }
  await applyChannelTheme({ channel, theme: applied.previous });
  return { accepted: applied.accepted, previous: applied.previous, restored: true };
}
