import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Writable } from 'node:stream';
import { validReference, type DeliveryOutcome } from './connector.ts';

/** Where and how a connector POSTs: the receiver's URL, its deadline, and optional mutual TLS. */
export interface PostTargetOptions {
  url: string;
  /** The receiver's time to answer once the body is sent, and the longest a stalled upload waits. */
  timeoutMs: number;
  /** Mutual TLS: the client certificate and key (PEM paths), and the CA the receiver's certificate must chain to. */
  clientCert?: string | undefined;
  clientKey?: string | undefined;
  ca?: string | undefined;
}

/** Most of an answer read: a reference is short; anything longer is not an acknowledgement. */
const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * One receiver of signed POSTs, shared by the REST and ENI connectors: a
 * connection agent (mutual TLS when a client certificate and key are given;
 * no keep-alive, each attempt stands alone) and a POST whose answer is read
 * up to 16 KiB. Redirects are not followed (a signed body is not sent
 * elsewhere).
 */
export class SignedPoster {
  readonly target: URL;
  private readonly agent: http.Agent | https.Agent;

  constructor(private readonly opts: PostTargetOptions) {
    this.target = new URL(opts.url);
    this.agent =
      this.target.protocol === 'https:'
        ? new https.Agent({
            keepAlive: false,
            // Small PEM files read once at start, not documents.
            ...(opts.clientCert && opts.clientKey ? { cert: fs.readFileSync(opts.clientCert), key: fs.readFileSync(opts.clientKey) } : {}),
            ...(opts.ca ? { ca: fs.readFileSync(opts.ca) } : {}),
          })
        : new http.Agent({ keepAlive: false });
  }

  /**
   * POSTs `body` (a string, or a writer that streams it into the request and
   * resolves when it has written everything) and resolves the status and
   * (the start of) the answer. The deadline runs from the moment the body is
   * handed over; while a streamed body is being written, a connection idle
   * for as long (a receiver that stopped reading) fails the same way.
   */
  post(headers: Record<string, string>, body: string | ((req: Writable) => Promise<void>)): Promise<{ status: number; body: string }> {
    const client = this.target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const length = typeof body === 'string' ? { 'content-length': String(Buffer.byteLength(body)) } : {};
      const req = client.request(this.target, { method: 'POST', agent: this.agent, headers: { ...headers, ...length } });
      let timer: NodeJS.Timeout | undefined;
      let writing = typeof body !== 'string';
      let settled = false;
      const timeout = () => {
        const error = new Error('the receiver did not answer in time');
        error.name = 'TimeoutError';
        req.destroy(error);
      };
      const startDeadline = () => {
        if (!settled) timer ??= setTimeout(timeout, this.opts.timeoutMs);
      };
      req.setTimeout(this.opts.timeoutMs, timeout);
      req.once('error', (error) => {
        settled = true;
        clearTimeout(timer);
        reject(error);
      });
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        });
        res.once('error', (error) => {
          settled = true;
          clearTimeout(timer);
          reject(error);
        });
        res.once('end', () => {
          settled = true;
          clearTimeout(timer);
          // A receiver that answered before taking the whole body (a refusal) gets no more of it.
          if (writing) req.destroy(new Error('the receiver answered before the whole body was sent'));
          resolve({ status: res.statusCode ?? 0, body: size <= MAX_ANSWER_BYTES ? Buffer.concat(chunks).toString('utf8') : '' });
        });
      });
      if (typeof body === 'string') {
        startDeadline();
        req.end(body);
        return;
      }
      body(req).then(
        () => {
          writing = false;
          startDeadline();
          req.end();
        },
        (error: unknown) => req.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }
}

/** What an answer means: only a 2xx whose JSON body carries `{"reference": "…"}` acknowledges. */
export function outcomeOfAnswer(answer: { status: number; body: string }): DeliveryOutcome {
  if (answer.status < 200 || answer.status >= 300) return { status: 'failed', error: `HTTP ${answer.status}` };
  let reference: string | null;
  try {
    reference = validReference((JSON.parse(answer.body) as { reference?: unknown }).reference);
  } catch {
    reference = null;
  }
  return reference ? { status: 'acknowledged', reference } : { status: 'failed', error: `HTTP ${answer.status} without a reference` };
}
