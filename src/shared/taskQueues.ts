// Every task queue name, in one place. Pure: workflows derive the role queues from their own task queue
// (workflowInfo().taskQueue, the "base" queue that runs workflows), workers from the one they are given.
//
//   <base>              workflows, and the channel-control activities that only talk to Temporal
//   <base>-media        CPU work: offline renderers, the mux, probes; where an episode claims a media worker
//   <base>-media-<id>   the media worker of one data directory: an episode's media steps, with an S3 store
//   <base>-remote       I/O-bound calls: Gradio apps, the OpenAI-compatible writer, moderation
//   <base>-air          any air worker: only claimAir, which answers the host queue below
//   <base>-air-<host>   the air worker of one host: onAir, slot swaps, retention of its air folder
//
// The air queues follow Temporal's worker-specific task queue pattern (samples-typescript,
// worker-specific-task-queues): a channel claims a host once through the shared queue, records the host
// queue it got, and sends every later air activity there, since they all touch that host's air folder.
// Media follows the same pattern per episode when the store is shared (S3): an episode's steps all run
// where its files are, so only what leaves that worker travels (src/workflows/episode.ts).

export const ROLES = ['media', 'remote', 'air'] as const;
export type Role = (typeof ROLES)[number];

export interface TaskQueues {
  workflows: string;
  media: string;
  remote: string;
  /** Shared by every air worker: where a channel claims its air host. */
  air: string;
  /** The air worker of one host. */
  airHost(host: string): string;
  /** The media worker of one data directory (mediaWorkerId). */
  mediaWorker(id: string): string;
}

/** Host ids become part of a queue name: letters, digits, dot, dash and underscore, at most 63. */
export const HOST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const HOST_ID_RULE = 'an air host id is 1-63 letters, digits, ".", "-" or "_", starting with a letter or digit';

export function hostIdProblem(host: string): string | null {
  return HOST_ID_PATTERN.test(host) ? null : `${HOST_ID_RULE}, got ${JSON.stringify(host)}`;
}

/** A machine's host name as an air host id (what WEBTV_AIR_HOST defaults to). */
export function hostIdFrom(hostname: string): string {
  const id = hostname.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63);
  return id || 'host';
}

export function taskQueues(base: string): TaskQueues {
  return {
    workflows: base,
    media: `${base}-media`,
    remote: `${base}-remote`,
    air: `${base}-air`,
    airHost: (host) => `${base}-air-${host}`,
    mediaWorker: (id) => `${base}-media-${id}`,
  };
}

/**
 * A media worker's id: its host and its data directory, where an episode's files stay between steps. A
 * worker restarted on the same folder polls the same queue and finds its files; two on one host with
 * their own folders get their own queues.
 */
export function mediaWorkerId(host: string, dataDirHash: string): string {
  return `${host.slice(0, 54)}-${dataDirHash.slice(0, 8)}`;
}

/** The host id in a host air queue name, or null for any other queue. */
export function airHostOf(base: string, queue: string): string | null {
  const prefix = `${base}-air-`;
  return queue.startsWith(prefix) ? queue.slice(prefix.length) : null;
}

/** Parses `--roles media,remote,air` (or WEBTV_ROLES): no role twice, no unknown role. */
export function parseRoles(text: string): Role[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new Error(`--roles needs one or more of ${ROLES.join(', ')} (comma-separated), got ${JSON.stringify(text)}`);
  const unknown = names.filter((n) => !(ROLES as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`unknown role ${unknown.map((u) => JSON.stringify(u)).join(', ')} in --roles: the roles are ${ROLES.join(', ')}`);
  return [...new Set(names)] as Role[];
}
