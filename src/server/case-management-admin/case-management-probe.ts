import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CaseManagementKind, CaseManagementProbeView } from '../../shared/case-management.ts';
import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { summariseError } from '../adapters/connectors/connector.ts';
import { SignedPoster } from '../adapters/connectors/signed-post.ts';
import { openSecret } from '../security/master-key.ts';
import { signatureHeader } from '../webhooks/webhook.signature.ts';
import { caseManagementRepo } from './case-management-admin.repo.ts';
import { secretContext } from './case-management-admin.service.ts';

/** The longest a test waits for the receiver: an administrator is waiting on the page (deliveries keep their own timeout). */
const PROBE_TIMEOUT_MS = 15_000;

/** Where the receiver in use for a kind is, and with what: the organisation's own setting, else the installation's. */
async function targetOf(
  ctx: AppContext,
  org: Organisation,
  kind: CaseManagementKind,
): Promise<{ source: 'own' | 'installation'; url?: string; secret?: string; timeoutMs?: number; dir?: string }> {
  const { delivery } = ctx.config;
  const own = await caseManagementRepo.setting(ctx.db, org.id, kind);
  if (own) {
    if (kind === 'drop_folder') {
      if (delivery.dropDir === null || own.folder === null) throw errors.conflict('drop_folder_root_missing');
      return { source: 'own', dir: path.join(delivery.dropDir, own.folder) };
    }
    if (own.url === null || own.secret_sealed === null || own.timeout_seconds === null) throw errors.conflict('case_management_not_configured');
    let secret: string;
    try {
      secret = openSecret(ctx.masterKey, own.secret_sealed, secretContext(org.id, kind));
    } catch {
      throw errors.conflict('case_management_secret_unreadable');
    }
    return { source: 'own', url: own.url, secret, timeoutMs: own.timeout_seconds * 1000 };
  }
  if (kind === 'drop_folder') {
    if (delivery.dropDir === null) throw errors.conflict('case_management_not_configured');
    return { source: 'installation', dir: delivery.dropDir };
  }
  const remote = kind === 'rest' ? delivery.rest : delivery.eni;
  if (!remote) throw errors.conflict('case_management_not_configured');
  return { source: 'installation', url: remote.url, secret: remote.secret, timeoutMs: remote.timeoutMs };
}

/**
 * Tries the receiver in use for one kind without creating a delivery:
 * REST/ENI get one signed POST (`Finestreta-Test: 1`, a JSON body naming no
 * citizen: `{ test: true, testId, organisation: { dir3 }, sentAt }`, signed
 * like deliveries), and any 2xx counts as reachable; a drop folder gets a
 * hidden probe file written, flushed and removed. Answers the outcome with
 * a short reason — never the receiver's body, the URL or the secret.
 */
export async function probeReceiver(ctx: AppContext, org: Organisation, kind: CaseManagementKind): Promise<CaseManagementProbeView> {
  const target = await targetOf(ctx, org, kind);
  const testId = randomUUID();
  if (target.dir !== undefined) {
    const file = path.join(target.dir, `.finestreta-probe-${testId}.tmp`);
    try {
      const handle = await open(file, 'wx', 0o640);
      try {
        await handle.writeFile(`${JSON.stringify({ test: true, testId })}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
        await rm(file, { force: true });
      }
      return { ok: true, source: target.source, status: null, error: null };
    } catch (error) {
      return { ok: false, source: target.source, status: null, error: summariseError(error) };
    }
  }
  const now = ctx.clock.now();
  const body = JSON.stringify({ test: true, testId, organisation: { dir3: org.dir3 }, sentAt: now.toISOString() });
  const timestamp = Math.floor(now.getTime() / 1000);
  const poster = new SignedPoster({ url: target.url ?? '', timeoutMs: Math.min(target.timeoutMs ?? PROBE_TIMEOUT_MS, PROBE_TIMEOUT_MS), ...ctx.config.delivery.tls[kind === 'eni' ? 'eni' : 'rest'] });
  try {
    const answer = await poster.post(
      {
        'content-type': 'application/json',
        'user-agent': 'Finestreta-Delivery/1',
        'finestreta-test': '1',
        'finestreta-delivery-id': testId,
        'finestreta-timestamp': String(timestamp),
        'finestreta-signature': signatureHeader(target.secret ?? '', timestamp, body),
      },
      body,
    );
    const ok = answer.status >= 200 && answer.status < 300;
    return { ok, source: target.source, status: answer.status, error: ok ? null : `HTTP ${answer.status}` };
  } catch (error) {
    return { ok: false, source: target.source, status: null, error: summariseError(error) };
  }
}
