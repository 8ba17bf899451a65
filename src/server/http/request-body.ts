/**
 * Reads a request body up to a size cap, before anything parses it. A declared
 * Content-Length over the cap is refused unread; a body without one (chunked) is
 * counted as it streams and dropped as soon as it passes the cap.
 *
 * Hono's `bodyLimit` does the same, but always through the WHATWG stream, which makes
 * @hono/node-server build a full `Request` per post; reading a declared length through
 * `arrayBuffer()` keeps the adapter's direct path (node's parser already holds the body
 * to the declared length).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError, invalidRequest, tooLarge, unsupportedMediaType } from './errors.js';

/**
 * The client went away (or was cut off by the request timeout) before its body arrived in
 * full. Nothing is wrong with the server, and nobody is left to read an answer: `app.ts`
 * logs one line for it and no stack.
 */
export class BodyAborted extends ApiError {
  constructor(readonly reason: string) {
    super(400, 'invalid_request', 'The request body did not arrive in full.');
    this.name = 'BodyAborted';
  }
}

/** Awaits a read of the body, turning the connection's failure into {@link BodyAborted}. */
async function fromClient<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    throw new BodyAborted(error instanceof Error ? error.message : String(error));
  }
}

export async function readBody(c: Context, maxBytes: number): Promise<Uint8Array> {
  const declared = c.req.header('Content-Length');
  if (declared !== undefined && c.req.header('Transfer-Encoding') === undefined) {
    if (!/^\d+$/.test(declared) || Number(declared) > maxBytes) throw tooLarge(maxBytes);
    const body = new Uint8Array(await fromClient(c.req.raw.arrayBuffer()));
    // Only a runtime without node's framing could deliver more than was declared.
    if (body.byteLength > maxBytes) throw tooLarge(maxBytes);
    return body;
  }
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await fromClient(reader.read());
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      void reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** Refuses any body but JSON with 415, before it is read: what stops cross-site form posts. */
export const requireJson: MiddlewareHandler = async (c, next) => {
  if (!isJsonMediaType(c.req.header('Content-Type'))) throw unsupportedMediaType();
  await next();
};

/** `application/json`, optionally with `charset=utf-8`: JSON has no other encoding on the web. */
function isJsonMediaType(header: string | undefined): boolean {
  if (!header) return false;
  const [essence, ...parameters] = header.split(';');
  if (essence!.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name, value = ''] = parameter.split('=').map((part) => part.trim().toLowerCase());
    return name !== 'charset' || value.replace(/^"|"$/g, '') === 'utf-8';
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as JSON; bad UTF-8 or bad JSON is a 400. */
export function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalidRequest('The request body is not valid UTF-8.');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest('The request body is not valid JSON.');
  }
}
