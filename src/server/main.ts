import { buildApp } from './app.ts';
import { closeContext, createContext } from './bootstrap.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startHousekeeping } from './housekeeping.ts';
import { seedDemoIfEmpty } from './seed/demo.seed.ts';

/** Starts Finestreta: config → database → demo seed (first start) → HTTP → mail dispatcher. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
      process.exit(2);
    }
    throw error;
  }
  const ctx = await createContext(config);
  const seeded = config.seedDemo ? await seedDemoIfEmpty(ctx.db, ctx.clock.now()) : null;
  const app = await buildApp(ctx);
  await app.http.listen({ port: config.port, host: config.host });
  app.mailer.start(10_000);
  const stopHousekeeping = startHousekeeping(ctx, 10 * 60_000);
  void app.mailer.runDue();
  app.webhooks.start(10_000);
  app.jobs.start(config.jobsPollSeconds * 1000);
  app.documents.start(5_000);
  app.deliveries.start(config.delivery.pollSeconds * 1000);
  // Retention periods are days long: a round every quarter of an hour is timely enough.
  app.retention.start(15 * 60_000);

  const lines = [
    '',
    '  Finestreta is running.',
    `    Citizen booking:   ${config.publicUrl}/`,
    `    Health:            ${config.publicUrl}/healthz   ${config.publicUrl}/readyz`,
    ctx.mail.kind === 'outbox' && config.env !== 'production'
      ? `    Sent mail (dev):   ${config.publicUrl}/dev/mail   (files in ${config.dataDir}/outbox)`
      : `    Mail:              SMTP`,
    `    Database:          ${config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL'}`,
    `    Event bus:         ${app.bus.kind === 'redis' ? 'Redis (nodes share waiting rooms and calls)' : 'in-process (one node)'}`,
  ];
  if (seeded) {
    lines.push('', '  Demo municipality created. Staff accounts (passwords are shown only this once):');
    for (const a of seeded.accounts) lines.push(`    ${a.role.padEnd(10)} ${a.email.padEnd(34)} ${a.password}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  const shutdown = async (signal: string) => {
    ctx.log.info({ signal }, 'shutting down');
    stopHousekeeping();
    await app.jobs.stop();
    await app.documents.stop();
    await app.deliveries.stop();
    await app.retention.stop();
    await app.mailer.stop();
    await app.webhooks.stop();
    await app.http.close();
    await closeContext(ctx);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Finestreta failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
