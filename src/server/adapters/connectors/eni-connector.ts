import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { SIGNATURE_SCHEME } from '../../webhooks/webhook.signature.ts';
import { summariseError, type Connector, type DeliveryItem, type DeliveryOutcome } from './connector.ts';
import type { EniRemission, IndexSigner } from './eni-remission.ts';
import { outcomeOfAnswer, SignedPoster, type PostTargetOptions } from './signed-post.ts';

/** Settings of the ENI connector (see `DELIVERY_ENI_*`). */
export interface EniConnectorOptions extends PostTargetOptions {
  secret: string;
}

/**
 * The ENI remission connector, for case-management systems that ingest ENI
 * expedientes: POSTs the remission (see `EniRemission`: the ENI expediente
 * index in state E03, one ENI documento per document with its content, and
 * the sealed ASiC-E container) as one `application/zip` body, streamed,
 * with the headers and signature of the REST connector — `Finestreta-
 * Delivery-Id` to de-duplicate on (the same on every retry),
 * `Finestreta-Timestamp` and `Finestreta-Signature: v1=<hex HMAC-SHA256(
 * secret, "<timestamp>." + body bytes)>` (`webhook.signature.ts`, over the
 * raw bytes) — plus `Finestreta-ENI-Expediente` with the expediente's
 * identifier. Only a 2xx whose JSON body carries `{"reference": "…"}`
 * acknowledges; optional mutual TLS as for REST.
 *
 * The signature goes in a header, before the body, and the body is never
 * held whole: so the remission is written twice. The first pass feeds the
 * HMAC, counts the bytes (`Content-Length`) and checks every content
 * against the index's SHA-256; the second streams the same bytes to the
 * receiver. The package is decrypted twice per attempt — at store speed,
 * far below what the upload takes.
 */
export class EniConnector implements Connector {
  readonly kind = 'eni';
  private readonly poster: SignedPoster;

  constructor(
    private readonly opts: EniConnectorOptions,
    private readonly sign: IndexSigner,
    private readonly now: () => Date,
  ) {
    this.poster = new SignedPoster(opts);
  }

  async attempt(item: DeliveryItem): Promise<DeliveryOutcome> {
    // The remission (and its ZIP reader) loads with the first ENI delivery, not at start (memory at idle).
    const eni = await import('./eni-remission.ts');
    let remission: EniRemission | undefined;
    try {
      const at = this.now();
      remission = await eni.EniRemission.prepare(item, at, this.sign);
      const timestamp = Math.floor(at.getTime() / 1000);
      const hmac = createHmac('sha256', this.opts.secret).update(`${timestamp}.`, 'utf8');
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          hmac.update(chunk);
          done();
        },
      });
      const size = await remission.write(sink, true);
      const sending = remission;
      const answer = await this.poster.post(
        {
          'content-type': 'application/zip',
          'content-length': String(size),
          'user-agent': 'Finestreta-Delivery/1',
          'finestreta-delivery-id': item.deliveryId,
          'finestreta-delivery-attempt': String(item.attempt),
          'finestreta-eni-expediente': remission.fileIdentifier,
          'finestreta-timestamp': String(timestamp),
          'finestreta-signature': `${SIGNATURE_SCHEME}=${hmac.digest('hex')}`,
        },
        async (req) => {
          // The second pass: the same bytes, now to the receiver.
          await sending.write(req);
        },
      );
      return outcomeOfAnswer(answer);
    } catch (error) {
      return { status: 'failed', error: error instanceof eni.RemissionError ? error.message : summariseError(error) };
    } finally {
      remission?.close();
    }
  }
}
