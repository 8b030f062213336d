// The page's viewer participation: suggest a theme, see the suggestions that passed moderation with
// their votes, vote once for each, and see when the episode on air was a viewer's suggestion.
(() => {
  const $ = (id) => document.getElementById(id);
  const channel = new URLSearchParams(location.search).get('channel') || '';
  const q = channel ? `?channel=${encodeURIComponent(channel)}` : '';
  const post = (url, body) => fetch(url + q, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  let list = null;

  function say(text, error) {
    const el = $('suggest-result');
    el.className = error ? 'error' : '';
    el.textContent = text;
  }

  async function vote(s, button, note) {
    button.disabled = true;
    note.textContent = '';
    try {
      const r = await post('/api/vote', { id: s.id });
      const body = await r.json();
      if (r.ok || r.status === 409) {
        s.voted = true;
        button.textContent = 'Voted';
        if (!r.ok) note.textContent = body.error;
      } else {
        button.disabled = false;
        note.textContent = body.error || `refused (${r.status})`;
      }
    } catch (err) {
      button.disabled = false;
      note.textContent = `could not reach the server: ${err.message}`;
    }
  }

  function render() {
    if (!list) return;
    $('audience-mode').textContent = list.audience
      ? 'The most voted suggestion becomes the next episode’s theme.'
      : 'This channel shows suggestions; the operator picks themes.';
    $('suggestions').replaceChildren(...list.suggestions.map((s) => {
      const li = document.createElement('li');
      li.dataset.id = s.id;
      const text = document.createElement('span');
      text.className = 'text';
      text.textContent = s.text;
      const votes = document.createElement('span');
      votes.className = 'votes';
      votes.textContent = `${s.votes} vote${s.votes === 1 ? '' : 's'}`;
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = s.voted ? 'Voted' : 'Vote';
      button.disabled = s.voted;
      const note = document.createElement('span');
      note.className = 'vote-error';
      button.onclick = () => vote(s, button, note);
      li.append(text, votes, button, note);
      return li;
    }));
    $('suggestions-checking').textContent = list.checking ? `${list.checking} suggestion${list.checking === 1 ? '' : 's'} being checked` : '';
    const onAir = list.onAir;
    $('onair-suggested').textContent = onAir && onAir.suggested ? `Suggested by a viewer: “${onAir.theme}”` : '';
  }

  async function poll() {
    try {
      const r = await fetch(`/api/suggestions${q}`);
      if (r.ok) list = await r.json();
    } catch { /* the server restarts; keep the last list */ }
    render();
  }

  $('suggest-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say('sending…', false);
    try {
      const r = await post('/api/suggest', { text: $('suggest-text').value });
      const body = await r.json();
      if (r.ok) {
        $('suggest-text').value = '';
        say(body.message, false);
        poll();
      } else {
        say(body.error || `refused (${r.status})`, true);
      }
    } catch (err) {
      say(`could not reach the server: ${err.message}`, true);
    }
  });

  poll();
  setInterval(poll, 2000);
})();
