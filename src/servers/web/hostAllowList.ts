// Which Host headers the web server answers (DNS rebinding: a foreign name made to resolve to this
// machine lets a foreign page read it as its own origin). Allowed: the names and addresses in
// WEBTV_PUBLIC_ORIGIN, the bind address, `localhost`, loopback addresses, the machine's host names, and
// every address of the machine when bound to all interfaces. Anything else gets 421 and a hint.
import net from 'node:net';
import os from 'node:os';

const ANY = new Set(['0.0.0.0', '::', '']);

/** The host part of a Host header ("[::1]:8080" → "::1", "Example.org." → "example.org"). */
export function hostnameOf(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader) ?? /^([^:]+)(?::\d+)?$/.exec(hostHeader);
  return m ? m[1].toLowerCase().replace(/\.$/, '') : null;
}

const isLoopback = (h: string) => (net.isIPv4(h) && h.startsWith('127.')) || h === '::1' || /^::ffff:127\./.test(h);

export function hostAllowList(bind: string, publicOrigins: URL[]): (hostHeader: string | undefined) => boolean {
  const names = new Set<string>(['localhost', os.hostname().toLowerCase(), bind.toLowerCase()]);
  for (const o of publicOrigins) names.add(hostnameOf(o.host)!);
  return (hostHeader) => {
    const h = hostnameOf(hostHeader);
    if (!h) return false;
    if (names.has(h) || isLoopback(h)) return true;
    // Addresses of the machine are read per request when bound to all interfaces: they change (DHCP, VPN).
    if (ANY.has(bind) && net.isIP(h)) {
      for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) if (i.address.toLowerCase() === h) return true;
    }
    return false;
  };
}
