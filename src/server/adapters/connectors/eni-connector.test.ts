import { spawnSync } from 'node:child_process';
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { book } from '../../../../test/booking-helpers.ts';
import { DIALECTS } from '../../../../test/databases.ts';
import { requireTool, runTool, xmllintSchema } from '../../../../test/evidence-tools.ts';
import { freePort } from '../../../../test/server-process.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../../test/test-app.ts';
import type { Organisation } from '../../db/schema.ts';
import { DeliveryWorker } from '../../delivery/delivery.worker.ts';
import { sealEvidencePackage } from '../../evidence-package/package.service.ts';
import type { EvidencePackageRow } from '../../evidence-package/package.tables.ts';
import { verifyPackage } from '../../evidence/verify-package.ts';
import { registerAppointment } from '../../registry/appointment-registry.service.ts';
import type { DeliveryItem } from './connector.ts';
import { EniConnector } from './eni-connector.ts';
import type { IndexSigner } from './eni-remission.ts';

const SECRET = 'the ENI receiver and Finestreta share this';
const NIF_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
/** A marker inside the fake recording, to find (and alter) its bytes in a package. */
const MARKER = Buffer.from('FINESTRETA-TEST-RECORDING-MARKER');

/** What the receiver found in one remission it accepted. */
interface Ingested {
  deliveryId: string;
  attempt: string;
  expediente: string;
  files: string[];
  dir: string;
}

/**
 * A system that ingests ENI expedientes, on loopback (node:http): checks the
 * HMAC over the raw body, stores the body in a temporary file as it arrives,
 * unzips it (unzip), validates every XML against the official XSDs
 * (xmllint), checks that each indexed document's hash matches the file its
 * ENI documento refers to, and answers with its reference — once per
 * delivery id (a retry gets the same reference).
 */
class EniReceiver {
  mode: 'accept' | 'fail500' | 'hang' = 'accept';
  readonly requests: { deliveryId: string; attempt: string; answered: number | null }[] = [];
  readonly ingested = new Map<string, Ingested & { reference: string }>();
  readonly problems: string[] = [];
  private server: http.Server | null = null;

  constructor(
    private readonly root: string,
    private readonly nowSeconds: () => number,
  ) {}

  async listen(port: number): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const deliveryId = String(req.headers['finestreta-delivery-id'] ?? '');
    const attempt = String(req.headers['finestreta-delivery-attempt'] ?? '');
    const entry = { deliveryId, attempt, answered: null as number | null };
    this.requests.push(entry);
    const answer = (status: number, body: object) => {
      entry.answered = status;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    // The body goes to disk as it arrives, through the HMAC: the receiver does not hold it either.
    const timestamp = String(req.headers['finestreta-timestamp'] ?? '');
    const hmac = createHmac('sha256', SECRET).update(`${timestamp}.`, 'utf8');
    const dir = fs.mkdtempSync(path.join(this.root, 'in-'));
    const file = path.join(dir, 'remission.zip');
    const out = fs.createWriteStream(file);
    let size = 0;
    for await (const chunk of req) {
      hmac.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
    if (this.mode === 'hang') return;
    if (this.mode === 'fail500') return answer(500, { error: 'down' });

    const expected = hmac.digest();
    const given = /^v1=([0-9a-f]{64})$/.exec(String(req.headers['finestreta-signature'] ?? ''))?.[1];
    if (!given || !timingSafeEqual(Buffer.from(given, 'hex'), expected) || Math.abs(this.nowSeconds() - Number(timestamp)) > 300) {
      this.problems.push(`bad signature for ${deliveryId}`);
      return answer(401, { error: 'signature' });
    }
    if (String(req.headers['content-length']) !== String(size)) this.problems.push('content-length differs from the body');
    const known = this.ingested.get(deliveryId);
    if (known) return answer(200, { reference: known.reference });
    const checked = await this.check(dir, file, String(req.headers['finestreta-eni-expediente'] ?? ''));
    if (!checked) return answer(422, { error: 'not an ENI expediente' });
    const reference = `REG-ENI-${this.ingested.size + 1}`;
    this.ingested.set(deliveryId, { deliveryId, attempt, dir, ...checked, reference });
    answer(201, { reference });
  }

  /** Unpacks and checks the remission as an ENI ingester would; null (and a problem noted) when it is not acceptable. */
  private async check(dir: string, file: string, expedienteHeader: string): Promise<{ expediente: string; files: string[] } | null> {
    const unpacked = path.join(dir, 'x');
    const unzip = spawnSync('unzip', ['-q', file, '-d', unpacked], { encoding: 'utf8' });
    if (unzip.status !== 0) return this.problem(`unzip: ${unzip.stderr}`);
    const files = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8' }).stdout.trim().split('\n');
    const at = (name: string) => path.join(unpacked, name);
    const exp = await xmllintSchema('eni/expedienteEni.xsd', at('expediente.xml'));
    if (!exp.stderr.includes('validates')) return this.problem(`expediente.xml: ${exp.stderr}`);
    const index = fs.readFileSync(at('expediente.xml'), 'utf8');
    const identifier = /<eniexpmeta:Identificador>([^<]+)</.exec(index)?.[1] ?? '';
    if (identifier !== expedienteHeader) return this.problem('the expediente header names another expediente');
    // Every indexed document: its ENI documento (valid), the file it refers to, and that file's hash as the index says.
    const indexed = [...index.matchAll(/<eniconexpind:IdentificadorDocumento>([^<]+)<\/eniconexpind:IdentificadorDocumento>\s*<eniconexpind:ValorHuella>([^<]+)</g)];
    if (indexed.length === 0) return this.problem('the index lists no document');
    for (const [, id, huella] of indexed) {
      const docName = `documentos/${id ?? ''}.xml`;
      if (!files.includes(docName)) return this.problem(`${docName} missing`);
      const doc = await xmllintSchema('eni/documentoEni.xsd', at(docName));
      if (!doc.stderr.includes('validates')) return this.problem(`${docName}: ${doc.stderr}`);
      const xml = fs.readFileSync(at(docName), 'utf8');
      if (!xml.includes(`<enidocmeta:Identificador>${id ?? ''}</enidocmeta:Identificador>`)) return this.problem(`${docName} describes another document`);
      const content = /<enifile:referenciaFichero>([^<]+)</.exec(xml)?.[1] ?? '';
      if (!files.includes(content)) return this.problem(`${content} (of ${docName}) missing`);
      const digest = await sha256File(at(content));
      if (digest !== Buffer.from(huella ?? '', 'base64').toString('hex')) return this.problem(`${content} does not match the index`);
    }
    // The index is signed by the organ seal.
    const cms = await runTool('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', at('expediente.xml.p7s'), '-content', at('expediente.xml'), '-noverify', '-out', path.join(dir, 'verified')]);
    if (cms.code !== 0) return this.problem(`index signature: ${cms.stderr}`);
    return { expediente: index, files };
  }

  private problem(what: string): null {
    this.problems.push(what);
    return null;
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The ENI remission connector against a real receiver: a sealed package of
 * an appointment with a recording and a registry receipt becomes an ENI
 * expediente the receiver ingests (every XML valid against the official
 * XSDs, the index's hashes those of the files delivered, the sealed package
 * itself among them and still verifying); failures are short; a retry
 * carries the same delivery id; and through the delivery worker a procedure
 * whose connector is `eni` gets its evidence acknowledged.
 */
describe.each(DIALECTS)('the ENI remission connector (%s)', (dialect) => {
  let t: TestApp;
  let org: Organisation;
  let padro = '';
  let port = 0;
  let root = '';
  let receiver: EniReceiver;
  let n = 0;
  let sign: IndexSigner;

  beforeAll(async () => {
    for (const tool of ['unzip', 'xmllint', 'openssl'] as const) requireTool(tool);
    port = await freePort();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-eni-receiver-'));
    t = await createTestApp({
      dialect,
      env: { DELIVERY_ENI_URL: `http://127.0.0.1:${port}/remissions`, DELIVERY_ENI_SECRET: SECRET, DELIVERY_ENI_TIMEOUT_SECONDS: '30' },
    });
    org = await t.ctx.db.selectFrom('organisations').selectAll().where('id', '=', t.orgA.id).executeTakeFirstOrThrow();
    padro = await procedureId(t, t.orgA.id);
    receiver = new EniReceiver(root, () => Math.floor(t.clock.now().getTime() / 1000));
    await receiver.listen(port);
    sign = async (organisationId, sha256, at) => {
      const { signCadesDetached } = await import('../../evidence/cades.ts');
      return signCadesDetached(sha256, await t.ctx.seals.cadesOptions(at, organisationId));
    };
  }, 60_000);

  afterAll(async () => {
    await receiver.close();
    await t.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  beforeEach(() => {
    t.clock.set(DEFAULT_NOW);
    receiver.mode = 'accept';
  });

  /** A booked appointment with a finished recording and a registry receipt, sealed for a procedure delivering by `connector`. */
  async function sealedAppointment(connector: 'eni' | 'none'): Promise<{ appointmentId: string; pkg: EvidencePackageRow; recording: Buffer }> {
    n++;
    t.clock.set(DEFAULT_NOW);
    await t.ctx.db.updateTable('procedures').set({ delivery_connector: connector }).where('id', '=', padro).execute();
    const number = 40_000_000 + n;
    const res = await book(t, {
      procedureId: padro,
      startsAt: new Date(Date.UTC(2026, 2, 3 + Math.floor(n / 5), 8 + (n % 5))).toISOString(),
      citizen: { email: `eni${n}@example.org`, idNumber: `${number}${NIF_LETTERS[number % 23] ?? ''}` },
    });
    expect(res.statusCode, res.body).toBe(201);
    const appointment = await t.ctx.db.selectFrom('appointments').select(['id', 'starts_at']).where('reference', '=', res.json<{ data: { reference: string } }>().data.reference).executeTakeFirstOrThrow();
    // What follows happens now: the seal's certificate (the development seal, made today) covers its signing time.
    t.clock.set(new Date());
    // A recording larger than one store record and than the off-thread hashing threshold, stored as the recorder stores it.
    const recording = Buffer.concat([randomBytes(1536 * 1024), MARKER, randomBytes(1536 * 1024)]);
    const blobId = randomUUID();
    await t.ctx.blobs.create(blobId);
    await t.ctx.blobs.append(blobId, 0, Readable.from([recording]));
    const digest = await t.ctx.blobs.finish(blobId);
    const at = t.clock.now().toISOString();
    await t.ctx.db
      .insertInto('recordings')
      .values({
        id: randomUUID(),
        organisation_id: org.id,
        appointment_id: appointment.id,
        status: 'ready',
        started_by: 'system',
        started_at: at,
        stopped_at: at,
        file_blob_id: blobId,
        file_size: digest.size,
        file_sha256: digest.sha256,
        duration_ms: 60_000,
        finalised_at: at,
        updated_at: at,
      })
      .execute();
    await registerAppointment(t.ctx, org, appointment.id, { motiu: 'Alta al padró' }, 'Sol·licitud d’alta', 'system');
    const sealed = await sealEvidencePackage(t.ctx, org, appointment.id, 'system');
    return { appointmentId: appointment.id, pkg: sealed.row, recording };
  }

  /** What the worker hands a connector for a package (without a delivery row: the connector alone is under test). */
  const itemFor = (pkg: EvidencePackageRow, deliveryId: string, attempt = 1, open?: DeliveryItem['openPackage']): DeliveryItem => ({
    deliveryId,
    attempt,
    organisationId: org.id,
    metadata: {
      deliveryId,
      organisation: { dir3: org.dir3 },
      appointment: { reference: 'ENI-TEST' },
      procedure: { code: 'padro-alta', siaCode: '2960445' },
      package: { id: pkg.id, sha256: pkg.sha256, size: Number(pkg.size), sealedAt: pkg.created_at, mediaType: 'application/vnd.etsi.asic-e+zip' },
    },
    openPackage: open ?? ((range) => t.ctx.blobs.read(pkg.blob_id, range)),
    downloadLink: () => ({ url: 'http://unused.test/', expiresAt: pkg.created_at }),
  });
  const connector = (timeoutMs = 30_000) => new EniConnector({ url: `http://127.0.0.1:${port}/remissions`, secret: SECRET, timeoutMs }, sign, () => t.clock.now());

  it('sends the ENI expediente of a sealed package, with every document and its content, and the receiver’s reference acknowledges it', async () => {
    const { pkg, recording } = await sealedAppointment('none');
    const deliveryId = randomUUID();
    expect(await connector().attempt(itemFor(pkg, deliveryId))).toEqual({ status: 'acknowledged', reference: expect.stringMatching(/^REG-ENI-\d+$/) });
    expect(receiver.problems).toEqual([]);
    const got = receiver.ingested.get(deliveryId);
    if (!got) throw new Error('nothing ingested');
    // The index comes first (NTI: the index, then the documents in its order), and is closed for remission.
    expect(got.files[0]).toBe('expediente.xml');
    expect(got.expediente).toContain('<eniexpmeta:Estado>E03</eniexpmeta:Estado>');
    expect(got.expediente).toMatch(/<eniexpmeta:Identificador>ES_L01089999_2026_EXP_[A-Za-z0-9]+<\/eniexpmeta:Identificador>/);
    const ids = [...got.expediente.matchAll(/<eniconexpind:IdentificadorDocumento>([^<]+)</g)].map((m) => m[1] ?? '');
    // Recording, receipt, event log (as the sealed package indexes them), then the sealed package itself.
    expect(ids).toHaveLength(4);
    const contents = got.files.filter((f) => f.startsWith('contenido/'));
    expect(contents.map((f) => path.extname(f))).toEqual(['.webm', '.pdf', '.json', '.asice']);
    // Byte for byte what was recorded and sealed.
    expect(fs.readFileSync(path.join(got.dir, 'x', contents[0] ?? '')).equals(recording)).toBe(true);
    const asice = path.join(got.dir, 'x', contents[3] ?? '');
    expect(await sha256File(asice)).toBe(pkg.sha256);
    expect(await verifyPackage(asice)).toEqual(expect.objectContaining({ ok: true }));
    const asiceDoc = fs.readFileSync(path.join(got.dir, 'x', 'documentos', `${ids[3] ?? ''}.xml`), 'utf8');
    expect(asiceDoc).toContain('<enidocmeta:TipoDocumental>TD99</enidocmeta:TipoDocumental>');
    expect(got.files.at(-1)).toBe('finestreta-delivery.json');
    expect(JSON.parse(fs.readFileSync(path.join(got.dir, 'x', 'finestreta-delivery.json'), 'utf8'))).toMatchObject({ deliveryId, package: { sha256: pkg.sha256 } });
  }, 60_000);

  it('fails with a short reason on a 500 or a receiver that never answers (no body, no secret), and a retry carries the same delivery id', async () => {
    const { pkg } = await sealedAppointment('none');
    const deliveryId = randomUUID();
    receiver.mode = 'fail500';
    expect(await connector().attempt(itemFor(pkg, deliveryId, 1))).toEqual({ status: 'failed', error: 'HTTP 500' });
    receiver.mode = 'hang';
    expect(await connector(300).attempt(itemFor(pkg, deliveryId, 2))).toEqual({ status: 'failed', error: 'timeout' });
    receiver.mode = 'accept';
    const third = await connector().attempt(itemFor(pkg, deliveryId, 3));
    expect(third).toMatchObject({ status: 'acknowledged' });
    // Sent again (the worker cannot know the answer arrived): the receiver de-duplicates and answers the same reference.
    expect(await connector().attempt(itemFor(pkg, deliveryId, 4))).toEqual(third);
    expect(receiver.requests.filter((r) => r.deliveryId === deliveryId).map((r) => [r.attempt, r.answered])).toEqual([
      ['1', 500],
      ['2', null],
      ['3', 201],
      ['4', 200],
    ]);
    expect(receiver.problems).toEqual([]);
  }, 60_000);

  it('sends nothing for a package whose content no longer matches its ENI index', async () => {
    const { pkg } = await sealedAppointment('none');
    // The package as a tampered store would return it: one byte of the recording changed.
    const chunks: Buffer[] = [];
    for await (const chunk of t.ctx.blobs.read(pkg.blob_id)) chunks.push(chunk as Buffer);
    const altered = Buffer.concat(chunks);
    const at = altered.indexOf(MARKER);
    expect(at).toBeGreaterThan(0);
    altered[at] = 0x20;
    const deliveryId = randomUUID();
    const item = itemFor(pkg, deliveryId, 1, (range) => Readable.from([range ? altered.subarray(range.start, range.end + 1) : altered]));
    expect(await connector().attempt(item)).toEqual({ status: 'failed', error: 'the package does not match its ENI index' });
    expect(receiver.requests.filter((r) => r.deliveryId === deliveryId)).toEqual([]);
  }, 60_000);

  it('delivers through the outbox: a procedure whose connector is eni gets its evidence acknowledged', async () => {
    const { appointmentId, pkg } = await sealedAppointment('eni');
    const delivery = await t.ctx.db.selectFrom('deliveries').selectAll().where('package_id', '=', pkg.id).executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({ connector: 'eni', state: 'pending' });
    expect(await new DeliveryWorker(t.ctx).runDue()).toBe(1);
    const row = await t.ctx.db.selectFrom('deliveries').selectAll().where('id', '=', delivery.id).executeTakeFirstOrThrow();
    const ingested = receiver.ingested.get(delivery.id);
    expect(row).toMatchObject({ state: 'acknowledged', attempts: 1, last_error: null, reference: ingested?.reference });
    expect(ingested?.expediente).toContain('<eniexpmeta:Estado>E03</eniexpmeta:Estado>');
    expect(receiver.problems).toEqual([]);
    const events = await t.ctx.db.selectFrom('appointment_events').select(['type']).where('appointment_id', '=', appointmentId).where('type', 'like', 'delivery.%').orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['delivery.queued', 'delivery.acknowledged']);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['actor', 'action', 'target']).where('appointment_id', '=', appointmentId).where('action', '=', 'evidence.delivered').execute();
    expect(audit).toEqual([{ actor: 'connector:eni', action: 'evidence.delivered', target: `evidence:${pkg.id}` }]);
  }, 60_000);
});
