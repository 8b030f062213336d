// The channel's status, computed from its state and a snapshot of a run (channelStatus in
// src/shared/channel.ts): a pure function, checked here without Temporal.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FALLING_BEHIND_WINDOW_SEC, RECENT_FAILURES_KEPT, VIEWER_REPORT_TTL_SEC, addRecentFailure, channelConfig, channelStatus,
  initialChannelState, type ChannelSnapshot, type ChannelState, type EpisodeRef,
} from '../src/shared/channel';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');
const at = (sec: number) => T0 + sec * 1000;
const iso = (sec: number) => new Date(at(sec)).toISOString();
const ref = (n: number): EpisodeRef => ({ episode: n, path: `/data/ep${n}`, durationSec: 9, theme: `theme ${n}`, degraded: false, shots: [] });

function state(over: Partial<ChannelState> = {}): ChannelState {
  return { ...initialChannelState('a lighthouse keeper', iso(0)), moderation: { rejected: 0, warnings: 0 }, ...over };
}
function snapshot(over: Partial<ChannelSnapshot> = {}): ChannelSnapshot {
  return {
    config: channelConfig({ channel: 'news' }), producing: [], busySince: null, viewerReports: [], now: at(600),
    suggestions: { audience: false, suggestions: [], suggestionsChecking: 0, suggestionsRejected: 0, votesCounted: 0 },
    ...over,
  };
}

describe('channelStatus', () => {
  test('hides a new channel\'s theme until moderation has accepted it', () => {
    const waiting = channelStatus(state({ themeChecked: false }), snapshot());
    assert.equal(waiting.theme, '');
    assert.equal(waiting.moderation.themeChecked, false);
    const checked = channelStatus(state({ themeChecked: true }), snapshot());
    assert.equal(checked.theme, 'a lighthouse keeper');
    assert.equal(checked.moderation.themeChecked, true);
  });

  test('lists the fresh slot episodes first, then the ready queue', () => {
    const st = state({
      ready: [ref(4), ref(5)],
      slots: [{ inode: 1, episode: ref(2), fresh: false }, { inode: 2, episode: ref(3), fresh: true }],
    });
    assert.deepEqual(channelStatus(st, snapshot()).next.map((e) => e.episode), [3, 4, 5]);
  });

  test('production speed counts an ongoing stretch of production up to now', () => {
    const st = state({ made: 2, producedSec: 18, production: { episodeSec: 18, busySec: 12 } });
    const idle = channelStatus(st, snapshot());
    assert.equal(idle.productionSpeed, 1.5);
    assert.deepEqual(idle.production, { episodeSec: 18, busySec: 12 });
    assert.equal(idle.productionVsAir, 0.03, '18 s made in 600 s since the start');
    const busy = channelStatus(st, snapshot({ busySince: at(594), producing: [{ episode: 3, theme: 't' }] }));
    assert.deepEqual(busy.production, { episodeSec: 18, busySec: 18 });
    assert.equal(busy.productionSpeed, 1);
    assert.deepEqual(busy.producing, [{ episode: 3, theme: 't' }]);
    assert.equal(channelStatus(state(), snapshot()).production, null, 'nothing produced and nothing producing');
  });

  test('says "falling behind" only after an aired episode and a watched window', () => {
    const slow = { made: 1, producedSec: 9, production: { episodeSec: 9, busySec: 18 } };
    const early = channelStatus(state({ ...slow, firstAiredAt: iso(600 - FALLING_BEHIND_WINDOW_SEC + 1) }), snapshot());
    assert.equal(early.fallingBehind, false, 'within the window');
    const late = channelStatus(state({ ...slow, firstAiredAt: iso(600 - FALLING_BEHIND_WINDOW_SEC) }), snapshot());
    assert.equal(late.fallingBehind, true, 'speed 0.5 after the window');
    const fast = { made: 1, producedSec: 9, production: { episodeSec: 9, busySec: 6 } };
    const reairing = state({ ...fast, firstAiredAt: iso(0), onAir: { slot: 0, episode: ref(1), since: iso(500), reair: true } });
    assert.equal(channelStatus(reairing, snapshot()).fallingBehind, true, 'nothing fresh and air re-runs');
    assert.equal(channelStatus({ ...reairing, ready: [ref(2)] }, snapshot()).fallingBehind, false, 'a fresh episode waits');
  });

  test('sums the viewer reports that are still fresh, and says null before any server reported', () => {
    assert.equal(channelStatus(state(), snapshot()).viewers, null);
    const reports = [{ count: 3, at: at(590) }, { count: 4, at: at(600 - VIEWER_REPORT_TTL_SEC) }, { count: 5, at: at(599) }];
    assert.equal(channelStatus(state(), snapshot({ viewerReports: reports })).viewers, 8);
    assert.equal(channelStatus(state(), snapshot({ viewerReports: [{ count: 4, at: at(0) }] })).viewers, 0, 'reported, all stale');
  });

  test('names each capability\'s backend, the air host and why the channel stopped', () => {
    const s = channelStatus(state({ air: { host: 'studio-a', queue: 'webtv-air-studio-a' }, stoppedBecause: 'stopped by a cancel request' }),
      snapshot({ config: channelConfig({ channel: 'news', backends: { video: { kind: 'gradio', space: 'x/y' } as never } }) }));
    assert.equal(s.channel, 'news');
    assert.equal(s.backends.video, 'gradio');
    assert.equal(s.backends.music, 'offline');
    assert.deepEqual(s.air, { host: 'studio-a', queue: 'webtv-air-studio-a' });
    assert.equal(s.stopped, 'stopped by a cancel request');
  });

  test('keeps the newest failures only', () => {
    const st = state();
    for (let n = 1; n <= RECENT_FAILURES_KEPT + 3; n++) addRecentFailure(st, { episode: n, theme: 't', error: `e${n}` });
    assert.equal(st.recentFailures.length, RECENT_FAILURES_KEPT);
    assert.equal(st.recentFailures[0].episode, 4);
    assert.equal(channelStatus(st, snapshot()).recentFailures.at(-1)!.error, `e${RECENT_FAILURES_KEPT + 3}`);
  });
});
