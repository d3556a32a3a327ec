import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('.env.example', () => {
  it('documents every variable the config module reads, and no other', () => {
    const source = fs.readFileSync(path.join(ROOT, 'src/server/config.ts'), 'utf8');
    const schema = source.slice(source.indexOf('const envSchema'), source.indexOf('});', source.indexOf('const envSchema')));
    const read = [...schema.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]).sort();
    const documented = [...fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    expect(read.length).toBeGreaterThan(10);
    expect(documented).toEqual(read);
  });
});
