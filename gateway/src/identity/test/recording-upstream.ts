import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A minimal OpenAI-compatible upstream that records which credential each call carried. */
export interface RecordingUpstream {
  url: string;
  /** `Authorization` header values received, in order. */
  credentials: string[];
  close(): Promise<void>;
}

export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const credentials: string[] = [];
  const server = createServer((req, res) => {
    credentials.push(String(req.headers.authorization ?? ''));
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify({
        id: 'chatcmpl-rec',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: 'gpt-4',
        choices: [{ index: 0, message: { role: 'assistant', content: 'recorded' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    credentials,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
