// What node-media-server's session events tell about each stream: whether it is published (on air) and
// how many players (HTTP-FLV, WS-FLV, RTMP) are connected. Its REST API says the same but needs a JWT
// login; the events are in-process and free.
import { EventEmitter } from 'node:events';

interface NmsSession {
  id: string;
  streamPath: string;
  /** "address:port" of the peer. */
  ip?: string;
  streamQuery?: Record<string, unknown>;
}

interface Player { path: string; ticket: string | null; address: string | null; since: number }

/** The address part of node-media-server's "address:port" (IPv6 addresses hold colons too). */
const addressOf = (ip: string | undefined) => (ip ? ip.replace(/:\d+$/, '') || null : null);

export class StreamSessions {
  private readonly players = new Map<string, Player>();
  private readonly publishers = new Map<string, string>();
  private readonly changes = new EventEmitter();
  private readonly listeners: [string, (s: NmsSession) => void][] = [
    ['postPlay', (s) => {
      const watch = s.streamQuery?.watch;
      this.players.set(s.id, { path: s.streamPath, ticket: typeof watch === 'string' ? watch : null, address: addressOf(s.ip), since: Date.now() });
    }],
    ['donePlay', (s) => { this.players.delete(s.id); }],
    ['postPublish', (s) => { this.publishers.set(s.id, s.streamPath); this.changes.emit('publish', s.streamPath); }],
    ['donePublish', (s) => { this.publishers.delete(s.id); }],
  ];

  /** `emitter` is node-media-server's process-wide event emitter (Context.eventEmitter). */
  constructor(private readonly emitter: EventEmitter, private readonly app = 'live') {
    for (const [event, fn] of this.listeners) emitter.on(event, fn);
  }

  detach(): void {
    for (const [event, fn] of this.listeners) this.emitter.off(event, fn);
  }

  private path(channel: string): string {
    return `/${this.app}/${channel}`;
  }

  /** Players connected to the channel's stream now. */
  viewers(channel: string): number {
    const p = this.path(channel);
    let n = 0;
    for (const v of this.players.values()) if (v.path === p) n++;
    return n;
  }

  /** The oldest open player session that presented this watch ticket (the page's FLV URL carries it). */
  watch(ticket: string): { since: number; address: string | null } | null {
    let found: Player | null = null;
    for (const v of this.players.values()) if (v.ticket === ticket && (!found || v.since < found.since)) found = v;
    return found ? { since: found.since, address: found.address } : null;
  }

  published(channel: string): boolean {
    const p = this.path(channel);
    return [...this.publishers.values()].includes(p);
  }

  /** Resolves true once the channel's stream is published, false at the deadline. */
  waitPublished(channel: string, timeoutMs: number): Promise<boolean> {
    if (this.published(channel)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const p = this.path(channel);
      const on = (path: string) => { if (path === p) done(true); };
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      const done = (v: boolean) => { clearTimeout(timer); this.changes.off('publish', on); resolve(v); };
      this.changes.on('publish', on);
    });
  }
}
