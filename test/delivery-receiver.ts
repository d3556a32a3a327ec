/** A case-management system on loopback for the delivery tests: checks signatures, downloads packages, de-duplicates on the delivery id. */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import { verifySignature } from '../src/server/webhooks/webhook.signature.ts';

/** What the receiver does with the next requests. */
export type ReceiverMode = 'fail500' | 'hang' | 'accept';

interface Body {
  deliveryId: string;
  package: { sha256: string; size: number; download: { url: string } };
}

/** A real HTTP receiver (node:http on 127.0.0.1) that behaves as told. */
export class TestReceiver {
  mode: ReceiverMode = 'accept';
  /** Extra time before answering (to widen the window two senders could overlap in). */
  delayMs = 0;
  /** Answer 500 to the first request of each delivery, whatever the mode (to force retries). */
  failFirst = false;
  /** Every request that reached the receiver, in order. */
  readonly requests: { deliveryId: string; attempt: string; answered: number | null }[] = [];
  /** Delivery id → the reference given, once per delivery. */
  readonly accepted = new Map<string, string>();
  /** Requests for a delivery id already accepted (de-duplicated, answered with the same reference). */
  duplicates = 0;
  /** The most requests for one delivery id in flight at once. */
  maxInFlightPerDelivery = 0;
  /** What the receiver found wrong (bad signature, package digest mismatch…). */
  readonly problems: string[] = [];
  private readonly inFlight = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private server: http.Server | null = null;

  constructor(
    private readonly secret: string,
    /** Where the app listens (the download link names the organisation's host; the receiver connects here with that Host). */
    private readonly appPort: () => number,
    private readonly nowSeconds: () => number,
  ) {}

  async listen(port: number): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
  }

  /** Stops listening: from now on connections are refused. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const deliveryId = String(req.headers['finestreta-delivery-id'] ?? '');
    const entry = { deliveryId, attempt: String(req.headers['finestreta-delivery-attempt'] ?? ''), answered: null as number | null };
    this.requests.push(entry);
    const now = (this.inFlight.get(deliveryId) ?? 0) + 1;
    this.inFlight.set(deliveryId, now);
    this.maxInFlightPerDelivery = Math.max(this.maxInFlightPerDelivery, now);
    const done = () => this.inFlight.set(deliveryId, (this.inFlight.get(deliveryId) ?? 1) - 1);
    res.once('close', done);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const answer = (status: number, body: object) => {
      entry.answered = status;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const first = this.requests.filter((r) => r.deliveryId === deliveryId).length === 1;
    if (this.mode === 'hang') return; // never answers: the sender's timeout ends it
    if (this.mode === 'fail500' || (this.failFirst && first)) return answer(500, { error: 'down' });

    const signature = String(req.headers['finestreta-signature'] ?? '');
    const timestamp = String(req.headers['finestreta-timestamp'] ?? '');
    if (!verifySignature(this.secret, signature, timestamp, raw, this.nowSeconds())) {
      this.problems.push(`bad signature for ${deliveryId}`);
      return answer(401, { error: 'signature' });
    }
    const body = JSON.parse(raw) as Body;
    if (body.deliveryId !== deliveryId) this.problems.push('delivery id header and body differ');
    const known = this.accepted.get(deliveryId);
    if (known) {
      this.duplicates++;
      return answer(200, { reference: known });
    }
    const got = await this.download(body.package.download.url);
    if (got.sha256 !== body.package.sha256 || got.size !== body.package.size) {
      this.problems.push(`package of ${deliveryId} does not match: ${got.status} ${got.size}`);
      return answer(422, { error: 'digest' });
    }
    const reference = `EXP-${this.accepted.size + 1}`;
    this.accepted.set(deliveryId, reference);
    answer(201, { reference });
  }

  /** Streams the package through SHA-256, from the app (the link's port, else `appPort`), with the link's Host. */
  private download(link: string): Promise<{ status: number; sha256: string; size: number }> {
    const url = new URL(link);
    return new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: url.port ? Number(url.port) : this.appPort(), path: `${url.pathname}${url.search}`, headers: { host: url.host } }, (res) => {
          const hash = createHash('sha256');
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            hash.update(c);
          });
          res.once('end', () => resolve({ status: res.statusCode ?? 0, sha256: hash.digest('hex'), size }));
          res.once('error', reject);
        })
        .once('error', reject);
    });
  }
}
