/**
 * Data-protection requests in the administration console
 * (`/staff/admin/data-protection`, issue 7): an administrator finds a
 * citizen by identity number and/or email, sees each appointment with what
 * is held and what erasure would do, downloads everything as a ZIP, and
 * erases it after typing the identity number (or email) again. Unfinished
 * appointments are kept, not cancelled behind anyone's back: the page says
 * to cancel them first. Every step is in the audit trail.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { DataProtectionEraseView, DataProtectionSearchView } from '../../../../shared/data-protection.ts';
import { dataExportUrl, eraseDataSubject, searchDataSubject } from '../../../api/admin-data-protection-api.ts';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { StaffSuccessBanner } from '../../../components/staff-banner.tsx';
import { StaffConfirm } from '../../../components/staff-confirm.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { formatInstantTime } from '../../../i18n/format.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { refusalProblems, usePageMessages } from '../people/people-shared.tsx';
import { AppointmentsTable, EraseResults } from './data-protection-tables.tsx';

const FIELDS: Record<string, string> = { idNumber: 'dp-id-number', email: 'dp-email', confirmation: 'dp-confirmation' };

/** The page. */
export function DataProtectionScene() {
  const { t } = useTranslation();
  const { csrfToken } = useStaffSession();
  const page = usePageMessages();
  const [idNumber, setIdNumber] = useState('');
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<DataProtectionSearchView | null>(null);
  const [erased, setErased] = useState<DataProtectionEraseView | null>(null);
  useStaffPageTitle(t('adminDataProtection.title'), page.problems.length > 0);

  const fieldOf = (path: string) => FIELDS[path.split('.')[0] ?? ''] ?? null;
  const messageOf = (_path: string, code: string) => t(`adminDataProtection.errors.${code}`, { defaultValue: t('adminDataProtection.errors.invalid') });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    page.start();
    setBusy(true);
    setErased(null);
    try {
      setFound(await searchDataSubject(csrfToken, { idNumber, email }));
    } catch (error) {
      setFound(null);
      page.fail(refusalProblems(error, t, fieldOf, messageOf));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {page.notice ? <StaffSuccessBanner message={page.notice.message} detail={page.notice.detail} /> : null}
      <ErrorSummary errors={page.problems} focusKey={page.submits} />
      <PageHeading>{t('adminDataProtection.title')}</PageHeading>
      <p className="body">{t('adminDataProtection.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate role="search" aria-label={t('adminDataProtection.search.label')}>
        <TextField
          id="dp-id-number"
          name="idNumber"
          label={t('adminDataProtection.search.idNumber')}
          hint={t('adminDataProtection.search.idNumberHint')}
          value={idNumber}
          onChange={setIdNumber}
          error={page.errorOf('dp-id-number')}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={40}
          width="half"
        />
        <TextField
          id="dp-email"
          name="email"
          type="email"
          label={t('adminDataProtection.search.email')}
          hint={t('adminDataProtection.search.emailHint')}
          value={email}
          onChange={setEmail}
          error={page.errorOf('dp-email')}
          autoComplete="off"
          spellCheck={false}
          width="two-thirds"
        />
        <button type="submit" className="button" aria-disabled={busy}>
          {busy ? t('adminDataProtection.search.searching') : t('adminDataProtection.search.submit')}
        </button>
      </form>
      {found ? (
        <Found
          key={found.subject}
          found={found}
          page={page}
          onErased={(view) => {
            // The list found before is out of date now: the outcome replaces it (search again to see what is left).
            setFound(null);
            setErased(view);
          }}
        />
      ) : null}
      {erased ? <EraseResults view={erased} /> : null}
    </>
  );
}

type PageMessages = ReturnType<typeof usePageMessages>;

/** What the search found, the export link and the erasure. */
function Found({ found, onErased, page }: { found: DataProtectionSearchView; onErased: (view: DataProtectionEraseView) => void; page: PageMessages }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const organisation = useOrganisation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  const count = found.appointments.length;
  return (
    <section aria-labelledby="dp-found">
      <h2 id="dp-found" ref={heading} tabIndex={-1} className="heading-m">
        {t('adminDataProtection.found.title', { count })}
      </h2>
      {count === 0 ? (
        <p className="body">{t('adminDataProtection.found.none')}</p>
      ) : (
        <>
          <AppointmentsTable appointments={found.appointments} />
          <p className="body">{t('adminDataProtection.found.validUntil', { time: formatInstantTime(found.expiresAt, organisation.timeZone, language) })}</p>
          <h2 className="heading-m">{t('adminDataProtection.export.title')}</h2>
          <p className="body">{t('adminDataProtection.export.body')}</p>
          <p className="body">
            <a href={dataExportUrl(found.subject)} download className="button button--secondary">
              {t('adminDataProtection.export.download', { count })}
            </a>
          </p>
          <Erase found={found} onErased={onErased} page={page} />
        </>
      )}
    </section>
  );
}

/** The erasure: the rules in words, then a confirmation in place where the identity is typed again. */
function Erase({ found, onErased, page }: { found: DataProtectionSearchView; onErased: (view: DataProtectionEraseView) => void; page: PageMessages }) {
  const { t } = useTranslation();
  const { csrfToken } = useStaffSession();
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const [refocus, setRefocus] = useState(0);
  useEffect(() => {
    if (refocus > 0) opener.current?.focus();
  }, [refocus]);
  const erasable = found.appointments.filter((a) => a.onErase === 'erase').length;

  const erase = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    page.start();
    try {
      const view = await eraseDataSubject(csrfToken, found.subject, typed);
      setConfirming(false);
      page.done(t('adminDataProtection.erase.done', { erased: view.erased, kept: view.kept }));
      onErased(view);
    } catch (error) {
      page.fail(
        refusalProblems(
          error,
          t,
          (path) => FIELDS[path.split('.')[0] ?? ''] ?? null,
          (_path, code) => t(`adminDataProtection.errors.${code}`, { defaultValue: t('adminDataProtection.errors.invalid') }),
        ),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h2 className="heading-m">{t('adminDataProtection.erase.title')}</h2>
      <ul className="list list--bullet">
        <li>{t('adminDataProtection.erase.ruleErased')}</li>
        <li>{t('adminDataProtection.erase.ruleHold')}</li>
        <li>{t('adminDataProtection.erase.ruleDelivery')}</li>
        <li>
          {t('adminDataProtection.erase.ruleUnfinished')} <Link to="/staff">{t('adminDataProtection.erase.agendaLink')}</Link>
        </li>
      </ul>
      <p className="body">{t('adminDataProtection.erase.summary', { erasable, kept: found.appointments.length - erasable })}</p>
      {confirming ? (
        <StaffConfirm id="dp-erase-confirm" title={t('adminDataProtection.erase.confirmTitle')}>
          <form onSubmit={(e) => void erase(e)} noValidate>
            <p className="body">{t('adminDataProtection.erase.confirmBody')}</p>
            <TextField
              id="dp-confirmation"
              name="confirmation"
              label={found.confirmWith === 'id_number' ? t('adminDataProtection.erase.typeIdNumber') : t('adminDataProtection.erase.typeEmail')}
              value={typed}
              onChange={setTyped}
              error={page.errorOf('dp-confirmation')}
              autoComplete="off"
              spellCheck={false}
              width="half"
            />
            <div className="button-group">
              <button type="submit" className="button button--warning" aria-disabled={busy}>
                {t('adminDataProtection.erase.confirm')}
              </button>
              <button
                type="button"
                className="button button--secondary"
                onClick={() => {
                  setConfirming(false);
                  setTyped('');
                  setRefocus((n) => n + 1);
                }}
              >
                {t('adminDataProtection.erase.cancel')}
              </button>
            </div>
          </form>
        </StaffConfirm>
      ) : (
        <button ref={opener} type="button" className="button button--warning" onClick={() => setConfirming(true)}>
          {t('adminDataProtection.erase.start')}
        </button>
      )}
    </>
  );
}
