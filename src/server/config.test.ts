import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('runs on embedded defaults: SQLite under ./data, port 3000, outbox mail', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.database).toMatchObject({ kind: 'sqlite' });
    expect(c.database.kind === 'sqlite' && c.database.file.endsWith('data/finestreta.sqlite')).toBe(true);
    expect(c.smtpUrl).toBeUndefined();
    expect(c.secure).toBe(false);
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SMTP_URL: 'http://mail', MAX_OPEN_APPOINTMENTS: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const v of ['PORT', 'DATABASE_URL', 'SMTP_URL', 'MAX_OPEN_APPOINTMENTS']) expect(problems).toContain(v);
  });

  it('chooses PostgreSQL from DATABASE_URL and secure cookies behind an https PUBLIC_URL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@db/finestreta', PUBLIC_URL: 'https://cita.example.cat/' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@db/finestreta' });
    expect(c.publicUrl).toBe('https://cita.example.cat');
    expect(c.secure).toBe(true);
  });

  it('configures the ENI remission connector only with its URL and secret, and mutual TLS only with certificate and key', () => {
    expect(loadConfig({}).delivery.eni).toBeNull();
    const c = loadConfig({ DELIVERY_ENI_URL: 'https://gestor.example.cat/eni', DELIVERY_ENI_SECRET: 'a secret of sixteen+' });
    expect(c.delivery.eni).toMatchObject({ url: 'https://gestor.example.cat/eni', secret: 'a secret of sixteen+', timeoutMs: 120_000, clientCert: undefined });
    expect(() => loadConfig({ DELIVERY_ENI_URL: 'https://gestor.example.cat/eni' })).toThrow(/DELIVERY_ENI_SECRET/);
    expect(() => loadConfig({ DELIVERY_ENI_URL: 'ftp://gestor.example.cat/eni', DELIVERY_ENI_SECRET: 'a secret of sixteen+' })).toThrow(/DELIVERY_ENI_URL/);
    expect(() => loadConfig({ DELIVERY_ENI_URL: 'https://gestor.example.cat/eni', DELIVERY_ENI_SECRET: 'a secret of sixteen+', DELIVERY_ENI_CLIENT_CERT: 'client.pem' })).toThrow(/DELIVERY_ENI_CLIENT_KEY/);
  });
});
