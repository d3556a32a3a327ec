/**
 * Case management (`/staff/admin/integrations/case-management`): where the
 * organisation's sealed evidence is delivered, per connector kind. One
 * installation serves several town halls, so an administrator may set the
 * town hall's own receiver (REST or ENI: address, shared secret, timeout;
 * drop folder: a sub-folder of the installation's folder) instead of the
 * installation's default. A secret is written, never shown again: the form
 * only says whether one is set, and an empty secret field keeps it. "Send
 * a test" tries the receiver in use without creating a delivery.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_MANAGEMENT_LIMITS, DEFAULT_TIMEOUT_SECONDS } from '../../../../shared/case-management.ts';
import {
  fetchCaseManagement,
  resetCaseManagement,
  saveCaseManagement,
  testCaseManagement,
  type CaseManagementKind,
  type CaseManagementKindView,
} from '../../../api/admin-case-management-api.ts';
import { Loading, Tag } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { StaffConfirm } from '../../../components/staff-confirm.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { Feedback, formatInstant, problemsOf, usePageFeedback } from './integrations-common.tsx';
import { IntegrationsNav } from './integrations-scene.tsx';

/** A kind's element ids (`drop_folder` → `cm-drop-folder-…`). */
const idOf = (kind: CaseManagementKind, field: string) => `cm-${kind.replace('_', '-')}-${field}`;

/** The body the form sends: the timeout as a number when it is one (else as typed, for the server to refuse). */
function remoteBody(url: string, secret: string, timeout: string): Record<string, unknown> {
  const trimmed = timeout.trim();
  return { url, secret, ...(trimmed === '' ? {} : { timeoutSeconds: /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed }) };
}

/** Props of one kind's card. */
interface KindProps {
  view: CaseManagementKindView;
  dropFolderRoot: boolean;
  busy: boolean;
  onSave: (kind: CaseManagementKind, body: Record<string, unknown>, fieldIds: Record<string, string>) => void;
  onReset: (kind: CaseManagementKind) => void;
  onTest: (kind: CaseManagementKind) => void;
  errorOf: (fieldId: string) => string | undefined;
}

/** One connector kind: what it sends, what applies now, and the organisation's own setting. */
function KindCard({ view, dropFolderRoot, busy, onSave, onReset, onTest, errorOf }: KindProps) {
  const { t, i18n } = useTranslation();
  const { timeZone } = useOrganisation();
  const { kind, own, installation } = view;
  const k = `adminIntegrations.caseManagement.kinds.${kind}`;
  const [url, setUrl] = useState(own?.url ?? '');
  const [secret, setSecret] = useState('');
  const [timeout, setTimeoutValue] = useState(String(own?.timeoutSeconds ?? (kind === 'drop_folder' ? '' : DEFAULT_TIMEOUT_SECONDS[kind])));
  const [folder, setFolder] = useState(own?.folder ?? '');
  const [confirming, setConfirming] = useState(false);
  const headingId = idOf(kind, 'heading');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (kind === 'drop_folder') onSave(kind, { folder }, { folder: idOf(kind, 'folder') });
    else onSave(kind, remoteBody(url, secret, timeout), { url: idOf(kind, 'url'), secret: idOf(kind, 'secret'), timeoutSeconds: idOf(kind, 'timeout') });
  };

  const installationText = !installation.configured
    ? t('adminIntegrations.caseManagement.installation.none')
    : installation.origin
      ? t('adminIntegrations.caseManagement.installation.origin', { origin: installation.origin })
      : t('adminIntegrations.caseManagement.installation.configured');
  const inUse = own
    ? own.updatedBy
      ? t('adminIntegrations.caseManagement.inUse.ownBy', { date: formatInstant(own.updatedAt, timeZone, i18n.language), name: own.updatedBy })
      : t('adminIntegrations.caseManagement.inUse.own', { date: formatInstant(own.updatedAt, timeZone, i18n.language) })
    : installation.configured
      ? t('adminIntegrations.caseManagement.inUse.installation')
      : t('adminIntegrations.caseManagement.inUse.nothing');

  return (
    <section className="admin-section" aria-labelledby={headingId}>
      <h2 id={headingId} className="heading-m">
        {t(`${k}.title`)}
      </h2>
      <p className="body">{t(`${k}.sends`)}</p>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt className="summary-list__key">{t('adminIntegrations.caseManagement.installation.label')}</dt>
          <dd className="summary-list__value">{installationText}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t('adminIntegrations.caseManagement.procedures.label')}</dt>
          <dd className="summary-list__value">{t('adminIntegrations.caseManagement.procedures.count', { count: view.procedures })}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t('adminIntegrations.caseManagement.inUse.label')}</dt>
          {/* Polite live region: what applies now changes after saving or resetting. */}
          <dd className="summary-list__value" aria-live="polite" data-testid={idOf(kind, 'in-use')}>
            {own ? <Tag colour="blue">{t('adminIntegrations.caseManagement.inUse.ownTag')}</Tag> : null} {inUse}
          </dd>
        </div>
        {own && kind !== 'drop_folder' ? (
          <div className="summary-list__row">
            <dt className="summary-list__key">{t('adminIntegrations.caseManagement.fields.secret')}</dt>
            <dd className="summary-list__value">{own.hasSecret ? t('adminIntegrations.caseManagement.secretSet') : t('adminIntegrations.caseManagement.secretMissing')}</dd>
          </div>
        ) : null}
      </dl>

      {kind === 'drop_folder' && !dropFolderRoot ? (
        <p className="body">{t('adminIntegrations.caseManagement.noDropRoot')}</p>
      ) : (
        <form onSubmit={submit} noValidate aria-label={t(`${k}.formLabel`)}>
          {kind === 'drop_folder' ? (
            <TextField
              id={idOf(kind, 'folder')}
              name="folder"
              label={t('adminIntegrations.caseManagement.fields.folder')}
              hint={t('adminIntegrations.caseManagement.fields.folderHint')}
              value={folder}
              onChange={setFolder}
              error={errorOf(idOf(kind, 'folder'))}
              spellCheck={false}
              autoCapitalize="none"
              maxLength={64}
              width="two-thirds"
            />
          ) : (
            <>
              <TextField
                id={idOf(kind, 'url')}
                name="url"
                label={t('adminIntegrations.caseManagement.fields.url')}
                hint={t('adminIntegrations.caseManagement.fields.urlHint')}
                value={url}
                onChange={setUrl}
                error={errorOf(idOf(kind, 'url'))}
                spellCheck={false}
                autoCapitalize="none"
                maxLength={CASE_MANAGEMENT_LIMITS.urlMax}
              />
              <TextField
                id={idOf(kind, 'secret')}
                name="secret"
                type="password"
                autoComplete="new-password"
                label={t('adminIntegrations.caseManagement.fields.secret')}
                hint={own?.hasSecret ? t('adminIntegrations.caseManagement.fields.secretKeepHint', { min: CASE_MANAGEMENT_LIMITS.secretMin }) : t('adminIntegrations.caseManagement.fields.secretHint', { min: CASE_MANAGEMENT_LIMITS.secretMin })}
                value={secret}
                onChange={setSecret}
                error={errorOf(idOf(kind, 'secret'))}
                spellCheck={false}
                autoCapitalize="none"
                maxLength={CASE_MANAGEMENT_LIMITS.secretMax}
              />
              <TextField
                id={idOf(kind, 'timeout')}
                name="timeoutSeconds"
                label={t('adminIntegrations.caseManagement.fields.timeout')}
                hint={t('adminIntegrations.caseManagement.fields.timeoutHint', { min: CASE_MANAGEMENT_LIMITS.timeoutMin, max: CASE_MANAGEMENT_LIMITS.timeoutMax })}
                value={timeout}
                onChange={setTimeoutValue}
                error={errorOf(idOf(kind, 'timeout'))}
                inputMode="numeric"
                width="quarter"
              />
            </>
          )}
          <div className="button-group">
            <button type="submit" className="button" aria-disabled={busy}>
              {t(`${k}.save`)}
            </button>
            {own || (installation.configured && (kind !== 'drop_folder' || dropFolderRoot)) ? (
              <button type="button" className="button button--secondary" aria-disabled={busy} onClick={() => onTest(kind)}>
                {t('adminIntegrations.caseManagement.test')}
                <span className="visually-hidden"> {t(`${k}.title`)}</span>
              </button>
            ) : null}
            {own ? (
              <button type="button" className="button button--secondary" onClick={() => setConfirming(true)}>
                {t('adminIntegrations.caseManagement.reset')}
                <span className="visually-hidden"> {t(`${k}.title`)}</span>
              </button>
            ) : null}
          </div>
        </form>
      )}
      {confirming && own ? (
        <StaffConfirm id={idOf(kind, 'reset-heading')} title={t('adminIntegrations.caseManagement.resetTitle', { kind: t(`${k}.title`) })}>
          <p className="body">{installation.configured ? t('adminIntegrations.caseManagement.resetText') : t('adminIntegrations.caseManagement.resetTextNoDefault')}</p>
          <div className="button-group">
            <button
              type="button"
              className="button button--warning"
              aria-disabled={busy}
              onClick={() => {
                setConfirming(false);
                onReset(kind);
              }}
            >
              {t('adminIntegrations.caseManagement.resetConfirm')}
            </button>
            <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
              {t('adminIntegrations.integrations.cancel')}
            </button>
          </div>
        </StaffConfirm>
      ) : null}
    </section>
  );
}

/** The case-management page. */
export function CaseManagementPage() {
  const { t } = useTranslation();
  const session = useStaffSession();
  const feedback = usePageFeedback();
  useStaffPageTitle(t('adminIntegrations.caseManagement.title'), feedback.problems.length > 0);
  const [reload, setReload] = useState(0);
  const [state, retry] = useLoad((signal) => fetchCaseManagement(signal), [reload]);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>, fieldIds: Record<string, string> = {}) => {
    if (busy) return;
    feedback.start();
    setBusy(true);
    try {
      await action();
      setReload((n) => n + 1);
    } catch (error) {
      feedback.fail(problemsOf(error, t, 'caseManagement', fieldIds, (id) => (id === 'drop_folder_root_missing' ? fieldIds.folder : undefined)));
    } finally {
      setBusy(false);
    }
  };

  const save = (kind: CaseManagementKind, body: Record<string, unknown>, fieldIds: Record<string, string>) =>
    void run(async () => {
      await saveCaseManagement(session.csrfToken, kind, body);
      feedback.done(t('adminIntegrations.caseManagement.saved', { kind: t(`adminIntegrations.caseManagement.kinds.${kind}.title`) }));
    }, fieldIds);

  const reset = (kind: CaseManagementKind) =>
    void run(async () => {
      await resetCaseManagement(session.csrfToken, kind);
      feedback.done(t('adminIntegrations.caseManagement.resetDone', { kind: t(`adminIntegrations.caseManagement.kinds.${kind}.title`) }));
    });

  const test = (kind: CaseManagementKind) =>
    void run(async () => {
      const outcome = await testCaseManagement(session.csrfToken, kind);
      const values = { kind: t(`adminIntegrations.caseManagement.kinds.${kind}.title`), status: outcome.status ?? 0, error: outcome.error ?? '' };
      const whose = outcome.source === 'own' ? 'own' : 'installation';
      if (outcome.ok) feedback.done(t(`adminIntegrations.caseManagement.testOk.${whose}`, values));
      else feedback.fail([{ message: t(`adminIntegrations.caseManagement.testFailed.${whose}`, values) }]);
    });

  const data = state.status === 'ready' ? state.data : null;
  return (
    <>
      <Feedback feedback={feedback} />
      <PageHeading>{t('adminIntegrations.caseManagement.title')}</PageHeading>
      <IntegrationsNav />
      <p className="body">{t('adminIntegrations.caseManagement.intro')}</p>
      <p className="body">{t('adminIntegrations.caseManagement.mtls')}</p>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <LoadProblem error={state.error} onRetry={retry} /> : null}
      {data?.kinds.map((view) => (
        <KindCard
          // A new version of the setting starts the form afresh (and empties the secret field).
          key={`${view.kind}-${view.own?.updatedAt ?? 'default'}-${reload}`}
          view={view}
          dropFolderRoot={data.dropFolderRoot}
          busy={busy}
          onSave={save}
          onReset={reset}
          onTest={test}
          errorOf={feedback.errorOf}
        />
      ))}
    </>
  );
}
