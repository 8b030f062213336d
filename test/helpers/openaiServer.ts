// A real local HTTP server speaking the OpenAI chat-completions API, answering from a script of replies,
// so the OpenAI-compatible writer is exercised over the wire.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply = { status?: number; headers?: Record<string, string>; content?: string; body?: string };

export interface FakeOpenAI {
  baseURL: string;
  requests: { model: string; messages: { role: string; content: string }[] }[];
  close(): Promise<void>;
}

/** Replies are used in order; the last one repeats. */
export async function startFakeOpenAI(replies: Reply[]): Promise<FakeOpenAI> {
  const requests: FakeOpenAI['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      requests.push(JSON.parse(body));
      const r = replies[Math.min(requests.length - 1, replies.length - 1)];
      const status = r.status ?? 200;
      const payload = r.body ?? (status === 200
        ? JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: 'test', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: r.content ?? '' } }] })
        : JSON.stringify({ error: { message: `status ${status}`, type: 'test' } }));
      res.writeHead(status, { 'content-type': 'application/json', ...r.headers }).end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function shotListJSON(n: number, mood = 'calm ambient synth, slow'): string {
  return JSON.stringify({
    mood,
    shots: Array.from({ length: n }, (_, i) => `a llama programmer in a dim room, shot ${i + 1}, typing on a glowing keyboard, slow dolly in, cinematic`),
  });
}
