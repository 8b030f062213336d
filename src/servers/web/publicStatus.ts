// What an anonymous viewer gets from /api/status: exactly what the page shows (theme, counts, what is on
// air and next with their prompts and titles, the show and "Previously:", viewers, "Coming up", what the standby waits for). Never file paths,
// store keys, hashes, hosts, task queues or raw error texts: those stay behind the control token.
import type { ChannelStatus, EpisodeRef } from '../../shared/channel';

const episodeView = (e: EpisodeRef) => ({
  episode: e.episode,
  theme: e.theme,
  durationSec: e.durationSec,
  suggested: !!e.suggested,
  shots: e.shots.map((s) => ({ prompt: s.prompt, durationSec: s.durationSec })),
  // A directed episode's title (moderated with its screenplay).
  ...(e.title ? { title: e.title } : {}),
});

export function publicStatus<Extra extends object>(s: ChannelStatus, extra: Extra) {
  return {
    channel: s.channel,
    theme: s.theme,
    paused: s.paused,
    made: s.made,
    failed: s.failed,
    fallingBehind: s.fallingBehind,
    audience: s.audience,
    onAir: s.onAir ? { since: s.onAir.since, reair: s.onAir.reair, episode: s.onAir.episode ? episodeView(s.onAir.episode) : null } : null,
    next: s.next.map(episodeView),
    // A show's title, and "Previously:": the summaries of the written episodes before the one on air.
    show: s.show ? { title: s.show.title } : null,
    previously: (s.previously ?? []).map((e) => ({ episode: e.episode, title: e.title, summary: e.summary })),
    ...extra,
  };
}
