// The channel workflow's side of viewer participation: the suggest update, the vote batch signal, the
// operators' remove/ban update, moderation of each suggestion (source 'viewer', fail-closed: hidden until
// it passes) and the pick of the top suggestion when an episode starts. Deterministic workflow code; the
// rules themselves live in shared/suggestions.ts.
import { log, patched, setHandler } from '@temporalio/workflow';
import type { ChannelConfig, ChannelState, ChannelStatus } from '../shared/channel';
import { removeSuggestionUpdate, suggestUpdate, votesSignal } from '../shared/channelMessages';
import {
  addSuggestion, applyVotes, banSuggestion, emptySuggestionBox, markVisible, rankedSuggestions, rejectSuggestion,
  removeSuggestion, suggestInputSchema, suggestionProblem, suggestionView, takeTopSuggestion, voteBatchSchema,
  type Suggestion,
} from '../shared/suggestions';
import { moderateText, SUGGESTION_SKELETON_PATCH } from './moderation';

type SuggestionStatus = Pick<ChannelStatus, 'audience' | 'suggestions' | 'suggestionsChecking' | 'suggestionsRejected' | 'votesCounted'>;

export function installSuggestionHandlers(st: ChannelState, cfg: ChannelConfig) {
  const box = (st.suggestions ??= emptySuggestionBox());

  function moderate(s: Suggestion): void {
    // Viewer text fails closed: with the endpoint down the activity retries (VIEWER_MODERATION_OPTIONS)
    // and the suggestion stays hidden meanwhile.
    void moderateText(s.text, 'viewer', `suggestion ${s.id}`, cfg.remoteTaskQueue).then(
      (verdict) => {
        if (verdict.allowed) return markVisible(box, s.id);
        rejectSuggestion(box, s.id);
        // Never the text itself: its hash and the categories are enough to follow up.
        log.info('suggestion rejected by moderation', { id: s.id, textHash: verdict.textHash, categories: verdict.categories });
      },
      (err) => {
        removeSuggestion(box, s.id);
        log.warn('suggestion dropped: moderation could not check it in time', { id: s.id, error: String((err as Error)?.message ?? err) });
      },
    );
  }
  // A run that continued as new picks up the checks its previous run left unfinished.
  box.items.filter((s) => s.state === 'checking').forEach(moderate);

  setHandler(suggestUpdate, (input) => {
    const s = addSuggestion(box, suggestInputSchema.parse(input), new Date().toISOString());
    moderate(s);
    return { id: s.id };
  }, {
    validator: (input) => {
      const problem = suggestionProblem(box, input);
      if (problem) throw new Error(problem);
    },
  });

  setHandler(votesSignal, (batch) => {
    const parsed = voteBatchSchema.safeParse(batch);
    if (!parsed.success) {
      log.warn('votes signal ignored: not {votes: [{id, viewer}]}', { issue: parsed.error.issues[0]?.message });
      return;
    }
    applyVotes(box, parsed.data.votes);
  });

  setHandler(removeSuggestionUpdate, ({ id, ban }) => {
    // Bans recorded before the skeleton key keep the first key on replay.
    const s = ban ? banSuggestion(box, id, patched(SUGGESTION_SKELETON_PATCH)) : removeSuggestion(box, id);
    return suggestionView(s!);
  }, {
    validator: (req) => {
      if (!req || typeof req.id !== 'string') throw new Error('send {"id": "<suggestion id>", "ban": true|false}');
      if (!box.items.some((s) => s.id === req.id)) throw new Error(`no suggestion ${req.id} on this channel: list them with "webtv channel suggestions <name>"`);
    },
  });

  return {
    /** The theme for the next episode when the audience option is on and a suggestion is waiting. */
    takeForEpisode(): string | undefined {
      return cfg.audience ? takeTopSuggestion(box)?.text : undefined;
    },
    status(): SuggestionStatus {
      return {
        audience: cfg.audience,
        suggestions: rankedSuggestions(box).map(suggestionView),
        suggestionsChecking: box.items.filter((s) => s.state === 'checking').length,
        suggestionsRejected: box.rejected,
        votesCounted: box.votesCounted,
      };
    },
  };
}
