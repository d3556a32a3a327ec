import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryItem } from './connector.ts';
import { DropFolderConnector } from './drop-folder-connector.ts';

const ID = '6f1c1c52-8f53-4d7e-9a53-5b0c6f0b7e11';

/** A delivery whose package arrives in chunks, calling `during` between them (to look at the folder mid-write). */
function item(chunks: Buffer[], during: () => void): DeliveryItem {
  return {
    deliveryId: ID,
    attempt: 1,
    organisationId: 'org-1',
    metadata: {
      deliveryId: ID,
      organisation: { dir3: 'L01080193' },
      appointment: { reference: 'ABC-123' },
      procedure: { code: 'padro-certificat', siaCode: null },
      package: { id: 'p1', sha256: 'ab'.repeat(32), size: 0, sealedAt: '2026-03-02T07:00:00.000Z', mediaType: 'application/vnd.etsi.asic-e+zip' },
    },
    openPackage: () =>
      Readable.from(
        (function* () {
          for (const [i, chunk] of chunks.entries()) {
            if (i > 0) during();
            yield chunk;
          }
        })(),
      ),
    downloadLink: () => ({ url: 'http://unused.test/', expiresAt: '2026-03-03T07:00:00.000Z' }),
  };
}

describe('the drop-folder connector', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-drop-unit-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('never shows a partial package under its final name, and writes the metadata only once the package is whole', async () => {
    const chunks = [Buffer.alloc(64 * 1024, 1), Buffer.alloc(64 * 1024, 2), Buffer.alloc(10, 3)];
    const seen: string[][] = [];
    const connector = new DropFolderConnector(dir);
    const outcome = await connector.attempt(item(chunks, () => seen.push(fs.readdirSync(dir).sort())));
    expect(outcome).toEqual({ status: 'waiting', note: 'written, awaiting the receipt' });
    // Mid-write: only a hidden temporary file, neither final name.
    expect(seen).toHaveLength(2);
    for (const listing of seen) {
      expect(listing).toHaveLength(1);
      expect(listing[0]).toMatch(new RegExp(`^\\.${ID}\\.asice\\..*\\.tmp$`));
    }
    expect(fs.readdirSync(dir).sort()).toEqual([`${ID}.asice`, `${ID}.json`]);
    expect(fs.readFileSync(path.join(dir, `${ID}.asice`))).toEqual(Buffer.concat(chunks));
    expect(JSON.parse(fs.readFileSync(path.join(dir, `${ID}.json`), 'utf8'))).toMatchObject({ deliveryId: ID, package: { file: `${ID}.asice` } });
  });

  it('leaves no file under a final name when the package cannot be read', async () => {
    const connector = new DropFolderConnector(dir);
    const failing = item([Buffer.alloc(10)], () => undefined);
    failing.openPackage = () =>
      new Readable({
        read() {
          this.destroy(Object.assign(new Error('blob missing'), { code: 'ENOENT' }));
        },
      });
    expect(await connector.attempt(failing)).toEqual({ status: 'failed', error: 'Error ENOENT' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('is acknowledged by the receiver’s receipt with a reference, and refuses a receipt without one', async () => {
    const connector = new DropFolderConnector(dir);
    fs.writeFileSync(path.join(dir, `${ID}.ack.json`), '{"ref": 1}');
    expect(await connector.attempt(item([Buffer.alloc(1)], () => undefined))).toEqual({ status: 'failed', error: 'receipt without a reference' });
    fs.writeFileSync(path.join(dir, `${ID}.ack.json`), '{"reference": "GEX/2026/7"}');
    expect(await connector.attempt(item([Buffer.alloc(1)], () => undefined))).toEqual({ status: 'acknowledged', reference: 'GEX/2026/7' });
  });
});
