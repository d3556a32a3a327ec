import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { signatureHeader } from '../../webhooks/webhook.signature.ts';
import { summariseError, validReference, type Connector, type DeliveryItem, type DeliveryOutcome } from './connector.ts';

/** Settings of the REST connector (see `DELIVERY_REST_*`). */
export interface RestConnectorOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  clientCert?: string | undefined;
  clientKey?: string | undefined;
  ca?: string | undefined;
}

/** Most of an answer read: a reference is short; anything longer is not an acknowledgement. */
const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * The REST/webhook connector: POSTs the package's metadata and a signed,
 * expiring download link as JSON, signed like Finestreta's webhooks
 * (`Finestreta-Signature: v1=<HMAC-SHA256(secret, "<timestamp>.<body>")>`,
 * see `webhook.signature.ts`), with `Finestreta-Delivery-Id` to
 * de-duplicate on. Only a 2xx whose JSON body carries `{"reference": "…"}`
 * acknowledges; any other answer, a refused connection or a timeout is a
 * failure, retried later. Redirects are not followed (a signed body is not
 * sent elsewhere). With a client certificate and key, the connection uses
 * mutual TLS.
 */
export class RestConnector implements Connector {
  readonly kind = 'rest';
  private readonly agent: http.Agent | https.Agent;
  private readonly target: URL;

  constructor(
    private readonly opts: RestConnectorOptions,
    private readonly now: () => Date,
  ) {
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

  async attempt(item: DeliveryItem): Promise<DeliveryOutcome> {
    const link = item.downloadLink();
    const body = JSON.stringify({ ...item.metadata, package: { ...item.metadata.package, download: link } });
    const timestamp = Math.floor(this.now().getTime() / 1000);
    try {
      const answer = await this.post(body, {
        'content-type': 'application/json',
        'user-agent': 'Finestreta-Delivery/1',
        'finestreta-delivery-id': item.deliveryId,
        'finestreta-delivery-attempt': String(item.attempt),
        'finestreta-timestamp': String(timestamp),
        'finestreta-signature': signatureHeader(this.opts.secret, timestamp, body),
      });
      if (answer.status < 200 || answer.status >= 300) return { status: 'failed', error: `HTTP ${answer.status}` };
      let reference: string | null = null;
      try {
        reference = validReference((JSON.parse(answer.body) as { reference?: unknown }).reference);
      } catch {
        reference = null;
      }
      return reference ? { status: 'acknowledged', reference } : { status: 'failed', error: `HTTP ${answer.status} without a reference` };
    } catch (error) {
      return { status: 'failed', error: summariseError(error) };
    }
  }

  /** One POST with an overall deadline; resolves the status and (the start of) the answer's body. */
  private post(body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    const client = this.target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(this.target, { method: 'POST', agent: this.agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } });
      const timer = setTimeout(() => {
        const error = new Error('the receiver did not answer in time');
        error.name = 'TimeoutError';
        req.destroy(error);
      }, this.opts.timeoutMs);
      req.once('error', (error) => {
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
          clearTimeout(timer);
          reject(error);
        });
        res.once('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: size <= MAX_ANSWER_BYTES ? Buffer.concat(chunks).toString('utf8') : '' });
        });
      });
      req.end(body);
    });
  }
}
