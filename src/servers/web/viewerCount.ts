// How many are watching a channel: players connected to the RTMP server's HTTP-FLV/RTMP stream (from
// its session events) plus distinct HLS clients that fetched a segment in the last 30 s (HLS is plain
// HTTP: a client that stops fetching has left). A page names itself with the X-WebTV-Viewer header;
// other HLS clients are told apart by address and user agent.
export const HLS_WINDOW_MS = 30_000;

export class ViewerCount {
  private readonly hls = new Map<string, Map<string, number>>();

  constructor(private readonly flvViewers: (channel: string) => number = () => 0, private readonly windowMs = HLS_WINDOW_MS) {}

  /** Called for each HLS segment served. */
  hlsSegment(channel: string, clientKey: string, now = Date.now()): void {
    let clients = this.hls.get(channel);
    if (!clients) this.hls.set(channel, (clients = new Map()));
    clients.set(clientKey, now);
  }

  hlsCount(channel: string, now = Date.now()): number {
    const clients = this.hls.get(channel);
    if (!clients) return 0;
    for (const [key, at] of clients) if (now - at > this.windowMs) clients.delete(key);
    return clients.size;
  }

  count(channel: string, now = Date.now()): number {
    return this.flvViewers(channel) + this.hlsCount(channel, now);
  }

  /** Channels with HLS clients seen recently. */
  hlsChannels(): string[] {
    return [...this.hls.keys()];
  }
}

/** The key of an HLS client: the page's own id when it sends one, else address and user agent. */
export function hlsClientKey(headers: Record<string, string | string[] | undefined>, remoteAddress: string | undefined): string {
  const id = headers['x-webtv-viewer'];
  if (typeof id === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(id)) return `id:${id}`;
  return `addr:${remoteAddress ?? '?'}|${String(headers['user-agent'] ?? '')}`;
}
