import { execFile, execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sealFromKey, type OrganSeal } from '../src/server/adapters/seal/seal.ts';

const run = promisify(execFile);

/** Absolute path of standards/ (the official schemas and their catalog, vendored from shared/standards so a fresh clone has them). */
export const STANDARDS_DIR = path.resolve(import.meta.dirname, '../standards');

/**
 * Fails the test loudly when a system tool is missing: these tests prove
 * interoperability with standard tools, so a silent skip would hide exactly
 * what they exist to show. Debian: openssl, libxml2-utils (xmllint).
 */
export function requireTool(tool: 'openssl' | 'xmllint' | 'unzip' | 'pdftotext'): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'pipe' });
  } catch {
    throw new Error(`${tool} is not installed; install it (.ci/run lists the Debian packages) — these tests never skip`);
  }
}

/** Runs a command and returns its exit code and output (never throws for a non-zero exit). */
export async function runTool(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 127, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

/** `xmllint --schema` with the official schemas, offline through the catalog (standards/README.md). */
export async function xmllintSchema(xsd: string, xmlFile: string): Promise<{ code: number; stderr: string }> {
  requireTool('xmllint');
  const result = await runTool('xmllint', ['--nonet', '--noout', '--schema', path.join(STANDARDS_DIR, xsd), xmlFile], {
    XML_CATALOG_FILES: path.join(STANDARDS_DIR, 'catalog.xml'),
  });
  return { code: result.code, stderr: result.stderr };
}

/** A Time-Stamp Authority on loopback: `openssl ts -reply` behind a tiny HTTP responder. */
export interface TestTsa {
  /** `http://127.0.0.1:<port>/tsa`. */
  url: string;
  /** PEM file of the CA that issued the TSA certificate (for `openssl ts -verify -CAfile`). */
  caFile: string;
  /** PEM file of the TSA certificate. */
  certFile: string;
  /** Requests answered so far. */
  requests: number;
  /** When set, alters each reply before it is sent (to test how bad replies are refused). */
  tamper: ((reply: Buffer) => Buffer) | null;
  close(): Promise<void>;
}

/**
 * Generates a CA and a TSA certificate (extendedKeyUsage critical
 * timeStamping, RFC 3161 §2.3) and serves RFC 3161 over HTTP on 127.0.0.1.
 */
export async function startTestTsa(): Promise<TestTsa> {
  requireTool('openssl');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'finestreta-tsa-'));
  const f = (name: string) => path.join(dir, name);
  const openssl = async (...args: string[]) => {
    const r = await runTool('openssl', args);
    if (r.code !== 0) throw new Error(`openssl ${args[0] ?? ''} failed: ${r.stderr}`);
  };
  await writeFile(
    f('ext.cnf'),
    '[req]\ndistinguished_name=dn\n[dn]\n[ca]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' +
      '[tsa]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  );
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '30', '-subj', '/CN=Finestreta Test TSA Root', '-config', f('ext.cnf'), '-extensions', 'ca');
  await openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('tsa.key'), '-out', f('tsa.csr'), '-subj', '/CN=Finestreta Test TSA', '-config', f('ext.cnf'));
  await openssl('x509', '-req', '-in', f('tsa.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('tsa.pem'), '-days', '30', '-extfile', f('ext.cnf'), '-extensions', 'tsa');
  await writeFile(f('serial'), '01\n');
  await writeFile(
    f('tsa.cnf'),
    `[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\ndir = ${dir}\nserial = $dir/serial\ncrypto_device = builtin\nsigner_cert = $dir/tsa.pem\ncerts = $dir/tsa.pem\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.3.6.1.4.1.99999.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\nordering = yes\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n`,
  );
  let counter = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
          res.writeHead(400).end();
          return;
        }
        const n = ++counter;
        tsa.requests = n;
        await writeFile(f(`q${n}.tsq`), Buffer.concat(chunks));
        const r = await runTool('openssl', ['ts', '-reply', '-config', f('tsa.cnf'), '-queryfile', f(`q${n}.tsq`), '-out', f(`r${n}.tsr`)]);
        if (r.code !== 0) {
          res.writeHead(500).end(r.stderr);
          return;
        }
        let reply: Buffer = await readFile(f(`r${n}.tsr`));
        if (tsa.tamper) reply = tsa.tamper(reply);
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(reply);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const tsa: TestTsa = {
    url: `http://127.0.0.1:${port}/tsa`,
    caFile: f('ca.pem'),
    certFile: f('tsa.pem'),
    requests: 0,
    tamper: null,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  return tsa;
}

/**
 * A seal for tests: a fresh self-signed certificate made by openssl (fast,
 * unlike generating the RSA-3072 development seal), and its PEM file for
 * `openssl cms -verify -CAfile`.
 */
export async function makeTestSeal(dir: string, type: 'rsa' | 'ec' = 'rsa', subject = '/CN=TEST SEAL - Ajuntament de Prova/O=Ajuntament de Prova/C=ES'): Promise<{ seal: OrganSeal; certFile: string }> {
  requireTool('openssl');
  const key = path.join(dir, `seal-${type}.key`);
  const certFile = path.join(dir, `seal-${type}.pem`);
  const newkey = type === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  const r = await runTool('openssl', ['req', '-x509', ...newkey, '-nodes', '-keyout', key, '-out', certFile, '-days', '2', '-subj', subject, '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation']);
  if (r.code !== 0) throw new Error(r.stderr);
  const seal = sealFromKey(createPrivateKey(await readFile(key)), new X509Certificate(await readFile(certFile)).raw);
  return { seal, certFile };
}
