// A real local HTTP server speaking OpenAI's POST /v1/moderations (documented response: id, model,
// results[{ flagged, categories, category_scores, category_applied_input_types }]), so the moderation
// endpoint layer is exercised over the wire. It flags a text when it contains one of the given words,
// and can be switched to answer 500 or to drop connections ("down").
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const ALL = [
  'harassment', 'harassment/threatening', 'hate', 'hate/threatening', 'illicit', 'illicit/violent', 'self-harm',
  'self-harm/instructions', 'self-harm/intent', 'sexual', 'sexual/minors', 'violence', 'violence/graphic',
] as const;

export type ModerationMode = 'up' | 'error500' | 'down';

export interface FakeModeration {
  baseURL: string;
  /**
   * Every request received, in order, with the Authorization header it came with: `input` is the first
   * text of the request (the text as typed), `inputs` all of them (an array input gets one result each).
   */
  requests: { input: string; inputs: string[]; model: string; authorization?: string }[];
  setMode(mode: ModerationMode): void;
  close(): Promise<void>;
}

/**
 * `flags` maps a lower-case word to the endpoint categories it triggers, e.g. { cruelty: ['violence/graphic'] },
 * or is a function from the input to the categories.
 */
export async function startFakeModeration(flags: Record<string, string[]> | ((input: string) => string[])): Promise<FakeModeration> {
  const flagged = typeof flags === 'function'
    ? flags
    : (input: string) => Object.entries(flags).flatMap(([word, cats]) => (input.toLowerCase().includes(word) ? cats : []));
  let mode: ModerationMode = 'up';
  const requests: FakeModeration['requests'] = [];
  const server = http.createServer((req, res) => {
    if (mode === 'down') {
      req.socket.destroy();
      return;
    }
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/moderations') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const { input, model } = JSON.parse(body) as { input: string | string[]; model: string };
      const inputs = Array.isArray(input) ? input : [input];
      requests.push({ input: inputs[0], inputs, model, authorization: req.headers.authorization });
      if (mode === 'error500') {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'The server had an error', type: 'server_error' } }));
        return;
      }
      const results = inputs.map((text) => {
        const hit = new Set(flagged(text));
        const categories = Object.fromEntries(ALL.map((c) => [c, hit.has(c)]));
        const category_scores = Object.fromEntries(ALL.map((c) => [c, hit.has(c) ? 0.93 : 0.0004]));
        const category_applied_input_types = Object.fromEntries(ALL.map((c) => [c, ['text']]));
        return { flagged: hit.size > 0, categories, category_scores, category_applied_input_types };
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        id: `modr-${requests.length}`,
        model: 'omni-moderation-2024-09-26',
        results,
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    setMode: (m) => { mode = m; },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
