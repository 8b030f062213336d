// The player page: low-latency FLV through mpegts.js, HLS through hls.js (or native HLS) where FLV
// cannot play. A watchdog rebuilds the player when playback stops moving (the FLV player freezes
// silently after a long outage); the page itself never reloads.
/* global mpegts, Hls */
(() => {
  const $ = (id) => document.getElementById(id);
  const video = $('video');
  const channel = new URLSearchParams(location.search).get('channel') || '';
  const q = channel ? `?channel=${encodeURIComponent(channel)}` : '';
  let config = null;
  let player = null;
  let lastTime = -1;
  let stuckSince = Date.now();
  let rebuilds = 0;
  window.webtv = { rebuilds: () => rebuilds, mode: null };
  const viewerId = Math.random().toString(36).slice(2, 12) + Date.now().toString(36);

  if (window.mpegts) mpegts.LoggingControl.applyConfig({ enableAll: false, enableVerbose: false, enableDebug: false, enableInfo: false, enableWarn: false, enableError: false });

  function destroyPlayer() {
    if (!player) return;
    try { player.destroy(); } catch { /* already gone */ }
    player = null;
  }

  function tryPlay() {
    const p = video.play();
    if (p && p.catch) p.then(() => { $('play').style.display = 'none'; }, () => { $('play').style.display = 'block'; });
  }

  function buildPlayer() {
    destroyPlayer();
    if (window.mpegts && mpegts.getFeatureList().mseLivePlayback && config.flvUrl) {
      window.webtv.mode = 'flv';
      player = mpegts.createPlayer({ type: 'flv', isLive: true, url: config.flvUrl }, {
        enableStashBuffer: false,
        liveBufferLatencyChasing: true,
        liveBufferLatencyMaxLatency: 1.5,
        liveBufferLatencyMinRemain: 0.5,
      });
      player.on(mpegts.Events.ERROR, () => scheduleRebuild());
      player.attachMediaElement(video);
      player.load();
    } else if (config.hlsUrl && window.Hls && Hls.isSupported()) {
      window.webtv.mode = 'hls.js';
      // X-WebTV-Viewer tells this page apart from other HLS clients behind the same address (viewer count).
      player = new Hls({ liveSyncDurationCount: 3, xhrSetup: (xhr) => xhr.setRequestHeader('X-WebTV-Viewer', viewerId) });
      player.on(Hls.Events.ERROR, (_e, data) => { if (data.fatal) scheduleRebuild(); });
      player.loadSource(config.hlsUrl);
      player.attachMedia(video);
    } else if (config.hlsUrl && video.canPlayType('application/vnd.apple.mpegurl')) {
      window.webtv.mode = 'native-hls';
      video.src = config.hlsUrl;
    }
    tryPlay();
  }

  let rebuildTimer = null;
  function scheduleRebuild() {
    if (rebuildTimer) return;
    const delay = Math.min(10000, 1000 * 2 ** Math.min(rebuilds, 3));
    rebuildTimer = setTimeout(() => { rebuildTimer = null; rebuilds++; buildPlayer(); }, delay);
  }

  // Watchdog: playback that has not moved for 5 s while not paused gets a fresh player.
  setInterval(() => {
    if (!config) return;
    if (video.currentTime !== lastTime) {
      lastTime = video.currentTime;
      stuckSince = Date.now();
      if (rebuilds > 0 && !rebuildTimer) rebuilds = Math.max(0, rebuilds - 1);
    } else if (!video.paused && Date.now() - stuckSince > 5000) {
      stuckSince = Date.now();
      rebuilds++;
      buildPlayer();
    }
  }, 1000);

  $('play').onclick = () => { video.muted = false; tryPlay(); };
  $('unmute').onclick = () => { video.muted = false; $('unmute').style.display = 'none'; tryPlay(); };
  video.addEventListener('ended', () => scheduleRebuild());

  function text(el, s) { el.textContent = s; }

  function currentShot(onAir) {
    const ep = onAir && onAir.episode;
    if (!ep) return null;
    const total = ep.shots.reduce((s, x) => s + x.durationSec, 0) || ep.durationSec || 1;
    let t = ((Date.now() - Date.parse(onAir.since)) / 1000) % total;
    for (const shot of ep.shots) {
      if (t < shot.durationSec) return shot;
      t -= shot.durationSec;
    }
    return ep.shots[ep.shots.length - 1] || null;
  }

  let status = null;
  function render() {
    if (!status) return;
    text($('theme'), status.theme);
    text($('made'), String(status.made));
    text($('failed'), String(status.failed));
    const shot = currentShot(status.onAir);
    const ep = status.onAir && status.onAir.episode;
    text($('prompt'), shot ? shot.prompt : `Standby — ${status.waitingFor || 'the first episode is being made'}`);
    text($('onair-meta'), ep ? `episode ${ep.episode}${status.onAir.reair ? ' (again)' : ''}` : '');
    text($('show-title'), status.show ? status.show.title : '');
    text($('episode-title'), ep && ep.title ? ep.title : '');
    const previously = status.previously || [];
    $('previously-box').hidden = previously.length === 0;
    $('previously').replaceChildren(...previously.map((e) => {
      const li = document.createElement('li');
      li.textContent = `${e.title}: ${e.summary}`;
      return li;
    }));
    text($('behind'), status.fallingBehind ? 'Making new episodes is slower than air right now: recent episodes play again.' : '');
    const next = $('next');
    next.replaceChildren(...status.next.slice(0, 5).map((e) => {
      const li = document.createElement('li');
      li.textContent = `episode ${e.episode}: ${(e.shots[0] && e.shots[0].prompt) || e.theme}`;
      return li;
    }));
  }

  async function poll() {
    try {
      const r = await fetch(`/api/status${q}`);
      if (r.ok) {
        status = await r.json();
        window.dispatchEvent(new CustomEvent('webtv:status', { detail: status }));
      }
    } catch { /* the server restarts; keep the last status */ }
    render();
  }

  $('token').value = localStorage.getItem('webtv-token') || '';
  $('theme-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const result = $('result');
    const token = $('token').value;
    localStorage.setItem('webtv-token', token);
    result.className = '';
    text(result, 'sending…');
    try {
      const r = await fetch(`/api/theme${q}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ theme: $('new-theme').value }),
      });
      const body = await r.json();
      if (r.ok) {
        text(result, 'Theme accepted: the next episode uses it.');
        poll();
      } else {
        result.className = 'error';
        text(result, body.error || `refused (${r.status})`);
      }
    } catch (err) {
      result.className = 'error';
      text(result, `could not reach the server: ${err.message}`);
    }
  });

  (async () => {
    config = await (await fetch(`/api/config${q}`)).json();
    text($('channel'), config.channel);
    document.title = `AI WebTV — ${config.channel}`;
    buildPlayer();
    poll();
    setInterval(poll, 2000);
    setInterval(render, 500);
  })();
})();

// Viewers and the programme: "N watching" and "Coming up" (the next scheduled themes, in local time),
// from the same /api/status the page polls (the 'webtv:status' event).
(() => {
  const $ = (id) => document.getElementById(id);
  window.addEventListener('webtv:status', (ev) => {
    const s = ev.detail;
    if (typeof s.viewers === 'number') $('watching').textContent = `${s.viewers} watching`;
    const list = Array.isArray(s.comingUp) ? s.comingUp : [];
    $('coming-up').replaceChildren(...list.map((c) => {
      const li = document.createElement('li');
      li.dataset.at = c.at;
      li.dataset.scheduleId = c.scheduleId;
      const time = new Date(c.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
      li.textContent = `${time} — ${c.theme}${c.note ? ` (${c.note})` : ''}`;
      return li;
    }));
    if (list.length === 0) {
      const li = document.createElement('li');
      li.className = 'none';
      li.textContent = 'nothing scheduled';
      $('coming-up').replaceChildren(li);
    }
  });
})();
