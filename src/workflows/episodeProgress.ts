// What an episode workflow answers to its `progress` query (webtv episode make's progress line, the page's
// "waiting for"): the stage, the shots made, the prompts and each step's record so far.
import { defineQuery } from '@temporalio/workflow';
import type { StepRecord } from '../shared/types';

export interface EpisodeProgress {
  /** voices and mixing: a directed episode's own stages (directedEpisode.ts). */
  stage: 'writing' | 'voices' | 'shots' | 'mixing' | 'muxing' | 'done';
  shotsTotal: number;
  shotsDone: number;
  prompts: string[];
  steps: StepRecord[];
}

export const episodeProgressQuery = defineQuery<EpisodeProgress>('progress');
