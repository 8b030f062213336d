// One viewer, one vote. A viewer id is a cookie anyone can mint, so a vote also needs:
// - the server to have seen that id watching, from the same address, for `voteAfterSec`: HLS segments
//   fetched with its cookie, or an FLV player session opened with its watch ticket (a page cannot fake
//   either with a message);
// - its address (an IPv6 /64, as @fastify/rate-limit normalises it) to have given that suggestion fewer
//   than `votesPerAddress` votes: the trade-off for households behind one NAT.
// Addresses are kept only here, in memory, as an HMAC under a key made at start, and forgotten after a
// day; no raw address leaves this process (votes carry only the viewer id).
import { createHmac, randomBytes } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';

/** How long a gap between HLS segment fetches still counts as one stretch of watching. */
const WATCH_GAP_MS = 30_000;
/** How long an address's votes and a viewer's watching are remembered. */
const MEMORY_TTL_MS = 24 * 3600_000;

export interface FlvWatch {
  /** When the player session opened (ms since the epoch). */
  since: number;
  /** The player's address as the FLV server saw it (null: not comparable, e.g. behind a proxy). */
  address: string | null;
}

export interface VoteGuardOptions {
  votesPerAddress: number;
  voteAfterSec: number;
  /** The open FLV player session that presented this watch ticket, if any. */
  flvWatch?(ticket: string): FlvWatch | null;
  /** Compare the FLV session's address with the vote's (false behind a reverse proxy, which hides it). */
  flvAddressComparable?: boolean;
}

interface Watching { addr: string; since: number; lastSeen: number; qualifiedAt: number | null }

export type VoteRefusal =
  | { kind: 'not-watching'; waitSec: number }
  | { kind: 'address-cap' };

export class VoteGuard {
  private readonly key = randomBytes(32);
  private lastPrune = Date.now();
  private readonly watching = new Map<string, Watching>();
  /** channel → suggestion id → address hash → { votes, at } */
  private readonly byAddress = new Map<string, Map<string, Map<string, { votes: number; at: number }>>>();

  constructor(private readonly o: VoteGuardOptions) {}

  /** The keyed hash of a client address (IPv6 by its /64): what this server remembers instead of the address. */
  addressKey(ip: string): string {
    return createHmac('sha256', this.key).update(normalizeIP(ip)).digest('base64url').slice(0, 22);
  }

  /** The ticket an FLV player presents (`?watch=`) to tie its session to this viewer id and address. */
  watchTicket(viewer: string, ip: string): string {
    return createHmac('sha256', this.key).update(`watch|${viewer}|${this.addressKey(ip)}`).digest('base64url').slice(0, 22);
  }

  /** An HLS segment was fetched with this viewer's cookie from this address. */
  sawWatching(viewer: string, ip: string, now = Date.now()): void {
    const addr = this.addressKey(ip);
    const w = this.watching.get(viewer);
    if (w && w.addr === addr && now - w.lastSeen <= WATCH_GAP_MS) {
      w.lastSeen = now;
      if (w.qualifiedAt === null && now - w.since >= this.o.voteAfterSec * 1000) w.qualifiedAt = now;
      return;
    }
    if (w?.qualifiedAt != null && w.addr === addr) { w.lastSeen = now; return; }
    this.watching.set(viewer, { addr, since: now, lastSeen: now, qualifiedAt: this.o.voteAfterSec === 0 ? now : null });
    this.prune(now);
  }

  /** Null when the viewer may vote for the suggestion from this address now; else why not. */
  check(channel: string, id: string, viewer: string, ip: string, now = Date.now()): VoteRefusal | null {
    const addr = this.addressKey(ip);
    const watchWait = this.watchWaitSec(viewer, ip, addr, now);
    if (watchWait > 0) return { kind: 'not-watching', waitSec: watchWait };
    const given = this.byAddress.get(channel)?.get(id)?.get(addr);
    if (given && now - given.at < MEMORY_TTL_MS && given.votes >= this.o.votesPerAddress) return { kind: 'address-cap' };
    return null;
  }

  /** Counts an accepted vote against its address. */
  record(channel: string, id: string, ip: string, now = Date.now()): void {
    const addr = this.addressKey(ip);
    let ids = this.byAddress.get(channel);
    if (!ids) this.byAddress.set(channel, (ids = new Map()));
    let addrs = ids.get(id);
    if (!addrs) ids.set(id, (addrs = new Map()));
    const given = addrs.get(addr);
    addrs.set(addr, { votes: (given && now - given.at < MEMORY_TTL_MS ? given.votes : 0) + 1, at: now });
  }

  /** Forgets the address counts of suggestions no longer shown (aired or removed). */
  keepOnly(channel: string, shown: Set<string>): void {
    const ids = this.byAddress.get(channel);
    if (ids) for (const id of ids.keys()) if (!shown.has(id)) ids.delete(id);
  }

  private watchWaitSec(viewer: string, ip: string, addr: string, now: number): number {
    if (this.o.voteAfterSec === 0) return 0;
    const needMs = this.o.voteAfterSec * 1000;
    const w = this.watching.get(viewer);
    if (w && w.addr === addr && w.qualifiedAt !== null) return 0;
    const flv = this.o.flvWatch?.(this.watchTicket(viewer, ip));
    const flvOk = flv && (!this.o.flvAddressComparable || flv.address === null || this.addressKey(flv.address) === addr);
    if (flvOk && now - flv.since >= needMs) {
      this.watching.set(viewer, { addr, since: flv.since, lastSeen: now, qualifiedAt: now });
      return 0;
    }
    const hlsSince = w && w.addr === addr && now - w.lastSeen <= WATCH_GAP_MS ? w.since : null;
    const since = Math.min(flvOk ? flv.since : Infinity, hlsSince ?? Infinity);
    return Math.max(1, Math.ceil((Number.isFinite(since) ? since + needMs - now : needMs) / 1000));
  }

  private prune(now: number): void {
    if (now - this.lastPrune < 600_000) return;
    this.lastPrune = now;
    for (const [viewer, w] of this.watching) if (now - w.lastSeen > MEMORY_TTL_MS) this.watching.delete(viewer);
    for (const ids of this.byAddress.values()) {
      for (const [id, addrs] of ids) {
        for (const [a, g] of addrs) if (now - g.at > MEMORY_TTL_MS) addrs.delete(a);
        if (addrs.size === 0) ids.delete(id);
      }
    }
  }
}
