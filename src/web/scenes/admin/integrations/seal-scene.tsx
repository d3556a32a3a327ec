/**
 * Organ seal (`/staff/admin/seal`): which seal signs receipts and evidence
 * packages now — the one installed here, the configured file or the
 * development TEST SEAL (with a warning: it has no legal value) — with its
 * certificate's details; a form to install a new PKCS#12 with its password,
 * which the server checks and refuses saying why; and the seals installed
 * before, kept because older evidence was signed with them.
 */
import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchSeal, installSeal, MAX_SEAL_FILE_BYTES, type SealOverviewView } from '../../../api/admin-integrations-api.ts';
import { Loading, Tag, WarningText } from '../../../components/content.tsx';
import { describedBy, ErrorMessage } from '../../../components/error-message.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { StaffTable } from '../../../components/staff-table.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { Feedback, formatInstant, problemsOf, usePageFeedback } from './integrations-common.tsx';

type Certificate = NonNullable<SealOverviewView['inUse']>['certificate'];

/** Extended key usages people may recognise, by OID. */
const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.36': 'documentSigning',
  '1.3.6.1.4.1.311.10.3.12': 'Microsoft Document Signing',
  '1.2.840.113583.1.1.5': 'Adobe Authentic Documents Trust',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** The server's refusals that are about the password; every other seal refusal is about the file. */
const PASSWORD_ERRORS = new Set(['seal_wrong_password']);

/** The certificate's details as a summary list. */
function CertificateDetails({ certificate, timeZone }: { certificate: Certificate; timeZone: string }) {
  const { t, i18n } = useTranslation();
  const rows: [string, string][] = [
    [t('adminIntegrations.seal.details.subject'), certificate.subject],
    [t('adminIntegrations.seal.details.issuer'), certificate.issuer],
    [t('adminIntegrations.seal.details.serial'), certificate.serial],
    [t('adminIntegrations.seal.details.notBefore'), formatInstant(certificate.notBefore, timeZone, i18n.language)],
    [t('adminIntegrations.seal.details.notAfter'), formatInstant(certificate.notAfter, timeZone, i18n.language)],
    [
      t('adminIntegrations.seal.details.keyUsage'),
      certificate.keyUsage === null ? t('adminIntegrations.seal.details.keyUsageAny') : certificate.keyUsage.map((u) => t(`adminIntegrations.seal.keyUsage.${u}`)).join(', '),
    ],
    [
      t('adminIntegrations.seal.details.extKeyUsage'),
      certificate.extKeyUsage === null ? t('adminIntegrations.seal.details.none') : certificate.extKeyUsage.map((oid) => (EKU_NAMES[oid] ? `${EKU_NAMES[oid]} (${oid})` : oid)).join(', '),
    ],
    [t('adminIntegrations.seal.details.key'), certificate.keyType],
    [t('adminIntegrations.seal.details.fingerprint'), certificate.fingerprint],
  ];
  return (
    <dl className="summary-list">
      {rows.map(([key, value]) => (
        <div key={key} className="summary-list__row">
          <dt className="summary-list__key">{key}</dt>
          <dd className="summary-list__value seal-value">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The seal that signs now, and where it comes from. */
function InUse({ view, timeZone }: { view: SealOverviewView; timeZone: string }) {
  const { t, i18n } = useTranslation();
  if (!view.inUse) return <WarningText>{t('adminIntegrations.seal.inUse.unavailable')}</WarningText>;
  const { source, certificate } = view.inUse;
  return (
    <>
      <p className="body">
        <Tag colour={source === 'development' ? 'red' : source === 'installed' ? 'green' : 'blue'}>{t(`adminIntegrations.seal.source.${source}`)}</Tag>
      </p>
      <p className="body">{t(`adminIntegrations.seal.sourceText.${source}`)}</p>
      {source === 'development' || view.inUse.isTest ? <WarningText>{t('adminIntegrations.seal.inUse.testWarning')}</WarningText> : null}
      {view.expiry ? (
        <WarningText>
          {view.expiry.daysLeft < 0
            ? t('adminIntegrations.seal.expiry.expired', { date: formatInstant(view.expiry.notAfter, timeZone, i18n.language) })
            : t('adminIntegrations.seal.expiry.soon', { days: view.expiry.daysLeft, date: formatInstant(view.expiry.notAfter, timeZone, i18n.language) })}
        </WarningText>
      ) : null}
      <CertificateDetails certificate={certificate} timeZone={timeZone} />
    </>
  );
}

/** The seals installed from the console, the one in use first. */
function History({ view, timeZone }: { view: SealOverviewView; timeZone: string }) {
  const { t, i18n } = useTranslation();
  if (view.history.length === 0) return <p className="body">{t('adminIntegrations.seal.history.none')}</p>;
  return (
    <StaffTable
      id="seal-history"
      caption={t('adminIntegrations.seal.history.caption')}
      columns={[
        t('adminIntegrations.seal.details.subject'),
        t('adminIntegrations.seal.details.serial'),
        t('adminIntegrations.seal.details.notAfter'),
        t('adminIntegrations.seal.history.installed'),
        t('adminIntegrations.seal.history.state'),
      ]}
    >
      {view.history.map((seal) => (
        <tr key={seal.id}>
          <td className="seal-value">{seal.subject}</td>
          <td className="seal-value">{seal.serial}</td>
          <td>{formatInstant(seal.notAfter, timeZone, i18n.language)}</td>
          <td>
            {formatInstant(seal.installedAt, timeZone, i18n.language)}
            {seal.installedBy ? ` — ${seal.installedBy}` : ''}
          </td>
          <td>
            {seal.replacedAt === null ? (
              <Tag colour="green">{t('adminIntegrations.seal.history.inUse')}</Tag>
            ) : (
              t('adminIntegrations.seal.history.replaced', { date: formatInstant(seal.replacedAt, timeZone, i18n.language) })
            )}
          </td>
        </tr>
      ))}
    </StaffTable>
  );
}

/** The organ seal page. */
export function SealScene() {
  const { t } = useTranslation();
  const session = useStaffSession();
  const { timeZone } = useOrganisation();
  const feedback = usePageFeedback();
  useStaffPageTitle(t('adminIntegrations.seal.title'), feedback.problems.length > 0);
  const [state, retry] = useLoad((signal) => fetchSeal(signal), []);
  const [installed, setInstalled] = useState<SealOverviewView | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const view = installed ?? (state.status === 'ready' ? state.data : null);

  const choose = (event: ChangeEvent<HTMLInputElement>) => setFile(event.target.files?.[0] ?? null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    feedback.start();
    const problems = [
      ...(file === null
        ? [{ message: t('adminIntegrations.seal.errors.file.required'), fieldId: 'seal-file' }]
        : file.size > MAX_SEAL_FILE_BYTES
          ? [{ message: t('adminIntegrations.seal.errors.file.seal_file_too_large', { maxKb: MAX_SEAL_FILE_BYTES / 1024 }), fieldId: 'seal-file' }]
          : []),
      ...(password === '' ? [{ message: t('adminIntegrations.seal.errors.password.required'), fieldId: 'seal-password' }] : []),
    ];
    if (problems.length > 0 || file === null) {
      feedback.fail(problems);
      return;
    }
    setBusy(true);
    try {
      const next = await installSeal(session.csrfToken, file, password);
      setInstalled(next);
      setFile(null);
      setPassword('');
      if (fileInput.current) fileInput.current.value = '';
      feedback.done(t('adminIntegrations.seal.install.done'), t('adminIntegrations.seal.install.doneDetail'));
    } catch (error) {
      // A wrong password is cleared, as a sign-in form does.
      setPassword('');
      feedback.fail(
        problemsOf(error, t, 'seal', { file: 'seal-file', password: 'seal-password' }, (id) =>
          PASSWORD_ERRORS.has(id) ? 'seal-password' : id.startsWith('seal_') ? 'seal-file' : undefined,
        ),
      );
    } finally {
      setBusy(false);
    }
  };

  const fileError = feedback.errorOf('seal-file');
  return (
    <>
      <Feedback feedback={feedback} />
      <PageHeading>{t('adminIntegrations.seal.title')}</PageHeading>
      <p className="body">{t('adminIntegrations.seal.intro')}</p>

      <section aria-labelledby="seal-in-use-heading">
        <h2 id="seal-in-use-heading" className="heading-m">
          {t('adminIntegrations.seal.inUse.heading')}
        </h2>
        {state.status === 'loading' && !view ? <Loading /> : null}
        {state.status === 'error' && !view ? <LoadProblem error={state.error} onRetry={retry} /> : null}
        {view ? <InUse view={view} timeZone={timeZone} /> : null}
      </section>

      <section aria-labelledby="seal-install-heading" className="admin-section">
        <h2 id="seal-install-heading" className="heading-m">
          {t('adminIntegrations.seal.install.heading')}
        </h2>
        <p className="body">{t('adminIntegrations.seal.install.intro')}</p>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <div className={fileError ? 'form-group form-group--error' : 'form-group'}>
            <label className="label" htmlFor="seal-file">
              {t('adminIntegrations.seal.install.file')}
            </label>
            <div id="seal-file-hint" className="hint">
              {t('adminIntegrations.seal.install.fileHint', { maxKb: MAX_SEAL_FILE_BYTES / 1024 })}
            </div>
            {fileError ? <ErrorMessage id="seal-file-error" message={fileError} /> : null}
            <input
              ref={fileInput}
              id="seal-file"
              name="file"
              type="file"
              accept=".p12,.pfx,application/x-pkcs12"
              className="doc-file-input"
              aria-describedby={describedBy('seal-file-hint', fileError ? 'seal-file-error' : undefined)}
              aria-invalid={fileError ? true : undefined}
              onChange={choose}
            />
          </div>
          <TextField
            id="seal-password"
            name="password"
            type="password"
            label={t('adminIntegrations.seal.install.password')}
            hint={t('adminIntegrations.seal.install.passwordHint')}
            value={password}
            onChange={setPassword}
            error={feedback.errorOf('seal-password')}
            autoComplete="off"
            width="two-thirds"
          />
          <button type="submit" className="button" aria-disabled={busy}>
            {busy ? t('adminIntegrations.seal.install.busy') : t('adminIntegrations.seal.install.submit')}
          </button>
        </form>
      </section>

      <section aria-labelledby="seal-history-heading" className="admin-section">
        <h2 id="seal-history-heading" className="heading-m">
          {t('adminIntegrations.seal.history.heading')}
        </h2>
        <p className="body">{t('adminIntegrations.seal.history.intro')}</p>
        {view ? <History view={view} timeZone={timeZone} /> : null}
      </section>
    </>
  );
}
