// For `webtv spaces check`: when an app the config names is our own model server (model-server/), ask
// its health route for the device, the loaded models and the free GPU memory. Other apps have no such
// route; they are simply not listed.
import { z } from 'zod';
import { huggingFace } from '../../config/huggingFace';

const healthSchema = z.object({
  server: z.literal('webtv-model-server'),
  device: z.string(),
  gpu: z.object({ name: z.string(), free_bytes: z.number(), total_bytes: z.number() }).nullable(),
  loaded: z.array(z.object({ name: z.string(), source: z.string(), bytes: z.number() })),
  queue: z.object({ size: z.number(), max_size: z.number() }).optional(),
  /** Which interpolator /interpolate runs (absent on servers older than this field). */
  interpolator: z.object({ kind: z.string(), source: z.string() }).optional(),
});

export type ModelServerHealth = z.infer<typeof healthSchema>;

/** The base URL an app answers on: a URL as given, a Space id at its *.hf.space host. */
export function appBaseUrl(app: string): string {
  if (/^https?:\/\//.test(app)) return app.endsWith('/') ? app : `${app}/`;
  const [owner, name] = app.split('/');
  const host = `${owner}-${name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return `https://${host}.hf.space/`;
}

/** The health of every distinct app that turns out to be ours (others are left out). */
export async function checkModelServers(apps: string[], timeoutMs: number): Promise<{ app: string; health: ModelServerHealth }[]> {
  const distinct = [...new Set(apps)];
  const found = await Promise.all(distinct.map(async (app) => {
    const { token } = huggingFace();
    const headers: Record<string, string> = token && !/^https?:/.test(app) ? { Authorization: `Bearer ${token}` } : {};
    const r = await fetch(`${appBaseUrl(app)}webtv/health`, { signal: AbortSignal.timeout(timeoutMs), headers }).catch(() => undefined);
    if (!r?.ok) return undefined;
    const parsed = healthSchema.safeParse(await r.json().catch(() => undefined));
    return parsed.success ? { app, health: parsed.data } : undefined;
  }));
  return found.filter((f) => f !== undefined);
}

const gib = (n: number) => `${(n / 2 ** 30).toFixed(1)} GiB`;

export function formatModelServers(servers: { app: string; health: ModelServerHealth }[]): string {
  const lines: string[] = [];
  for (const { app, health: h } of servers) {
    const gpu = h.gpu ? ` (${h.gpu.name}, ${gib(h.gpu.free_bytes)} free of ${gib(h.gpu.total_bytes)})` : '';
    const loaded = h.loaded.map((m) => `${m.name} ${m.source.split('/').pop()} ${gib(m.bytes)}`).join(', ') || 'none yet';
    const interpolator = !h.interpolator ? ''
      : h.interpolator.kind === 'blend' ? ' · interpolator: blend (a cross-fade; no FILM weights installed)'
        : ` · interpolator: ${h.interpolator.kind.toUpperCase()} ${h.interpolator.source.split('/').pop()}`;
    lines.push(`Model server ${app}: device ${h.device}${gpu} · loaded: ${loaded}${h.queue ? ` · queue ${h.queue.size}/${h.queue.max_size}` : ''}${interpolator}`);
  }
  return lines.join('\n');
}
