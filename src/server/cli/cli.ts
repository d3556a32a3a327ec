import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { closeContext, createContext } from '../bootstrap.ts';
import { ConfigError, loadConfig } from '../config.ts';
import type { AppContext } from '../context.ts';
import { migrateToLatest } from '../db/database.ts';
import { organisationRepo } from '../organisations/organisation.repo.ts';
import { API_SCOPES, createApiKey } from '../staff/api-keys.service.ts';
import { createStaff, STAFF_ROLES } from '../staff/staff.service.ts';
import { setOidcProvider } from '../staff/oidc.service.ts';
import { isUniqueViolation } from '../db/database.ts';
import { verifyAudit } from '../audit/audit.service.ts';
import { anchorAuditHeads, verifyAuditAnchors } from '../audit/audit-anchor.ts';
import { verifyMain } from './verify-main.ts';

const USAGE = `Usage: finestreta <command> [options]

Commands:
  migrate                                    apply pending database migrations
  api-key create --name <name> [--scopes s1,s2] [--org <slug>]
                                             create an API key; the key is printed on the last line
  user create --role <agent|supervisor|admin> --email <email> [--name <display name>] [--office <name|id>] [--org <slug>]
                                             create a staff account; the password is read from stdin;
                                             it joins the given office, or the organisation's only one
  office create --name <name> [--org <slug>]
                                             add an office (staff then join it with user create --office)
  oidc set --issuer <https url> --client-id <id> [--org <slug>]
                                             staff sign in through this OpenID Connect provider;
                                             the client secret is read from stdin
  audit verify [--org <slug>]                walk the audit trail's hash chain of each organisation (or one) and
                                             check it against its anchors outside the database (AUDIT_ANCHOR_DIR);
                                             exit 0 when intact, else 1 naming the first missing or changed entry
  audit anchor                               anchor each organisation's audit chain head now (the server does it
                                             every 10 minutes)
  verify <package.asice> [--schemas <shared/standards>] [--ca <pem>]...
                                             check an evidence package: mimetype, every digest, the seal's
                                             CAdES signature and certificate, the timestamp, the event chain;
                                             exit 0 when valid, else 1 naming the first thing wrong

Configuration comes from the environment (see .env.example), as for the server.`;

/** A failure the operator can fix; printed without a stack trace. */
class CliError extends Error {}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Secret (end with Enter, then Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function organisationId(ctx: AppContext, slug: string | undefined): Promise<string> {
  const wanted = slug ?? ctx.config.defaultOrganisation;
  if (wanted) {
    const org = await organisationRepo.bySlug(ctx.db, wanted);
    if (!org) throw new CliError(`No organisation with slug "${wanted}".`);
    return org.id;
  }
  const orgs = await organisationRepo.firstTwo(ctx.db);
  if (orgs.length === 1 && orgs[0]) return orgs[0].id;
  throw new CliError(orgs.length === 0 ? 'No organisation yet: start the server once (it seeds the demo) or seed one.' : 'Several organisations: choose one with --org <slug>.');
}

/**
 * The office a new member of staff joins: the one named (by name or id) or,
 * when the organisation has a single office, that one. Without an office an
 * agent sees no appointments, so say so rather than guess among several.
 */
async function officeFor(ctx: AppContext, orgId: string, wanted: string | undefined): Promise<{ id: string; name: string } | null> {
  const offices = await ctx.db.selectFrom('offices').select(['id', 'name']).where('organisation_id', '=', orgId).execute();
  const office = wanted ? offices.find((o) => o.id === wanted || o.name === wanted) : offices.length === 1 ? offices[0] : undefined;
  if (wanted && !office) throw new CliError(`No office "${wanted}". Offices: ${offices.map((o) => o.name).join(', ') || 'none'}.`);
  return office ?? null;
}

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      org: { type: 'string' },
      role: { type: 'string' },
      email: { type: 'string' },
      office: { type: 'string' },
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      schemas: { type: 'string' },
      ca: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || command === '' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals[0] === 'verify') {
    // Needs no database or configuration: anyone holding a package can check it.
    process.exitCode = await verifyMain(argv);
    return;
  }
  const known = ['migrate', 'api-key create', 'user create', 'oidc set', 'office create', 'audit verify', 'audit anchor'];
  if (!known.includes(command)) throw new CliError(`Unknown command "${command}".\n\n${USAGE}`);

  const ctx = await createContext(loadConfig(), { migrate: command !== 'migrate' });
  try {
    if (command === 'migrate') {
      const applied = await migrateToLatest(ctx.db);
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
    } else if (command === 'api-key create') {
      if (!values.name) throw new CliError('api-key create needs --name <name>.');
      const scopes = values.scopes ? values.scopes.split(',').map((s) => s.trim()) : [...API_SCOPES];
      const unknown = scopes.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
      if (unknown.length) throw new CliError(`Unknown scope(s): ${unknown.join(', ')}. Known: ${API_SCOPES.join(', ')}.`);
      const orgId = await organisationId(ctx, values.org);
      const { id, key } = await createApiKey(ctx.db, orgId, values.name, scopes, new Date());
      process.stdout.write(`API key "${values.name}" created (id ${id}, scopes ${scopes.join(', ')}). It is shown only now:\n${key}\n`);
    } else if (command === 'audit verify') {
      const orgs = values.org
        ? [await organisationRepo.bySlug(ctx.db, values.org)].filter((o) => o !== undefined)
        : await ctx.db.selectFrom('organisations').selectAll().orderBy('slug').execute();
      if (orgs.length === 0) throw new CliError(values.org ? `No organisation with slug "${values.org}".` : 'No organisation yet.');
      let broken = false;
      for (const org of orgs) {
        const verdict = await verifyAudit(ctx.db, org.id);
        if (!verdict.ok) {
          broken = true;
          process.stderr.write(`${org.slug}: BROKEN at entry ${String(verdict.seq)}: ${verdict.problem} (${String(verdict.rows)} entries before it are intact)\n`);
          continue;
        }
        // An intact chain may still have lost its newest entries: the anchors outside the database say.
        const anchors = await verifyAuditAnchors(ctx.db, ctx.config.auditAnchorDir, ctx.masterKey, org.id);
        if (!anchors.ok) {
          broken = true;
          process.stderr.write(`${org.slug}: BROKEN at entry ${String(anchors.seq)}: ${anchors.problem}\n`);
        } else {
          const anchored = anchors.anchoredAt ? `anchored up to entry ${String(anchors.anchoredSeq)} (${anchors.anchoredAt})` : 'not anchored yet';
          process.stdout.write(`${org.slug}: ${String(verdict.rows)} entries, chain intact, ${anchored}\n`);
        }
      }
      if (broken) process.exitCode = 1;
    } else if (command === 'audit anchor') {
      const written = await anchorAuditHeads(ctx);
      process.stdout.write(`${String(written)} chain head(s) anchored in ${ctx.config.auditAnchorDir}\n`);
    } else if (command === 'office create') {
      const name = values.name?.trim();
      if (!name) throw new CliError('office create needs --name <name>.');
      const orgId = await organisationId(ctx, values.org);
      const existing = await ctx.db.selectFrom('offices').select('id').where('organisation_id', '=', orgId).where('name', '=', name).executeTakeFirst();
      if (existing) throw new CliError(`An office named "${name}" already exists.`);
      const id = randomUUID();
      await ctx.db.insertInto('offices').values({ id, organisation_id: orgId, name, created_at: new Date().toISOString() }).execute();
      process.stdout.write(`Office "${name}" created (id ${id}).\n`);
    } else if (command === 'oidc set') {
      if (!values.issuer || !values['client-id']) throw new CliError('oidc set needs --issuer <url> and --client-id <id>.');
      const orgId = await organisationId(ctx, values.org);
      const clientSecret = (await readStdin()).trim();
      if (!clientSecret) throw new CliError('Give the client secret on stdin.');
      try {
        await setOidcProvider(ctx, orgId, { issuer: values.issuer, clientId: values['client-id'], clientSecret });
      } catch (error) {
        throw new CliError(error instanceof Error ? error.message : String(error));
      }
      process.stdout.write(`Staff of this organisation can now sign in through ${values.issuer}. Register this redirect URI there: ${ctx.config.publicUrl}/o/<slug>/api/staff/oidc/callback (or your host name's).\n`);
    } else {
      if (!values.role || !(STAFF_ROLES as readonly string[]).includes(values.role)) {
        throw new CliError(`user create needs --role ${STAFF_ROLES.join('|')}.`);
      }
      if (!values.email) throw new CliError('user create needs --email <email>.');
      const orgId = await organisationId(ctx, values.org);
      const office = await officeFor(ctx, orgId, values.office);
      const password = await readStdin();
      try {
        const staff = await createStaff(
          ctx.db,
          orgId,
          { email: values.email, role: values.role as (typeof STAFF_ROLES)[number], displayName: values.name ?? values.email, password },
          new Date(),
        );
        if (office) await ctx.db.insertInto('staff_offices').values({ staff_id: staff.id, office_id: office.id }).execute();
        process.stdout.write(
          `User ${staff.email} created with role ${staff.role} (id ${staff.id})${office ? `, in office "${office.name}"` : ', in no office yet (it will see no agenda)'}.\n`,
        );
      } catch (error) {
        if (error instanceof ZodError) {
          throw new CliError(error.issues.map((i) => `${i.path.join('.')}: ${i.message === 'password_too_short' ? 'the password needs at least 12 characters' : i.message}`).join('\n'));
        }
        if (isUniqueViolation(error)) throw new CliError(`A user with email ${values.email} already exists.`);
        throw error;
      }
    }
  } finally {
    await closeContext(ctx);
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError || error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof TypeError && 'code' in error && String((error as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
