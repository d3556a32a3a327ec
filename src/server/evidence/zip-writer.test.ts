import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeRecording } from '../../../test/evidence-package.ts';
import { requireTool, runTool } from '../../../test/evidence-tools.ts';
import { ZipWriter } from './zip-writer.ts';

describe('the streaming ZIP writer', () => {
  let dir = '';
  beforeAll(() => {
    requireTool('unzip');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-zip-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([false, true])('writes archives unzip checks entry by entry (CRC included), ZIP64 records forced: %s', async (forceZip64) => {
    const file = path.join(dir, `a-${forceZip64}.zip`);
    const zip = new ZipWriter(fs.createWriteStream(file), { forceZip64, date: new Date('2026-11-30T10:20:30Z') });
    await zip.addBuffer('mimetype', Buffer.from('text/plain'));
    await zip.addStream('big/recording.bin', fakeRecording(1_500_000));
    await zip.addStream('àccents i espais.txt', [Buffer.from('hola')], { sizeHint: 4 });
    await zip.finish();
    const test = await runTool('unzip', ['-t', file]);
    expect(test.stdout).toContain('No errors detected');
    const list = await runTool('unzip', ['-l', file]);
    expect(list.stdout).toContain('1500000');
    expect(list.stdout).toContain('2026-11-30 10:20');
    expect(list.stdout).toContain('àccents i espais.txt');
    if (forceZip64) {
      const z = await runTool('zipinfo', ['-v', file]);
      expect(z.stdout).toContain('PKWARE 64-bit sizes');
    }
  });

  it('refuses duplicate and escaping names, and reports a failing destination', async () => {
    const zip = new ZipWriter(new PassThrough().resume());
    await zip.addBuffer('a.txt', Buffer.from('a'));
    await expect(zip.addBuffer('a.txt', Buffer.from('b'))).rejects.toThrow(/duplicate/);
    await expect(zip.addBuffer('../etc/passwd', Buffer.from('x'))).rejects.toThrow(/invalid entry name/);
    await expect(zip.addBuffer('/abs', Buffer.from('x'))).rejects.toThrow(/invalid entry name/);
    const broken = new PassThrough({ highWaterMark: 1 });
    const failing = new ZipWriter(broken);
    const pending = failing.addStream('x.bin', fakeRecording(1_000_000));
    broken.destroy(new Error('disk full'));
    await expect(pending).rejects.toThrow(/disk full/);
  });
});
