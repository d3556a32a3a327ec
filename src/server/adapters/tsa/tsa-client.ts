import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { der, OID, toArrayBuffer } from '../../evidence/cms.ts';
import { checkTimestampToken, type TimestampInfo } from '../../evidence/timestamp.ts';

/** A timestamp obtained from the TSA: the token (DER ContentInfo) and what it says. */
export interface Timestamp extends TimestampInfo {
  token: Buffer;
}

/** Asks a Time-Stamp Authority for a timestamp over a SHA-256 digest. */
export interface TsaClient {
  timestamp(sha256: Buffer): Promise<Timestamp>;
}

/** The TSA refused, answered nonsense, or a token did not check out. The URL's credentials never appear. */
export class TsaError extends Error {}

const MAX_REPLY_BYTES = 1 << 20;

/**
 * An RFC 3161 client over HTTP (§3.4): POSTs an `application/timestamp-query`
 * with a SHA-256 imprint, a random nonce and certReq, and accepts the reply
 * only if it is granted, carries our nonce and imprint, and its token passes
 * `checkTimestampToken`. `user:password@` in the URL becomes Basic auth.
 */
export function createTsaClient(url: string, options: { timeoutMs?: number } = {}): TsaClient {
  const target = new URL(url);
  const auth = target.username ? `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}` : null;
  target.username = '';
  target.password = '';
  const timeoutMs = options.timeoutMs ?? 20_000;
  return {
    async timestamp(sha256) {
      if (sha256.length !== 32) throw new TsaError('a SHA-256 digest has 32 bytes');
      const nonce = randomBytes(16);
      nonce[0] = ((nonce[0] ?? 0) & 0x7f) | 0x01; // positive, and no leading zero byte to strip
      const request = new pkijs.TimeStampReq({
        version: 1,
        messageImprint: new pkijs.MessageImprint({
          hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
          hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(sha256) }),
        }),
        nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
        certReq: true,
      });
      const reply = await post(target, der(request.toSchema()), auth, timeoutMs);
      let response: pkijs.TimeStampResp;
      try {
        response = pkijs.TimeStampResp.fromBER(toArrayBuffer(reply));
      } catch {
        throw new TsaError('the TSA reply is not an RFC 3161 TimeStampResp');
      }
      // PKIStatus 0 granted, 1 grantedWithMods (§2.4.2).
      const status: number = response.status.status;
      if (status > 1 || !response.timeStampToken) {
        throw new TsaError(`the TSA refused the request (status ${status}${response.status.statusStrings?.length ? `: ${response.status.statusStrings.map((s) => s.valueBlock.value).join('; ')}` : ''})`);
      }
      const token = der(response.timeStampToken.toSchema());
      let info: TimestampInfo;
      try {
        info = checkTimestampTokenForDigest(token, sha256);
      } catch (error) {
        throw new TsaError(`the TSA token is not valid: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (info.nonce !== nonce.toString('hex')) throw new TsaError('the TSA reply does not carry our nonce');
      return { token, ...info };
    },
  };
}

/** `checkTimestampToken` where only the digest is at hand: the imprint must equal it under SHA-256. */
function checkTimestampTokenForDigest(token: Buffer, sha256: Buffer): TimestampInfo {
  return checkTimestampToken(token, sha256, { imprintIsDigest: true });
}

function post(url: URL, body: Buffer, auth: string | null, timeoutMs: number): Promise<Buffer> {
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
  if (!client) return Promise.reject(new TsaError('TSA_URL must be http:// or https://'));
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query', 'content-length': body.length, ...(auth ? { authorization: auth } : {}) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_REPLY_BYTES) req.destroy(new TsaError('the TSA reply is too large'));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new TsaError(`the TSA answered HTTP ${res.statusCode ?? '?'}`));
          else if (!String(res.headers['content-type']).startsWith('application/timestamp-reply')) reject(new TsaError('the TSA reply is not application/timestamp-reply'));
          else resolve(Buffer.concat(chunks));
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new TsaError(`the TSA did not answer within ${timeoutMs} ms`)));
    req.on('error', (error) => reject(error instanceof TsaError ? error : new TsaError(`cannot reach the TSA (${(error as NodeJS.ErrnoException).code ?? error.message})`)));
    req.end(body);
  });
}
