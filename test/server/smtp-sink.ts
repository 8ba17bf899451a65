/**
 * A real SMTP server for tests (the `smtp-server` package) on 127.0.0.1 and a free port: it
 * accepts every message, parses it with `mailparser`, and keeps it. Point the server at
 * {@link SmtpSink.url}. It can be told to refuse the next messages with a temporary (4xx) or
 * permanent (5xx) answer, to test retries.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients, lower-cased. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  /** The HTML part, or '' when there was none. */
  html: string;
  /** Header names lower-cased; values as the parser gives them (strings for the ones we read). */
  headers: Map<string, unknown>;
  /** The whole message as received. */
  raw: string;
  parsed: ParsedMail;
}

export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  /** Refuse this many next messages (at DATA's end) with `refuseCode`. */
  refuse = 0;
  refuseCode = 451;
  /** Wait this long after a message arrived before answering that it was accepted (to catch sends in flight). */
  delayMs = 0;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  /** `smtp://127.0.0.1:<port>`: what COLLOQUY_SMTP_URL is set to. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<SmtpSink> {
    let sink: SmtpSink | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', async () => {
          if (sink!.refuse > 0) {
            sink!.refuse--;
            const error = new Error('Refused by the test sink') as Error & { responseCode: number };
            error.responseCode = sink!.refuseCode;
            callback(error);
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const parsed = await simpleParser(raw);
          sink!.messages.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            headers: parsed.headers as Map<string, unknown>,
            raw,
            parsed,
          });
          for (const wake of sink!.waiters.splice(0)) wake();
          if (sink!.delayMs > 0) setTimeout(() => callback(), sink!.delayMs);
          else callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
    sink = new SmtpSink(server, port);
    return sink;
  }

  /** Messages sent to `address`. */
  to(address: string): ReceivedMail[] {
    return this.messages.filter((message) => message.to.includes(address.toLowerCase()));
  }

  /** Waits until `count` messages reached `address` (or any address, when `null`); throws after `timeoutMs`. */
  async waitFor(address: string | null, count = 1, timeoutMs = 5000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = address === null ? this.messages : this.to(address);
      if (got.length >= count) return got;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} message(s) to ${address ?? 'anyone'} within ${timeoutMs} ms, got ${got.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The first link in `text` that starts with `prefix`. */
export function linkIn(text: string, prefix: string): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}[^\\s<>"')]*`).exec(text);
  if (!match) throw new Error(`no link starting with ${prefix} in:\n${text}`);
  return match[0];
}

/** A header of `mail` exactly as sent (unfolded), or `undefined`: mailparser reshapes some (`List-*`). */
export function rawHeader(mail: ReceivedMail, name: string): string | undefined {
  const head = mail.raw.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((candidate) => candidate.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}
