import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../../../../test/evidence-tools.ts';
import { verifySignature } from '../../webhooks/webhook.signature.ts';
import type { DeliveryItem } from './connector.ts';
import { RestConnector } from './rest-connector.ts';

const SECRET = 'the receiver and Finestreta share this';
const NOW = new Date('2026-03-02T07:00:00Z');

const item: DeliveryItem = {
  deliveryId: '0b5f1c3e-2b7a-4d59-8e1e-9f7d6c5b4a31',
  attempt: 2,
  organisationId: 'org-1',
  metadata: {
    deliveryId: '0b5f1c3e-2b7a-4d59-8e1e-9f7d6c5b4a31',
    organisation: { dir3: 'L01080193' },
    appointment: { reference: 'ABC-123' },
    procedure: { code: 'padro-certificat', siaCode: '2960445' },
    package: { id: 'p1', sha256: 'ab'.repeat(32), size: 10, sealedAt: NOW.toISOString(), mediaType: 'application/vnd.etsi.asic-e+zip' },
  },
  openPackage: () => Readable.from([Buffer.alloc(10)]),
  downloadLink: () => ({ url: 'http://alfa.test/api/public/deliveries/x/package?expires=1&signature=00', expiresAt: NOW.toISOString() }),
};

async function serve(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** The REST connector against real receivers: signature, what counts as an acknowledgement, mutual TLS. */
describe('the REST connector', () => {
  const servers: (http.Server | https.Server)[] = [];
  let dir = '';
  const file = (name: string) => path.join(dir, name);

  beforeAll(() => {
    requireTool('openssl');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-mtls-'));
    const run = (...args: string[]) => {
      const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
    };
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test receiver CA');
    fs.writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    fs.writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const [name, cn] of [['server', '127.0.0.1'], ['client', 'finestreta-client']] as const) {
      run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
      run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
    }
  });

  afterAll(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('POSTs the metadata and the link, signed; a 2xx with a reference acknowledges, anything else is a failure', async () => {
    const answers: [number, string, Record<string, string>?][] = [
      [201, '{"reference":"EXP-9"}'],
      [200, '{"ok":true}'],
      [302, '', { location: 'http://elsewhere.test/' }],
      [200, 'not json'],
    ];
    const seen: { body: string; headers: http.IncomingHttpHeaders }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        const [status, body, headers] = answers.shift() ?? [500, ''];
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
      });
    });
    servers.push(server);
    const port = await serve(server);
    const connector = new RestConnector({ url: `http://127.0.0.1:${port}/in`, secret: SECRET, timeoutMs: 2000 }, () => NOW);
    expect(await connector.attempt(item)).toEqual({ status: 'acknowledged', reference: 'EXP-9' });
    expect(await connector.attempt(item)).toEqual({ status: 'failed', error: 'HTTP 200 without a reference' });
    expect(await connector.attempt(item)).toEqual({ status: 'failed', error: 'HTTP 302' });
    expect(await connector.attempt(item)).toEqual({ status: 'failed', error: 'HTTP 200 without a reference' });

    const first = seen[0];
    if (!first) throw new Error('nothing received');
    expect(first.headers['finestreta-delivery-id']).toBe(item.deliveryId);
    expect(first.headers['finestreta-delivery-attempt']).toBe('2');
    expect(verifySignature(SECRET, String(first.headers['finestreta-signature']), String(first.headers['finestreta-timestamp']), first.body, NOW.getTime() / 1000)).toBe(true);
    expect(JSON.parse(first.body)).toEqual({ ...item.metadata, package: { ...item.metadata.package, download: item.downloadLink() } });
  });

  it('presents its client certificate to a receiver that requires mutual TLS, and fails without one', async () => {
    const server = https.createServer(
      { key: fs.readFileSync(file('server.key')), cert: fs.readFileSync(file('server.pem')), ca: fs.readFileSync(file('ca.pem')), requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ reference: `MTLS-${String(peer.subject.CN)}` })));
      },
    );
    servers.push(server);
    const port = await serve(server);
    const url = `https://127.0.0.1:${port}/in`;
    const mutual = new RestConnector({ url, secret: SECRET, timeoutMs: 2000, ca: file('ca.pem'), clientCert: file('client.pem'), clientKey: file('client.key') }, () => NOW);
    expect(await mutual.attempt(item)).toEqual({ status: 'acknowledged', reference: 'MTLS-finestreta-client' });
    const anonymous = new RestConnector({ url, secret: SECRET, timeoutMs: 2000, ca: file('ca.pem') }, () => NOW);
    const refused = await anonymous.attempt(item);
    expect(refused.status).toBe('failed');
    // A receiver whose certificate does not chain to the configured CA is not trusted either.
    const untrusting = new RestConnector({ url, secret: SECRET, timeoutMs: 2000, clientCert: file('client.pem'), clientKey: file('client.key') }, () => NOW);
    expect(await untrusting.attempt(item)).toMatchObject({ status: 'failed', error: expect.stringMatching(/CERT|SIGNED|VERIFY/) });
  });
});
