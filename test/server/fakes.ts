/**
 * Local stand-ins for the services the server calls out to, on 127.0.0.1 only: Akismet
 * (speaking its documented protocol, test triggers included) and a webhook receiver.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  // Requests left hanging on purpose (slow modes) must not keep the test process alive.
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 3000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface AkismetCall {
  method: string;
  params: Record<string, string>;
  userAgent: string | undefined;
  contentType: string | undefined;
}

/** How the fake answers: as Akismet does, never, with a 500, or with nonsense. */
export type AkismetMode = 'normal' | 'slow' | 'error' | 'garbage';

export class FakeAkismet {
  static readonly KEY = 'fake-akismet-key';
  readonly calls: AkismetCall[] = [];
  mode: AkismetMode = 'normal';
  /** The answer to a comment no trigger decides. */
  verdict: 'true' | 'false' = 'false';
  /** Sent as `X-akismet-pro-tip` with every `true`. */
  proTip: string | null = null;
  url = '';
  private readonly server = createServer((req, res) => void this.handle(req, res));

  static async start(): Promise<FakeAkismet> {
    const fake = new FakeAkismet();
    fake.url = `http://127.0.0.1:${await listen(fake.server)}/1.1/`;
    return fake;
  }

  callsTo(method: string, author?: string): AkismetCall[] {
    return this.calls.filter((call) => call.method === method && (author === undefined || call.params.comment_author === author));
  }

  close(): Promise<void> {
    return close(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = Object.fromEntries(new URLSearchParams(await readAll(req)));
    const method = /^\/1\.1\/([a-z-]+)$/.exec(req.url ?? '')?.[1] ?? '';
    this.calls.push({ method, params, userAgent: req.headers['user-agent'], contentType: req.headers['content-type'] });
    if (this.mode === 'slow') return;
    if (this.mode === 'error') return void res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Internal Server Error');
    if (this.mode === 'garbage') return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('maybe');
    const answer = (text: string, headers: Record<string, string> = {}) =>
      void res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(text);

    if (!['comment-check', 'submit-spam', 'submit-ham', 'verify-key'].includes(method) || req.method !== 'POST') {
      return void res.writeHead(404).end();
    }
    if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return answer('invalid', { 'X-akismet-debug-help': 'Send the parameters as application/x-www-form-urlencoded.' });
    }
    if (params.api_key !== FakeAkismet.KEY) {
      return answer(method === 'verify-key' ? 'invalid' : 'invalid', { 'X-akismet-debug-help': 'We were unable to verify your API key.' });
    }
    if (method === 'verify-key') return answer('valid');
    for (const required of ['blog', 'user_ip']) {
      if (!params[required]) return answer(`Missing required field: ${required}.`, { 'X-akismet-alert-code': '10001' });
    }
    if (method !== 'comment-check') return answer('Thanks for making the web a better place.');
    // Akismet's documented test triggers.
    if (params.user_role === 'administrator' && params.is_test === '1') return answer('false');
    const guaranteed = params.comment_author === 'akismet-guaranteed-spam' || params.comment_author_email === 'akismet-guaranteed-spam@example.com';
    if (guaranteed || this.verdict === 'true') return answer('true', this.proTip ? { 'X-akismet-pro-tip': this.proTip } : {});
    return answer('false');
  }
}

export interface WebhookDelivery {
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export class WebhookReceiver {
  readonly deliveries: WebhookDelivery[] = [];
  /** Answers with this status to the next this-many deliveries, then 204. */
  failures = 0;
  failStatus = 500;
  /** Never answers. */
  hang = false;
  url = '';
  private readonly server = createServer(async (req, res) => {
    this.deliveries.push({ headers: req.headers, body: await readAll(req), at: Date.now() });
    if (this.hang) return;
    if (this.failures > 0) {
      this.failures--;
      return void res.writeHead(this.failStatus).end('nope');
    }
    res.writeHead(204).end();
  });

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.url = `http://127.0.0.1:${await listen(receiver.server)}/hooks/colloquy`;
    return receiver;
  }

  close(): Promise<void> {
    return close(this.server);
  }
}
