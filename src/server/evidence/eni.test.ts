import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, xmllintSchema } from '../../../test/evidence-tools.ts';
import { buildEniDocument, buildEniFile, eniDocumentId, eniFileId } from './eni.ts';

describe('ENI metadata', () => {
  let dir = '';
  const at = new Date('2026-11-30T09:10:00.123Z');
  const write = (name: string, data: Buffer) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, data);
    return p;
  };
  beforeAll(() => {
    requireTool('xmllint');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-eni-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('builds identifiers as the NTI says, refusing malformed parts', () => {
    expect(eniDocumentId('L01080193', 2026, 'REGE2026000123')).toBe('ES_L01080193_2026_REGE2026000123');
    expect(eniFileId('L01080193', 2026, 'apt42')).toBe('ES_L01080193_2026_EXP_apt42');
    expect(() => eniDocumentId('L0108019', 2026, 'x')).toThrow(/DIR3/);
    expect(() => eniDocumentId('L01080193', 2026, 'a'.repeat(31))).toThrow();
    expect(() => eniDocumentId('L01080193', 2026, 'with_underscore')).toThrow();
  });

  it('writes a documento the official schema accepts, with a copy\'s origin and a CSV signature too', async () => {
    const original = buildEniDocument({
      identifier: eniDocumentId('L01080193', 2026, 'REC1'), organs: ['L01080193'], capturedAt: at, fromAdministration: true,
      elaborationState: 'EE01', documentType: 'TD99', file: 'recording.webm', format: 'webm', signatures: [{ type: 'TF04', reference: 'META-INF/signature.p7s' }],
    });
    const copy = buildEniDocument({
      identifier: eniDocumentId('L01080193', 2026, 'DOC2'), organs: ['L01080193', 'A09002971'], capturedAt: at, fromAdministration: false,
      elaborationState: 'EE02', originalId: 'ES_L01080193_2026_DOC1', documentType: 'TD14', file: 'documents/dni & <foto>.pdf', format: 'pdf',
      signatures: [{ type: 'TF01', csv: 'ABC123', csvRegulation: 'Decret d\'alcaldia 12/2026' }],
    });
    for (const [name, xml] of [['original.xml', original], ['copy.xml', copy]] as const) {
      const result = await xmllintSchema('eni/documentoEni.xsd', write(name, xml));
      expect(result.stderr, name).toContain('validates');
    }
    expect(original.toString()).toContain('<enidocmeta:FechaCaptura>2026-11-30T09:10:00Z</enidocmeta:FechaCaptura>');
    expect(() => buildEniDocument({
      identifier: 'x', organs: ['L01080193'], capturedAt: at, fromAdministration: false, elaborationState: 'EE03', documentType: 'TD14', file: 'f', format: 'pdf', signatures: [],
    })).toThrow(/original/);
  });

  it('writes an expediente index the official schema accepts, each document with its hash', async () => {
    const xml = buildEniFile({
      identifier: eniFileId('L01080193', 2026, 'apt42'), organs: ['L01080193'], openedAt: at, classification: '2960445', state: 'E02', interested: ['12345678Z'], indexedAt: at,
      documents: [{ identifier: eniDocumentId('L01080193', 2026, 'REC1'), sha256: 'ab'.repeat(32), addedAt: at }],
      indexSignatures: [{ type: 'TF04', reference: 'META-INF/signature.p7s' }],
    });
    const result = await xmllintSchema('eni/expedienteEni.xsd', write('exp.xml', xml));
    expect(result.stderr).toContain('validates');
    expect(xml.toString()).toContain(`<eniconexpind:ValorHuella>${Buffer.from('ab'.repeat(32), 'hex').toString('base64')}</eniconexpind:ValorHuella>`);
    // The schema is really checked: an unknown state is refused.
    const bad = xml.toString().replace('<eniexpmeta:Estado>E02<', '<eniexpmeta:Estado>E09<');
    expect((await xmllintSchema('eni/expedienteEni.xsd', write('bad.xml', Buffer.from(bad)))).code).toBe(3);
  });
});
