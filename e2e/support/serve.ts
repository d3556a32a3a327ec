/**
 * The server the end-to-end tests run against, with a Time-Stamp Authority
 * on loopback (`openssl ts -reply` behind a tiny HTTP responder, as the
 * evidence unit tests use): receipts and evidence packages are timestamped
 * (CAdES-T), and the tests check the tokens with `openssl ts -verify`
 * against the TSA's CA, copied to `E2E_TSA_CA`.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startTestTsa } from '../../test/evidence-tools.ts';

const tsa = await startTestTsa();
const caCopy = process.env.E2E_TSA_CA;
if (caCopy) {
  mkdirSync(path.dirname(caCopy), { recursive: true });
  copyFileSync(tsa.caFile, caCopy);
}
process.env.TSA_URL = tsa.url;
await import('../../src/server/main.ts');
