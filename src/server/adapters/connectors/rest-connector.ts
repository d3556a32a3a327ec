import { signatureHeader } from '../../webhooks/webhook.signature.ts';
import { summariseError, type Connector, type DeliveryItem, type DeliveryOutcome } from './connector.ts';
import { outcomeOfAnswer, SignedPoster } from './signed-post.ts';

/** Settings of the REST connector (see `DELIVERY_REST_*`). */
export interface RestConnectorOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  clientCert?: string | undefined;
  clientKey?: string | undefined;
  ca?: string | undefined;
}

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
  private readonly poster: SignedPoster;

  constructor(
    private readonly opts: RestConnectorOptions,
    private readonly now: () => Date,
  ) {
    this.poster = new SignedPoster(opts);
  }

  async attempt(item: DeliveryItem): Promise<DeliveryOutcome> {
    const link = item.downloadLink();
    const body = JSON.stringify({ ...item.metadata, package: { ...item.metadata.package, download: link } });
    const timestamp = Math.floor(this.now().getTime() / 1000);
    try {
      const answer = await this.poster.post(
        {
          'content-type': 'application/json',
          'user-agent': 'Finestreta-Delivery/1',
          'finestreta-delivery-id': item.deliveryId,
          'finestreta-delivery-attempt': String(item.attempt),
          'finestreta-timestamp': String(timestamp),
          'finestreta-signature': signatureHeader(this.opts.secret, timestamp, body),
        },
        body,
      );
      return outcomeOfAnswer(answer);
    } catch (error) {
      return { status: 'failed', error: summariseError(error) };
    }
  }
}
